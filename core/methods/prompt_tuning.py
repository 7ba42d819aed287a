"""Prompt Tuning (Lester et al., 2021): a shallow soft prompt in the input embeddings, frozen model.

Unlike PEFT, the prompt goes after [CLS] on encoders (so the [CLS] head still reads [CLS],
as in P-tuning v2's shallow baseline) and its positions are cut out of the hidden states
before the head, so token tagging and QA heads stay aligned with the input tokens. With layout
'peft' it goes first and the sequence head is the Auto class's, as PEFT has them (core/methods/layout.py),
so the run exports as a PROMPT_TUNING adapter (core/export.py).
Init: random, vocab (embeddings of sampled frequent tokens) or text (embeddings of init_text).
"""
import torch
from torch import nn

from core.methods.base import MethodSpec, is_prompt, register, set_trainable
from core.methods.layout import head_for, is_trained_head
from core.model import PromptModel


class InputPrompt(nn.Module):
    def __init__(self, init: torch.Tensor):
        super().__init__()
        self.embedding = nn.Parameter(init.clone())  # (n, H)
        self.length = init.shape[0]

    def forward(self, embeds, mask, extra, at: int):
        batch = embeds.shape[0]
        prompt = self.embedding.to(embeds.dtype).expand(batch, -1, -1)
        embeds = torch.cat([embeds[:, :at], prompt, embeds[:, at:]], dim=1)
        mask = torch.cat([mask[:, :at], mask.new_ones(batch, self.length), mask[:, at:]], dim=1)
        if "token_type_ids" in extra:
            types = extra["token_type_ids"]
            extra = {**extra, "token_type_ids": torch.cat(
                [types[:, :at], types.new_zeros(batch, self.length), types[:, at:]], dim=1)}
        return embeds, mask, extra


def initial_prompt(config, backbone) -> torch.Tensor:
    table = backbone.model.get_input_embeddings().weight.detach()  # (V, H)
    n = config.prompt_length
    generator = torch.Generator().manual_seed(config.seed)
    if config.prompt_init == "vocab":  # Lester et al.: sample from the 5,000 most common tokens
        return table[torch.randint(0, min(5000, table.shape[0]), (n,), generator=generator)]
    if config.prompt_init == "text":
        ids = backbone.tokenizer(config.init_text, add_special_tokens=False).input_ids
        return table[torch.tensor((ids * (n // len(ids) + 1))[:n])]
    return torch.randn(n, table.shape[1], generator=generator) * table.std()


def build(config, backbone, task) -> PromptModel:
    model = PromptModel(backbone, head_for(config, backbone, task),
                        input_prompt=InputPrompt(initial_prompt(config, backbone)), layout=config.layout)
    set_trainable(model, lambda n, _: is_prompt(n) or is_trained_head(n))
    return model


SPEC = register(MethodSpec(
    "prompt-tuning", "shallow soft prompt on the input embeddings, frozen backbone", build,
    knobs=("prompt_length", "prompt_init", "init_text", "init_from", "layout")))  # its positions: config.check_for_backbone
