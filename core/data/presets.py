"""Task presets: metadata in presets/tasks/<name>.yaml, data in presets/data/<name>/{train,dev}.jsonl.

Presets are data (adding one needs no code): any YAML file in presets/tasks is a preset.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from core.data.build import make_task
from core.data.errors import DataError
from core.data.files import read_file
from core.tasks import FAMILIES
from core.tasks.base import Task

PRESETS_DIR = Path(__file__).resolve().parents[2] / "presets"


def preset_file(name: str) -> Path:
    return PRESETS_DIR / "tasks" / f"{name}.yaml"


def is_preset(name: str) -> bool:
    return "/" not in name and "\\" not in name and preset_file(name).is_file()


def list_presets() -> dict[str, str]:
    """name -> one-line description, for the task picker."""
    return {name: meta.get("description", "") for name, meta in preset_metas().items()}


def preset_metas() -> dict[str, dict]:
    """name -> the preset's YAML (family, labels, templates, ...), without reading its data."""
    return {path.stem: read_meta(path.stem) for path in sorted((PRESETS_DIR / "tasks").glob("*.yaml"))}


def read_meta(name: str) -> dict:
    path = preset_file(name)
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise DataError(f"preset '{name}': cannot read {path.name}: {e}") from None
    if not isinstance(meta, dict) or meta.get("family") not in FAMILIES:
        raise DataError(f"preset '{name}': {path.name} needs a 'family' key, one of {', '.join(FAMILIES)}")
    return meta


def preset_defaults(source: str) -> dict[str, dict]:
    """A preset's default hyperparameters per method (read from its YAML only); {} for other sources."""
    return (read_meta(source).get("defaults") or {}) if is_preset(source) else {}


def load_preset(name: str) -> Task:
    """The preset's Task: its shipped data checked against its label set, plus templates and defaults."""
    meta = read_meta(name)
    family, folder = meta["family"], PRESETS_DIR / "data" / name
    if not (folder / "train.jsonl").is_file() or not (folder / "dev.jsonl").is_file():
        raise DataError(f"preset '{name}': data not found; expected {folder}/train.jsonl and dev.jsonl")
    _, train = read_file(folder / "train.jsonl", family)
    _, dev = read_file(folder / "dev.jsonl", family)
    labels = meta.get("labels")
    for template in meta.get("templates") or []:
        odd = {k: v for k, v in template.get("verbalizer", {}).items() if not isinstance(v, str)}
        if odd:  # YAML reads unquoted Yes/No/True as booleans
            raise DataError(f"preset '{name}': template {template.get('name')!r} has non-text label words "
                            f"{odd}; quote them in {name}.yaml")
    extras = {"unanswerable": bool(meta["unanswerable"])} if "unanswerable" in meta else {}
    task = make_task(name, family, train, dev, labels=labels or None, description=meta.get("description", ""),
                     templates=meta.get("templates") or [], ptuning_template=meta.get("ptuning_template"),
                     defaults=meta.get("defaults") or {}, test_examples=meta.get("test_examples") or [],
                     metric=meta.get("metric"), **extras)
    task.eval_splits = {split: _further_split(name, family, folder, file, labels)
                        for split, file in (meta.get("eval_splits") or {}).items()}
    return task


def _further_split(name: str, family: str, folder: Path, file: str, labels: list[str] | None) -> list[dict]:
    """A further dev split the preset names (`eval_splits: {unseen: dev_unseen.jsonl}`), checked like dev."""
    path = folder / file
    if "/" in file or not path.is_file():
        raise DataError(f"preset '{name}': eval split file '{file}' not found in {folder}")
    _, items = read_file(path, family)
    return make_task(name, family, items, items, labels=labels or None).dev
