"""P-tuning (Liu et al., 2021, "GPT Understands, Too"): pseudo-prompt tokens placed in a
template, produced by a prompt encoder (bi-LSTM + MLP as in the paper, or an MLP), with
optional anchor tokens (literal words in the template such as "?"). The label word is read
at [MASK] through a verbalizer. The backbone is frozen unless tune_backbone is set.
"""
import torch
from torch import nn

from core.methods.base import (MethodSpec, cloze_for, fresh_lm_head, is_prompt, register,
                               set_trainable, verbalizer_head)
from core.model import PromptModel

DEFAULT_TEMPLATE = "{prompt} {text} {prompt} {mask}"
DEFAULT_PAIR_TEMPLATE = "{prompt} {text} ? {prompt} {text_b} {prompt} {mask}"


class PromptEncoder(nn.Module):
    """(n, H) trainable inputs -> (n, H) pseudo-token embeddings, reparameterised so the
    tokens are not independent (the paper's fix for discrete, poorly-conditioned prompts)."""

    def __init__(self, length: int, hidden: int, kind: str, groups: int = 1):
        """groups: independent prompts selected per row by `prompt_group` (probing: one a relation,
        as the paper trains one prompt per relation)."""
        super().__init__()
        self.length, self.kind, self.groups = length, kind, groups
        self.inputs = nn.Embedding(groups * length, hidden)
        if kind == "lstm":
            self.lstm = nn.LSTM(hidden, hidden // 2, num_layers=2, bidirectional=True, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, hidden))

    def prompts(self) -> torch.Tensor:
        x = self.inputs.weight.view(self.groups, self.length, -1)  # (G, n, H)
        if self.kind == "lstm":
            x = self.lstm(x)[0]
        return self.mlp(x)  # (G, n, H)

    def forward(self, embeds, prompt_mask, group=None):
        slots = prompt_mask.bool()  # (B, T), exactly n True per row
        prompts = self.prompts().to(embeds.dtype)
        rows = prompts[group] if group is not None else prompts[0].expand(embeds.shape[0], -1, -1)  # (B, n, H)
        filled = torch.zeros_like(embeds)
        filled[slots] = rows.reshape(-1, rows.shape[-1])
        return torch.where(slots.unsqueeze(-1), filled, embeds)


def template_for(config, task) -> str:
    if config.ptuning_template:
        return config.ptuning_template
    if task.ptuning_template:
        return task.ptuning_template
    return DEFAULT_PAIR_TEMPLATE if task.train and "text_b" in task.train[0] else DEFAULT_TEMPLATE


def build(config, backbone, task) -> PromptModel:
    cloze = cloze_for(config, backbone, task, template=template_for(config, task),
                      prompt_length=config.prompt_length)
    encoder = PromptEncoder(config.prompt_length, backbone.hidden_size, config.prompt_encoder,
                            getattr(cloze, "groups", 1))
    model = PromptModel(backbone, verbalizer_head(backbone, task, cloze), token_prompt=encoder, cloze=cloze)
    fresh = fresh_lm_head(backbone)
    set_trainable(model, lambda n, _: is_prompt(n) or n in fresh
                  or (config.tune_backbone and n.startswith("backbone.")))
    return model


SPEC = register(MethodSpec(
    "p-tuning", "pseudo-prompt tokens in a template via an LSTM/MLP prompt encoder, verbalizer at [MASK]", build,
    knobs=("prompt_length", "prompt_encoder", "tune_backbone", "ptuning_template", "verbalizer", "init_from"),
    cloze_only=True,
    unsupported_reason="P-tuning fills a cloze template scored through label words; tagging and QA answers and "
                       "generated texts are not one word (use prompt-tuning or p-tuning-v2, which have token and "
                       "span heads and generate; prefix-tuning for generation)"))
