"""The public API of core: everything the web lab (app/) does, reachable from the CLI and tests too.

The UI never imports torch or trains in its own process: it submits configs to the job manager,
reads run folders through the run store, and asks for catalogs, previews and predictions.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import yaml

from core.backbones import BackboneError, list_backbones
from core.compare import COSTS, config_diff, environment_rows, frontiers, version_warnings
from core.config import PRECISIONS, PROMPT_ENCODERS, PROMPT_INITS, ConfigError, RunConfig, resolve
from core.config import parse_verbalizer as parse_label_words
from core.data import DataError, load_task
from core.data.presets import preset_metas
from core.guard import check_visitor_config
from core.jobs import JobManager
from core.setup import resolved
from core.methods import METHODS, MethodError, check_fits
from core.runs import ACTIVE, STATUSES, NoSuchRun, Run, RunStore
from core.seeds import over_seeds, parse_seeds, seed_groups
from core.studies import NoSuchStudy, StudySpec, StudyStore
from core.tasks import all_families
from core.tasks.cloze import TemplateError
from core.trackers import dashboard as tracker_dashboard
from core.trackers import installed as installed_trackers
from core.trackers import study_dashboard

USER_ERRORS = (ConfigError, DataError, MethodError, BackboneError, TemplateError, NoSuchStudy)
# what a fine-tuning baseline copies from the run it is compared with: same data, budget and inputs
BASELINE_FIELDS = ("task", "family", "backbone", "max_train_examples", "max_eval_examples", "max_steps", "batch_size",
                   "max_length", "seed", "precision", "out")


@functools.lru_cache(maxsize=1)
def catalog() -> dict:
    """Everything a picker needs, without loading any data or model:
    tasks (name -> description), task_families (preset -> family), task_metrics (preset -> the dev metric
    that picks its checkpoints), families (name -> view, cloze, main_metric),
    backbones (name -> description), methods (name -> summary, families, knobs),
    defaults (RunConfig's own defaults) and choices (the allowed values of its choice fields)."""
    metas = preset_metas()
    families = {f.name: {"view": f.view, "cloze": f.cloze, "main_metric": f.main_metric} for f in all_families()}
    return {"tasks": {name: meta.get("description", "") for name, meta in metas.items()},
            "task_families": {name: meta["family"] for name, meta in metas.items()},
            "task_metrics": {name: meta.get("metric") or families[meta["family"]]["main_metric"]
                             for name, meta in metas.items()},
            "families": families,
            "backbones": list_backbones(),
            "methods": {name: {"summary": spec.summary, "families": list(spec.families), "knobs": list(spec.knobs)}
                        for name, spec in METHODS.items()},
            "defaults": RunConfig().to_dict(),
            "choices": {"precision": list(PRECISIONS), "prompt_encoder": list(PROMPT_ENCODERS),
                        "prompt_init": list(PROMPT_INITS), "report_to": installed_trackers()}}


@functools.lru_cache(maxsize=64)
def _preview(config_yaml: str) -> dict:
    # torch stays out of UI start-up; no weights load and uploads are read in part (see core.preview)
    from core.preview import preview as build_preview
    return build_preview(RunConfig.from_dict(yaml.safe_load(config_yaml)))


def preview(config: RunConfig) -> dict:
    """Trainable share, step budget, the resolved config and the equivalent CLI/YAML, before launching.
    Cached by the config's YAML (RunConfig is a mutable dataclass, so not hashable).
    Raises one of USER_ERRORS with a message for the user when the config cannot run."""
    return _preview(config.to_yaml())


def measured_seconds_per_step(store: RunStore, backbone: str, method: str, family: str | None,
                              newest: int = 10) -> tuple[float | None, int]:
    """The lab's own measurement: the median wall time per step (evaluation included) of the newest
    finished runs of this backbone, method and family on this machine. -> (seconds or None, runs used)."""
    rows = [row for row in store.list(backbone=backbone, method=method, status="finished")
            if row.get("family") in (None, family)][:newest]
    rates = sorted(row["wall_time"] / row["step"] for row in rows if row.get("wall_time") and row.get("step"))
    return (rates[len(rates) // 2], len(rates)) if rates else (None, 0)


def budget(store: RunStore, info: dict) -> dict:
    """What a previewed run will cost: its optimizer steps, the epochs they make, and an estimate of its
    duration from `measured_seconds_per_step` (None when this lab has not run anything like it yet)."""
    config = info["resolved"]
    rate, runs = measured_seconds_per_step(store, config["backbone"], config["method"], info["family"])
    return {"steps": info["total_steps"], "epochs": info["epochs"],
            "seconds": rate * info["total_steps"] if rate is not None else None, "measured_runs": runs}


def task_info(name: str) -> dict:
    task = load_task(name)
    return {"name": task.name, "family": task.family, "labels": task.labels, "templates": task.templates,
            "description": task.description, "train_size": len(task.train), "dev_size": len(task.dev)}


def task_family(config: RunConfig) -> str | None:
    """The family of a config's task, as cheaply as it can be known: a preset's or the config's own, a
    known hub dataset's, or a user file's from its first records. None: a hub dataset whose columns
    alone would tell (only loading it does)."""
    if config.family:
        return config.family
    if config.task in catalog()["task_families"]:
        return catalog()["task_families"][config.task]
    from core.data.hub import HUB_DATASETS
    if config.task in HUB_DATASETS:
        return HUB_DATASETS[config.task].family
    if Path(config.task).expanduser().is_file():
        return load_task(config.task, max_rows=20).family
    return None


def predict_text(run_path: str, text: str, second: str = "") -> dict:
    from core.inference import predict_text as predict
    return predict(run_path, text, second)


def stream_text(run_path: str, text: str) -> Iterator[str]:
    """A generation run's answer to typed input, streamed: the growing generated text (greedy)."""
    from core.inference import stream_text as stream
    yield from stream(run_path, text)


def score_templates(task: str, backbone: str, templates: list[dict] | None = None, max_examples: int = 200):
    from core.classroom import score_templates as score
    return score(task, backbone, templates, max_examples)


def classroom_prompt_run(jobs: JobManager, task: str, backbone: str, steps: int, max_examples: int,
                         owner: str | None = None, verbalizer: dict | None = None) -> str:
    """Queue the classroom's continuous-prompt (P-tuning) run beside its templates. -> run id."""
    from core.classroom import prompt_run_config
    config = prompt_run_config(task, backbone, steps, max_examples, str(jobs.store.root), verbalizer)
    return jobs.submit(config, owner=owner)


def fine_tuning_baseline(jobs: JobManager, run_id: str, owner: str | None = None,
                         visible=lambda row: True) -> tuple[str, bool]:
    """The fine-tuning run to compare run `run_id` with: the newest active or finished fine-tuning run
    on its task and backbone that `visible(row)` allows, else a new one queued for `owner` with the
    same data, budget and inputs. -> (its run id, whether it was started now)."""
    source = jobs.store.row(run_id)
    existing = [row for row in jobs.store.list(task=source["task"], backbone=source["backbone"], method="fine-tuning")
                if row["status"] in (*ACTIVE, "finished") and visible(row)]
    if existing:
        return existing[0]["id"], False
    config = jobs.store.get(run_id).config()
    shared = {k: config[k] for k in BASELINE_FIELDS if config.get(k) is not None}
    return jobs.submit(RunConfig(**{**shared, "method": "fine-tuning"}), owner=owner), True


def peft_export(run_path: str, zip_into: str | None = None) -> dict:
    """A finished run as a PEFT adapter (core/export.py): {"kind", "code" (the lines that load it), "notes",
    "zip" (written into `zip_into`, a fresh folder of the caller's, when given)} when PEFT reproduces the run,
    else {"reason": why not}."""
    from core.export import ExportError, peft_plan, peft_zip  # torch and transformers load on first use
    try:
        plan = peft_plan(run_path)
        archive = str(peft_zip(run_path, zip_into, plan)) if zip_into else None
    except ExportError as error:
        return {"reason": str(error)}
    return {"kind": plan.kind, "code": plan.code(), "notes": plan.notes, "zip": archive}


def confusion_matrix(predictions: list[dict], labels: list[str]) -> list[list[int]]:
    from core.tasks.classification import confusion_matrix as confusion
    return confusion([p["gold"] for p in predictions], [p["predicted"] for p in predictions], labels)


def study_presets() -> dict[str, str]:
    """Shipped study presets: name -> their YAML text (what the web lab's editor starts from)."""
    from core.studies import PRESETS
    return {path.stem: path.read_text() for path in sorted(PRESETS.glob("*.yaml"))}


__all__ = ["COSTS", "config_diff", "environment_rows", "frontiers", "version_warnings", "ACTIVE", "NoSuchStudy", "StudySpec", "StudyStore", "study_presets", "STATUSES", "USER_ERRORS", "JobManager", "NoSuchRun", "Run", "RunConfig", "RunStore", "catalog",
           "budget", "check_fits", "check_visitor_config", "classroom_prompt_run", "confusion_matrix", "fine_tuning_baseline", "over_seeds", "parse_label_words", "parse_seeds", "seed_groups",
           "peft_export", "predict_text", "preview", "resolve", "resolved", "score_templates", "stream_text", "task_family",
           "task_info", "study_dashboard", "tracker_dashboard"]
