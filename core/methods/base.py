"""The one shape every method has: `build(config, backbone, task) -> PromptModel`.

Each method module registers a MethodSpec that says everything the rest of the lab needs to
know about it: the RunConfig fields it reads (the web form shows exactly those), whether it
needs a family whose examples are scored through label words, and how to build its model. Its
default hyperparameters are data, in presets/methods.yaml. `core.methods.build_model` checks
the method fits the task family, builds, then applies soft-prompt transfer. Trainable
parameters are chosen by named pure filters (as in litgpt / torchtune), so tests can assert
exact sets.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from torch import nn

from core.backbones import LM_HEAD_NAMES
from core.heads import VerbalizerHead, build_head
from core.tasks import all_families, family_of
from core.tasks.cloze import Cloze


class MethodError(ValueError):
    """A method that cannot be used here; the message says why and what to use instead."""


# RunConfig fields every method reads; a method declares the others it reads in `knobs`
COMMON_FIELDS = ("task", "backbone", "method", "lr", "epochs", "max_steps", "batch_size", "grad_accum", "max_length",
                 "doc_stride", "dropout", "warmup_ratio", "weight_decay", "eval_every", "seed", "precision",
                 "max_train_examples", "max_eval_examples", "eval_sample", "max_new_tokens", "num_beams",
                 "repetition_penalty", "family", "out")


@dataclass(frozen=True)
class MethodSpec:
    name: str
    summary: str
    build: Callable  # (config, backbone, task) -> PromptModel
    knobs: tuple[str, ...] = ()  # the RunConfig fields this method reads beyond COMMON_FIELDS
    cloze_only: bool = False  # needs a family whose examples are scored through label words at a mask
    unsupported_reason: str = ""  # shown when a family does not fit

    def fits(self, family) -> bool:
        return family.cloze or not self.cloze_only

    @property
    def families(self) -> tuple[str, ...]:
        """Names of the registered task families this method fits."""
        return tuple(family.name for family in all_families() if self.fits(family))


METHODS: dict[str, MethodSpec] = {}


def register(spec: MethodSpec) -> MethodSpec:
    METHODS[spec.name] = spec
    return spec


def set_trainable(model: nn.Module, keep: Callable[[str, nn.Parameter], bool]) -> None:
    """requires_grad = keep(name, param) for every parameter (shared tensors by first name)."""
    for name, param in model.named_parameters():
        param.requires_grad_(keep(name, param))


def is_head(name: str, _=None) -> bool:
    return name.startswith("head.") and not name.startswith("head.lm_head.")


def is_prompt(name: str, _=None) -> bool:
    return name.split(".")[0] in ("input_prompt", "token_prompt", "deep_prompt")


def lm_head_params(backbone) -> set[str]:
    """PromptModel-level names of the LM head's own parameters (its tied decoder excluded)."""
    attr = next(n for n in LM_HEAD_NAMES if hasattr(backbone.model, n))
    embeddings = backbone.model.get_input_embeddings().weight
    return {f"backbone.{attr}.{n}" for n, p in getattr(backbone.model, attr).named_parameters()
            if p is not embeddings}


def idle_lm_head(backbone, task) -> set[str]:
    """The LM head's own parameters when a task head reads the hidden states instead (they get no
    gradient, so they are frozen); none when the task generates through the LM head."""
    return set() if family_of(task).head in ("lm", "vocab") else lm_head_params(backbone)


def fresh_lm_head(backbone) -> set[str]:
    """A checkpoint without an LM head (MiniLM) gets a newly initialised one: cloze methods
    train it like a task head, or their label-word scores would be random."""
    return set() if backbone.lm_head_pretrained else lm_head_params(backbone)


def task_head(config, backbone, task) -> nn.Module:
    """The family's plain head: [CLS]/last-token classifier, token classifier or span head."""
    family = family_of(task)
    return build_head(family.head, backbone, max(len(task.labels), 1), config.dropout)


def label_words(config, task) -> dict[str, str] | None:
    """The verbalizer in force: the run's own (--verbalizer), else its chosen template's, else None."""
    if config.verbalizer:
        return config.verbalizer
    if not task.templates:
        return None
    index = config.template if isinstance(config.template, int) and config.template < len(task.templates) else 0
    return task.templates[index].get("verbalizer")


def chosen_template(config, task) -> str:
    """The hand-written template: the run's own string, else the task's template at that index."""
    if isinstance(config.template, str):
        return config.template
    if not task.templates:
        raise MethodError(f"task '{task.name}' has no hand-written templates: give one with --template "
                          "'{text} It was {mask}.' (or template: in a YAML config, or the template box in the web "
                          "lab), with the label words in --verbalizer")
    if not 0 <= config.template < len(task.templates):
        raise MethodError(f"template index {config.template} is out of range: task '{task.name}' has "
                          f"{len(task.templates)} templates (0-{len(task.templates) - 1})")
    return task.templates[config.template]["template"]


def check_words_cover(words: dict[str, str] | None, task, method: str) -> None:
    """Every label of the task needs exactly one word; a word for a label the task lacks is a typo."""
    if words is None:
        raise MethodError(f"{method} scores label words, and task '{task.name}' has none: give them with "
                          f"--verbalizer '{', '.join(f'{label}: <word>' for label in task.labels[:4])}' "
                          "(verbalizer: in a YAML config, the label-words box in the web lab)")
    missing, unknown = [l for l in task.labels if l not in words], [k for k in words if k not in task.labels]
    if missing or unknown:
        raise MethodError(f"verbalizer {words} does not fit task '{task.name}': "
                          + "; ".join(([f"no word for {', '.join(missing)}"] if missing else [])
                                      + ([f"{', '.join(unknown)} is not a label"] if unknown else []))
                          + f" (labels: {', '.join(task.labels)})")


def cloze_for(config, backbone, task, template: str | None = None, prompt_length: int = 0) -> Cloze:
    """The template + verbalizer for cloze-style methods (manual prompts, P-tuning, BitFit's null prompt);
    a family with its own templates and no verbalizer (probing) writes them itself."""
    family = family_of(task)
    if hasattr(family, "cloze_for"):
        return family.cloze_for(config, backbone, task, template, prompt_length)
    words = label_words(config, task)
    check_words_cover(words, task, config.method)
    return Cloze(template or chosen_template(config, task), words, backbone.kind, prompt_length)


def verbalizer_head(backbone, task, cloze: Cloze) -> VerbalizerHead:
    return VerbalizerHead(backbone.lm_head, cloze.label_word_ids(task.labels, backbone.tokenizer))


def null_template(task) -> str:
    """Null prompt (Logan IV et al., 2022): the input and [MASK], no words of a template."""
    return "{text} {text_b} {mask}" if task.train and "text_b" in task.train[0] else "{text} {mask}"
