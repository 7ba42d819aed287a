"""RunConfig: everything that defines a run, validated once with messages a user understands.

Saved as config.yaml in every run folder, so `python -m core.train --config runs/<id>/config.yaml`
repeats the run. Fields left as None take the task preset's default for the method, then the method's
(see `resolve`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MAX_PROMPT_LENGTH = 512
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
PROMPT_ENCODERS = ("mlp", "lstm")
PROMPT_INITS = ("random", "vocab", "text")


class ConfigError(ValueError):
    """A config value that cannot work; the message names the field and what is allowed."""


def _help(text: str, default=None, **kw):
    if "default_factory" in kw:
        return field(metadata={"help": text}, **kw)
    return field(default=default, metadata={"help": text})


@dataclass
class RunConfig:
    task: str = _help("preset name (sentiment, nli, ner, qa, qa-v2), a CSV/JSONL/CoNLL file, or a hub "
                      "dataset id such as 'glue/sst2'", "sentiment")
    backbone: str = _help("named backbone (minilm-l6, smollm2-135m) or a hub model id", "minilm-l6")
    method: str = _help("training method; see `python -m core.train --list`", "p-tuning-v2")
    prompt_length: int | None = _help("number of prompt vectors (per layer for deep prompts)")
    reparameterize: bool | None = _help("train prompts through an MLP (prefix-tuning default) "
                                        "or directly (p-tuning-v2 default)")
    prompt_encoder: str = _help("P-tuning prompt encoder: lstm or mlp", "lstm")
    prompt_init: str = _help("shallow prompt init: random, vocab (sampled token embeddings) or text", "random")
    init_text: str = _help("text whose token embeddings start the prompt when prompt_init is 'text'", "")
    init_from: list[str] = _help("soft-prompt transfer: run folders whose trained prompts (averaged) "
                                 "start this prompt", default_factory=list)
    template: int | str = _help("manual-prompt: index of the preset's template, or a template string "
                                "with {text}/{text_a}/{text_b} and {mask}", 0)
    ptuning_template: str | None = _help("P-tuning template: {prompt} slots share prompt_length; literal "
                                         "words are anchor tokens; None takes the preset's")
    tune_backbone: bool = _help("P-tuning: also fine-tune the backbone", False)
    lora_rank: int = _help("LoRA rank", 8)
    lr: float | None = _help("learning rate")
    epochs: float | None = _help("training epochs (ignored when max_steps is set)")
    max_steps: int | None = _help("stop after this many optimizer steps")
    batch_size: int | None = _help("examples per optimizer step, before accumulation")
    grad_accum: int = _help("gradient accumulation steps", 1)
    max_length: int | None = _help("maximum tokens per input")
    doc_stride: int = _help("QA: overlap between windows of a long passage", 64)
    dropout: float | None = _help("dropout on the task head input and on deep prompts")
    warmup_ratio: float = _help("share of steps with linear warm-up", 0.0)
    weight_decay: float = _help("AdamW weight decay", 0.0)
    eval_every: int | None = _help("evaluate every N steps (default: about 10 times per run)")
    seed: int = _help("random seed for data order and initialisation", 42)
    precision: str = _help("auto (bf16 on a GPU that has it, else fp32), fp32, bf16 or fp16", "auto")
    max_train_examples: int | None = _help("use only the first N training examples")
    max_eval_examples: int | None = _help("use only the first N dev examples")
    family: str | None = _help("task family for a user file (classification, tagging, qa); inferred if None")
    out: str = _help("folder that holds run folders", "runs")

    def __post_init__(self):
        def need(ok: bool, message: str):
            if not ok:
                raise ConfigError(message)
        for name in ("task", "backbone", "method"):
            need(isinstance(getattr(self, name), str) and getattr(self, name).strip() != "",
                 f"{name} must be a non-empty name")
        need(self.prompt_length is None or (isinstance(self.prompt_length, int)
                                            and 1 <= self.prompt_length <= MAX_PROMPT_LENGTH),
             f"prompt_length must be a whole number from 1 to {MAX_PROMPT_LENGTH}, got {self.prompt_length!r}")
        need(self.prompt_encoder in PROMPT_ENCODERS,
             f"prompt_encoder must be one of {PROMPT_ENCODERS}, got {self.prompt_encoder!r}")
        need(self.prompt_init in PROMPT_INITS, f"prompt_init must be one of {PROMPT_INITS}, got {self.prompt_init!r}")
        need(self.prompt_init != "text" or self.init_text.strip() != "",
             "prompt_init 'text' needs init_text: the words whose embeddings start the prompt")
        need(self.precision in PRECISIONS, f"precision must be one of {PRECISIONS}, got {self.precision!r}")
        need(self.lr is None or self.lr > 0, f"lr must be positive, got {self.lr}")
        need(self.epochs is None or self.epochs >= 0, f"epochs must be 0 or more, got {self.epochs}")
        need(self.max_steps is None or self.max_steps >= 0, f"max_steps must be 0 or more, got {self.max_steps}")
        need(self.batch_size is None or self.batch_size >= 1, f"batch_size must be at least 1, got {self.batch_size}")
        need(self.grad_accum >= 1, f"grad_accum must be at least 1, got {self.grad_accum}")
        need(self.max_length is None or 16 <= self.max_length <= 4096,
             f"max_length must be from 16 to 4096, got {self.max_length}")
        need(self.doc_stride >= 1, f"doc_stride must be at least 1, got {self.doc_stride}")
        need(self.dropout is None or 0 <= self.dropout < 1, f"dropout must be in [0, 1), got {self.dropout}")
        need(self.lora_rank >= 1, f"lora_rank must be at least 1, got {self.lora_rank}")
        need(self.eval_every is None or self.eval_every >= 1, "eval_every must be at least 1")
        need(self.family in (None, "classification", "tagging", "qa"),
             f"family must be classification, tagging or qa, got {self.family!r}")
        if isinstance(self.init_from, str):
            self.init_from = [self.init_from]

    def replace(self, **changes) -> "RunConfig":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict) -> "RunConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown config keys: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        return cls(**data)

    @classmethod
    def from_yaml(cls, path: str | Path) -> "RunConfig":
        try:
            data = yaml.safe_load(Path(path).read_text()) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ConfigError(f"cannot read config {path}: {error}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"config {path} must be a mapping of keys to values")
        return cls.from_dict(data)

    def cli_command(self) -> str:
        """The equivalent command line (non-default fields only)."""
        defaults = RunConfig()
        parts = ["python -m core.train"]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value == getattr(defaults, f.name) and f.name not in ("task", "backbone", "method"):
                continue
            flag = "--" + f.name.replace("_", "-")
            if isinstance(value, bool):
                parts.append(f"{flag} {str(value).lower()}")
            elif isinstance(value, list):
                parts += [f"{flag} {v}" for v in value]
            elif value is not None:
                text = str(value)
                parts.append(f"{flag} {text!r}" if " " in text or "{" in text else f"{flag} {text}")
        return " ".join(parts)


FALLBACKS = {"prompt_length": 16, "max_length": 128, "dropout": 0.1, "lr": 1e-3, "epochs": 3, "batch_size": 16}
METHOD_DEFAULTS = Path(__file__).resolve().parent.parent / "presets" / "methods.yaml"


def resolve(config: RunConfig, task_defaults: dict[str, dict]) -> RunConfig:
    """Fill every None field: the run's value, else the task preset's for this method, else the
    task preset's `all`, else presets/methods.yaml, else FALLBACKS."""
    method_defaults = yaml.safe_load(METHOD_DEFAULTS.read_text()).get(config.method, {})
    layers = [task_defaults.get(config.method, {}), task_defaults.get("all", {}), method_defaults, FALLBACKS]
    filled = {}
    for f in dataclasses.fields(config):
        if getattr(config, f.name) is None:
            found = next((layer[f.name] for layer in layers if layer.get(f.name) is not None), None)
            if found is not None:
                filled[f.name] = found
    return config.replace(**filled)
