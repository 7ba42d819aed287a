"""PEFT's layout (RunConfig.layout 'peft'): the task heads transformers' Auto classes compute, so a run
trained this way is exactly what `PeftModel.from_pretrained(AutoModelFor<Task>..., adapter)` computes
(core/export.py writes the adapter; core/model.py places the prompts and positions).

What changes against the lab's own layout, for the head (the prompt side is PromptModel's):
  sequence, encoder  BertForSequenceClassification reads its pooler (dense + tanh) at position 0, then a
                     linear classifier. The pooler is frozen, as in P-tuning v2's own code and in PEFT (only
                     the classifier trains): the checkpoint's pretrained pooler when it ships one (MiniLM and
                     bert-base do), else transformers' initialisation drawn from the run's seed. It is saved
                     with the run (PromptModel.trainable_state_dict) and exported through modules_to_save.
                     Under a shallow prompt, position 0 is the first prompt vector (PEFT puts the prompt
                     before [CLS]), so this head reads the hidden states before the prompt is cut out.
  sequence, decoder  *ForSequenceClassification's `score` has no bias; it reads the last real token.
  token, span        the same as the lab's (a linear classifier with bias, `qa_outputs`).
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import safe_open
from torch import nn

from core.methods.base import MethodError, is_head, task_head
from core.tasks import family_of

POOLED_ENCODERS = ("bert",)  # model types whose *ForSequenceClassification is pooler + dropout + classifier


class Pooler(nn.Module):
    """BertPooler's weights (dense), kept with the run although frozen: `saved_frozen` (PromptModel)."""
    saved_frozen = True

    def __init__(self, hidden_size: int):
        super().__init__()
        self.dense = nn.Linear(hidden_size, hidden_size)

    def forward(self, first: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.dense(first))  # (B, H)


class PooledSequenceHead(nn.Module):
    """BertForSequenceClassification's head: pooler at position 0 -> dropout -> classifier."""
    pools_prompt = True  # PromptModel hands it the hidden states with any shallow prompt still in them

    def __init__(self, hidden_size: int, num_labels: int, dropout: float):
        super().__init__()
        self.pooler = Pooler(hidden_size)
        self.dropout, self.classifier = nn.Dropout(dropout), nn.Linear(hidden_size, num_labels)

    def forward(self, hidden, batch):
        return {"logits": self.classifier(self.dropout(self.pooler(hidden[:, 0])))}


def is_trained_head(name: str, _=None) -> bool:
    """The head's trainable part: the classifier, never the frozen pooler."""
    return is_head(name) and not name.startswith("head.pooler.")


def head_for(config, backbone, task) -> nn.Module:
    """The family's head in the run's layout (the lab's `task_head`, or the one transformers' Auto class has)."""
    head = task_head(config, backbone, task)
    if config.layout != "peft" or family_of(task).head != "sequence":
        return head
    if backbone.kind == "decoder":  # GenericForSequenceClassification: nn.Linear(hidden, labels, bias=False)
        head.classifier = nn.Linear(backbone.hidden_size, head.classifier.out_features, bias=False)
        return head
    model_type = backbone.config.model_type
    if model_type not in POOLED_ENCODERS:
        raise MethodError(f"layout 'peft' on a {model_type} encoder: the lab reproduces the classification head of "
                          f"BERT-style encoders only ({', '.join(POOLED_ENCODERS)}: pooler + classifier), not "
                          f"{model_type}'s; use layout 'lab' (its runs do not export to PEFT) or a BERT model")
    pooled = PooledSequenceHead(backbone.hidden_size, head.classifier.out_features, config.dropout)
    weights = backbone.model.get_input_embeddings().weight
    if not weights.is_meta:  # a preview builds on the meta device: shapes only
        with torch.no_grad():
            pooled.classifier.load_state_dict(head.classifier.state_dict())  # the lab's own initialisation
            dense = pretrained_pooler(backbone) or seeded_pooler(backbone, config.seed)
            pooled.pooler.dense.weight.copy_(dense[0])
            pooled.pooler.dense.bias.copy_(dense[1])
    return pooled


def seeded_pooler(backbone, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """transformers' initialisation of a pooler (normal(0, initializer_range), bias 0), from the run's seed alone."""
    hidden, std = backbone.hidden_size, getattr(backbone.config, "initializer_range", 0.02)
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(hidden, hidden, generator=generator) * std, torch.zeros(hidden)


def pretrained_pooler(backbone) -> tuple[torch.Tensor, torch.Tensor] | None:
    """The checkpoint's own pooler (a local folder or a cached hub snapshot, safetensors), or None.
    The lab loads encoders as masked LMs, which drop it, so it is read from the file by name."""
    file_names = checkpoint_files(str(backbone.model.name_or_path or ""))
    prefix = backbone.model.base_model_prefix
    wanted = [(f"{p}pooler.dense.weight", f"{p}pooler.dense.bias") for p in ("", f"{prefix}.")]
    for file in file_names:
        with safe_open(str(file), "pt") as f:
            keys = set(f.keys())
            for weight, bias in wanted:
                if weight in keys and bias in keys:
                    return f.get_tensor(weight).float(), f.get_tensor(bias).float()
    return None


def checkpoint_files(source: str) -> list[Path]:
    """The safetensors files of a local model folder or of a hub id already in the local cache (none read
    from the network: the backbone was loaded, so they are there if it has them)."""
    if not source:
        return []
    folder = Path(source)
    if not folder.is_dir():
        from huggingface_hub import try_to_load_from_cache
        found = [try_to_load_from_cache(source, name) for name in ("model.safetensors", "model.safetensors.index.json")]
        found = [Path(f) for f in found if isinstance(f, str)]
        if not found:
            return []
        folder = found[0].parent
    index = folder / "model.safetensors.index.json"
    if index.is_file():
        shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        return [folder / shard for shard in shards if (folder / shard).is_file()]
    return [folder / "model.safetensors"] if (folder / "model.safetensors").is_file() else []
