"""Build a run (its task, backbone and model) and run a model over features.

Training (core.train), typed-input inference (core.inference), the classroom's zero-shot scoring
(core.classroom) and the web lab's preview (core.preview) all start here, so none of them
imports the training loop.

    s = setup(config)                          # task, resolved config, backbone, model
    s = setup(config, weights=False)           # the same on PyTorch's meta device: no weights read
    p = prepare(config)                        # + encoded data and the step budget (what train() needs)
    p = prepare(config.replace(tasks=["ner"]))  # several tasks, one shared prompt: core.multitask
    metrics, predictions = evaluate(s, examples, s.encode(examples))
"""
from __future__ import annotations

import contextlib
import dataclasses
from functools import partial
from pathlib import Path

import torch
from torch.utils.data import DataLoader
from transformers import set_seed
from transformers.trainer_pt_utils import LengthGroupedSampler

from core.backbones import load_backbone
from core.config import (ConfigError, RunConfig, check_for_backbone, check_step_budget, family_defaults,
                         planned_steps, resolve)
from core.data import load_task
from core.data.hub import HUB_DATASETS
from core.data.presets import is_preset, list_presets, preset_defaults
from core.methods import build_model, check_fits, check_label_words
from core.methods.attention_prefix import AttentionPrefixError, attention_modules, use_prefix_attention
from core.tasks import collate, family_of, main_metric


def like_defaults(preset: str) -> dict[str, dict]:
    """`--like <preset>`: that preset's hyperparameters."""
    if not is_preset(preset):
        raise ConfigError(f"like: '{preset}' is not a preset; choose one of {', '.join(list_presets())}")
    return preset_defaults(preset)


def task_defaults(config: RunConfig, task) -> dict[str, dict]:
    """The defaults a run's task gives `resolve`: --like's preset's, else the task preset's, else those of
    its family (a user's file or a hub dataset brings none of its own)."""
    if config.like:
        return like_defaults(config.like)
    return task.defaults or family_defaults(task.family)


def resolved(config: RunConfig) -> RunConfig:
    """The config with every default filled in as training will fill it, without reading the data
    beyond a user file's first records (the web process resolves what it queues). A hub dataset whose
    family is not known without downloading it is left for the worker to resolve."""
    if config.like:
        return resolve(config, like_defaults(config.like))
    if is_preset(config.task):
        return resolve(config, preset_defaults(config.task))
    family = config.family or (HUB_DATASETS[config.task].family if config.task in HUB_DATASETS else None)
    if family is None and Path(config.task).expanduser().exists():
        family = load_task(config.task, max_rows=20).family
    return resolve(config, family_defaults(family)) if family else config


def checked_config(config: RunConfig, task) -> RunConfig:
    """The config resolved with the task's defaults, refused before any backbone is touched when the
    method does not fit the task, its label words are missing, or the task's family cannot work with
    a setting."""
    config = resolve(config, task_defaults(config, task))
    check_fits(config.method, task.family)
    check_label_words(config, task)
    family_of(task).check_config(config)
    return config


@dataclasses.dataclass
class Setup:
    """Everything a run needs, built once; also what inference rebuilds from a run folder."""
    config: RunConfig
    task: object
    family: object
    backbone: object
    model: torch.nn.Module
    shuffler: torch.Generator | None = dataclasses.field(default=None, repr=False)

    @property
    def metric(self) -> str:
        """The dev metric that picks the best checkpoint."""
        return main_metric(self.task)

    def encode(self, examples: list[dict]) -> list[dict]:
        return self.family.encode(self.task, examples, self.backbone.tokenizer, self.config.max_length,
                                  cloze=self.model.cloze, doc_stride=self.config.doc_stride,
                                  max_new_tokens=self.config.max_new_tokens, kind=self.backbone.kind)

    def loader(self, features: list[dict], shuffle: bool, batch_size: int | None = None) -> DataLoader:
        """Batches of `features`, in their order, or shuffled. Shuffled passes share one generator seeded
        once per run, so every epoch draws a new order (a generator seeded afresh per pass repeated epoch
        1's order every epoch). With group_by_length a shuffled pass groups inputs of similar length into
        a batch (transformers' LengthGroupedSampler: shuffled megabatches of 50 batches, each sorted by
        length), so batches carry less padding; the order is still random from epoch to epoch."""
        size = batch_size or self.config.batch_size
        pad = partial(collate, pad_token_id=self.backbone.tokenizer.pad_token_id)
        if not shuffle:
            return DataLoader(features, batch_size=size, collate_fn=pad)
        if self.shuffler is None:
            self.shuffler = torch.Generator().manual_seed(self.config.seed)
        if self.config.group_by_length:
            sampler = LengthGroupedSampler(size, lengths=[len(f["input_ids"]) for f in features],
                                           generator=self.shuffler)
            return DataLoader(features, batch_size=size, sampler=sampler, collate_fn=pad)
        return DataLoader(features, batch_size=size, shuffle=True, collate_fn=pad, generator=self.shuffler)


