"""The scheduler survives any one bad run: a row whose folder vanished, whose status.json or
config.yaml is missing or junk, or whose worker is gone, is marked with the reason, the queue keeps
moving (a good run queued behind them starts and finishes), and every bad run can be deleted."""
import json
import os
import shutil
import subprocess

import pytest

from core.jobs import JobManager
from core.runs import RunStore
from reltools import finished_run, folder_bytes, index_rows, status_of, stray_entries, tiny_config, wait_for

MISSING = "run folder is missing (deleted outside the lab?)"
DAMAGED = "run folder damaged: "
STOPPED = ("the worker stopped while no scheduler was watching it (the app or the machine restarted); "
           "its last state is kept")


def _write(name: str, data: bytes):
    return lambda path: (path / name).write_bytes(data)


def _status_dir(path):
    (path / "status.json").unlink()
    (path / "status.json").mkdir()


# how a queued run's folder is broken -> the exact reason the scheduler records (a prefix where the
# reason quotes a path)
BAD_QUEUED = {
    "folder deleted": (shutil.rmtree, MISSING),
    "status.json junk": (_write("status.json", b"{not json"), DAMAGED + "status.json is not valid JSON "
                         "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
    "status.json non-UTF-8": (_write("status.json", b"\xff\xfe\x00junk"), DAMAGED + "status.json is not UTF-8 text"),
    "status.json a list": (_write("status.json", b"[1, 2]"), DAMAGED + "status.json is not a JSON object"),
    "status.json unknown status": (_write("status.json", b'{"status": "weird"}'),
                                   DAMAGED + "status.json has no valid status ('weird')"),
    "status.json a folder": (_status_dir, DAMAGED + "status.json is not valid JSON ([Errno 21] Is a directory"),
    "config.yaml missing": (lambda path: (path / "config.yaml").unlink(), DAMAGED + "config.yaml is missing"),
    "config.yaml junk": (_write("config.yaml", b"task: [unclosed\n"),
                         DAMAGED + "config.yaml cannot be read (ParserError)"),
    "config.yaml not settings": (_write("config.yaml", b"just words"),
                                 DAMAGED + "config.yaml is not a mapping of settings"),
    "config.yaml non-UTF-8": (_write("config.yaml", b"\xff\xfe"),
                              DAMAGED + "config.yaml cannot be read (UnicodeDecodeError)"),
}


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def make_bad_runs(store: RunStore) -> dict[str, str]:
    """-> {kind: run id} for every kind of bad queued run, plus running rows whose folder or worker is gone."""
    ids = {}
    for kind, (damage, _) in BAD_QUEUED.items():
        run = store.create(tiny_config(store.root))
        damage(run.path)
        ids[kind] = run.id
    for kind in ("running: folder deleted", "running: status.json junk", "running: worker dead",
                 "running: pid reused by another process"):
        pid, start = (os.getpid(), "1") if "reused" in kind else (dead_pid(), None)
        run = store.create(tiny_config(store.root), status="running", runner="worker", pid=pid, pid_start=start)
        if "folder deleted" in kind:
            shutil.rmtree(run.path)
        elif "junk" in kind:
            (run.path / "status.json").write_bytes(b"\xff junk")
        ids[kind] = run.id
    return ids


def test_bad_rows_are_marked_with_the_reason_and_a_good_run_still_starts(root):
    store = RunStore(root)
    bystander = finished_run(store)
    before = folder_bytes(bystander.path), index_rows(root)[bystander.id]
    bad = make_bad_runs(store)
    good = store.create(tiny_config(root))  # queued last, so it waits behind every bad run
    jobs = JobManager(store, max_concurrent=1)

    jobs.tick()  # one tick deals with every bad row and still starts the good run

    rows = index_rows(root)
    for kind, (_, reason) in BAD_QUEUED.items():
        row = rows[bad[kind]]
        assert row["status"] == "failed" and row["error"].startswith(reason), (kind, row)
        if kind not in ("folder deleted", "status.json a folder"):  # the folder says so too
            assert status_of(root, bad[kind])["status"] == "failed", kind
            assert status_of(root, bad[kind])["error"] == row["error"], kind
        assert not (root / bad[kind] / "worker.log").exists(), f"{kind}: a worker was started"
    assert not (root / bad["folder deleted"]).exists()  # nothing re-created for a vanished folder
    assert (rows[bad["running: folder deleted"]]["status"], rows[bad["running: folder deleted"]]["error"]) == \
        ("failed", MISSING)
    assert rows[bad["running: status.json junk"]]["status"] == "failed"
    assert rows[bad["running: status.json junk"]]["error"] == DAMAGED + "status.json is not UTF-8 text"
    for kind in ("running: worker dead", "running: pid reused by another process"):
        assert (rows[bad[kind]]["status"], rows[bad[kind]]["error"]) == ("interrupted", STOPPED), kind
        assert status_of(root, bad[kind])["status"] == "interrupted"
    assert rows[good.id]["status"] == "running" and (good.path / "worker.log").exists()

    def finished():
        jobs.tick()
        return status_of(root, good.id).get("status") not in ("queued", "running") and not jobs._children
    wait_for(finished, timeout=120, every=0.25, what="the good run to finish")
    assert status_of(root, good.id)["status"] == "finished", (good.path / "worker.log").read_text()[-2000:]
    assert index_rows(root)[good.id]["status"] == "finished"
    after_training = folder_bytes(good.path), index_rows(root)[good.id]

    for kind, run_id in bad.items():  # every bad run can be deleted, whatever is wrong with it
        jobs.delete(run_id)
        assert not (root / run_id).exists() and run_id not in index_rows(root), kind

    assert set(index_rows(root)) == {bystander.id, good.id}
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before
    assert (folder_bytes(good.path), index_rows(root)[good.id]) == after_training
    assert stray_entries(root, {bystander.id, good.id}) == []


@pytest.mark.parametrize("deleter", ["RunStore.delete", "JobManager.delete"])
def test_every_bad_run_can_be_deleted_before_the_scheduler_saw_it(root, deleter):
    store = RunStore(root)
    bystander = finished_run(store)
    before = folder_bytes(bystander.path), index_rows(root)[bystander.id]
    bad = make_bad_runs(store)
    delete = store.delete if deleter == "RunStore.delete" else JobManager(store, max_concurrent=1).delete
    for kind, run_id in bad.items():
        delete(run_id)
        assert not (root / run_id).exists() and run_id not in index_rows(root), kind
    assert set(index_rows(root)) == {bystander.id}
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before
    assert stray_entries(root, {bystander.id}) == []


def test_a_running_row_whose_worker_has_not_recorded_its_pid_yet_keeps_its_slot_for_a_while(root):
    """Between the claim and the worker's first write, status.json says running with no pid: that
    is a worker starting up, not a dead one; only when it stays so is the run interrupted."""
    store = RunStore(root)
    starting = store.create(tiny_config(root), status="running")
    stale = store.create(tiny_config(root), status="running")
    status = json.loads((stale.path / "status.json").read_text())
    (stale.path / "status.json").write_text(json.dumps({**status, "updated": status["updated"] - 3600}))
    jobs = JobManager(store, max_concurrent=1)
    assert jobs._check_running(starting.id) is True
    assert jobs._check_running(stale.id) is False
    rows = index_rows(root)
    assert rows[starting.id]["status"] == "running" and status_of(root, starting.id)["status"] == "running"
    assert (rows[stale.id]["status"], rows[stale.id]["error"]) == ("interrupted", STOPPED)
