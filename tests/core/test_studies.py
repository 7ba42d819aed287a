"""Studies (core/studies.py, core/study.py): a spec expands into points, every point is a plain queued run,
resume queues only what did not finish, the index knows each run's study, the ablation curve is the mean
and spread over seeds, and the best point can be promoted to a plain run."""
from __future__ import annotations

import json
import time

import pytest

from core import study as study_cli
from core.config import ConfigError
from core.jobs import JobManager
from core.runs import RunStore
from core.studies import (MAX_POINTS, NoSuchStudy, StudySpec, StudyStore, ablation_figure, aggregate, best_config,
                          launch, progress, promote, resume, study_presets, table)

TINY = {"task": "sentiment", "backbone": "tiny-encoder", "method": "p-tuning-v2", "max_train_examples": 8,
        "max_eval_examples": 8, "max_steps": 2, "batch_size": 4}


def spec(**changes) -> StudySpec:
    data = {"name": "length", "base": dict(TINY), "grid": {"prompt_length": [2, 4]}, "seeds": [1, 2]}
    return StudySpec.from_dict({**data, **changes})


def wait_until_done(jobs: JobManager, study, timeout: float = 240) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        jobs.tick()
        info = progress(jobs.store, study)
        if info["complete"] and not jobs._children:
            return info
        time.sleep(0.25)
    raise TimeoutError(f"study not done: {progress(jobs.store, study)['counts']}")


def test_points_are_the_grid_times_the_variants_times_the_seeds():
    s = spec(variants=[{"method": "p-tuning-v2"}, {"method": "prefix-tuning"}])
    points = s.points()
    assert len(points) == 2 * 2 * 2
    assert points[0] == {"changes": {"prompt_length": 2, "method": "p-tuning-v2"}, "seed": 1}
    assert {json.dumps(p, sort_keys=True) for p in points}.__len__() == 8
    config = s.config(points[-1]["changes"], points[-1]["seed"], "runs")
    assert (config.prompt_length, config.method, config.seed, config.task) == (4, "prefix-tuning", 2, "sentiment")
    assert s.x == "prompt_length"


def test_a_mode_overrides_the_base_and_may_sweep_fewer_values():
    s = spec(modes={"quick": {"max_steps": 1, "grid": {"prompt_length": [3]}, "seeds": [7]}, "full": {}})
    quick = s.for_mode("quick")
    assert quick.points() == [{"changes": {"prompt_length": 3}, "seed": 7}]
    assert quick.config({"prompt_length": 3}, 7, "runs").max_steps == 1
    assert len(s.for_mode("full").points()) == 4
    with pytest.raises(ConfigError, match="mode must be one of quick, full"):
        s.for_mode("medium")


@pytest.mark.parametrize("changes, message", [
    ({"grid": {"prompt_lenght": [2]}}, "grid names unknown config fields prompt_lenght"),
    ({"grid": {"prompt_length": []}}, "grid.prompt_length must be a non-empty list"),
    ({"grid": {"prompt_length": [2, 2]}}, "grid.prompt_length repeats a value"),
    ({"grid": {"seed": [1, 2]}}, "sweep seeds with `seeds"),
    ({"x": "lr"}, "x must be a swept field"),
    ({"seeds": [1, 1]}, "seeds must be a list of different whole numbers"),
    ({"variants": [{"methd": "lora"}]}, r"variants\[0\] names unknown config fields methd"),
    ({"modes": {"quick": {"max_stepz": 1}}}, "modes.quick names unknown config fields max_stepz"),
    ({"grid": {"prompt_length": list(range(1, 300))}}, f"above {MAX_POINTS}"),
    ({"colour": "red"}, "unknown keys colour"),
])
def test_bad_specs_are_refused_naming_the_key(changes, message):
    with pytest.raises(ConfigError, match=message):
        spec(**changes)


def test_a_point_whose_config_cannot_run_refuses_the_whole_study_before_anything_is_queued(tmp_path):
    store = RunStore(tmp_path / "runs")
    jobs = JobManager(store, max_concurrent=1)
    with pytest.raises(ConfigError, match="prompt_length must be"):
        launch(jobs, spec(grid={"prompt_length": [2, 0]}))
    assert store.list() == [] and StudyStore(store).list() == []


def test_aggregate_gives_mean_and_spread_over_seeds_and_the_best_point():
    points = [{"changes": {"prompt_length": n, "task": t}, "seed": s, "run": f"r{n}{t}{s}", "status": "finished",
               "metric": m, "metric_name": "accuracy"}
              for (n, t, s, m) in [(2, "a", 1, 0.5), (2, "a", 2, 0.7), (8, "a", 1, 0.8), (8, "a", 2, 0.8),
                                   (2, "b", 1, 0.9), (8, "b", 1, 0.1)]]
    points.append({"changes": {"prompt_length": 8, "task": "b"}, "seed": 2, "run": "x", "status": "failed",
                   "metric": None})
    summary = aggregate(points, "prompt_length")
    a = summary["lines"]["task=a"]
    assert [g["x"] for g in a] == [2, 8]
    assert a[0]["mean"] == pytest.approx(0.6) and a[0]["std"] == pytest.approx(0.1414, abs=1e-3) and a[0]["n"] == 2
    assert summary["lines"]["task=b"][1]["n"] == 1  # the failed seed is left out, not counted as 0
    assert summary["best"]["changes"] == {"prompt_length": 2, "task": "b"} and summary["best"]["mean"] == 0.9
    figure = ablation_figure(summary, "t")
    assert [trace.name for trace in figure.data] == ["task=a", "task=b", "best"]
    assert list(figure.data[0].y) == pytest.approx([60.0, 80.0])


