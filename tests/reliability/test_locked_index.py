"""A locked index never stops a training run: with another process holding a write lock on
index.sqlite for longer than the old 30 s sqlite timeout, a real worker keeps training and writing
its folder; the run finishes, and the index catches up once the lock is released."""
import sqlite3
import threading
import time

import pytest

from core.jobs import JobManager
from reltools import folder_bytes, index_rows, status_of, stray_entries, tiny_config, wait_for, with_bystander

HOLD_SECONDS = 35.0


def hold_write_lock(index, holding: threading.Event, release: threading.Event) -> None:
    with sqlite3.connect(index, timeout=60, isolation_level=None) as db:
        db.execute("BEGIN EXCLUSIVE")
        holding.set()
        release.wait(HOLD_SECONDS)
        db.execute("COMMIT")
    db.close()


def metric_rows(root, run_id) -> int:
    path = root / run_id / "metrics.jsonl"
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.mark.slow
def test_a_run_trains_through_a_long_index_lock(root):
    store, bystander, before = with_bystander(root)
    jobs = JobManager(store, max_concurrent=1)
    run_id = jobs.submit(tiny_config(root, max_steps=8, eval_every=2))
    assert jobs._children and index_rows(root)[run_id]["status"] == "running"

    holding, release = threading.Event(), threading.Event()
    locker = threading.Thread(target=hold_write_lock, args=(root / "index.sqlite", holding, release))
    locker.start()
    try:
        assert holding.wait(10)
        locked_at = time.monotonic()
        # while the index is locked: the worker trains, and its folder records every step
        wait_for(lambda: metric_rows(root, run_id) >= 8, timeout=HOLD_SECONDS - 5, every=0.2,
                 what="the worker to train while the index is locked")
        for _ in range(3):  # the scheduler keeps ticking meanwhile, and leaves the run alone
            jobs.tick()
        assert status_of(root, run_id)["status"] in ("running", "finished")
        assert index_rows(root)[run_id]["step"] == 0  # the index really was locked: it heard nothing
        assert locker.is_alive() and time.monotonic() - locked_at < HOLD_SECONDS
        assert jobs._children  # the worker waits for the index to record its end; it is not dead
    except BaseException:
        release.set()
        raise
    finally:
        locker.join()
    unlocked_at = time.monotonic()
    assert unlocked_at - locked_at >= HOLD_SECONDS - 1  # longer than sqlite's old 30 s timeout

    def ended():
        jobs.tick()
        return not jobs._children
    wait_for(ended, timeout=60, every=0.2, what="the worker to exit")
    log = (root / run_id / "worker.log").read_text()
    status = status_of(root, run_id)
    assert status["status"] == "finished", log[-3000:]
    assert [row["step"] for row in store.get(run_id).metrics()] == list(range(1, 9))
    final = store.get(run_id).final()
    row = index_rows(root)[run_id]
    assert (row["status"], row["step"], row["best_metric"], row["share"]) == \
        ("finished", 8, final["best_metric"], final["share"])
    assert "OperationalError" not in log and "Traceback" not in log
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before
    assert stray_entries(root, {bystander.id, run_id}) == []
