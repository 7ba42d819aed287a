"""Deep prompts: trainable key/value prefixes in every attention layer.

Shared by Prefix-tuning (Li & Liang, 2021: MLP reparameterisation) and P-tuning v2
(Liu et al., 2022: no reparameterisation by default). As in P-tuning v2's
`model/prefix_encoder.py`, the prompt is an embedding of size n x (layers * 2 * kv_dim),
optionally produced from an n x H embedding through a two-layer tanh MLP. The prefixes are
handed to the backbone as a fresh `DynamicCache` each step, which works for BERT-style
encoders and grouped-query decoders alike (the cache is mutated by a forward pass).
Encoder-decoders (BART, T5) take one prefix per attention module instead — encoder self-attention,
decoder self-attention and cross-attention, as Prefix-tuning does — prepended inside the attention
function (core/methods/attention_prefix.py); `attach()` hands each module its slice.
"""
import torch
from torch import nn
from transformers import DynamicCache

from core.methods.attention_prefix import AttentionPrefixError, attention_modules, set_prefixes, use_prefix_attention
from core.methods.base import MethodError, is_head, is_prompt, set_trainable, task_head
from core.model import PromptModel


class DeepPrompt(nn.Module):
    def __init__(self, length: int, layers: int, kv_heads: int, head_dim: int, hidden: int,
                 reparameterize: bool, dropout: float, init_std: float):
        super().__init__()
        self.length, self.layers, self.kv_heads, self.head_dim = length, layers, kv_heads, head_dim
        width = layers * 2 * kv_heads * head_dim
        if reparameterize:
            self.embedding = nn.Embedding(length, hidden)
            self.mlp = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, width))
        else:
            self.embedding = nn.Embedding(length, width)
            nn.init.normal_(self.embedding.weight, std=init_std)
            self.mlp = None
        self.dropout = nn.Dropout(dropout)

    def key_values(self) -> torch.Tensor:
        x = self.embedding.weight  # (n, H) or (n, width)
        if self.mlp is not None:
            x = self.mlp(x)
        # (n, L*2*kv*hd) -> (L*2, kv, n, hd)
        x = x.view(self.length, self.layers * 2, self.kv_heads, self.head_dim).permute(1, 2, 0, 3)
        return self.dropout(x)

    def forward(self, batch_size: int) -> DynamicCache:
        kv = self.key_values().unsqueeze(1).expand(-1, batch_size, -1, -1, -1)  # (L*2, B, kv, n, hd)
        return DynamicCache(ddp_cache_data=[(kv[2 * i], kv[2 * i + 1]) for i in range(self.layers)])

    def attach(self) -> None:
        """Encoder-decoders: each attention module (a "layer" here) gets its (kv, n, hd) key and value,
        computed afresh so this step's graph reaches the prompt."""
        kv = self.key_values()  # (L*2, kv, n, hd)
        set_prefixes(self.sites, [(kv[2 * i], kv[2 * i + 1]) for i in range(self.layers)])


def build_deep(config, backbone, task, reparameterize: bool) -> PromptModel:
    if not backbone.supports_deep_prompts:
        raise MethodError(f"{backbone.name} ({backbone.config.model_type}) takes no past key/values, so deep "
                          "prompts cannot be injected; use prompt-tuning, LoRA or a BERT/RoBERTa/Llama-style model")
    # N(0, 1) as in P-tuning v2 on encoders; decoders are wrecked by unit-scale prefixes
    # (PEFT's causal prefix tuning starts at loss ~13), so they start small.
    init_std = 1.0 if backbone.kind == "encoder" else 0.02
    if backbone.kind == "encoder-decoder":
        prompt = attention_prompt(config, backbone, reparameterize, init_std)
    else:
        prompt = DeepPrompt(config.prompt_length, backbone.num_layers, backbone.num_kv_heads, backbone.head_dim,
                            backbone.hidden_size, reparameterize, config.dropout, init_std)
    model = PromptModel(backbone, task_head(config, backbone, task), deep_prompt=prompt)
    set_trainable(model, lambda n, _: is_prompt(n) or is_head(n))
    return model


def attention_prompt(config, backbone, reparameterize: bool, init_std: float) -> DeepPrompt:
    """One prefix per attention module of an encoder-decoder (encoder, decoder, cross)."""
    try:
        sites = attention_modules(backbone.model)
        use_prefix_attention(backbone.model)
    except AttentionPrefixError as error:
        raise MethodError(f"{backbone.name}: deep prompts cannot be placed: {error}") from None
    if len({(site.kv_heads, site.head_dim) for site in sites}) != 1:
        raise MethodError(f"{backbone.name}: its attention modules differ in head shape; deep prompts need one")
    prompt = DeepPrompt(config.prompt_length, len(sites), sites[0].kv_heads, sites[0].head_dim,
                        backbone.hidden_size, reparameterize, config.dropout, init_std)
    prompt.sites = list(sites)  # a plain list: the backbone's modules are not the prompt's own parameters
    return prompt
