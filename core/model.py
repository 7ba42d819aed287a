"""PromptModel: backbone + what a method adds + a task head, in one forward pass.

A method fills up to three slots, each optional:
  input_prompt   shallow soft prompt inserted into the input embeddings (Prompt Tuning)
  token_prompt   replaces placeholder tokens in a template (P-tuning's prompt encoder)
  deep_prompt    per-layer key/value prefixes (Prefix-tuning, P-tuning v2)
Shallow prompts are cut out of the hidden states before the head, so token tagging and
QA heads stay aligned with the input tokens (PEFT's prompt tuning misaligns them).

Two layouts (RunConfig.layout). lab: a shallow prompt goes after [CLS] on encoders, and deep prompts
leave the input's positions as they are (explicit position_ids 0..T-1). peft: as PEFT and P-tuning v2's
own code place them: a shallow prompt before everything, and deep prompts shift the input's positions by
the prompt length (the backbone counts positions from the cache's length), so a run exports exactly
(core/export.py); its sequence heads are the Auto classes' own (core/methods/layout.py).

Generation (head NextToken) asks the whole language model for its logits instead, and `generate`
decodes with the same prompt in place at every step: a shallow prompt as input embeddings, deep
prefixes as the cache `generate` starts from (decoders) or prepended in their attention modules
(encoder-decoders: encoder, decoder and cross-attention, as in Prefix-tuning; and any backbone whose
prompt sits in only some layers).
"""
from __future__ import annotations

import copy
import inspect

import torch
from torch import nn

from core.tasks.base import IGNORE


