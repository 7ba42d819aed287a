"""The index is a cache that heals from the run folders: deleted, junk (random bytes, a text file,
an empty file) or of an older schema, it is rebuilt when the lab opens with every run back, statuses,
errors and best metrics read from the folders; a junk file is set aside, never lost; an index that is
behind the folders (a folder it lacks, rows that differ, a folder that vanished) catches up."""
import json
import random
import shutil
import sqlite3
from contextlib import closing

import pytest
import yaml

from core.jobs import JobManager
from core.runs import RunStore, _write_json
from reltools import finished_run, folder_bytes, index_rows, stray_entries, tiny_config

MISSING = "run folder is missing (deleted outside the lab?)"


def make_lab(root):
    """Runs in every end state, written through the store as the worker writes them."""
    store = RunStore(root)
    finished = finished_run(store, best=0.75)
    other = finished_run(store, best=0.5)
    failed = store.create(tiny_config(root))
    failed.log_metrics({"step": 1, "loss": 0.6})
    failed.set_status("failed", error="diverged at step 3 (loss nan); try a lower learning rate.")
    aborted = store.create(tiny_config(root))
    aborted.set_status("aborted", error="aborted by the user")
    queued = store.create(tiny_config(root, method="bitfit"))
    return [finished.id, other.id, failed.id, aborted.id, queued.id]


def truth(root, ids) -> dict:
    """What the folders say about each run, read straight from their files."""
    out = {}
    for run_id in ids:
        status = json.loads((root / run_id / "status.json").read_text())
        final_path = root / run_id / "final.json"
        final = json.loads(final_path.read_text()) if final_path.exists() else {}
        config = yaml.safe_load((root / run_id / "config.yaml").read_text())
        out[run_id] = {"status": status["status"], "error": status.get("error"),
                       "best_metric": final.get("best_metric"), "metric_name": final.get("metric_name"),
                       "task": config["task"], "method": config["method"]}
    return out


def seen(rows: dict) -> dict:
    return {run_id: {k: row[k] for k in ("status", "error", "best_metric", "metric_name", "task", "method")}
            for run_id, row in rows.items()}


def remove_index(root):
    for suffix in ("", "-wal", "-shm"):
        (root / f"index.sqlite{suffix}").unlink(missing_ok=True)


def old_schema(root):
    remove_index(root)
    with closing(sqlite3.connect(root / "index.sqlite")) as db, db:  # the first index: fewer columns, stale rows
        db.execute("CREATE TABLE runs (id TEXT PRIMARY KEY, created REAL, task TEXT, status TEXT)")
        db.execute("INSERT INTO runs VALUES ('20200101-000000-gone-0000', 1.0, 'sentiment', 'running')")


JUNK = {
    "random bytes": random.Random(0).randbytes(8192),
    "a text file": b"this is not a database\n" * 50,
    "an empty file": b"",
}


def damage(root, how):
    if how == "deleted":
        remove_index(root)
    elif how == "old schema":
        old_schema(root)
    else:
        remove_index(root)
        (root / "index.sqlite").write_bytes(JUNK[how])


@pytest.mark.parametrize("how", ["deleted", "random bytes", "a text file", "an empty file", "old schema"])
@pytest.mark.parametrize("heal", [True, False], ids=["app start", "any opener"])
def test_a_lost_or_junk_index_is_rebuilt_from_the_folders(root, how, heal):
    ids = make_lab(root)
    expected = truth(root, ids)
    assert seen(index_rows(root)) == expected  # the index was right before it was damaged
    folders = {run_id: folder_bytes(root / run_id) for run_id in ids}
    damage(root, how)
    junk = (root / "index.sqlite").read_bytes() if how in JUNK or how == "old schema" else None

    store = RunStore(root, heal=heal)

    assert seen({row["id"]: row for row in store.list()}) == expected
    assert [row["id"] for row in store.list()] == list(reversed(ids))  # newest first, as before
    assert {run_id: folder_bytes(root / run_id) for run_id in ids} == folders  # the folders are only read
    aside = sorted(p.name for p in root.glob("index.sqlite.broken-*"))
    if how in ("random bytes", "a text file", "old schema"):  # set aside, never deleted
        assert len(aside) == 1 and (root / aside[0]).read_bytes() == junk
    else:
        assert aside == []
    assert stray_entries(root, set(ids) | set(aside)) == []
    assert store.get(ids[0]).final()["best_metric"] == 0.75  # and the lab works on it
    assert RunStore(root, heal=True).list() == store.list()  # a second opener changes nothing


