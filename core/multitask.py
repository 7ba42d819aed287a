"""Multi-task prompt tuning: one prompt shared by several tasks, a head per task (P-tuning v2's MPT-2).

P-tuning v2 (Liu et al., 2022; the MPT-2 rows of its NER / QA / SRL results) trains one deep prompt on the
combined training sets of a task type (NER: CoNLL03 + OntoNotes + CoNLL04; QA: SQuAD 1.1 + 2.0; SRL:
CoNLL05 + CoNLL12), "separate linear classifiers for each dataset while sharing the continuous prompts",
then fine-tunes it on each task alone. Here:

    python -m core.train --task ner --tasks ../shared/data/conll2003/train.txt --method p-tuning-v2
    python -m core.train --continue-per-task runs/<id> --max-steps 200    # the second stage, one run a task

`config.task` is the first task, `config.tasks` the others. Every task is read with the run's one set of
settings (its unset fields resolved with the first task's defaults). The model is the method's own
PromptModel for the first task whose `head` is a TaskHeads: one head per task, keyed by the task's
name, chosen by the `task` tensor every training batch carries. The sampler draws which task each batch
comes from (proportional to the tasks' training features, or temperature-scaled, p_i ∝ n_i^(1/T), as
T5 §3.5.2 mixes tasks), seeded by the run's seed. Every checkpoint evaluates every task through
core.setup.evaluate; metrics are logged as `dev_<task>/<metric>` and the run's own metric is `mean_main`,
the mean of the tasks' main metrics, which also picks the checkpoint. final.json adds `per_task`
({task: {metric_name, best_metric, dev, ...}}); predictions.json holds the first task's dev predictions
(the Inspect view reads one task) and predictions_<task>.json each task's.
"""
from __future__ import annotations

import contextlib
import dataclasses
import re
import statistics
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn
from transformers import set_seed

from core.backbones import load_backbone
from core.config import ConfigError, RunConfig, check_for_backbone, check_step_budget, planned_steps
from core.data import load_task
from core.methods import build_model, transfer_prompts
from core.setup import Prepared, Setup, checked_config, checkpoint_activations, encoded
from core.tasks import family_of

MEAN = "mean_main"  # the run's metric: the mean of the tasks' main metrics
HEADED = ("sequence", "token", "span")  # families read by a task head; generation and probing read the LM's
SPLIT_NAMES = {"train", "dev", "validation", "valid", "test"}


def task_key(source: str, task) -> str:
    """A task's name in metric keys, head names and file names: its Task name, or for a file named after its
    split (conll2003/train.txt) its folder's; only letters, digits, _ and - (a module name takes no dot)."""
    name = task.name
    path = Path(source).expanduser()
    if name.lower() in SPLIT_NAMES and path.is_file():
        name = path.resolve().parent.name
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "task"


def unique_keys(keys: list[str]) -> list[str]:
    """Two different files with one name (a/train.txt, b/train.txt): the later ones get -2, -3."""
    out = []
    for key in keys:
        new, n = key, 1
        while new in out:
            n += 1
            new = f"{key}-{n}"
        out.append(new)
    return out


class TaskHeads(nn.ModuleDict):
    """One head per task (MPT-2), parameters named head.<task>.*. A batch names its task by index in
    batch["task"] (B,), the same for every row (the sampler draws whole batches from one task); a batch
    without it is the first task's (typed input on a finished run)."""

    def forward(self, hidden: torch.Tensor, batch: dict) -> dict:
        index = int(batch["task"][0]) if "task" in batch else 0
        return self[list(self.keys())[index]](hidden, batch)


class Tagged:
    """A task's DataLoader whose batches carry the task's index, so TaskHeads picks its head."""

    def __init__(self, loader, index: int):
        self.loader, self.index = loader, index

    def __len__(self) -> int:
        return len(self.loader)

    def __iter__(self):
        for batch in self.loader:
            batch["task"] = torch.full((batch["input_ids"].shape[0],), self.index, dtype=torch.long)  # (B,)
            yield batch


@dataclasses.dataclass
class TaskSetup(Setup):
    """One task's view of a multi-task run: its own task, family and config; the model every task shares."""
    index: int = 0
    key: str = ""
    source: str = ""
    cloze: object = None  # this task's template + label words (a verbalizer head), or None

    def encode(self, examples: list[dict]) -> list[dict]:
        """As Setup.encode, with this task's own template (the shared model holds only the first task's)."""
        return self.family.encode(self.task, examples, self.backbone.tokenizer, self.config.max_length,
                                  cloze=self.cloze, doc_stride=self.config.doc_stride,
                                  max_new_tokens=self.config.max_new_tokens, kind=self.backbone.kind)

    def loader(self, features: list[dict], shuffle: bool, batch_size: int | None = None) -> Tagged:
        return Tagged(super().loader(features, shuffle, batch_size), self.index)


