"""Attention prefixes: trainable key/value prefixes in any attention layer, encoder-decoders included.

Prefix-tuning (Li & Liang, 2021) on BART/T5 prefixes three kinds of attention: encoder self-attention,
decoder self-attention and decoder cross-attention. A `DynamicCache` prefix (core/methods/deep_prompt.py)
cannot: encoders take no cache, and a filled cross-attention cache *replaces* the encoder's keys.
Here the attention function itself is wrapped. Transformers 5 layers call
`ALL_ATTENTION_FUNCTIONS.get_interface(config._attn_implementation, eager_attention_forward)` with
key/value (B, kv_heads, T, hd); under the names "prefix_sdpa" / "prefix_eager" that call lands in
`_prefixed_attention`, which prepends the module's prefix to key, value, mask (and T5's position bias)
and hands over to the original sdpa / eager function. The prefix never enters the KV cache, so
`generate` (greedy or beam search, any batch) works unchanged.

    sites = attention_modules(model)    # [(role, module)], role: "encoder" | "decoder" | "cross"
    use_prefix_attention(model)
    set_prefixes(sites, [(k, v), ...])  # each (kv_heads, P, head_dim), autograd graph kept
    loss = model(**batch).loss          # set them again after each optimizer step; None detaches

Limits: sdpa and eager only (flash attention takes no 4D mask, flex attention a BlockMask); T5's
relative position bias is 0 on prefix columns; no continuous batching (its paged cache is written
inside sdpa); a model with prefixes attached cannot be deep-copied (detach them first).
"""
from __future__ import annotations

import functools
import inspect
import re
import sys
from typing import NamedTuple

import torch
from torch import nn
from transformers import AttentionInterface, AttentionMaskInterface
from transformers.masking_utils import eager_mask, sdpa_mask
from transformers.modeling_utils import ALL_ATTENTION_FUNCTIONS

PREFIX = "prefix_"
MASKS = {"sdpa": sdpa_mask, "eager": eager_mask}  # the wrappable implementations and their masks
ROLES = ("encoder", "decoder", "cross")
CROSS_NAMES = re.compile(r"cross|encdec|encoder_attn", re.IGNORECASE)  # BART encoder_attn, T5 EncDecAttention


class AttentionPrefixError(ValueError):
    """A model or prefix the mechanism cannot handle; the message says why."""


class AttentionSite(NamedTuple):
    """One attention module and its role; the prefix it takes is (kv_heads, P, head_dim)."""
    role: str
    module: nn.Module

    @property
    def head_dim(self) -> int:
        for attr in ("head_dim", "key_value_proj_dim", "attention_head_size"):  # Llama/BART, T5, BERT
            if isinstance(getattr(self.module, attr, None), int):
                return getattr(self.module, attr)
        raise AttentionPrefixError(f"{type(self.module).__name__}: cannot tell its head size")

    @property
    def kv_heads(self) -> int:
        for attr in ("k_proj", "k", "key"):  # the key projection: out_features = kv_heads * head_dim (GQA too)
            if isinstance(getattr(self.module, attr, None), nn.Linear):
                return getattr(self.module, attr).out_features // self.head_dim
        raise AttentionPrefixError(f"{type(self.module).__name__}: cannot find its key projection")


@functools.cache
def _uses_interface(cls: type) -> bool:
    try:
        return "ALL_ATTENTION_FUNCTIONS" in inspect.getsource(cls.forward)
    except (OSError, TypeError):
        return False


def attention_modules(model: nn.Module) -> list[AttentionSite]:
    """Every attention module that goes through the AttentionInterface, with its role: encoder layers,
    then decoder self-attention, then cross-attention, each by layer."""
    sites = []
    for name, module in model.named_modules():
        if _uses_interface(type(module)):
            role = "decoder" if getattr(module, "is_causal", False) else "encoder"
            sites.append(AttentionSite("cross" if CROSS_NAMES.search(name) else role, module))
    if not sites:
        raise AttentionPrefixError(f"{type(model).__name__} computes attention without transformers' "
                                   "AttentionInterface, so attention prefixes cannot be attached; "
                                   "use a BART, T5 or Llama-style model")
    return sorted(sites, key=lambda site: ROLES.index(site.role))  # stable: layer order within a role


