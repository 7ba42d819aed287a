"""RunConfig: everything that defines a run, validated once with messages a user understands.

Saved as config.yaml in every run folder, so `python -m core.train --config runs/<id>/config.yaml`
repeats the run. Fields left as None take the task preset's default for the method, then the method's
(see `resolve`).
"""
from __future__ import annotations

import dataclasses
import functools
import math
import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from core.tasks import FAMILIES

MAX_PROMPT_LENGTH = 512
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
PROMPT_ENCODERS = ("mlp", "lstm")
PROMPT_INITS = ("random", "vocab", "text")
HEADS = ("cls", "verbalizer")  # deep prompts on classification: P-tuning v2's [CLS] head vs the LM head at [MASK]
# Where prompts sit and what the head reads (core/methods/layout.py): the lab's own way, or PEFT's, which
# `python -m core.export --format peft` reproduces exactly. Only these methods have a PEFT adapter format.
LAYOUTS = ("lab", "peft")
LAYOUT_METHODS = ("prompt-tuning", "prefix-tuning", "p-tuning-v2", "lora")
MAX_SEED = 2**32 - 1  # numpy's seed range (set_seed seeds numpy too)
# Numeric fields: (whole number?, allowed, what the message says is allowed). A field typed
# `... | None` may also be None (unset: the preset's default, or "all" for the example counts).
NUMBERS = {
    "prompt_length": (True, lambda v: 1 <= v <= MAX_PROMPT_LENGTH, f"a whole number from 1 to {MAX_PROMPT_LENGTH}"),
    "lora_rank": (True, lambda v: v >= 1, "a whole number, at least 1"),
    "lr": (False, lambda v: v > 0, "positive (a number above 0)"),
    "epochs": (False, lambda v: v >= 0, "a finite number, 0 or more"),
    "max_steps": (True, lambda v: v >= 0, "a whole number, 0 or more"),
    "batch_size": (True, lambda v: v >= 1, "a whole number, at least 1"),
    "grad_accum": (True, lambda v: v >= 1, "a whole number, at least 1"),
    "max_length": (True, lambda v: 16 <= v <= 4096, "a whole number from 16 to 4096"),
    "doc_stride": (True, lambda v: v >= 1, "a whole number, at least 1"),
    "dropout": (False, lambda v: 0 <= v < 1, "a number in [0, 1)"),
    "warmup_ratio": (False, lambda v: 0 <= v <= 1, "a number in [0, 1]"),
    "weight_decay": (False, lambda v: v >= 0, "a number, 0 or more"),
    "eval_every": (True, lambda v: v >= 1, "a whole number, at least 1"),
    "seed": (True, lambda v: 0 <= v <= MAX_SEED, f"a whole number from 0 to {MAX_SEED}"),
    "max_train_examples": (True, lambda v: v >= 1, "a whole number, at least 1 (unset to use all)"),
    "max_eval_examples": (True, lambda v: v >= 1, "a whole number, at least 1 (unset to use all)"),
    "eval_sample": (True, lambda v: v >= 1, "a whole number, at least 1 (unset to evaluate on the whole dev set)"),
    "max_new_tokens": (True, lambda v: 1 <= v <= 1024, "a whole number from 1 to 1024"),
    "num_beams": (True, lambda v: 1 <= v <= 16, "a whole number from 1 (greedy) to 16"),
    "repetition_penalty": (False, lambda v: 1 <= v <= 10, "a number from 1 (off) to 10"),
    "sampling_temperature": (False, lambda v: v > 0, "a positive number (1 = proportional; larger evens the tasks out)"),
}
# Methods whose prompt vectors are inserted into the input sequence (core/model.py's input_prompt),
# so they occupy positions beyond max_length. P-tuning's pseudo tokens fill {prompt} slots inside
# the template and are truncated into max_length (core/tasks/cloze.py); deep prompts are past
# key/values with explicit position_ids, so they take no positions.
POSITION_TAKING_METHODS = ("prompt-tuning",)
STEP_WARNING = 100_000
# Multi-task training (P-tuning v2's MPT-2): methods whose one prompt can be shared by every task, each task
# reading it through its own head (core/multitask.py)
MULTITASK_METHODS = ("p-tuning-v2", "prefix-tuning", "prompt-tuning")
TASK_SAMPLINGS = ("proportional", "temperature")
MAX_STEPS_VARIABLE = "PROMPT_LAB_MAX_TOTAL_STEPS"
DEFAULT_MAX_TOTAL_STEPS = 1_000_000


