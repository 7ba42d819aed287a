"""Task heads on top of the backbone's hidden states (B, T, H).

sequence: [CLS] on encoders (as P-tuning v2), the last real token on decoders.
token:    one label distribution per token (tagging).
span:     start/end logits per token (extractive QA).
verbalizer: the backbone's own LM head read at [MASK] (or a decoder's last position),
            restricted to the label words: hand-written prompts and P-tuning; over the
            whole vocabulary for knowledge probing (head "vocab").
lm:       the backbone's own next-token logits (generation), asked of the whole language model so
          training scores exactly what `generate` decodes (Gemma's soft-capping, BART's final bias).
"""
from __future__ import annotations

import torch
from torch import nn


def pool_index(kind: str, attention_mask: torch.Tensor) -> torch.Tensor:
    """Position read by a sequence head: 0 ([CLS]) on encoders, last real token on decoders."""
    if kind == "encoder":
        return torch.zeros(attention_mask.shape[0], dtype=torch.long, device=attention_mask.device)
    return attention_mask.sum(dim=1) - 1  # right padding


class SequenceHead(nn.Module):
    def __init__(self, hidden_size: int, num_labels: int, kind: str, dropout: float):
        super().__init__()
        self.kind, self.dropout, self.classifier = kind, nn.Dropout(dropout), nn.Linear(hidden_size, num_labels)

    def forward(self, hidden, batch):
        rows = torch.arange(hidden.shape[0], device=hidden.device)
        pooled = hidden[rows, pool_index(self.kind, batch["attention_mask"])]  # (B, H)
        return {"logits": self.classifier(self.dropout(pooled))}


class TokenHead(nn.Module):
    def __init__(self, hidden_size: int, num_labels: int, dropout: float):
        super().__init__()
        self.dropout, self.classifier = nn.Dropout(dropout), nn.Linear(hidden_size, num_labels)

    def forward(self, hidden, batch):
        return {"logits": self.classifier(self.dropout(hidden))}  # (B, T, C)


class SpanHead(nn.Module):
    def __init__(self, hidden_size: int, dropout: float):
        super().__init__()
        self.dropout, self.qa_outputs = nn.Dropout(dropout), nn.Linear(hidden_size, 2)

    def forward(self, hidden, batch):
        start, end = self.qa_outputs(self.dropout(hidden)).unbind(dim=-1)  # (B, T) each
        return {"start_logits": start, "end_logits": end}


class VerbalizerHead(nn.Module):
    """Label-word logits from the LM head at the cloze position (PET / LM-BFF / P-tuning)."""

    def __init__(self, lm_head: nn.Module, label_word_ids: list[int] | None):
        """label_word_ids None: the whole vocabulary (knowledge probing ranks every token)."""
        super().__init__()
        self.lm_head = lm_head  # shared with the backbone, not copied
        self.register_buffer("label_word_ids", None if label_word_ids is None else torch.tensor(label_word_ids),
                             persistent=False)

    def forward(self, hidden, batch):
        rows = torch.arange(hidden.shape[0], device=hidden.device)
        logits = self.lm_head(hidden[rows, batch["mask_pos"]])  # (B, V) from (B, H) at [MASK]
        return {"logits": logits if self.label_word_ids is None else logits[:, self.label_word_ids]}


class NextToken(nn.Module):
    """Generation's head: no parameters; PromptModel hands it the LM's logits at the positions that
    predict a target token, and the targets themselves."""
    reads_logits = True

    def forward(self, logits, targets):
        return {"logits": logits, "targets": targets}  # (B, K, V), (B, K)


def build_head(family_head: str, backbone, num_labels: int, dropout: float) -> nn.Module:
    if family_head == "lm":
        return NextToken()
    if family_head == "vocab":
        return VerbalizerHead(backbone.lm_head, None)
    if family_head == "sequence":
        return SequenceHead(backbone.hidden_size, num_labels, backbone.kind, dropout)
    if family_head == "token":
        return TokenHead(backbone.hidden_size, num_labels, dropout)
    return SpanHead(backbone.hidden_size, dropout)