class TaskSampler:
    """Which task the next batch comes from: p_i ∝ n_i (proportional) or n_i^(1/T) (temperature: T = 1 is
    proportional, a large T evens the tasks out; T5 §3.5.2, MT-DNN). Seeded: the same seed draws the same
    sequence of tasks."""

    def __init__(self, sizes: list[int], strategy: str, temperature: float, seed: int):
        exponent = 1.0 if strategy == "proportional" else 1.0 / temperature
        weights = np.asarray(sizes, dtype=float) ** exponent
        self.probabilities = weights / weights.sum()
        self.strategy, self.temperature, self.seed = strategy, temperature, seed
        self.rng = np.random.default_rng(seed)
        self.drawn = [0] * len(sizes)

    def draw(self) -> int:
        index = int(self.rng.choice(len(self.probabilities), p=self.probabilities))
        self.drawn[index] += 1
        return index


def load_tasks(config: RunConfig, given=None, max_rows: int | None = None) -> list:
    """The run's tasks in order (task, then tasks). `given`: the first task's Task, or every task's (a list)."""
    sources = [config.task, *config.tasks]
    given = list(given) if isinstance(given, (list, tuple)) else [given] if given is not None else []
    if len(given) > len(sources):
        raise ConfigError(f"{len(given)} tasks given for the {len(sources)} named by task and tasks")
    given += [None] * (len(sources) - len(given))
    return [task or load_task(source, config.family if i == 0 else None, max_rows=max_rows)
            for i, (source, task) in enumerate(zip(sources, given))]


def task_config(config: RunConfig, source: str, index: int) -> RunConfig:
    """A further task's settings: the run's (resolved), on its own data (its family is its own)."""
    return config if index == 0 else config.replace(task=source, family=None, tasks=[])


def setups(config: RunConfig, given=None, weights: bool = True, max_rows: int | None = None) -> list[TaskSetup]:
    """Every task's Setup on one shared model, the first's config being the run's. Each task must fit the
    method and be read by a head; settings left unset take the first task's defaults."""
    sources, tasks = [config.task, *config.tasks], load_tasks(config, given, max_rows)
    config = checked_config(config, tasks[0])  # before the slow backbone load
    configs = []
    for i, (source, task) in enumerate(zip(sources, tasks)):
        if family_of(task).head not in HEADED:
            raise ConfigError(f"tasks: '{source}' is a {task.family} task, read through the language model's own "
                              "head; multi-task runs share a prompt between tasks read by a task head "
                              "(classification, tagging, srl, qa)")
        configs.append(checked_config(task_config(config, source, i), task))
    if weights:
        set_seed(config.seed)
    backbone = load_backbone(config.backbone, seed=config.seed, weights=weights)
    for one in configs:
        check_for_backbone(one, backbone.max_positions, backbone.kind, getattr(backbone.config, "sliding_window", None))
    keys = unique_keys([task_key(source, task) for source, task in zip(sources, tasks)])
    with contextlib.nullcontext() if weights else torch.device("meta"):
        # the method builds each task's model as it would alone; the first keeps its prompt and takes every head
        models = [build_model(one.replace(init_from=[]), backbone, task) for one, task in zip(configs, tasks)]
    model = models[0]
    model.head = TaskHeads({key: m.head for key, m in zip(keys, models)})
    if config.gradient_checkpointing:
        checkpoint_activations(model, backbone)
    if config.init_from:  # soft-prompt transfer into the shared prompt (heads start fresh)
        transfer_prompts(model, config.init_from)
    return [TaskSetup(one, task, family_of(task), backbone, model, index=i, key=key, source=source, cloze=m.cloze)
            for i, (one, task, key, source, m) in enumerate(zip(configs, tasks, keys, sources, models))]


