"""Assemble a Task from checked examples: labels, the dev-label check, the train/dev split.

Examples travel as (where, example) pairs until the Task is built, so a late check (a dev label
unknown to training) can still name the line it comes from.
"""
from __future__ import annotations

import random

from core.data.errors import DataError
from core.tasks import get_family
from core.tasks.base import Task

Located = tuple[str, dict]  # ("dev.csv line 4", example)
DEV_SHARE, DEV_MAX, SPLIT_SEED = 0.2, 1000, 0


def make_task(name: str, family: str, train: list[Located], dev: list[Located], *,
              test: list[Located] = (), description: str = "", labels: list[str] | None = None,
              **extras) -> Task:
    """Build the Task; `labels` fixes the label set (presets, SuperGLUE), else it is read off the
    training data. Dev and test labels must be known from training (or the fixed set)."""
    if not train or not dev:
        raise DataError(f"{name}: {len(train)} training and {len(dev)} dev examples; need at least one of each")
    kind = get_family(family)
    train, dev, test = gathered(kind, train), gathered(kind, dev), gathered(kind, list(test))
    if labels is None:
        known, what = set().union(*(kind.label_keys(e) for _, e in train)), "the training labels"
        labels = kind.labels_from(known)
    else:
        known, what = kind.keys_of(labels), "the task's labels"
    for items in (train, dev, list(test)):
        _check_known(kind, items, known, what)
    kind.check_labels(name, labels)
    extras = {**kind.task_extras([e for _, e in train + dev + list(test)]), **extras}
    return Task(name=name, family=family, train=[e for _, e in train], dev=[e for _, e in dev],
                test=[e for _, e in test], labels=labels, description=description, **extras)


def gathered(kind, items: list[Located]) -> list[Located]:
    """Rows a family reads as parts of one example joined (generation: one reference per row)."""
    return kind.gather(items) if hasattr(kind, "gather") else list(items)


def _check_known(kind, items: list[Located], known: set[str], what: str) -> None:
    for where, example in items:
        unknown = sorted(kind.label_keys(example) - known)
        if unknown:
            raise DataError(f"{where}: {kind.label_noun} '{unknown[0]}' does not appear in {what} "
                            f"({', '.join(sorted(known))})")


def split(name: str, family: str, items: list[Located], seed: int = SPLIT_SEED) -> tuple[list, list, str]:
    """Deterministic train/dev split of one file: dev = 20% (at most 1000) after a seeded shuffle.

    Dev examples whose label (or entity type) never occurs in train move to train, so a rare
    label cannot make the split unusable. Both parts keep the file order.
    """
    items = gathered(get_family(family), items)  # before splitting: an input's rows stay on one side
    if len(items) < 2:
        raise DataError(f"{name}: {len(items)} example(s); need at least 2 (one to train on, one to evaluate)")
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    n_dev = min(DEV_MAX, max(1, round(DEV_SHARE * len(items))))
    dev_ids, train_ids = set(order[:n_dev]), set(order[n_dev:])
    label_keys = get_family(family).label_keys
    seen = set().union(*(label_keys(items[i][1]) for i in train_ids))
    moved = {i for i in dev_ids if not label_keys(items[i][1]) <= seen}
    if len(moved) == len(dev_ids):
        where, example = items[min(moved)]
        raise DataError(f"{name}: too few examples to split: the dev part would only hold labels that no "
                        f"training example has (first: {where}, {sorted(label_keys(example))}); "
                        "add examples, or give a folder with train and dev files")
    dev_ids -= moved
    train_ids |= moved
    train, dev = [items[i] for i in sorted(train_ids)], [items[i] for i in sorted(dev_ids)]
    note = (f"{name}: {len(items)} examples split into {len(train)} train / {len(dev)} dev "
            f"(dev = {DEV_SHARE:.0%} of a shuffle with seed {seed}, at most {DEV_MAX}"
            + (f"; {len(moved)} with labels unseen in train moved to train)" if moved else ")"))
    return train, dev, note
