"""Honest evaluation: with a test split, the checkpoint is chosen on dev and reported on test; without
one, the final metrics say that the dev score chose itself and put the last checkpoint's beside it."""
from __future__ import annotations

from core.config import RunConfig
from core.train import train
from tests.conftest import tiny_task

CONFIG = dict(backbone="tiny-encoder", method="fine-tuning", max_steps=4, eval_every=2, batch_size=4,
              max_length=32, lr=1e-3)


def test_with_a_test_split_the_checkpoint_is_chosen_on_dev_and_reported_on_test():
    task = tiny_task("tagging")
    task.test = task.train[:3]
    final = train(RunConfig(task="toy", **CONFIG), task=task, show_progress=False)
    assert set(final["test"]) >= {"f1", "precision", "recall"} and final["test_metric"] == final["test"]["f1"]
    assert final["evaluation"].startswith("checkpoint chosen on dev") and "reported on test (3 examples)" in \
        final["evaluation"]
    assert "last_metric" not in final


def test_without_a_test_split_the_last_checkpoint_stands_beside_the_best():
    final = train(RunConfig(task="toy", **CONFIG), task=tiny_task("tagging"), show_progress=False)
    assert final["last_step"] == 4 and final["last_metric"] is not None and final["last_metric"] <= final["best_metric"]
    assert "optimistic" in final["evaluation"] and "test" not in final