class PromptModel(nn.Module):
    def __init__(self, backbone, head: nn.Module, input_prompt: nn.Module | None = None,
                 token_prompt: nn.Module | None = None, deep_prompt: nn.Module | None = None, cloze=None,
                 layout: str = "lab"):
        """cloze: the template + verbalizer the inputs are written into (hand-written prompts,
        P-tuning, BitFit's null prompt), or None for plain inputs read by a task head.
        layout: "lab" or "peft", where prompts sit and which positions the input takes (above)."""
        super().__init__()
        self.layout = layout
        self.backbone = backbone.model  # registered: its parameters are part of this model
        self.kind = backbone.kind
        self.head, self.input_prompt, self.token_prompt, self.deep_prompt = head, input_prompt, token_prompt, deep_prompt
        self.cloze = cloze
        self._body_args = set(inspect.signature(backbone.body.forward).parameters)
        self._cache_argument = backbone.cache_argument  # the keyword deep prefixes go in by
        self.pad_token_id, self.eos_token_id = backbone.tokenizer.pad_token_id, backbone.tokenizer.eos_token_id

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        input_ids, mask = batch["input_ids"], batch["attention_mask"]
        embeds = self.backbone.get_input_embeddings()(input_ids)  # (B, T, H)
        extra = {}
        if "token_type_ids" in batch and "token_type_ids" in self._body_args:
            extra["token_type_ids"] = batch["token_type_ids"]
        if self.token_prompt is not None:
            embeds = self.token_prompt(embeds, batch["prompt_mask"], batch.get("prompt_group"))
        at = n = 0
        if self.input_prompt is not None:
            # lab: after [CLS], so the sequence head still reads [CLS]; peft: first, as PEFT prepends it
            at = 1 if self.kind == "encoder" and self.layout == "lab" else 0
            embeds, mask, extra = self.input_prompt(embeds, mask, extra, at)
            n = self.input_prompt.length
        if self.deep_prompt is not None and self._prompt_sites:
            self.deep_prompt.attach()  # prepended inside its attention modules: no cache, no longer mask
        elif self.deep_prompt is not None:
            batch_size, length = input_ids.shape
            extra[self._cache_argument] = self.deep_prompt(batch_size)
            prefix_mask = torch.ones(batch_size, self.deep_prompt.length, dtype=mask.dtype, device=mask.device)
            mask = torch.cat([prefix_mask, mask], dim=1)  # the mask covers prefix + sequence
            if self.layout == "lab":  # explicit positions: without them every position shifts by the prefix length
                extra["position_ids"] = torch.arange(length, device=input_ids.device).expand(batch_size, -1)
        if getattr(self.head, "reads_logits", False):
            return self._next_token(embeds, mask, extra, batch["labels"], n)
        hidden = self.backbone.base_model(inputs_embeds=embeds, attention_mask=mask, **extra).last_hidden_state
        if n and not getattr(self.head, "pools_prompt", False):  # PEFT's pooled head reads position 0 as it is
            hidden = torch.cat([hidden[:, :at], hidden[:, at + n:]], dim=1)  # drop prompt positions
        return self.head(hidden, batch)

    def _next_token(self, embeds, mask, extra, labels, n: int) -> dict[str, torch.Tensor]:
        """The LM's logits where a target is predicted, and those targets (IGNORE elsewhere)."""
        if self.kind == "encoder-decoder":  # the decoder reads the targets shifted right
            decoder_ids = self.backbone.prepare_decoder_input_ids_from_labels(labels=labels)
            logits = self.backbone(inputs_embeds=embeds, attention_mask=mask, decoder_input_ids=decoder_ids,
                                   **extra).logits  # (B, L, V)
            return self.head(logits, labels)
        # a decoder's position t predicts token t + 1; only the positions some row needs get logits
        # (a 262k vocabulary times every input position would dwarf the model's own activations)
        keep = (labels[:, 1:] != IGNORE).any(dim=0).nonzero().squeeze(-1)  # (K,)
        logits = self.backbone(inputs_embeds=embeds, attention_mask=mask, logits_to_keep=keep + n, **extra).logits
        return self.head(logits, labels[:, 1:][:, keep])

    @torch.no_grad()
    def generate(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, max_new_tokens: int = 64,
                 num_beams: int = 1, repetition_penalty: float = 1.0, streamer=None) -> torch.Tensor:
        """New tokens for each input (B, new), decoded by `transformers`' generate with this model's
        prompt in place. Decoder inputs come padded on the left, encoder-decoder inputs on the right."""
        config = copy.deepcopy(self.backbone.generation_config)
        config.update(max_new_tokens=max_new_tokens, num_beams=num_beams, repetition_penalty=repetition_penalty,
                      do_sample=False, temperature=None, top_p=None, top_k=None, pad_token_id=self.pad_token_id,
                      eos_token_id=self.eos_token_id)
        options = {"generation_config": config, "streamer": streamer}
        embeds, mask = self.backbone.get_input_embeddings()(input_ids), attention_mask
        if self.input_prompt is not None:  # at 0: positions from the mask run prompt, then input, as in training
            embeds, mask, _ = self.input_prompt(embeds, mask, {}, 0)
        if self.kind == "encoder-decoder" or self._prompt_sites:
            if self.deep_prompt is not None:
                self.deep_prompt.attach()
            return self.backbone.generate(inputs_embeds=embeds, attention_mask=mask, **options)
        if self.deep_prompt is None:  # with inputs_embeds, generate returns the new tokens only
            return self.backbone.generate(inputs_embeds=embeds, attention_mask=mask, **options)
        # deep prefixes: the cache generate starts from (one row per beam), the mask covers prefix + input,
        # and positions count real tokens from 0 as in training (left padding sits at 0, masked), from the
        # prompt length under PEFT's layout
        batch = input_ids.shape[0]
        positions = (mask.cumsum(dim=-1) - 1).clamp(min=0) + (self.deep_prompt.length if self.layout == "peft" else 0)
        mask = torch.cat([mask.new_ones(batch, self.deep_prompt.length), mask], dim=1)
        out = self.backbone.generate(input_ids=input_ids, attention_mask=mask, position_ids=positions,
                                     **{self._cache_argument: self.deep_prompt(batch * num_beams)}, **options)
        return out[:, input_ids.shape[1]:]

    @property
    def _prompt_sites(self) -> bool:
        """The deep prompt is prepended inside attention modules (encoder-decoders, or only some layers
        prompted: core/methods/deep_prompt.py), not handed over as a cache."""
        return getattr(self.deep_prompt, "sites", None) is not None

    def trainable_state_dict(self) -> dict[str, torch.Tensor]:
        """Only what training changed (the prompt, the head, the trained backbone parts), as copies:
        on CPU `.cpu()` would share the live weights, and a kept 'best' state would keep changing.
        Also the frozen parts the run fixed for itself outside the backbone (modules marked `saved_frozen`:
        PEFT's layout's pooler), without which the run's outputs could not be rebuilt or exported."""
        kept = {f"{prefix}.{name}" for prefix, module in self.named_modules() if getattr(module, "saved_frozen", False)
                for name, _ in module.named_parameters()}
        return {name: p.detach().cpu().clone().contiguous() for name, p in self.named_parameters()
                if p.requires_grad or name in kept}

    def load_trainable(self, state: dict[str, torch.Tensor]) -> None:
        own = dict(self.named_parameters())
        unknown = sorted(set(state) - set(own))
        if unknown:
            raise ValueError(f"saved parameters do not fit this model: {unknown[:3]}")
        with torch.no_grad():
            for name, value in state.items():
                if own[name].shape != value.shape:
                    raise ValueError(f"{name}: saved shape {tuple(value.shape)} != model {tuple(own[name].shape)}")
                own[name].copy_(value)


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(trainable, total), shared (tied) tensors counted once."""
    seen, trainable, total = set(), 0, 0
    for p in model.parameters():
        if id(p) in seen:
            continue
        seen.add(id(p))
        total += p.numel()
        trainable += p.numel() if p.requires_grad else 0
    return trainable, total


def format_share(trainable: int, total: int) -> str:
    """'0.41% of 22.7M' — the figure shown before every run."""
    def short(n: int) -> str:
        for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
            if n >= size:
                return f"{n / size:.1f}{unit}"
        return str(n)
    share = 100 * trainable / total if total else 0.0
    digits = 2 if share < 10 else 1
    return f"{share:.{digits}f}% of {short(total)}"
