"""RunStore and JobManager on their own, no worker started: what a created run holds, listing and
filtering, which ids are refused, and a queued run's path from submit to abort to delete.

Claims (one winner), healing the index, damaged folders, deletion of bad runs and how workers
die are in tests/reliability/; abort and delete as the web lab offers them in tests/app/."""
import pytest

from core.config import RunConfig
from core.jobs import JobManager
from core.runs import NoSuchRun, RunStore


def config(root, **changes) -> RunConfig:
    return RunConfig(**{"task": "sentiment", "backbone": "tiny-encoder", "max_steps": 2, "out": str(root), **changes})


def test_a_created_run_is_queued_indexed_and_listed_newest_first(tmp_path):
    store = RunStore(tmp_path)
    first = store.create(config(tmp_path), owner="alice")
    second = store.create(config(tmp_path, method="bitfit", task="ner"), status="running")
    assert first.status()["status"] == "queued" and first.owner() == "alice" and second.owner() is None
    assert store.get(first.id).config()["task"] == "sentiment"
    assert [row["id"] for row in store.list()] == [second.id, first.id]
    assert [row["id"] for row in store.list(status="queued")] == [first.id]
    assert [row["id"] for row in store.list(method="bitfit", task="ner")] == [second.id]
    assert store.row(second.id)["family"] == "tagging"  # from the preset, for the run list


@pytest.mark.parametrize("run_id", ["../x", "/etc", "a/b", ".hidden", "uploads", "", 7, None,
                                    "20260101-120000-p-tuning-v2-0000"])  # well-formed but unknown
def test_anything_but_a_run_of_this_lab_is_refused(tmp_path, run_id):
    store = RunStore(tmp_path)
    with pytest.raises(NoSuchRun):
        store.get(run_id)


def test_a_second_app_queues_and_a_queued_run_is_aborted_then_deleted(tmp_path):
    store = RunStore(tmp_path)
    scheduler = JobManager(store, max_concurrent=1)
    assert scheduler.holds_scheduler_lock()  # it never ticks here, so nothing is started
    app = JobManager(RunStore(tmp_path), max_concurrent=1)
    run_id = app.submit(config(tmp_path, method="bitfit"))
    run = store.get(run_id)
    assert run.status()["status"] == "queued" and app._children == {} and scheduler._children == {}
    saved = run.config()
    assert saved["lr"] and saved["batch_size"]  # the resolved config: the run repeats as it was queued

    app.abort(run_id)
    assert (run.status()["status"], run.status()["error"]) == ("aborted", "aborted by the user")
    app.abort(run_id)  # an ended run stays as it ended
    assert run.status()["error"] == "aborted by the user"
    app.delete(run_id)
    assert not run.path.exists() and store.list() == []
    with pytest.raises(NoSuchRun, match="no run"):
        store.get(run_id)


def test_listing_by_a_column_runs_do_not_have_is_a_clear_error(tmp_path):
    store = RunStore(tmp_path / "runs")
    with pytest.raises(ValueError, match="runs have no column colour"):
        store.list(task="sentiment", colour="red")