@dataclasses.dataclass
class MultiPrepared:
    """Several tasks ready to train together: what core.train's loop asks of a Prepared, for all of them."""
    parts: list[Prepared]  # one a task, each on its TaskSetup
    total_steps: int
    sampler: TaskSampler
    warning: str | None = None
    data_report = None
    test_examples: list = dataclasses.field(default_factory=list)  # each task reports its own test split
    metric = MEAN

    def __post_init__(self):
        self._streams = [self._endless(part) for part in self.parts]

    @property
    def setup(self) -> TaskSetup:
        return self.parts[0].setup  # the run's config and the shared model

    @property
    def keys(self) -> list[str]:
        return [part.setup.key for part in self.parts]

    @staticmethod
    def _endless(part: Prepared):
        while True:
            yield from part.batches()

    def batches(self):
        """One round: as many batches as the tasks make together, each from the task the sampler draws."""
        for _ in range(sum(len(part.batches()) for part in self.parts)):
            yield next(self._streams[self.sampler.draw()])

    def loss(self, model, batch: dict) -> torch.Tensor:
        return self.parts[int(batch["task"][0])].setup.family.loss(model(batch), batch)

    def evaluate(self, accelerator=None, using=None) -> tuple[dict, dict]:
        """-> ({mean_main, <task>/<metric>...}, {task: predictions}) on each task's dev (sample)."""
        metrics, predictions, mains = {}, {}, []
        for part in self.parts:
            own, predictions[part.setup.key] = part.evaluate(accelerator, using)
            metrics.update({f"{part.setup.key}/{name}": value for name, value in own.items()})
            mains.append(own[part.metric])
        return {MEAN: statistics.fmean(mains), **metrics}, predictions

    def sampling(self) -> dict:
        return {"strategy": self.sampler.strategy, "seed": self.sampler.seed,
                **({"temperature": self.sampler.temperature} if self.sampler.strategy == "temperature" else {}),
                "probabilities": dict(zip(self.keys, map(float, self.sampler.probabilities))),
                "batches": dict(zip(self.keys, self.sampler.drawn))}

    def conclude(self, final: dict, best: dict, last: dict, accelerator) -> tuple[dict, dict]:
        """Each task's figures at the chosen checkpoint, as a single-task run reports them (whole dev set,
        test split, further splits), under final["per_task"]; the run's are their means. -> (final,
        {task: dev predictions in display form})."""
        from core.train import conclude as conclude_one  # the loop's own, per task
        per_task, shown = {}, {}
        for part in self.parts:
            key, metric = part.setup.key, part.metric
            own = {name[len(key) + 1:]: value for name, value in best["metrics"].items() if name.startswith(key + "/")}
            last_own = {name[len(key) + 1:]: value for name, value in last["metrics"].items()
                        if name.startswith(key + "/")}
            one, shown[key] = conclude_one(
                part, {"metric_name": metric, "best_metric": own[metric], "dev": own},
                {"metric": own[metric], "predictions": best["predictions"][key]},
                {"step": last["step"], "metrics": last_own}, accelerator)
            per_task[key] = {"task": part.setup.source, "name": part.setup.task.name,
                             "family": part.setup.task.family, "labels": part.setup.task.labels, **one}
        final = {**final, "tasks": self.keys, "per_task": per_task, "sampling": self.sampling(),
                 "best_metric": statistics.fmean(t["best_metric"] for t in per_task.values()),
                 "dev": {MEAN: statistics.fmean(t["best_metric"] for t in per_task.values()),
                         **{f"{key}/{name}": value for key, t in per_task.items() for name, value in t["dev"].items()}},
                 "evaluation": f"{MEAN}: the mean of each task's main metric; each task's own evaluation is in "
                               "per_task"}
        for name in ("test_metric", "last_metric"):
            values = [t.get(name) for t in per_task.values()]
            if all(v is not None for v in values):
                final[name] = statistics.fmean(values)
        return final, shown


def prepare(config: RunConfig, given=None) -> MultiPrepared:
    """Build, encode and budget every task; the step budget counts the tasks' training batches together."""
    parts = [encoded(s) for s in setups(config, given)]
    config = parts[0].setup.config
    sizes = [len(part.train_features) for part in parts]
    total_steps = planned_steps(config, sum(sizes))
    sampler = TaskSampler(sizes, config.task_sampling, config.sampling_temperature, config.seed)
    prepared = MultiPrepared(parts, total_steps, sampler, check_step_budget(total_steps))
    plan = ", ".join(f"{key} {p:.3f} ({n} features)" for key, p, n in zip(prepared.keys, sampler.probabilities, sizes))
    print(f"multi-task: one {config.method} prompt for {len(parts)} tasks; batches drawn {config.task_sampling}"
          + (f" (T={config.sampling_temperature:g})" if config.task_sampling == "temperature" else "")
          + f", seed {config.seed}: {plan}", file=sys.stderr)
    return prepared


# -- MPT-2's second stage: each task on its own, from the shared prompt ----------------------------------
def per_task_configs(run_path: str | Path, **changes) -> list[RunConfig]:
    """One single-task config per task of a finished multi-task run, starting from its shared prompt
    (init_from = the run; core.methods.transfer also loads the task's own head from it), with the run's
    settings and `changes` (e.g. max_steps)."""
    run_path = Path(run_path)
    fixed = sorted({"task", "tasks", "init_from"} & set(changes))
    if fixed:
        raise ConfigError(f"continue per task sets {', '.join(fixed)} itself (each task of the run, from the run)")
    if not (run_path / "config.yaml").is_file():
        raise ConfigError(f"continue per task: {run_path} is not a run folder (it has no config.yaml)")
    config = RunConfig.from_yaml(run_path / "config.yaml")
    if not config.tasks:
        raise ConfigError(f"continue per task: {run_path} is a single-task run ({config.task}); it needs a "
                          "multi-task run (one trained with tasks)")
    if not (run_path / "trained.safetensors").is_file():
        raise ConfigError(f"continue per task: {run_path} has no trained parameters yet (is it finished?)")
    return [config.replace(task=source, family=config.family if i == 0 else None, tasks=[],
                           init_from=[str(run_path)], **changes)
            for i, source in enumerate([config.task, *config.tasks])]


def queue_per_task(jobs, run_path: str | Path, owner: str | None = None, **changes) -> list[str]:
    """Queue MPT-2's per-task runs of a finished multi-task run with a core.jobs.JobManager. -> run ids."""
    return [jobs.submit(config, owner=owner) for config in per_task_configs(run_path, **changes)]
