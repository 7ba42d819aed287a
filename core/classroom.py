"""Classroom: score every hand-written template of a classification preset zero-shot, side by
side, on one loaded backbone, so one changed word's effect on accuracy is visible; then the
continuous prompt (P-tuning) run that the classroom shows beside them.

Probing presets (facts) work the same way relation by relation: each template of a relation is
scored on that relation's dev facts, and its "accuracy" is P@1 (the share of facts whose object
the model ranks first over its whole vocabulary), as in the P-tuning paper's template table.

Scores are cached per (task, backbone, template, examples) for the life of the process, so every
visitor of a shared lab reuses them.
"""
from __future__ import annotations

import dataclasses
import json
import threading

from core.backbones import load_backbone
from core.config import RunConfig
from core.data import load_task
from core.methods import build_model
from core.setup import Setup, checked_config, evaluate
from core.tasks import family_of

PTUNING_BATCH = 8
_SCORES: dict[tuple, dict] = {}
_SCORES_LOCK = threading.Lock()


def score_templates(task_name: str, backbone_name: str, templates: list[dict] | None = None,
                    max_examples: int | None = 200) -> list[dict]:
    """-> [{name, template, verbalizer, accuracy, macro_f1}] for each template (default: the preset's).
    Templates scored before (by anyone) come from the cache; the others share one loaded backbone.
    A probing template ({name, relation, template}) is scored on its relation's facts: accuracy = P@1."""
    task = load_task(task_name)
    if not family_of(task).cloze:
        raise ValueError(f"'{task_name}' is a {task.family} task; hand-written templates score label words, "
                         "which it has none of")
    templates = templates or task.templates
    keys = [(task_name, backbone_name, json.dumps(t, sort_keys=True), max_examples) for t in templates]
    missing = [(key, t) for key, t in zip(keys, templates) if key not in _SCORES]
    if missing:
        backbone = load_backbone(backbone_name)
        for key, entry in missing:
            one = dataclasses.replace(task, templates=[entry])  # a copy: the task itself is left as it is
            dev = [e for e in task.dev if e.get("relation") == entry["relation"]] if "relation" in entry else task.dev
            dev = dev[:max_examples] if max_examples else dev
            config = checked_config(RunConfig(task=task_name, backbone=backbone_name, method="manual-prompt",
                                              epochs=0, template=0), one)
            s = Setup(config, one, family_of(one), backbone, build_model(config, backbone, one))
            metrics, _ = evaluate(s, dev, s.encode(dev))
            if "relation" in entry:  # probing: the relation's P@1 is this template's accuracy
                metrics = {"accuracy": metrics["p@1"], "macro_f1": None, "p@10": metrics["p@10"],
                           "mrr": metrics["mrr"], "facts": metrics["facts"]}
            with _SCORES_LOCK:
                _SCORES[key] = {"name": entry.get("name", entry["template"]), "template": entry["template"],
                                "verbalizer": entry.get("verbalizer") or {}, **metrics}
    return [dict(_SCORES[key]) for key in keys]


def prompt_run_config(task: str, backbone: str, steps: int, max_examples: int, out: str,
                      verbalizer: dict | None = None) -> RunConfig:
    """The classroom's continuous-prompt run: P-tuning on the same task, backbone and dev examples
    as the templates, evaluated about ten times (a user's file brings its label words)."""
    return RunConfig(task=task, backbone=backbone, method="p-tuning", max_steps=int(steps),
                     max_eval_examples=int(max_examples), batch_size=PTUNING_BATCH,
                     eval_every=max(1, int(steps) // 10), out=out, verbalizer=verbalizer)
