"""Deciding between runs (core/compare.py, core/versions.py): the Pareto front against a brute force, one
front per task and metric, the settings that differ, the environment a run records (and reading the lab's
commit from .git without git), and the warnings when compared runs ran with different libraries."""
from __future__ import annotations

import itertools
import json
import random

import pytest

from core import cli
from core import versions
from core.compare import (NOT_RECORDED, config_diff, environment_rows, frontiers, pareto_front, shown,
                          version_warnings)
from core.runs import RunStore


# -- the Pareto front ------------------------------------------------------------------------------
def dominated(p, q) -> bool:
    """Is p dominated by q (cost no higher, metric no lower, one strictly)?"""
    return q[0] <= p[0] and q[1] >= p[1] and (q[0] < p[0] or q[1] > p[1])


def test_front_keeps_exactly_the_runs_nothing_beats():
    points = [(100, 0.70), (10, 0.60), (1000, 0.90), (50, 0.55), (1000, 0.80), (10, 0.60), (5000, 0.90), (1, 0.2)]
    front = pareto_front(points)
    assert front == [7, 1, 5, 0, 2]  # rising cost; the equal pair (10, 0.60) both stay
    assert [points[i] for i in front] == [(1, 0.2), (10, 0.6), (10, 0.6), (100, 0.7), (1000, 0.9)]
    assert pareto_front([]) == [] and pareto_front([(3.0, 0.1)]) == [0]
    assert pareto_front([(5, 0.5), (5, 0.7)]) == [1]  # same cost: the better metric only
    assert pareto_front([(5, 0.7), (9, 0.7)]) == [0]  # same metric: the cheaper only


@pytest.mark.parametrize("seed", range(25))
def test_front_matches_a_brute_force(seed):
    rng = random.Random(seed)
    points = [(rng.choice([0, 1, 2, 5, 10, 100]), round(rng.random(), 1)) for _ in range(rng.randint(1, 12))]
    expected = {i for i, p in enumerate(points) if not any(dominated(p, q) for q in points)}
    front = pareto_front(points)
    assert set(front) == expected
    assert [points[i][0] for i in front] == sorted(points[i][0] for i in front)
    assert all(points[a][1] <= points[b][1] for a, b in itertools.pairwise(front))  # a staircase


def row(run_id, task="sentiment", metric="accuracy", best=0.5, status="finished", **costs):
    return {"id": run_id, "task": task, "metric_name": metric, "best_metric": best, "status": status,
            "method": "p-tuning-v2", "backbone": "minilm-l6",
            **{"trainable": 1000, "wall_time": 60.0, "peak_memory_mb": 500.0, **costs}}


def test_runs_of_different_tasks_or_metrics_never_share_a_front():
    rows = [row("a", best=0.8, trainable=10_000), row("b", best=0.9, trainable=20_000_000),
            row("c", best=0.7, trainable=50_000), row("d", task="ner", metric="f1", best=0.99, trainable=1),
            row("e", best=None, status="running"), row("f", peak_memory_mb=None, trainable=30_000_000), row("g", best=float("nan"))]
    groups, left_out = frontiers(rows, "trainable")
    by_task = {g["task"]: g for g in groups}
    assert set(by_task) == {"sentiment", "ner"}
    sentiment = by_task["sentiment"]
    assert [sentiment["runs"][i]["id"] for i in sentiment["front"]] == ["a", "b"]  # c costs more than a, scores less
    assert [r["id"] for r in by_task["ner"]["runs"]] == ["d"]  # a high F1 on NER does not push sentiment off
    assert dict(left_out) == {"e": "no best metric yet", "g": "its metric is not a number"}
    groups, left_out = frontiers(rows, "peak_memory_mb")
    assert dict(left_out)["f"] == "no peak memory (MB) recorded"
    with pytest.raises(ValueError, match="cost must be one of trainable, wall_time, peak_memory_mb"):
        frontiers(rows, "../etc")


# -- the settings that differ -------------------------------------------------------------------
def test_config_diff_shows_only_what_differs_side_by_side():
    a = {"task": "sentiment", "method": "p-tuning-v2", "lr": 0.01, "prompt_length": 16, "seed": 1, "out": "/x/runs",
         "verbalizer": {"positive": "great", "negative": "bad"}, "tasks": []}
    b = {**a, "lr": 1e-2, "prompt_length": 32, "out": "/y/runs", "verbalizer": {"negative": "bad", "positive": "great"}}
    c = {k: v for k, v in a.items() if k != "tasks"} | {"method": "lora", "lora_rank": 8, "tasks": ["ner"]}
    assert config_diff([("a", a), ("b", b)]) == [["prompt_length", "16", "32"]]  # out is not a setting
    assert config_diff([("a", a), ("b", b), ("c", c)]) == [
        ["method", "p-tuning-v2", "p-tuning-v2", "lora"], ["prompt_length", "16", "32", "16"],
        ["tasks", "[]", "[]", '["ner"]'], ["lora_rank", "—", "—", "8"]]  # a field a run lacks is unset
    assert config_diff([("a", a), ("a2", dict(a))]) == []
    named = config_diff([("a", a), ("c", c)], show=lambda field, value: f"<{field}:{shown(value)}>")
    assert named[0] == ["method", "<method:p-tuning-v2>", "<method:lora>"]


