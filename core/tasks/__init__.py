"""Task families by name: the only place that lists them.

    family = get_family("tagging")          # the module's Family object
    family = family_of(task)                # the family of a Task
    name = infer_family(row.keys())         # which family a record with these keys holds

Adding a family = one module under core/tasks/ (see core/tasks/base.py: Family) registered
here, its presets, and its tests. `infer_family` asks the families in this order; the first whose
`matches` accepts a record's keys holds it, and a record none claims is read as DEFAULT_FAMILY's
(whose reader then says which columns it lacks).
"""
from __future__ import annotations

import importlib

from core.tasks.base import DataError, Task, collate  # noqa: F401

FAMILIES = {  # name -> "module:class", imported on first use; the most specific record shapes first
    "srl": "core.tasks.srl:SemanticRoles",
    "tagging": "core.tasks.tagging:Tagging",
    "qa": "core.tasks.qa:QuestionAnswering",
    "generation": "core.tasks.generation:Generation",
    "probing": "core.tasks.probing:Probing",
    "classification": "core.tasks.classification:Classification",
}
DEFAULT_FAMILY = "classification"
_LOADED: dict = {}


def get_family(name: str):
    if name not in FAMILIES:
        raise DataError(f"family '{name}' is not one of {', '.join(FAMILIES)}")
    if name not in _LOADED:
        module, cls = FAMILIES[name].split(":")
        _LOADED[name] = getattr(importlib.import_module(module), cls)()
    return _LOADED[name]


def family_of(task: Task):
    return get_family(task.family)


def main_metric(task: Task) -> str:
    """The metric that picks a run's best checkpoint: the task's own (a preset's `metric:`), else its family's."""
    return task.metric or family_of(task).main_metric


def all_families() -> list:
    return [get_family(name) for name in FAMILIES]


def infer_family(columns) -> str:
    columns = set(columns)
    return next((family.name for family in all_families() if family.matches(columns)), DEFAULT_FAMILY)
