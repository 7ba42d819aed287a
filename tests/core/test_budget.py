"""The budget shown before launch: optimizer steps, the epochs they make, and a duration estimated
from the lab's own finished runs of the same backbone, method and family on this machine."""
from __future__ import annotations

from core.api import budget, measured_seconds_per_step, preview
from core.config import RunConfig
from core.runs import RunStore


def finished(store, method, wall_time, steps, backbone="tiny-encoder"):
    run = store.create(RunConfig(task="sentiment", backbone=backbone, method=method))
    run.write_final({"wall_time": wall_time, "steps": steps})
    run.set_status("finished", step=steps)


def test_the_estimate_is_the_median_time_per_step_of_like_runs(tmp_path):
    store = RunStore(tmp_path / "runs")
    assert measured_seconds_per_step(store, "tiny-encoder", "p-tuning-v2", "classification") == (None, 0)
    for wall_time in (10.0, 30.0, 20.0):  # 0.1, 0.3 and 0.2 s a step
        finished(store, "p-tuning-v2", wall_time, 100)
    finished(store, "fine-tuning", 500.0, 100)  # another method: not counted
    finished(store, "p-tuning-v2", 900.0, 100, backbone="minilm-l6")  # another backbone: not counted
    rate, runs = measured_seconds_per_step(store, "tiny-encoder", "p-tuning-v2", "classification")
    assert (round(rate, 6), runs) == (0.2, 3)


def test_budget_counts_steps_and_epochs_before_launch(tmp_path):
    store = RunStore(tmp_path / "runs")
    info = preview(RunConfig(task="sentiment", backbone="tiny-encoder", method="p-tuning-v2", epochs=2.0,
                             batch_size=50, max_train_examples=500))
    cost = budget(store, info)
    assert (cost["steps"], cost["epochs"], cost["seconds"]) == (20, 2.0, None)  # 500 examples / 50 a step, twice
    finished(store, "p-tuning-v2", 5.0, 50)
    assert budget(store, info)["seconds"] == 2.0  # 0.1 s a step x 20 steps