@pytest.mark.slow
def test_a_study_runs_resumes_and_promotes(tmp_path, capsys):
    store = RunStore(tmp_path / "runs")
    jobs = JobManager(store, max_concurrent=1)
    study = launch(jobs, spec(seeds=[1]), owner="visitor-a")
    points = study.points()
    assert [p["run"] is not None for p in points] == [True, True]
    rows = {row["id"]: row for row in store.list(study=study.id)}
    assert set(rows) == {p["run"] for p in points} and all(r["owner"] == "visitor-a" for r in rows.values())
    info = wait_until_done(jobs, study)
    assert info["counts"] == {"finished": 2}, info
    assert all(isinstance(p["metric"], float) for p in info["points"])
    assert table(info, study.plan())[0] == ["prompt_length", "seed", "run", "status", "dev metric (%)"]

    # a restart after one run was lost: resume queues that point only, the finished one stays
    lost, kept = points
    jobs.store.get(lost["run"]).set_status("interrupted", error="the app was restarted")
    again = resume(jobs, StudyStore(store).get(study.id))
    assert len(again) == 1
    now = StudyStore(store).get(study.id).points()
    assert now[1]["run"] == kept["run"] and now[0]["run"] == again[0] != lost["run"]
    assert resume(jobs, study) == []  # queued: not queued twice
    wait_until_done(jobs, study)

    # the index heals the study column from the run folders (the interrupted run stays the study's too)
    (store.root / "index.sqlite").unlink()
    healed = RunStore(store.root, heal=True)
    assert {row["id"] for row in healed.list(study=study.id)} == {lost["run"], now[0]["run"], now[1]["run"]}
    assert progress(healed, study)["counts"] == {"finished": 2}

    best = best_config(study)
    assert best.prompt_length in (2, 4) and best.seed == 1 and best.max_steps == 2
    promoted = promote(jobs, study, owner="visitor-a")
    assert store.row(promoted)["study"] is None and store.get(promoted).config()["prompt_length"] == best.prompt_length

    assert study_cli.main(["--runs", str(store.root), "--show", study.id]) == 0
    out = capsys.readouterr().out
    assert "best: " in out and (study.path / "ablation.html").is_file()


def test_the_cli_queues_without_waiting_and_refuses_bad_input(tmp_path, capsys):
    path = tmp_path / "study.yaml"
    path.write_text(json.dumps({"name": "cli", "base": TINY, "grid": {"lr": [1e-3, 1e-2]},
                                "modes": {"quick": {"max_steps": 1}, "full": {}}}))
    root = tmp_path / "runs"
    assert study_cli.main(["--runs", str(root), "--config", str(path), "--no-wait"]) == 0
    out = capsys.readouterr().out
    assert "2 runs planned (mode quick" in out
    (made,) = StudyStore(RunStore(root)).list()
    assert made.mode == "quick" and [RunStore(root).get(p["run"]).config()["max_steps"] for p in made.points()] == [1, 1]
    assert study_cli.main(["--runs", str(root), "--config", str(tmp_path / "missing.yaml")]) == 2
    assert "neither a study preset" in capsys.readouterr().err
    assert study_cli.main(["--runs", str(root), "--show", "../etc"]) == 2
    assert "is not a study id" in capsys.readouterr().err


def test_study_ids_are_names_never_paths(tmp_path):
    studies = StudyStore(RunStore(tmp_path / "runs"))
    for bad in ("../x", "/etc", "a/b", "", None, "."):
        with pytest.raises(NoSuchStudy):
            studies.get(bad)


def test_every_shipped_study_preset_is_valid_in_each_mode_and_states_its_budget():
    presets = study_presets()
    assert {"prompt-length", "reparameterization", "depth", "head"} <= set(presets)
    for name, s in presets.items():
        assert s.description and set(s.modes) == {"quick", "full"}, name
        assert set(s.budget) == {"quick", "full"}, name
        for mode in s.modes:
            plan = s.for_mode(mode)
            for point in plan.points():
                plan.config(point["changes"], point["seed"], "runs")  # every config is a valid RunConfig
        quick = s.for_mode("quick")  # a bounded budget: few steps, or the preset's epochs on a few examples
        assert all((c.max_steps or c.max_train_examples or 10**9) <= 400 for c in
                   (quick.config(p["changes"], p["seed"], "runs") for p in quick.points())), name
