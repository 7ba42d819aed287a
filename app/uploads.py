"""A visitor's uploaded data file: bounded, checked, and kept only once a run needs it.

Gradio stores an upload in its own temp folder (and refuses files above `max_file_size`). The lab
reads it from there for previews and scoring, and copies it into the runs folder's uploads/ (by
content hash) only when a run is launched, so a rejected upload leaves nothing behind.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from app import lab as lab_state
from app import strings as S

UPLOAD_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json", ".conll", ".txt", ".iob", ".bio", ".testa", ".testb", ".train")


def checked_upload(path: str) -> Path:
    """A visitor's uploaded file, within the lab's size limit (Gradio also refuses larger uploads)."""
    source, limit = Path(path), lab_state.current().max_upload_mb
    if source.suffix.lower() not in UPLOAD_SUFFIXES:
        raise ValueError(S.UPLOAD_TYPE.format(name=source.name, suffixes=", ".join(UPLOAD_SUFFIXES)))
    size_mb = source.stat().st_size / 2**20
    if size_mb > limit:
        raise ValueError(S.UPLOAD_TOO_BIG.format(name=source.name, size=size_mb, limit=limit))
    return source


def stable_upload(path: str) -> str:
    """Copy an uploaded file into the runs folder (by content hash, keeping its name) so the run's
    config still points at it after Gradio cleans its temp files. Called at launch only, once the
    file has passed every check: a rejected upload leaves nothing behind."""
    source = checked_upload(path)
    digest = hashlib.sha1()
    with open(source, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    target = lab_state.current().uploads / digest.hexdigest()[:12] / source.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return str(target)
