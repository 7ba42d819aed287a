"""The real public data files in ../shared/data (SST-2, CoNLL-2003) as benchmark Tasks.

Used by bench/methods.py only (not a source the app or the CLI offers), hence here and not in
core/data.

Benchmarks train on a seeded sample of the training file and evaluate on a disjoint held-out
slice of the same file (the official dev sets are not there); the data is read in place, never
copied into the repo. See /work/shared/data/README.md.
"""
from __future__ import annotations

import random
from pathlib import Path

from core.data.build import make_task
from core.data.errors import DataError
from core.data.files import read_file
from core.tasks.iob import tag_names
from core.data.presets import is_preset, read_meta
from core.tasks.base import Task

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SST2_LABELS = {"0": "negative", "1": "positive"}
CONLL_TYPES = ("LOC", "MISC", "ORG", "PER")


def load_shared_sst2(path: str | Path = SHARED_DATA, n_train: int = 1000, n_dev: int = 500,
                     seed: int = 0) -> Task:
    """SST-2 (GLUE train.tsv, label 0/1) as negative/positive, with the sentiment preset's templates."""
    file = _locate(Path(path), "sst2", "train.tsv")
    _, items = read_file(file, "classification")
    items = [(where, {**example, "label": SST2_LABELS[example["label"]]}) for where, example in items]
    train, dev = _sample(items, n_train, n_dev, seed)
    return make_task("sst2", "classification", train, dev, labels=["negative", "positive"],
                     description=_note("SST-2 sst2/train.tsv", len(items), n_train, n_dev, seed),
                     **_preset_extras("sentiment"))


def load_shared_conll2003(path: str | Path = SHARED_DATA, n_train: int = 1000, n_dev: int = 500,
                          seed: int = 0) -> Task:
    """CoNLL-2003 English NER (IOB1 in the file, IOB2 here) with PER/ORG/LOC/MISC tags."""
    file = _locate(Path(path), "conll2003", "train.txt")
    _, items = read_file(file, "tagging")
    train, dev = _sample(items, n_train, n_dev, seed)
    return make_task("conll2003", "tagging", train, dev, labels=tag_names(CONLL_TYPES),
                     description=_note("CoNLL-2003 conll2003/train.txt", len(items), n_train, n_dev, seed),
                     **_preset_extras("ner"))


def _locate(path: Path, folder: str, name: str) -> Path:
    """Accept the file itself, its folder, or the shared data root."""
    for candidate in (path, path / name, path / folder / name):
        if candidate.is_file():
            return candidate
    raise DataError(f"{path}: {folder}/{name} not found; expected the shared data folder "
                    f"(see shared/data/README.md) or the file itself")


def _sample(items: list, n_train: int, n_dev: int, seed: int) -> tuple[list, list]:
    """A seeded sample of n_train for training and a disjoint n_dev for evaluation, each in file order."""
    if n_train < 1 or n_dev < 1 or n_train + n_dev > len(items):
        raise DataError(f"asked for {n_train} training + {n_dev} dev examples; the file has {len(items)} "
                        "(each must be at least 1)")
    picked = random.Random(seed).sample(range(len(items)), n_train + n_dev)
    return [items[i] for i in sorted(picked[:n_train])], [items[i] for i in sorted(picked[n_train:])]


def _note(what: str, total: int, n_train: int, n_dev: int, seed: int) -> str:
    return (f"{what}: {n_train} of {total} training examples sampled for training and a disjoint "
            f"{n_dev} held out for evaluation (seed {seed}); not the official dev set")


def _preset_extras(name: str) -> dict:
    """Templates, P-tuning template and default hyperparameters of a preset, when it is installed."""
    if not is_preset(name):
        return {}
    meta = read_meta(name)
    return {"templates": meta.get("templates") or [], "ptuning_template": meta.get("ptuning_template"),
            "defaults": meta.get("defaults") or {}}
