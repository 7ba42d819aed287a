"""Tests for bench/shared_data.py: the real SST-2 and CoNLL-2003 files in ../shared/data as
benchmark tasks (a seeded sample for training, a disjoint held-out slice for evaluation).
The tests that read the files skip where ../shared/data is absent."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.shared_data import _sample, load_shared_conll2003, load_shared_sst2
from core.data import DataError, presets
from core.tasks.iob import tag_names, to_iob2

SHARED = Path(__file__).parents[2].parent / "shared" / "data"
REPO_PRESETS = Path(__file__).parents[2] / "presets"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not present")


def test_sample_is_disjoint_and_seeded():
    items = list(range(100))
    train, dev = _sample(items, 30, 20, seed=3)
    assert len(train) == 30 and len(dev) == 20 and set(train).isdisjoint(dev)
    assert (train, dev) == _sample(items, 30, 20, seed=3) and (train, dev) != _sample(items, 30, 20, seed=4)
    with pytest.raises(DataError, match="asked for 90 training \\+ 20 dev examples; the file has 100"):
        _sample(items, 90, 20, seed=0)


@needs_shared
def test_shared_sst2():
    task = load_shared_sst2(SHARED, n_train=200, n_dev=100, seed=1)
    assert (task.family, task.labels, len(task.train), len(task.dev)) == \
        ("classification", ["negative", "positive"], 200, 100)
    assert set(Counter(e["label"] for e in task.train)) == {"negative", "positive"}
    assert "67349" in task.description and "held out" in task.description
    if (REPO_PRESETS / "tasks" / "sentiment.yaml").is_file():
        assert task.templates and task.templates == presets.read_meta("sentiment")["templates"]
    assert load_shared_sst2(SHARED / "sst2" / "train.tsv", 200, 100, seed=1).train == task.train


@needs_shared
def test_shared_conll2003_is_iob2():
    task = load_shared_conll2003(SHARED, n_train=300, n_dev=100, seed=0)
    assert task.family == "tagging" and task.labels == tag_names({"PER", "ORG", "LOC", "MISC"})
    assert (len(task.train), len(task.dev)) == (300, 100)
    for example in task.train + task.dev:
        assert len(example["tokens"]) == len(example["tags"])
        assert example["tags"] == to_iob2(example["tags"])  # no I- starts an entity
    assert "14041" in task.description