def setup(config: RunConfig, task=None, weights: bool = True, max_rows: int | None = None) -> Setup:
    """Load the task (unless given, e.g. a benchmark's real-data Task), the backbone and the method.
    weights=False builds everything on the meta device from the model's config (the preview: nothing
    downloaded beyond config.json and the tokenizer, nothing allocated, no random draws);
    max_rows reads at most that many examples of a user's file. A multi-task config (`tasks`) gets its
    first task's Setup on the model every task shares (core.multitask)."""
    if config.tasks:
        from core.multitask import setups
        return setups(config, task, weights, max_rows)[0]
    task = task or load_task(config.task, config.family, max_rows=max_rows)
    config = checked_config(config, task)  # before the slow backbone load
    if weights:
        set_seed(config.seed)
    backbone = load_backbone(config.backbone, seed=config.seed, weights=weights)
    check_for_backbone(config, backbone.max_positions, backbone.kind, getattr(backbone.config, "sliding_window", None))
    with contextlib.nullcontext() if weights else torch.device("meta"):
        model = build_model(config, backbone, task)
    if config.gradient_checkpointing:
        checkpoint_activations(model, backbone)
    return Setup(config, task, family_of(task), backbone, model)


def checkpoint_activations(model, backbone) -> None:
    """gradient_checkpointing: keep only each layer's input in the forward pass and recompute the layer in
    the backward pass (transformers' activation checkpointing, non-reentrant). A frozen backbone still keeps
    every layer's activations for the gradient to reach the prompt, so this is most of a prompt method's
    memory. transformers drops a checkpointed layer's cache argument, so deep prompts handed over as a cache
    go in by attention instead (core/methods/attention_prefix.py: the same parameters, the same outputs)."""
    body = backbone.model
    if not getattr(body, "supports_gradient_checkpointing", False):
        raise ConfigError(f"gradient_checkpointing: {backbone.name} ({body.config.model_type}) does not support "
                          "it; set it to false")
    body.activation_checkpointing_enable()
    prompt = getattr(model, "deep_prompt", None)
    if prompt is not None and prompt.sites is None:
        try:
            sites = attention_modules(body)
            use_prefix_attention(body)
        except AttentionPrefixError as error:
            raise ConfigError(f"gradient_checkpointing: {backbone.name}'s deep prompts cannot go in by attention "
                              f"({error}); set it to false") from None
        if len(sites) != prompt.layers:
            raise ConfigError(f"gradient_checkpointing: {backbone.name} has {len(sites)} attention modules for "
                              f"{prompt.layers} prompt layers; set it to false")
        prompt.sites = sites


@dataclasses.dataclass
class Prepared:
    """A run ready to train: built, encoded and budgeted. Every mistake in the settings or the data
    is raised while preparing, so the CLI can refuse it before a run folder exists."""
    setup: Setup
    train_examples: list[dict]
    dev_examples: list[dict]
    train_features: list[dict]
    dev_features: list[dict]
    total_steps: int
    warning: str | None = None
    test_examples: list[dict] = dataclasses.field(default_factory=list)  # reported on, never selected on
    data_report: dict | None = None  # a family's account of what it encoded (probing: facts kept and dropped)

    @property
    def sampled(self) -> bool:
        """Evaluations during training read only the first `eval_sample` dev examples."""
        n = self.setup.config.eval_sample
        return n is not None and n < len(self.dev_examples)

    @property
    def eval_examples(self) -> list[dict]:
        return self.dev_examples[:self.setup.config.eval_sample] if self.sampled else self.dev_examples

    @property
    def eval_features(self) -> list[dict]:
        if not self.sampled:
            return self.dev_features
        return [f for f in self.dev_features if f["example_index"] < self.setup.config.eval_sample]

    # what the training loop asks of a run (core.multitask's MultiPrepared answers the same for several tasks)
    @property
    def metric(self) -> str:
        return self.setup.metric

    def batches(self):
        """One pass over the training features."""
        return self.setup.loader(self.train_features, shuffle=True)

    def loss(self, model, batch: dict) -> torch.Tensor:
        return self.setup.family.loss(model(batch), batch)

    def evaluate(self, accelerator=None, using=None) -> tuple[dict, list]:
        """The dev metrics (on the eval sample during training) and predictions, through `using` (the
        training loop's own `evaluate`, which tests watch), else this module's."""
        return (using or evaluate)(self.setup, self.eval_examples, self.eval_features, accelerator)


