"""Data sources -> Task: task presets, user files (CSV, TSV, JSON lines, SQuAD's JSON, SuperGLUE's
JSON lines, CoNLL) and hub datasets.

    from core.data import load_task, list_presets, DataError
    task = load_task("sentiment")              # a preset
    task = load_task("reviews.csv")            # a file (split 80/20) or a folder with train/dev(/test)
    task = load_task("fewglue/RTE")            # SuperGLUE records: converted, with PET-style templates
    task = load_task("glue/sst2")              # a hub dataset id, when the hub is reachable

Formats and how they are recognised: core/data/files.py, squad.py, superglue.py, README "Data formats".

Every bad input raises DataError with a message that names the file, line, column and what was
expected; this layer only reads.
"""
from __future__ import annotations

from pathlib import Path

from core.data.errors import DataError
from core.data.files import SUFFIXES, load_path
from core.data.hub import HUB_DATASETS, is_hub_id, load_hub
from core.data.presets import is_preset, list_presets, load_preset
from core.tasks import FAMILIES
from core.tasks.base import Task

__all__ = ["DataError", "load_task", "list_presets"]


def load_task(source: str, family: str | None = None, max_rows: int | None = None) -> Task:
    """A preset name, a file or folder path, or a hub dataset id; `family` overrides the inferred family.
    max_rows: read at most that many examples of each user file (a preview; the Task's `data_note`
    says when a file had more); presets and hub datasets are read as usual."""
    if family is not None and family not in FAMILIES:
        raise DataError(f"family '{family}' is not one of {', '.join(FAMILIES)}")
    source = str(source).strip()
    if is_preset(source):
        task = load_preset(source)
        if family not in (None, task.family):
            raise DataError(f"preset '{source}' is a {task.family} task, not {family}")
        return task
    path = Path(source).expanduser()
    if path.exists():
        return load_path(path, family, max_rows)
    looks_like_file = path.suffix and "/" not in source  # "reviews.xlsx"; "owner/name.v2" may be a hub id
    if looks_like_file or path.suffix.lower() in SUFFIXES or path.is_absolute() or source.startswith((".", "~")):
        raise DataError(f"{source}: file does not exist")
    if is_hub_id(source):
        return load_hub(source, family)
    raise DataError(f"unknown task '{source}': not a preset ({', '.join(list_presets()) or 'none installed'}), "
                    f"not an existing file or folder, and not a hub dataset id such as "
                    f"{', '.join(list(HUB_DATASETS)[:3])} or owner/name")