def test_a_junk_index_never_stops_the_scheduler(root):
    ids = make_lab(root)
    RunStore(root).get(ids[-1]).path.joinpath("config.yaml").unlink()  # so a tick acts without a worker
    (root / "index.sqlite").write_bytes(random.Random(1).randbytes(4096))
    jobs = JobManager(RunStore(root, heal=True), max_concurrent=1)
    jobs.tick()
    rows = index_rows(root)
    assert set(rows) == set(ids)
    assert (rows[ids[-1]]["status"], rows[ids[-1]]["error"]) == ("failed", "run folder damaged: config.yaml is missing")


def test_an_index_behind_the_folders_catches_up(root, tmp_path):
    """The folders moved on while the index could not be written (locked, or absent): a run folder it
    lacks, a run that finished without the index hearing of it, a folder deleted outside the lab."""
    ids = make_lab(root)
    finished, other, failed, aborted, queued = ids
    elsewhere = RunStore(tmp_path / "elsewhere")  # a run written where this index never saw it
    copied = finished_run(elsewhere, best=0.9).id
    shutil.copytree(elsewhere.root / copied, root / copied)
    # the queued run trained and finished, but only its folder was written (the worker's index writes gave up)
    _write_json(root / queued / "final.json", {"metric_name": "accuracy", "best_metric": 0.625, "trainable": 100,
                                               "total": 1000, "share": "10% of 1.0K", "wall_time": 2.0,
                                               "peak_memory_mb": 400.0})
    _write_json(root / queued / "status.json", {**json.loads((root / queued / "status.json").read_text()),
                                                "status": "finished", "step": 2, "total_steps": 2})
    shutil.rmtree(root / aborted)
    stale = index_rows(root)
    assert copied not in stale and stale[queued]["status"] == "queued"

    store = RunStore(root, heal=True)

    rows = index_rows(root)
    assert set(rows) == set(ids) | {copied}
    assert (rows[copied]["status"], rows[copied]["best_metric"]) == ("finished", 0.9)
    assert (rows[queued]["status"], rows[queued]["best_metric"], rows[queued]["step"]) == ("finished", 0.625, 2)
    assert (rows[aborted]["status"], rows[aborted]["error"]) == ("failed", MISSING)
    for run_id in (finished, other, failed):  # the rows that were right are untouched
        assert rows[run_id] == stale[run_id]
    assert store.heal() == {"added": 0, "refreshed": 0, "missing": 0}  # healing twice changes nothing
    assert index_rows(root) == rows
    store.delete(aborted)  # the vanished run can still be removed
    assert aborted not in index_rows(root)
    assert stray_entries(root, set(ids) | {copied} - {aborted}) == []


def test_the_scheduler_catches_the_index_up_with_a_run_that_ended_while_it_was_locked(root):
    store = RunStore(root)
    bystander = finished_run(store)
    before = folder_bytes(bystander.path), index_rows(root)[bystander.id]
    run = store.create(tiny_config(root), status="running", runner="worker", pid=1, pid_start="0")
    # the worker wrote its folder to the end, then exited; none of its index writes got through
    _write_json(run.path / "final.json", {"metric_name": "accuracy", "best_metric": 0.875, "share": "0.06% of 1.0M",
                                          "trainable": 578, "total": 1042524, "wall_time": 3.0, "peak_memory_mb": 1.0})
    _write_json(run.path / "status.json", {**run.status(), "status": "finished", "step": 2, "total_steps": 2})
    assert index_rows(root)[run.id]["status"] == "running"

    JobManager(store, max_concurrent=1).tick()

    row = index_rows(root)[run.id]
    assert (row["status"], row["best_metric"], row["step"], row["total_steps"]) == ("finished", 0.875, 2, 2)
    assert run.status()["status"] == "finished"  # the folder is the truth: not rewritten
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before