def use_prefix_attention(model: nn.Module) -> None:
    """Route the whole model's attention (sub-models' configs included) through the prefix wrapper.
    Idempotent; numerically a no-op until prefixes are set."""
    current = model.config._attn_implementation
    target = current if current.startswith(PREFIX) else PREFIX + current
    if target != current:
        if current not in MASKS:
            raise AttentionPrefixError(f"attention prefixes need sdpa or eager attention, not '{current}'; "
                                       "load the model with attn_implementation='sdpa'")
        # set_attn_implementation walks every sub-model's config (T5 keeps separate encoder/decoder copies)
        model.set_attn_implementation(target)
    used = {site.module.config._attn_implementation for site in attention_modules(model)}
    if stale := used - {target}:  # also catches a model that refused the switch (it only logs a warning)
        raise AttentionPrefixError(f"some attention layers still use {sorted(stale)}; cannot switch them to prefixes")


def set_prefixes(sites: list[AttentionSite], kv: list[tuple[torch.Tensor, torch.Tensor]] | None) -> None:
    """Attach each site's (key, value) prefix, each (kv_heads, P, head_dim), or detach all with None.
    The tensors are used as given (graph kept), so compute them from the trainable module each step."""
    if kv is None:
        for site in sites:
            site.module.attention_prefix = None
        return
    kv = list(kv)
    if len(kv) != len(sites):
        raise AttentionPrefixError(f"{len(kv)} prefixes for {len(sites)} attention modules")
    for site, (key, value) in zip(sites, kv):
        want = (site.kv_heads, site.head_dim)
        if key.dim() != 3 or key.shape != value.shape or (key.shape[0], key.shape[2]) != want:
            raise AttentionPrefixError(f"{site.role} prefix: key {tuple(key.shape)} / value {tuple(value.shape)}, "
                                       f"expected (kv_heads={want[0]}, P, head_dim={want[1]})")
        site.module.attention_prefix = (key, value)


def _pad_left(x: torch.Tensor, n: int) -> torch.Tensor:
    """n leading 'attend' columns: True on a bool mask, 0 on an additive mask or a position bias."""
    return torch.cat([x.new_full((*x.shape[:-1], n), x.dtype == torch.bool), x], dim=-1)


def _prefixed_attention(base: str, module: nn.Module, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                        attention_mask: torch.Tensor | None = None, **kwargs):
    if base == "sdpa":
        original = ALL_ATTENTION_FUNCTIONS["sdpa"]
    else:  # the model's own eager function: the one it passes to get_interface as the default (T5's adds the bias)
        original = getattr(sys.modules[type(module).__module__], "eager_attention_forward", None)
        if original is None:
            raise AttentionPrefixError(f"{type(module).__name__}: its module defines no eager_attention_forward")
    prefix = getattr(module, "attention_prefix", None)
    if prefix is None:
        return original(module, query, key, value, attention_mask, **kwargs)
    if kwargs.get("cache") is not None:  # a paged cache is written inside sdpa: it would store the prefix
        raise AttentionPrefixError("attention prefixes do not work with continuous batching (paged cache)")

    batch, q_len, kv_len = key.shape[0], query.shape[2], key.shape[2]
    # (kv_heads, P, hd) -> (B, kv_heads, P, hd): B read at call time, so beam search's B * beams just works
    pk, pv = (t.to(key).unsqueeze(0).expand(batch, -1, -1, -1) for t in prefix)
    n = pk.shape[2]
    if attention_mask is None:
        is_causal = kwargs.get("is_causal")
        is_causal = getattr(module, "is_causal", True) if is_causal is None else is_causal  # as sdpa decides
        if is_causal and q_len > 1:
            # sdpa's is_causal (upper-left) over the module's own keys; over prefix + keys it would hide keys
            allowed = torch.ones(q_len, kv_len, dtype=torch.bool, device=query.device).tril()[None, None]
            additive = torch.zeros(allowed.shape, dtype=query.dtype, device=query.device)
            attention_mask = allowed if base == "sdpa" else additive.masked_fill(~allowed, torch.finfo(query.dtype).min)
    if attention_mask is not None:
        attention_mask = _pad_left(attention_mask, n)  # (B or 1, 1 or heads, q, P + kv)
    if kwargs.get("position_bias") is not None:  # T5: no relative position for prefix columns
        kwargs["position_bias"] = _pad_left(kwargs["position_bias"], n)
    return original(module, query, torch.cat([pk, key], dim=2), torch.cat([pv, value], dim=2), attention_mask, **kwargs)


for _base, _mask in MASKS.items():  # registering twice just overwrites: idempotent
    AttentionInterface.register(PREFIX + _base, functools.partial(_prefixed_attention, _base))
    AttentionMaskInterface.register(PREFIX + _base, _mask)
