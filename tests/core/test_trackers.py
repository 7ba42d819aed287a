"""Experiment trackers (core/trackers.py): report_to takes transformers' names and refuses online trackers;
TensorBoard's event files and trackio's local database hold exactly the rows of metrics.jsonl; a tracker that
is missing or fails is recorded on the run, which trains on; past runs replay into a tracker in one command;
a visitor's config names only the local trackers."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core import trackers
from core.config import ConfigError, RunConfig
from core.guard import check_visitor_config
from core.runs import RunRecorder, RunStore
from core.setup import resolved
from core.train import train

pytest.importorskip("tensorboard")
if importlib.util.find_spec("trackio") is None:  # found, not imported: trackio reads its folder when imported
    pytest.skip("trackio is not installed (requirements-dev.txt)", allow_module_level=True)
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TINY = dict(task="sentiment", backbone="tiny-encoder", method="p-tuning-v2", max_steps=6, eval_every=3,
            max_train_examples=32, max_eval_examples=16, batch_size=8, prompt_length=4)


@pytest.fixture(scope="module")
def trackio_folder(tmp_path_factory):
    """trackio reads its folder once per process: every trackio test of this module shares this one."""
    return tmp_path_factory.mktemp("trackers")


def train_run(root: Path, study: str | None = None, **changes):
    """A run trained as the worker trains it: a run folder, RunRecorder, train(). -> (run, final)."""
    config = resolved(RunConfig(**{**TINY, "out": str(root), **changes}))
    run = RunStore(root).create(config, status="running", study=study)
    return run, train(config, RunRecorder(run), show_progress=False)


def tensorboard_scalars(folder: Path) -> dict[str, list[tuple[int, float]]]:
    events = EventAccumulator(str(folder))
    events.Reload()
    return {tag: [(e.step, e.value) for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}


def expected(run, key: str) -> list[tuple[int, float]]:
    return [(row["step"], row[key]) for row in run.metrics() if row.get(key) is not None]


def assert_mirrors(got: list, want: list, rel: float = 1e-6) -> None:
    """The same steps, and the same values (TensorBoard keeps float32)."""
    assert [step for step, _ in got] == [step for step, _ in want] and want
    assert [value for _, value in got] == pytest.approx([value for _, value in want], rel=rel)


# -- the setting ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("value,names", [(None, []), ("none", []), (["none"], []), ([], []),
                                         ("tensorboard", ["tensorboard"]), (["trackio"], ["trackio"]),
                                         ("tensorboard,trackio", ["tensorboard", "trackio"]),
                                         (["TensorBoard", "tensorboard"], ["tensorboard"]),
                                         ("all", ["tensorboard", "trackio"])])
def test_report_to_takes_what_transformers_takes(value, names):
    config = RunConfig(report_to=value)
    assert config.report_to == names
    assert RunConfig.from_dict(yaml.safe_load(config.to_yaml())).report_to == names  # config.yaml repeats it
    assert ("--report-to" in config.cli_command()) == bool(names)


@pytest.mark.parametrize("value,message", [
    ("wandb", "wandb is not supported by Prompt Lab (it logs to Weights & Biases' servers, with an account"),
    (["tensorboard", "mlflow"], "mlflow is not supported by Prompt Lab"),
    ("comet_ml", "use tensorboard or trackio (local files, no account), or none"),
    ("tensorbord", "'tensorbord' is not a tracker; choose from tensorboard, trackio, all or none"),
    (["none", "trackio"], "'none' stands alone"),
    (3, "report_to must be a tracker name or a list of them"),
])
def test_online_and_unknown_trackers_are_refused_with_the_reason(value, message):
    with pytest.raises(ConfigError, match="report_to") as error:
        RunConfig(report_to=value)
    assert message in str(error.value)


def test_command_line_flag_reaches_the_config(tmp_path, capsys):
    from core import train as train_module
    assert train_module.main(["--task", "sentiment", "--report-to", "wandb", "--out", str(tmp_path), "--quiet"]) == 2
    assert "wandb is not supported" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # refused before a run folder exists


def test_a_visitor_names_only_the_local_trackers(tmp_path):
    root = tmp_path / "runs"
    config = RunConfig(report_to=["tensorboard", "trackio"], out=str(root))
    check_visitor_config(config, root, ())
    for bad in (["../../etc"], ["wandb"], "tensorboard"):  # a list changed after validation, or not a list
        config.report_to = bad
        with pytest.raises(ConfigError, match="the web lab reports only to tensorboard and trackio"):
            check_visitor_config(config, root, ())


# -- mirroring a run as it trains ------------------------------------------------------------------------
def test_tensorboard_event_files_hold_every_logged_scalar(tmp_path, monkeypatch):
    monkeypatch.delenv(trackers.DIRECTORY_VARIABLE, raising=False)
    run, final = train_run(tmp_path, report_to=["tensorboard"])
    scalars = tensorboard_scalars(run.path / "tensorboard")
    assert_mirrors(scalars["train/loss"], expected(run, "loss"))
    assert [s for s, _ in scalars["train/loss"]] == [1, 2, 3, 4, 5, 6]
    assert_mirrors(scalars["dev/accuracy"], expected(run, "dev_accuracy"))
    assert [s for s, _ in scalars["dev/accuracy"]] == [3, 6]
    assert {"train/lr", "system/elapsed", "system/peak_memory_mb", "dev/macro_f1"} <= set(scalars)
    status = run.status()
    assert status["status"] == "finished" and "tracker_errors" not in status and "tracker_errors" not in final
    assert status["trackers"] == {"tensorboard": {"logdir": str(run.path / "tensorboard")}}
    assert trackers.dashboard(status)["commands"] == [f"tensorboard --logdir {run.path / 'tensorboard'}"]


def test_operator_folder_holds_tensorboard_outside_the_run(tmp_path, monkeypatch):
    monkeypatch.setenv(trackers.DIRECTORY_VARIABLE, str(tmp_path / "trackers"))
    run, _ = train_run(tmp_path / "runs", report_to="tensorboard", max_steps=2, eval_every=2)
    folder = tmp_path / "trackers" / "tensorboard" / run.id
    assert [s for s, _ in tensorboard_scalars(folder)["train/loss"]] == [1, 2]
    assert not (run.path / "tensorboard").exists()


def test_trackio_database_holds_the_metrics_in_the_study_project(tmp_path, monkeypatch, trackio_folder):
    monkeypatch.setenv(trackers.DIRECTORY_VARIABLE, str(trackio_folder))
    monkeypatch.setenv("TRACKIO_SERVER_URL", "http://192.0.2.1:9")  # must be ignored: nothing leaves the machine
    run, final = train_run(tmp_path, study="study-1", report_to=["trackio"])
    from trackio.sqlite_storage import SQLiteStorage
    assert (trackio_folder / "trackio" / "study-1.db").is_file()
    logs = SQLiteStorage.get_logs("study-1", run.id)
    assert_mirrors([(log["step"], log["train/loss"]) for log in logs], expected(run, "loss"), rel=1e-12)
    assert_mirrors([(log["step"], log["dev/accuracy"]) for log in logs if "dev/accuracy" in log],
                   expected(run, "dev_accuracy"), rel=1e-12)
    assert "tracker_errors" not in final and os.environ["TRACKIO_SERVER_URL"] == "http://192.0.2.1:9"
    assert trackers.dashboard(run.status())["commands"] == \
        [f"TRACKIO_DIR={trackio_folder / 'trackio'} trackio show --project study-1"]


# -- a tracker never fails a run -------------------------------------------------------------------------
def test_a_missing_tracker_is_recorded_and_the_run_trains_on(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)  # as if tensorboard were not installed
    run, final = train_run(tmp_path, report_to=["tensorboard"], max_steps=2, eval_every=2)
    assert run.status()["status"] == "finished" and [r["step"] for r in run.metrics()] == [1, 2]
    error = final["tracker_errors"]
    assert len(error) == 1 and error[0].startswith("tensorboard could not start") and "pip install tensorboard" in error[0]
    assert run.final()["tracker_errors"] == error and run.status()["tracker_errors"] == error
    assert trackers.dashboard(run.status()) == {"commands": [], "errors": error}


def test_a_tracker_folder_that_cannot_be_written_is_recorded(tmp_path, monkeypatch):
    (tmp_path / "not-a-folder").write_text("the operator's typo")
    monkeypatch.setenv(trackers.DIRECTORY_VARIABLE, str(tmp_path / "not-a-folder"))
    run, final = train_run(tmp_path / "runs", report_to="all", max_steps=2, eval_every=2)
    assert [e.split(":")[0] for e in final["tracker_errors"]] == ["tensorboard could not start",
                                                                   "trackio could not start"]
    assert all("Error" in e for e in final["tracker_errors"])  # e.g. NotADirectoryError: [Errno 20] ...
    assert run.status()["status"] == "finished" and run.status()["trackers"] == {}
    assert run.final()["best_metric"] is not None


def test_a_tracker_failing_mid_run_is_closed_and_recorded(tmp_path, monkeypatch):
    original = trackers.TensorBoard.log

    def fails_at_step_3(self, row):
        if row["step"] == 3:
            raise OSError(28, "No space left on device")
        original(self, row)

    monkeypatch.setattr(trackers.TensorBoard, "log", fails_at_step_3)
    run, final = train_run(tmp_path, report_to=["tensorboard"])
    assert final["tracker_errors"] == ["tensorboard stopped at step 3: OSError: [Errno 28] No space left on device"]
    assert run.status()["status"] == "finished" and [r["step"] for r in run.metrics()] == [1, 2, 3, 4, 5, 6]
    assert [s for s, _ in tensorboard_scalars(run.path / "tensorboard")["train/loss"]] == [1, 2]  # closed, kept


def test_trackio_loaded_for_another_folder_is_an_error_not_misplaced_data(tmp_path, monkeypatch, trackio_folder):
    trackers.load_trackio(trackio_folder / "trackio")  # this process's trackio writes there
    monkeypatch.setenv(trackers.DIRECTORY_VARIABLE, str(tmp_path / "elsewhere"))
    run, final = train_run(tmp_path / "runs", report_to=["tensorboard", "trackio"], max_steps=2, eval_every=2)
    assert len(final["tracker_errors"]) == 1 and "trackio already writes to" in final["tracker_errors"][0]
    assert run.status()["status"] == "finished" and list(run.status()["trackers"]) == ["tensorboard"]
    assert not list((tmp_path / "elsewhere").rglob("*.db"))


# -- replaying past runs --------------------------------------------------------------------------------
@pytest.fixture
def past_run(tmp_path, monkeypatch):
    """A finished run that reported to no tracker."""
    monkeypatch.delenv(trackers.DIRECTORY_VARIABLE, raising=False)
    run, _ = train_run(tmp_path / "runs")
    assert "trackers" not in run.status()
    return run


def test_replay_into_tensorboard_replaces_rather_than_doubles(past_run, capsys):
    for _ in range(2):
        assert trackers.main([str(past_run.path), "--to", "tensorboard"]) == 0
    assert len(list((past_run.path / "tensorboard").glob("events.out.tfevents.*"))) == 1
    scalars = tensorboard_scalars(past_run.path / "tensorboard")
    assert_mirrors(scalars["train/loss"], expected(past_run, "loss"))
    assert_mirrors(scalars["dev/accuracy"], expected(past_run, "dev_accuracy"))
    out = capsys.readouterr().out
    assert f"tensorboard --logdir {past_run.path / 'tensorboard'}" in out
    assert "tensorboard" in past_run.status()["trackers"]  # the Runs tab shows its command now


def test_replay_into_trackio_writes_the_lab_folder_by_default(past_run):
    """In a fresh process (trackio reads its folder once per process): runs/trackio, project prompt-lab."""
    env = {k: v for k, v in os.environ.items() if k != trackers.DIRECTORY_VARIABLE}
    done = subprocess.run([sys.executable, "-m", "core.trackers", str(past_run.path), "--to", "trackio"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    folder = past_run.store.root / "trackio"
    assert done.stdout.strip() == f"TRACKIO_DIR={folder} trackio show --project prompt-lab"
    check = ("import json, sys; from trackio.sqlite_storage import SQLiteStorage as S; "
             "print(json.dumps([[r['step'], r.get('train/loss')] for r in S.get_logs('prompt-lab', sys.argv[1])]))")
    read = subprocess.run([sys.executable, "-c", check, past_run.id], env={**env, "TRACKIO_DIR": str(folder)},
                          capture_output=True, text=True, timeout=120)
    assert_mirrors(json.loads(read.stdout.strip().splitlines()[-1]), expected(past_run, "loss"), rel=1e-12)


def test_replay_a_study_names_each_run_in_one_tensorboard(tmp_path, monkeypatch, capsys):
    from core.studies import StudySpec, StudyStore
    monkeypatch.delenv(trackers.DIRECTORY_VARIABLE, raising=False)
    root = tmp_path / "runs"
    spec = StudySpec.from_dict({"name": "two", "base": TINY, "grid": {"prompt_length": [2, 4]}})
    study = StudyStore(RunStore(root)).create(spec, None)
    runs = [train_run(root, study=study.id, prompt_length=n, max_steps=2, eval_every=2)[0] for n in (2, 4)]
    study.save_points([{"changes": {"prompt_length": n}, "seed": 42, "run": r.id} for n, r in zip((2, 4), runs)])
    assert trackers.main(["--study", study.id, "--runs-dir", str(root), "--to", "tensorboard"]) == 0
    spec = ",".join(f"{r.id}:{r.path / 'tensorboard'}" for r in runs)
    assert capsys.readouterr().out.strip() == f"tensorboard --logdir_spec {spec}"
    assert trackers.study_dashboard(RunStore(root), [r.id for r in runs]) == [f"tensorboard --logdir_spec {spec}"]


def test_replay_refuses_what_it_cannot_do(past_run, tmp_path, capsys):
    assert trackers.main([str(past_run.path), "--to", "wandb"]) == 2
    assert "wandb is not supported" in capsys.readouterr().err
    assert trackers.main([str(tmp_path / "nowhere" / "run"), "--to", "tensorboard"]) == 2
    assert "is not a run folder" in capsys.readouterr().err
    past_run.set_status("running")
    assert trackers.main([str(past_run.path), "--to", "tensorboard"]) == 1
    assert "mirror it live" in capsys.readouterr().err
    assert not (past_run.path / "tensorboard").exists()


def test_dashboard_commands_quote_paths():
    status = {"trackers": {"tensorboard": {"logdir": "my runs/a b/tensorboard"},
                           "trackio": {"dir": "runs/trackio", "project": "prompt-lab"}},
              "tracker_errors": ["trackio stored 3 of 6 metrics rows"]}
    assert trackers.dashboard(status) == {
        "commands": ["tensorboard --logdir 'my runs/a b/tensorboard'",
                     "TRACKIO_DIR=runs/trackio trackio show --project prompt-lab"],
        "errors": ["trackio stored 3 of 6 metrics rows"]}
    assert trackers.dashboard({}) == {"commands": [], "errors": []}
    assert trackers.dashboard({"trackers": "junk", "tracker_errors": "junk"}) == {"commands": [], "errors": []}
