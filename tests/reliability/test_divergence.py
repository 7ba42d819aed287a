"""A NaN/inf loss is a failed run that says so: training stops at that step, final.json records
where, the best checkpoint *before* it is what is saved (never the weights trained after it), and the
CLI and the worker record the run as failed with the message."""
import json
import re

import pytest
import torch
from safetensors.torch import load_file

import core.train
import core.worker
from core.runs import RunRecorder, RunStore
from core.tasks.classification import Classification
from reltools import finished_run, folder_bytes, index_rows, status_of, stray_entries, tiny_config, worker_in_process

ARGS = ["--task", "sentiment", "--backbone", "tiny-encoder", "--method", "p-tuning-v2", "--max-train-examples", "16",
        "--max-eval-examples", "8", "--batch-size", "8", "--max-length", "64", "--prompt-length", "4", "--quiet"]


@pytest.fixture
def watch(monkeypatch):
    """Make the loss non-finite at the n-th training step, and keep a copy of the trained parameters
    at every evaluation and at the step that diverges."""
    seen = {"evaluated": [], "at_divergence": None, "model": None}
    real_evaluate, real_loss = core.train.evaluate, Classification.loss

    def evaluate(s, *args):
        seen["model"] = s.model
        seen["evaluated"].append({k: v.clone() for k, v in s.model.trainable_state_dict().items()})
        return real_evaluate(s, *args)

    def arm(step: int, bad: float):
        calls = []

        def loss(self, outputs, batch):
            value = real_loss(self, outputs, batch)
            calls.append(1)
            if len(calls) == step:
                seen["at_divergence"] = {k: v.clone() for k, v in seen["model"].trainable_state_dict().items()} \
                    if seen["model"] is not None else None
                return value * bad
            return value
        monkeypatch.setattr(Classification, "loss", loss)
    monkeypatch.setattr(core.train, "evaluate", evaluate)
    seen["arm"] = arm
    return seen


def test_a_nan_loss_fails_the_run_and_keeps_the_best_checkpoint_before_it(root, watch, capsys):
    bystander = finished_run(RunStore(root))
    before = folder_bytes(bystander.path), index_rows(root)[bystander.id]
    watch["arm"](step=4, bad=float("nan"))  # evaluated at step 2, trained on at step 3, NaN at step 4

    assert core.train.main(ARGS + ["--max-steps", "8", "--eval-every", "2", "--out", str(root)]) == 1

    err = capsys.readouterr().err
    (run_id,) = [p.name for p in root.iterdir() if p.is_dir() and p.name != bystander.id]
    run = RunStore(root).get(run_id)
    rows = run.metrics()
    assert [row["step"] for row in rows] == [1, 2, 3]  # nothing logged for the step that diverged
    best = rows[1]["dev_accuracy"]
    message = (f"diverged at step 4 (loss nan); try a lower learning rate. The best checkpoint before it "
               f"(step 2, dev accuracy {best:.4f}) is kept.")
    assert f"error: {message}" in err and "Traceback" not in err
    assert (status_of(root, run_id)["status"], status_of(root, run_id)["error"]) == ("failed", message)
    row = index_rows(root)[run_id]
    assert (row["status"], row["error"], row["best_metric"]) == ("failed", message, best)
    final = run.final()
    assert final["diverged"] == {"step": 4, "loss": "nan"}
    assert (final["best_step"], final["best_metric"], final["steps"]) == (2, best, 3)
    # the saved parameters are those evaluated at step 2, not those trained on at step 3
    saved, at_step_2, at_step_4 = load_file(str(run.weights)), watch["evaluated"][0], watch["at_divergence"]
    assert saved.keys() == at_step_2.keys()
    assert any(not torch.equal(at_step_2[k], at_step_4[k]) for k in saved)  # step 3 did change them
    assert all(torch.equal(saved[k], at_step_2[k]) for k in saved)
    assert all(torch.isfinite(v).all() for v in saved.values())
    assert len(run.predictions()) == 8
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before
    assert stray_entries(root, {bystander.id, run_id}) == []


def test_an_infinite_loss_before_any_evaluation_keeps_no_parameters(root, watch):
    """Through the worker: the run is failed with the message; nothing trained is kept."""
    watch["arm"](step=1, bad=float("inf"))
    store = RunStore(root)
    run = store.create(tiny_config(root, max_steps=8, eval_every=4), status="running")
    assert worker_in_process(run) == 1
    message = ("diverged at step 1 (loss inf); try a lower learning rate. No checkpoint was evaluated before it, "
               "so no trained parameters are kept.")
    assert (status_of(root, run.id)["status"], status_of(root, run.id)["error"]) == ("failed", message)
    assert (index_rows(root)[run.id]["status"], index_rows(root)[run.id]["error"]) == ("failed", message)
    final = json.loads((run.path / "final.json").read_text())
    assert final["diverged"] == {"step": 1, "loss": "inf"}
    assert (final["best_metric"], final["steps"]) == (None, 0)
    assert run.metrics() == []
    assert not run.weights.exists() and not (run.path / "predictions.json").exists()
    assert sorted(p.name for p in run.path.iterdir()) == ["config.yaml", "final.json", "status.json"]
    assert re.fullmatch(r"[\d.]+% of [\d.]+[KMG]", final["share"])


def test_the_saved_parameters_are_the_best_checkpoints_not_the_last(root, watch, monkeypatch):
    """The same rule without divergence: when a later evaluation is worse, the earlier weights are saved."""
    scores = iter([0.9, 0.1])  # dev accuracy at steps 2 and 4
    evaluate = core.train.evaluate

    def worse_later(*args):
        metrics, predictions = evaluate(*args)
        return {**metrics, "accuracy": next(scores)}, predictions
    monkeypatch.setattr(core.train, "evaluate", worse_later)
    run = RunStore(root).create(tiny_config(root, max_steps=4, eval_every=2), status="running")
    final = core.train.train(tiny_config(root, max_steps=4, eval_every=2), RunRecorder(run), show_progress=False)
    assert (final["best_step"], final["best_metric"], final["steps"]) == (2, 0.9, 4)
    saved, at_step_2, at_step_4 = load_file(str(run.weights)), watch["evaluated"][0], watch["evaluated"][1]
    assert any(not torch.equal(at_step_2[k], at_step_4[k]) for k in saved)
    assert all(torch.equal(saved[k], at_step_2[k]) for k in saved)
