"""Classroom: score every hand-written template of a classification preset zero-shot, side by
side, on one loaded backbone, so one changed word's effect on accuracy is visible."""
from __future__ import annotations

from accelerate import Accelerator

from core.backbones import load_backbone
from core.config import RunConfig, resolve
from core.data import load_task
from core.methods import build_model
from core.tasks import family_of
from core.train import Setup, evaluate


def score_templates(task_name: str, backbone_name: str, templates: list[dict] | None = None,
                    max_examples: int | None = 200) -> list[dict]:
    """-> [{name, template, verbalizer, accuracy, macro_f1}] for each template (default: the preset's)."""
    task = load_task(task_name)
    if task.family != "classification":
        raise ValueError(f"'{task_name}' is a {task.family} task; hand-written templates need classification")
    templates = templates or task.templates
    backbone = load_backbone(backbone_name)
    dev = task.dev[:max_examples] if max_examples else task.dev
    results = []
    for entry in templates:
        task.templates = [entry]
        config = resolve(RunConfig(task=task_name, backbone=backbone_name, method="manual-prompt", epochs=0,
                                   template=0), task.defaults)
        s = Setup(config, task, family_of(task), backbone, build_model(config, backbone, task))
        metrics, _ = evaluate(s, Accelerator(), dev, s.encode(dev))
        results.append({"name": entry.get("name", entry["template"]), "template": entry["template"],
                        "verbalizer": entry["verbalizer"], **metrics})
    return results