class ConfigError(ValueError):
    """A config value that cannot work; the message names the field and what is allowed."""


def parse_verbalizer(text: str) -> dict[str, str]:
    """'negative: terrible, positive: great' (or a JSON object) -> {label: word}."""
    import json
    text = text.strip()
    try:
        if text.startswith("{"):
            mapping = json.loads(text)
        else:
            pairs = [part.split(":", 1) for part in text.split(",") if part.strip()]
            mapping = {label.strip(): word.strip() for label, word in pairs}
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not mapping:
        raise ConfigError(f"verbalizer must map each label to its word, e.g. 'negative: terrible, positive: great', "
                          f"got {text!r}")
    return mapping


LAYERS_WHAT = ("all, top:k, bottom:k (k at least 1), or layer indices such as '0,1,2' or '0-5' "
               "(0 = the layer nearest the input)")


def check_prompt_layers(value) -> str | None:
    """prompt_layers as written ('Top: 4' -> 'top:4'; a YAML list [0, 2] -> '0,2'), or ConfigError.
    Its syntax only: the backbone's layer count is checked when the model is built (`prompt_layer_indices`)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, int) and not isinstance(v, bool)
                                                            for v in value):
        value = ",".join(map(str, value))
    if isinstance(value, int) and not isinstance(value, bool):
        raise ConfigError(f"prompt_layers must be {LAYERS_WHAT}; got the number {value}: write 'top:{value}' "
                          f"for the top {value} layers or '{value}' (quoted) for layer {value} alone")
    text = value.replace(" ", "").lower() if isinstance(value, str) else None
    if not text:
        raise ConfigError(f"prompt_layers must be {LAYERS_WHAT}, got {value!r}")
    if text == "all":
        return text
    where, _, k = text.partition(":")
    if where in ("top", "bottom"):
        if not (k.isdigit() and int(k) >= 1):
            raise ConfigError(f"prompt_layers {value!r}: {where}:k needs a whole number of layers k, at least 1")
        return f"{where}:{int(k)}"
    for part in text.split(","):
        low, dash, high = part.partition("-")
        if not (low.isdigit() and (not dash or high.isdigit())):
            raise ConfigError(f"prompt_layers must be {LAYERS_WHAT}, got {value!r} ({part!r} is not a layer "
                              "index or a range a-b)")
        if dash and int(high) < int(low):
            raise ConfigError(f"prompt_layers {value!r}: the range {part} runs backwards (write {high}-{low})")
    return text


def prompt_layer_indices(spec: str | None, count: int) -> list[int]:
    """The layers (0 = nearest the input, of `count`) a checked prompt_layers names, sorted; ValueError
    with the reason when it names more layers, or a later one, than there are."""
    if spec in (None, "all"):
        return list(range(count))
    where, _, k = spec.partition(":")
    if where in ("top", "bottom"):
        if int(k) > count:
            raise ValueError(f"{spec} asks for {k} layers")
        return list(range(count - int(k), count)) if where == "top" else list(range(int(k)))
    chosen = set()
    for part in spec.split(","):
        low, _, high = part.partition("-")
        chosen.update(range(int(low), int(high or low) + 1))
    if max(chosen) >= count:
        raise ValueError(f"{spec} names layer {max(chosen)} (layers count from 0)")
    return sorted(chosen)


def check_number(name: str, value, optional: bool, whole: bool, allowed, what: str):
    """-> `value` if it is a real, finite number that `allowed` accepts (an integral float such as
    8.0, which YAML and gr.Number send, becomes 8 for a whole-number field); else ConfigError.
    Text, bools, NaN and infinities are refused, never coerced."""
    if value is None and optional:
        return None
    if (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and (isinstance(value, numbers.Integral) or math.isfinite(value))):
        if whole and value == int(value):
            value = int(value)
        if (isinstance(value, int) or not whole) and allowed(value):
            return value
    raise ConfigError(f"{name} must be {what}, got {value!r}{_text_hint(value)}")


def _text_hint(value) -> str:
    """A number that arrived as text (quoted, or YAML's 1e-3 without a dot) gets told why."""
    try:
        number = float(value) if isinstance(value, str) else math.nan
    except ValueError:
        return ""
    if not math.isfinite(number):
        return ""
    if isinstance(yaml.safe_load(value), str):  # YAML 1.1 floats need a dot and a signed exponent
        short = f"{number:.1e}"
        return f" (YAML reads {value} as text: write {short if float(short) == number else repr(number)})"
    return " (text, not a number: remove the quotes)"


def _help(text: str, default=None, **kw):
    if "default_factory" in kw:
        return field(metadata={"help": text}, **kw)
    return field(default=default, metadata={"help": text})


@dataclass
class RunConfig:
    task: str = _help("preset name (sentiment, nli, ner, qa, qa-v2, table-to-text, summarization), a CSV/JSONL/"
                      "CoNLL file, or a hub dataset id such as 'glue/sst2'", "sentiment")
    backbone: str = _help("named backbone (minilm-l6, smollm2-135m) or a hub model id", "minilm-l6")
    method: str = _help("training method; see `python -m core.train --list`", "p-tuning-v2")
    prompt_length: int | None = _help("number of prompt vectors (per layer for deep prompts)")
    reparameterize: bool | None = _help("train prompts through an MLP (prefix-tuning default) "
                                        "or directly (p-tuning-v2 default)")
    prompt_layers: str | None = _help("deep prompts: which layers get them: all, top:k, bottom:k, or indices such "
                                      "as '0,1,2' or '0-5' (0 = the layer nearest the input); None takes the "
                                      "method's (all)")
    head: str | None = _help("deep prompts on classification: cls (a new linear head on [CLS] / the last token) or "
                             "verbalizer (the template's label words scored by the frozen LM head at the mask); "
                             "None takes the method's (cls)")
    layout: str = _help("where prompts sit and what the task head reads. lab: a shallow prompt after [CLS], cut out "
                        "before the head; deep prompts at unshifted positions; a linear head on the raw [CLS] / last "
                        "token. peft: as PEFT (and P-tuning v2's own code) do it: prompts before [CLS], positions "
                        "shifted by the prompt length, BERT's pooler before the classifier, no bias on a decoder's "
                        "score; `python -m core.export --format peft` reproduces such a run exactly", "lab")
    prompt_encoder: str = _help("P-tuning prompt encoder: lstm or mlp", "lstm")
    prompt_init: str = _help("shallow prompt init: random, vocab (sampled token embeddings) or text", "random")
    init_text: str = _help("text whose token embeddings start the prompt when prompt_init is 'text'", "")
    init_from: list[str] = _help("soft-prompt transfer: run folders whose trained prompts (averaged) "
                                 "start this prompt, or PEFT adapter folders (PROMPT_TUNING, P_TUNING, "
                                 "PREFIX_TUNING) holding a prompt trained elsewhere", default_factory=list)
    tasks: list[str] = _help("multi-task (P-tuning v2's MPT-2): further tasks (presets, files, hub ids) trained "
                             "together with `task`, sharing one prompt, each with its own head", default_factory=list)
    task_sampling: str = _help("multi-task: which task each batch comes from: proportional (to each task's training "
                               "size) or temperature (p_i ∝ n_i^(1/T), as T5 and MT-DNN mix tasks)", "proportional")
    sampling_temperature: float = _help("multi-task temperature sampling: T (1 = proportional, larger evens the "
                                        "tasks out)", 2.0)
    template: int | str = _help("manual-prompt: index of the preset's template, or a template string "
                                "with {text}/{text_a}/{text_b} and {mask}", 0)
    ptuning_template: str | None = _help("P-tuning template: {prompt} slots share prompt_length; literal "
                                         "words are anchor tokens; None takes the preset's")
    verbalizer: dict[str, str] | None = _help("label words for hand-written prompts, P-tuning and BitFit's null "
                                              "prompt: 'negative: terrible, positive: great' (or a mapping); "
                                              "None takes the chosen template's")
    like: str | None = _help("take this preset's hyperparameters (e.g. 'sentiment') for a file or hub dataset")
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
    precision: str = _help("auto (bf16 on a GPU that has it, and on a CPU with native bf16 for the methods where "
                           "it measured faster at the same accuracy: core/train.py; else fp32), fp32, bf16 or fp16",
                           "auto")
    group_by_length: bool = _help("training batches of inputs of similar length (transformers' group_by_length: "
                                  "shuffled groups), so they carry less padding: about 2x the tokens per second on "
                                  "real data, but a little less learnt in the same steps (README \"Speed\"); "
                                  "evaluation is always batched longest first", False)
    gradient_checkpointing: bool = _help("recompute each layer's activations in the backward pass instead of keeping "
                                         "them: much less memory (most of a prompt method's), about a third more "
                                         "time per step", False)
    max_train_examples: int | None = _help("use only the first N training examples")
    max_eval_examples: int | None = _help("use only the first N dev examples")
    eval_sample: int | None = _help("evaluate on only the first N dev examples during training, so live curves stay "
                                    "cheap; the chosen checkpoint is then evaluated on the whole dev set")
    max_new_tokens: int | None = _help("generation: most tokens generated per input (and kept of a reference)")
    num_beams: int = _help("generation: beam search width (1 = greedy decoding)", 1)
    repetition_penalty: float = _help("generation: penalty on tokens already generated (1 = off; CTRL's 1.2 is usual)",
                                      1.0)
    family: str | None = _help("task family for a user file (see core/tasks: classification, tagging, qa, ...); "
                               "inferred from the file if None")
    out: str = _help("folder that holds run folders", "runs")
    report_to: list[str] = _help("experiment trackers that mirror metrics.jsonl as it is written, as transformers' "
                                 "report_to: tensorboard and/or trackio (local files, no account), all (both) or none; "
                                 "wandb, mlflow and other online trackers are refused (core/trackers.py)",
                                 default_factory=list)

    def __post_init__(self):
        def need(ok: bool, message: str):
            if not ok:
                raise ConfigError(message)
        for name in ("task", "backbone", "method"):
            value = getattr(self, name)
            need(isinstance(value, str) and value.strip() != "", f"{name} must be a non-empty name, got {value!r}")
        for f in dataclasses.fields(self):
            if f.name in NUMBERS:
                value = check_number(f.name, getattr(self, f.name), "None" in str(f.type), *NUMBERS[f.name])
                setattr(self, f.name, value)
        self.repetition_penalty = float(self.repetition_penalty)  # transformers refuses an int (YAML's 2)
        need(self.reparameterize is None or isinstance(self.reparameterize, bool),
             f"reparameterize must be true or false (unset: the method's default), got {self.reparameterize!r}")
        need(isinstance(self.tune_backbone, bool), f"tune_backbone must be true or false, got {self.tune_backbone!r}")
        need(isinstance(self.group_by_length, bool),
             f"group_by_length must be true or false, got {self.group_by_length!r}")
        need(isinstance(self.gradient_checkpointing, bool),
             f"gradient_checkpointing must be true or false, got {self.gradient_checkpointing!r}")
        self.prompt_layers = check_prompt_layers(self.prompt_layers)
        need(self.head is None or self.head in HEADS, f"head must be one of {HEADS} (unset: the method's), "
                                                      f"got {self.head!r}")
        need(self.layout in LAYOUTS, f"layout must be one of {LAYOUTS}, got {self.layout!r}")
        need(self.layout == "lab" or self.method in LAYOUT_METHODS,
             f"layout 'peft' places prompts and heads as PEFT does, and {self.method} has no PEFT adapter format; "
             f"use layout 'lab' (or one of {', '.join(LAYOUT_METHODS)})")
        need(self.layout == "lab" or self.prompt_layers in (None, "all"),
             f"layout 'peft': PEFT's prefix tuning prompts every layer, so prompt_layers must be 'all', "
             f"got {self.prompt_layers!r}")
        need(self.prompt_encoder in PROMPT_ENCODERS,
             f"prompt_encoder must be one of {PROMPT_ENCODERS}, got {self.prompt_encoder!r}")
        need(self.prompt_init in PROMPT_INITS, f"prompt_init must be one of {PROMPT_INITS}, got {self.prompt_init!r}")
        need(isinstance(self.init_text, str), f"init_text must be text, got {self.init_text!r}")
        need(self.prompt_init != "text" or self.init_text.strip() != "",
             "prompt_init 'text' needs init_text: the words whose embeddings start the prompt")
        need(self.ptuning_template is None or isinstance(self.ptuning_template, str),
             "ptuning_template must be text with {prompt} slots (unset: the preset's), "
             f"got {self.ptuning_template!r}")
        what = "a template index (a whole number, 0 or more) or a template string"
        if isinstance(self.template, str):
            need(self.template.strip() != "", f"template must be {what}, got {self.template!r}")
        else:
            self.template = check_number("template", self.template, False, True, lambda v: v >= 0, what)
        need(self.precision in PRECISIONS, f"precision must be one of {PRECISIONS}, got {self.precision!r}")
        need(self.family is None or self.family in FAMILIES,
             f"family must be one of {', '.join(FAMILIES)}, got {self.family!r}")
        need(isinstance(self.out, str) and self.out.strip() != "",
             f"out must be the name of a folder for run folders, got {self.out!r}")
        if isinstance(self.verbalizer, str):
            self.verbalizer = parse_verbalizer(self.verbalizer)
        need(self.verbalizer is None or (isinstance(self.verbalizer, dict) and self.verbalizer and all(
            isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip() for k, v in self.verbalizer.items())),
             f"verbalizer must map each label to its word, e.g. 'negative: terrible, positive: great', "
             f"got {self.verbalizer!r}")
        need(self.like is None or (isinstance(self.like, str) and self.like.strip() != ""),
             f"like must name a preset whose hyperparameters to take, got {self.like!r}")
        if isinstance(self.init_from, str):
            self.init_from = [self.init_from]
        elif self.init_from is None or isinstance(self.init_from, tuple):
            self.init_from = list(self.init_from or [])
        need(isinstance(self.init_from, list) and all(isinstance(p, str) and p.strip() for p in self.init_from),
             f"init_from must be a run folder or a list of run folders, got {self.init_from!r}")
        self._check_tasks(need)
        from core.trackers import check_report_to  # core.trackers imports this module
        self.report_to = check_report_to(self.report_to)

    def _check_tasks(self, need) -> None:
        """Multi-task settings: the further tasks are names, none twice, and the method shares a prompt."""
        if isinstance(self.tasks, str):
            self.tasks = [self.tasks]
        elif self.tasks is None or isinstance(self.tasks, tuple):
            self.tasks = list(self.tasks or [])
        need(isinstance(self.tasks, list) and all(isinstance(t, str) and t.strip() for t in self.tasks),
             f"tasks must be a task or a list of tasks (presets, files or hub ids) trained together with task, "
             f"got {self.tasks!r}")
        self.tasks = [t.strip() for t in self.tasks]
        need(self.task_sampling in TASK_SAMPLINGS,
             f"task_sampling must be one of {TASK_SAMPLINGS}, got {self.task_sampling!r}")
        if not self.tasks:
            return
        need(self.method in MULTITASK_METHODS,
             f"tasks: multi-task training shares one prompt between the tasks, and {self.method} trains no prompt "
             f"that can be shared; use {', '.join(MULTITASK_METHODS)}")
        seen: dict[str, str] = {}
        for name in [self.task, *self.tasks]:
            same = seen.get(task_identity(name))
            need(same is None, f"tasks: '{name}' is named twice" + (f" (as '{same}')" if same != name else "")
                 + " among task and tasks; each task trains once")
            seen[task_identity(name)] = name

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
        """The equivalent command line (non-default fields the method reads)."""
        from core.methods import METHODS  # the methods import this module
        from core.methods.base import COMMON_FIELDS
        spec = METHODS.get(self.method)
        read = set(COMMON_FIELDS) | set(spec.knobs if spec else (f.name for f in dataclasses.fields(self))) | {"like"}
        read |= {"tasks", "task_sampling", "sampling_temperature"} if self.tasks else set()
        # every method reads them (core.setup's batches and model, the recorders)
        read |= {"group_by_length", "gradient_checkpointing", "report_to"}
        defaults = RunConfig()
        parts = ["python -m core.train"]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name not in read or (value == getattr(defaults, f.name) and f.name not in ("task", "backbone", "method")):
                continue
            flag = "--" + f.name.replace("_", "-")
            if isinstance(value, bool):
                parts.append(f"{flag} {str(value).lower()}")
            elif isinstance(value, list):
                parts += [f"{flag} {v}" for v in value]
            elif value is not None:
                text = ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
                parts.append(f"{flag} {text!r}" if " " in text or "{" in text else f"{flag} {text}")
        return " ".join(parts)


METHOD_DEFAULTS = Path(__file__).resolve().parent.parent / "presets" / "methods.yaml"
FAMILY_DEFAULTS = Path(__file__).resolve().parent.parent / "presets" / "families.yaml"


@functools.lru_cache(maxsize=1)
def method_defaults() -> dict[str, dict]:
    """presets/methods.yaml: method -> default hyperparameters, and `all` for every method."""
    return yaml.safe_load(METHOD_DEFAULTS.read_text())


@functools.lru_cache(maxsize=1)
def _family_defaults() -> dict[str, dict]:
    return yaml.safe_load(FAMILY_DEFAULTS.read_text()) or {}


def family_defaults(family: str) -> dict[str, dict]:
    """presets/families.yaml: the defaults of a task of this family that brings none of its own
    (a user's file, a hub dataset), per method and `all`, in the shape of a preset's `defaults`."""
    return _family_defaults().get(family) or {}


def resolve(config: RunConfig, task_defaults: dict[str, dict]) -> RunConfig:
    """Fill every None field, the first found of: the run's value, the task preset's for this method,
    the task preset's `all`, presets/methods.yaml's for this method, presets/methods.yaml's `all`.
    (The dataclass gives the rest: its defaults are the schema's, not tuned values.)"""
    methods = method_defaults()
    layers = [task_defaults.get(config.method, {}), task_defaults.get("all", {}), methods.get(config.method, {}),
              methods.get("all", {})]
    filled = {}
    for f in dataclasses.fields(config):
        if getattr(config, f.name) is None:
            found = next((layer[f.name] for layer in layers if layer.get(f.name) is not None), None)
            if found is not None:
                filled[f.name] = found
    return config.replace(**filled)


DEEP_PROMPT_METHODS = ("prefix-tuning", "p-tuning-v2")


def task_identity(source: str) -> str:
    """What makes two task names the same task: an existing file or folder by its resolved path, else the name."""
    path = Path(str(source).strip()).expanduser()
    try:
        return str(path.resolve()) if path.exists() else str(source).strip()
    except OSError:
        return str(source).strip()


def check_for_backbone(config: RunConfig, max_positions: int, kind: str, sliding_window: int | None = None) -> None:
    """Refuse a (resolved) config whose sequences need more positions than the backbone has
    (`max_positions`, its position embeddings; `kind`, "encoder" or "decoder", for the message).
    A shallow input prompt adds prompt_length positions to max_length (POSITION_TAKING_METHODS).
    Deep prefixes sit in the cache before the sequence, so in a sliding-window layer (Gemma 3: 512
    tokens) tokens further than the window from them stop seeing them: refused too."""
    if sliding_window and config.method in DEEP_PROMPT_METHODS and config.max_length and config.prompt_length:
        span = config.prompt_length + config.max_length + (config.max_new_tokens or 0)
        if span > sliding_window:
            raise ConfigError(f"prompt_length {config.prompt_length} + max_length {config.max_length}"
                              + (f" + max_new_tokens {config.max_new_tokens}" if config.max_new_tokens else "")
                              + f" = {span} is above this {kind}'s sliding attention window ({sliding_window}): "
                                "the last tokens would no longer see the prefix in its sliding-window layers; "
                                "lower max_length or the prompt length")
    takes_positions = config.method in POSITION_TAKING_METHODS or (
        config.layout == "peft" and config.method in DEEP_PROMPT_METHODS)  # PEFT's layout shifts positions past them
    extra = (config.prompt_length or 0) if takes_positions else 0
    if config.max_length is None or config.max_length + extra <= max_positions:
        return
    if extra:
        where = "sits in the input" if config.method in POSITION_TAKING_METHODS else "shifts positions (layout peft)"
        raise ConfigError(f"max_length {config.max_length} + prompt_length {extra} ({config.method}'s prompt {where}) "
                          f"is above the {max_positions} positions this {kind} allows; "
                          f"lower max_length to {max(max_positions - extra, 0)} or shorten the prompt")
    raise ConfigError(f"max_length {config.max_length} is above the {max_positions} positions this {kind} "
                      f"allows; lower max_length to {max_positions}")


def check_step_budget(total_steps: int) -> str | None:
    """Refuse a run longer than the operator's limit ($PROMPT_LAB_MAX_TOTAL_STEPS) — almost always a
    typo such as epochs: 1000 — and warn above STEP_WARNING. -> the warning, or None."""
    text = os.environ.get(MAX_STEPS_VARIABLE, "").strip() or str(DEFAULT_MAX_TOTAL_STEPS)
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{MAX_STEPS_VARIABLE} must be a whole number of steps, at least 1, got {text!r}")
    limit = int(text)
    if total_steps > limit:
        raise ConfigError(f"this run needs {total_steps:,} optimizer steps, above the limit of {limit:,}: lower "
                          f"epochs or set max_steps (the operator can raise {MAX_STEPS_VARIABLE})")
    if total_steps > STEP_WARNING:
        return f"this run needs {total_steps:,} optimizer steps, which will take a long time; max_steps stops it sooner"
    return None


def planned_steps(config: RunConfig, n_train: int) -> int:
    """Optimizer steps a resolved config takes on `n_train` training features."""
    if config.max_steps is not None:
        return config.max_steps
    return round(config.epochs * math.ceil(n_train / config.batch_size / config.grad_accum))
