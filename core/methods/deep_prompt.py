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

Two ablation knobs (P-tuning v2, Liu et al., 2022):
  prompt_layers  depth: prompts in only some layers (its Fig. 5: top k vs bottom k). A cache spans every
                 layer under one mask, so a subset goes in as attention prefixes of the chosen layers' self-
                 attention instead; "all" keeps the cache (PEFT's layout). Encoder-decoders: per stack (the
                 same indices in encoder self-, decoder self- and cross-attention).
  head           cls (a new linear [CLS]/last-token head) or verbalizer (the preset's template, its label
                 words scored by the backbone's frozen LM head at [MASK] / the last position).

Positions: the lab hands the input its own positions 0..T-1 under the prefix; layout 'peft' lets the
backbone count them from the cache's length (P..P+T-1), as PEFT and P-tuning v2's code do, with the Auto
classes' heads (core/methods/layout.py), so the run exports as a PREFIX_TUNING adapter (core/export.py).
"""
import torch
from torch import nn
from transformers import DynamicCache

from core.methods.attention_prefix import AttentionPrefixError, attention_modules, set_prefixes, use_prefix_attention
from core.config import prompt_layer_indices
from core.methods.base import MethodError, cloze_for, is_prompt, set_trainable, verbalizer_head
from core.methods.layout import head_for, is_trained_head
from core.model import PromptModel
from core.tasks import family_of


class DeepPrompt(nn.Module):
    sites = None  # the attention modules it is prepended in (`attach`), or None: handed over as a cache

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
        """Attention-site prompts: each attention module (a "layer" here) gets its (kv, n, hd) key and
        value, computed afresh so this step's graph reaches the prompt."""
        kv = self.key_values()  # (L*2, kv, n, hd)
        set_prefixes(self.sites, [(kv[2 * i], kv[2 * i + 1]) for i in range(self.layers)])


def build_deep(config, backbone, task, reparameterize: bool) -> PromptModel:
    if not backbone.supports_deep_prompts:
        raise MethodError(f"{backbone.name} ({backbone.config.model_type}) takes no past key/values, so deep "
                          "prompts cannot be injected; use prompt-tuning, LoRA or a BERT/RoBERTa/Llama-style model")
    # N(0, 1) as in P-tuning v2 on encoders; decoders are wrecked by unit-scale prefixes
    # (PEFT's causal prefix tuning starts at loss ~13), so they start small.
    init_std = 1.0 if backbone.kind == "encoder" else 0.02
    some = backbone.kind != "encoder-decoder" and chosen_layers(config.prompt_layers, backbone.name,
                                                                   backbone.num_layers) is not None
    if backbone.kind == "encoder-decoder" or some:  # a cache spans every layer: a subset goes in by attention
        prompt = attention_prompt(config, backbone, reparameterize, init_std, config.prompt_layers)
    else:
        prompt = DeepPrompt(config.prompt_length, backbone.num_layers, backbone.num_kv_heads, backbone.head_dim,
                            backbone.hidden_size, reparameterize, config.dropout, init_std)
    head, cloze = deep_head(config, backbone, task)
    model = PromptModel(backbone, head, deep_prompt=prompt, cloze=cloze, layout=config.layout)
    # the verbalizer's LM head is the backbone's own (names backbone.*): frozen like the rest of it
    set_trainable(model, lambda n, _: is_prompt(n) or is_trained_head(n))
    return model


def chosen_layers(spec: str | None, name: str, count: int, stack: str = "") -> list[int] | None:
    """The layers of a stack of `count` that prompt_layers `spec` gives prompts; None when that is every layer."""
    try:
        layers = prompt_layer_indices(spec, count)
    except ValueError as error:
        raise MethodError(f"prompt_layers {error}, but {name} has {count} layers{stack}; "
                          f"choose k from 1 to {count} or indices from 0 to {count - 1}") from None
    return None if len(layers) == count else layers


def deep_head(config, backbone, task):
    """-> (head, cloze): the family's plain head, or (head 'verbalizer', P-tuning v2's comparison) the
    LM head reading the preset template's label words, with the template the inputs are written into."""
    if (config.head or "cls") == "cls":
        return head_for(config, backbone, task), None
    family = family_of(task)
    if not (family.cloze and family.head == "sequence"):
        reason = ("it already reads the LM head over the whole vocabulary" if family.head == "vocab"
                  else "its answers are not one label word")
        raise MethodError(f"head 'verbalizer' scores one label word at the mask, so it fits classification tasks; "
                          f"not a {family.name} task ({reason}): use head 'cls' (the family's own head)")
    if not backbone.lm_head_pretrained:
        raise MethodError(f"head 'verbalizer' scores label words with the backbone's pretrained LM head, and "
                          f"{backbone.name} ships none (a new random one would score random words, and it stays "
                          "frozen here); use head 'cls', or a backbone with an LM head (smollm2-135m, a hub masked "
                          "LM such as bert-base-cased)")
    cloze = cloze_for(config, backbone, task)
    return verbalizer_head(backbone, task, cloze), cloze


def attention_prompt(config, backbone, reparameterize: bool, init_std: float, spec: str | None = None) -> DeepPrompt:
    """One prefix per attention module: every one of an encoder-decoder (encoder, decoder, cross), or the
    self-attention of the chosen layers (`spec`: prompt_layers, per stack; None: all)."""
    try:
        sites = attention_modules(backbone.model)
        use_prefix_attention(backbone.model)
    except AttentionPrefixError as error:
        raise MethodError(f"{backbone.name}: deep prompts cannot be placed: {error}") from None
    stacks: dict[str, list] = {}
    for site in sites:  # layer order within a role (attention_modules)
        stacks.setdefault(site.role, []).append(site)
    if backbone.kind != "encoder-decoder" and [len(s) for s in stacks.values()] != [backbone.num_layers]:
        raise MethodError(f"{backbone.name}: found {len(sites)} attention modules for {backbone.num_layers} layers, "
                          "so prompts cannot be placed by layer; use prompt_layers 'all'")
    per_stack = " per stack" if backbone.kind == "encoder-decoder" else ""
    sites = []
    for stack in stacks.values():  # BART/T5: the same indices in encoder self-, decoder self- and cross-attention
        chosen = chosen_layers(spec, backbone.name, len(stack), per_stack)
        sites += stack if chosen is None else [stack[i] for i in chosen]
    if len({(site.kv_heads, site.head_dim) for site in sites}) != 1:
        raise MethodError(f"{backbone.name}: its attention modules differ in head shape; deep prompts need one")
    prompt = DeepPrompt(config.prompt_length, len(sites), sites[0].kv_heads, sites[0].head_dim,
                        backbone.hidden_size, reparameterize, config.dropout, init_std)
    prompt.sites = list(sites)  # a plain list: the backbone's modules are not the prompt's own parameters
    return prompt
