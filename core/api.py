"""The public API of core: everything the web lab (app/) needs, and nothing it must not do.

The UI never imports torch or trains in its own process: it submits configs to the job
manager, reads run folders through the run store, and asks for previews and predictions.
"""
from __future__ import annotations

import functools

import yaml

from core.backbones import BackboneError, list_backbones
from core.config import ConfigError, RunConfig, resolve
from core.data import DataError, list_presets, load_task
from core.guard import check_visitor_config
from core.jobs import JobManager
from core.methods import METHODS, MethodError, check_fits
from core.runs import ACTIVE, STATUSES, NoSuchRun, Run, RunStore
from core.tasks.cloze import TemplateError

USER_ERRORS = (ConfigError, DataError, MethodError, BackboneError, TemplateError)


def catalog() -> dict:
    """Names and one-line descriptions of tasks, backbones and methods (with their task families)."""
    return {"tasks": list_presets(), "backbones": list_backbones(),
            "methods": {name: {"summary": spec.summary, "families": list(spec.families),
                               "uses_prompt_length": spec.uses_prompt_length,
                               "reparameterize": spec.default_reparameterize}
                        for name, spec in METHODS.items()}}


@functools.lru_cache(maxsize=64)
def _preview(config_yaml: str) -> dict:
    # torch stays out of UI start-up; no weights load and uploads are read in part (see core.preview)
    from core.preview import preview as build_preview
    return build_preview(RunConfig.from_dict(yaml.safe_load(config_yaml)))


def preview(config: RunConfig) -> dict:
    """Trainable share, the resolved config and the equivalent CLI/YAML, before launching.
    Cached by the config's YAML (RunConfig is a mutable dataclass, so not hashable).
    Raises one of USER_ERRORS with a message for the user when the config cannot run."""
    return _preview(config.to_yaml())


def task_info(name: str) -> dict:
    task = load_task(name)
    return {"name": task.name, "family": task.family, "labels": task.labels, "templates": task.templates,
            "description": task.description, "train_size": len(task.train), "dev_size": len(task.dev)}


def predict_text(run_path: str, text: str, second: str = "") -> dict:
    from core.inference import predict_text as predict
    return predict(run_path, text, second)


def score_templates(task: str, backbone: str, templates: list[dict] | None = None, max_examples: int = 200):
    from core.classroom import score_templates as score
    return score(task, backbone, templates, max_examples)


def confusion_matrix(predictions: list[dict], labels: list[str]) -> list[list[int]]:
    from core.tasks.classification import confusion_matrix as confusion
    return confusion([p["gold"] for p in predictions], [p["predicted"] for p in predictions], labels)


__all__ = ["ACTIVE", "STATUSES", "USER_ERRORS", "JobManager", "NoSuchRun", "Run", "RunConfig", "RunStore", "catalog",
           "check_fits", "check_visitor_config", "confusion_matrix", "predict_text", "preview", "resolve", "score_templates", "task_info"]


preview_form = preview  # the name the web lab's form uses


def form_choices() -> dict[str, list[str]]:
    """Allowed values of RunConfig's choice fields, for the web lab's pickers."""
    from core.config import PRECISIONS, PROMPT_ENCODERS, PROMPT_INITS
    return {"precision": list(PRECISIONS), "prompt_encoder": list(PROMPT_ENCODERS), "prompt_init": list(PROMPT_INITS)}