# -- what a run ran with ----------------------------------------------------------------------------
def test_environment_records_the_installed_libraries_and_the_device():
    import accelerate
    import peft
    import torch
    import transformers
    env = versions.environment(torch.device("cpu"), "no")
    assert (env["torch"], env["transformers"], env["peft"], env["accelerate"]) == (
        torch.__version__, transformers.__version__, peft.__version__, accelerate.__version__)
    assert env["device"] == "cpu" and isinstance(env["bf16"], bool) and env["precision"] == "no"
    assert env["python"].count(".") == 2
    assert env["lab_commit"] is None or len(env["lab_commit"]) in (40, 64)
    json.dumps(env)  # final.json holds it as is


SHA_A, SHA_B = "a" * 40, "0123456789abcdef0123456789abcdef01234567"


def test_lab_commit_is_read_from_git_files_without_running_git(tmp_path):
    assert versions.lab_commit(tmp_path) is None  # no .git (a Space)
    git = tmp_path / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    assert versions.lab_commit(tmp_path) is None  # a branch with no commit yet
    (git / "packed-refs").write_text(f"# pack-refs with: peeled\n{SHA_B} refs/heads/main\n{SHA_A} refs/tags/v1\n")
    assert versions.lab_commit(tmp_path) == SHA_B
    (git / "refs" / "heads" / "main").write_text(SHA_A + "\n")  # a loose ref is newer than the packed one
    assert versions.lab_commit(tmp_path) == SHA_A
    (git / "HEAD").write_text(SHA_B + "\n")  # detached
    assert versions.lab_commit(tmp_path) == SHA_B
    (git / "HEAD").write_text("ref: ../../../../etc/passwd\n")
    assert versions.lab_commit(tmp_path) is None  # not a commit id: nothing
    (git / "HEAD").write_text("garbage")
    assert versions.lab_commit(tmp_path) is None


def test_lab_commit_follows_a_worktrees_gitdir_file(tmp_path):
    main, worktree = tmp_path / "main" / ".git", tmp_path / "wt"
    (main / "worktrees" / "wt").mkdir(parents=True)
    (main / "refs" / "heads").mkdir(parents=True)
    (main / "refs" / "heads" / "feature").write_text(SHA_A)
    (main / "worktrees" / "wt" / "HEAD").write_text("ref: refs/heads/feature\n")
    (main / "worktrees" / "wt" / "commondir").write_text("../..\n")
    worktree.mkdir()
    (worktree / ".git").write_text(f"gitdir: {main / 'worktrees' / 'wt'}\n")
    assert versions.lab_commit(worktree) == SHA_A


ENV = {"python": "3.11.7", "torch": "2.13.0+cpu", "transformers": "5.23.0", "peft": "0.21.2", "accelerate": "1.15.0",
       "lab_commit": SHA_A, "device": "cpu", "bf16": False, "precision": "no"}


def test_runs_that_ran_differently_are_named_and_old_runs_are_not_recorded():
    runs = [("a", {"environment": ENV}), ("b", {"environment": {**ENV, "transformers": "5.24.0"}}),
            ("c", {"environment": dict(ENV)}), ("old", {"best_metric": 0.5})]
    warnings = version_warnings(runs)
    assert warnings[0] == "runs ran with different transformers versions: 5.23.0 (a, c) vs 5.24.0 (b)"
    assert "old recorded no versions" in warnings[1] and len(warnings) == 2
    table = environment_rows(runs)
    assert table[2] == ["transformers", "5.23.0", "5.24.0", "5.23.0", NOT_RECORDED]
    assert table[5] == ["lab_commit", "aaaaaaaaaa", "aaaaaaaaaa", "aaaaaaaaaa", NOT_RECORDED]
    assert version_warnings(runs[:1]) == [] and version_warnings([runs[0], runs[2]]) == []
    gpu = [("a", {"environment": ENV}), ("g", {"environment": {**ENV, "device": "cuda: NVIDIA H100", "bf16": True}})]
    assert [w.split(":")[0] for w in version_warnings(gpu)] == [
        "runs ran with different devices (time and memory are not comparable)",
        "runs ran with devices with and without native bf16"]
    # only runs from before: every row "not recorded", and nothing to warn about
    old = [("x", {}), ("y", {"environment": "junk"})]
    assert all(r[1:] == [NOT_RECORDED, NOT_RECORDED] for r in environment_rows(old)) and version_warnings(old) == []


def test_a_trained_run_records_its_environment_in_final_json(tmp_path, capsys):
    assert cli.main(["--task", "sentiment", "--method", "prompt-tuning", "--backbone", "tiny-encoder",
                     "--max-steps", "1", "--max-train-examples", "8", "--max-eval-examples", "8", "--batch-size", "8",
                     "--prompt-length", "2", "--out", str(tmp_path), "--quiet"]) == 0
    final = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    saved = RunStore(tmp_path).get(final["run"].split("/")[-1]).final()
    import transformers
    assert saved["environment"]["transformers"] == transformers.__version__
    assert saved["environment"]["device"] == "cpu" and saved["environment"]["precision"] in ("no", "bf16")
    assert saved["environment"]["lab_commit"] == versions.lab_commit()