def prepare(config: RunConfig, task=None) -> Prepared:
    """Build and encode a run; several tasks (`config.tasks`) are core.multitask's."""
    if config.tasks:
        from core.multitask import prepare as prepare_multitask
        return prepare_multitask(config, task)
    return encoded(setup(config, task))


def encoded(s: Setup) -> Prepared:
    """A built run's data, encoded and checked, and its step budget."""
    config = s.config
    train_examples = s.task.train[:config.max_train_examples] if config.max_train_examples else s.task.train
    dev_examples = s.task.dev[:config.max_eval_examples] if config.max_eval_examples else s.task.dev
    train_features, dev_features = s.encode(train_examples), s.encode(dev_examples)
    report = getattr(s.family, "encode_report", None)
    data_report = report(s.task, {"train": train_examples, "dev": dev_examples}, s.backbone.tokenizer,
                         s.backbone.kind, s.model.cloze) if report else None
    for split, examples, features in (("training", train_examples, train_features), ("dev", dev_examples, dev_features)):
        if examples and not features:
            raise ConfigError(f"none of the {len(examples)} {split} examples of {s.task.name} can be used with "
                              f"{config.backbone}" + (f": {dropped_summary(data_report)}" if data_report else ""))
    total_steps = planned_steps(config, len(train_features))
    warning = check_step_budget(total_steps)
    if total_steps > 0 and not any(p.requires_grad for p in s.model.parameters()):
        raise ConfigError(f"{config.method} has nothing to train here; set epochs to 0 for zero-shot")
    return Prepared(s, train_examples, dev_examples, train_features, dev_features, total_steps, warning,
                    list(getattr(s.task, "test", None) or []), data_report)


def dropped_summary(report: dict) -> str:
    """'412 object is not one token; 20 template unusable: ...' over every relation and split of a data report."""
    reasons = {}
    for row in report.values():
        for counts in row.values():
            if isinstance(counts, dict):
                for why, n in counts.get("dropped", {}).items():
                    reasons[why] = reasons.get(why, 0) + n
    return "; ".join(f"{n} {why}" for why, n in sorted(reasons.items(), key=lambda item: -item[1])) or "none dropped"


@torch.no_grad()
def run_model(s: Setup, features: list[dict], accelerator=None) -> list[dict]:
    """The model's outputs for each feature, in the order of `features`, as numpy arrays; token-level
    outputs are cut to the feature's own length (padding removed). Batches are formed longest first
    (much less padding: about 2x the tokens per second on SST-2 and CoNLL-2003, README "Speed"; a batch
    too big for memory fails at once) and the outputs are put back in the features' order."""
    device = accelerator.device if accelerator is not None else next(s.model.parameters()).device
    autocast = accelerator.autocast if accelerator is not None else contextlib.nullcontext
    was_training = s.model.training
    s.model.eval()
    order = longest_first(features)
    outputs, at = [None] * len(features), 0
    shrink = getattr(s.family, "shrink", None)  # probing: a vocabulary of logits -> top words and the gold rank
    batches = s.loader([features[i] for i in order], shuffle=False, batch_size=max(s.config.batch_size, 32))
    for batch in batches:
        batch = {k: v.to(device) for k, v in batch.items()}
        with autocast():
            out = {k: v.float().cpu().numpy() for k, v in s.model(batch).items()}
        for row in range(batch["input_ids"].shape[0]):
            feature = features[order[at]]
            length = len(feature["input_ids"])
            output = {k: v[row][:length] if s.family.head in ("token", "span") else v[row] for k, v in out.items()}
            outputs[order[at]] = shrink(output, feature, s.backbone.tokenizer) if shrink else output
            at += 1
    s.model.train(was_training)
    return outputs


def longest_first(features: list[dict]) -> list[int]:
    """Indices of `features` from the longest input to the shortest (ties in their own order)."""
    return sorted(range(len(features)), key=lambda i: -len(features[i]["input_ids"]))


def evaluate(s: Setup, examples: list[dict], features: list[dict], accelerator=None) -> tuple[dict, list]:
    """-> (metrics, predictions) on `examples`. A family that decodes (generation) runs the model its own way."""
    outputs = getattr(s.family, "run_model", run_model)(s, features, accelerator)
    predictions = s.family.predict(s.task, outputs, features, examples)
    return s.family.compute_metrics(s.task, predictions, examples), predictions
