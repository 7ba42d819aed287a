"""Helpers for the reliability tests: a tiny run's config, a byte-level snapshot of a runs folder
(to prove that nothing but the run under test changed), the raw index rows, worker clean-up, and the
`root` fixture (a runs folder whose workers are killed afterwards)."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from core.config import RunConfig
from core.runs import RunStore
from labtools import wait_for  # noqa: F401  (tests/app is on sys.path: see conftest.py)

ROOT = Path(__file__).resolve().parents[2]
INDEX_FILES = ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm", ".scheduler.lock", ".warm-worker.log")


def tiny_config(root: Path, **changes) -> RunConfig:
    """A run that trains in a second or two on the tiny random encoder."""
    return RunConfig(**{"task": "sentiment", "backbone": "tiny-encoder", "method": "p-tuning-v2", "max_steps": 2,
                        "max_train_examples": 16, "max_eval_examples": 8, "batch_size": 8, "max_length": 64,
                        "prompt_length": 4, "out": str(root), **changes})


def finished_run(store: RunStore, best: float = 0.75):
    """A bystander: a finished run with final metrics, written as a worker would write it."""
    run = store.create(tiny_config(store.root))
    run.log_metrics({"step": 1, "loss": 0.7, "peak_memory_mb": 500.0, "dev_accuracy": best})
    run.write_final({"metric_name": "accuracy", "best_metric": best, "trainable": 578, "total": 1042524,
                     "share": "0.06% of 1.0M", "wall_time": 1.5, "peak_memory_mb": 500.0})
    run.set_status("finished", step=1, total_steps=1)
    return run


def folder_bytes(path: Path) -> dict[str, bytes]:
    """Every file of one run folder, by name."""
    return {f.name: f.read_bytes() for f in sorted(path.iterdir()) if f.is_file()} if path.is_dir() else {}


def index_rows(root: Path) -> dict[str, dict]:
    """The index as it is on disk, read with plain sqlite (no healing)."""
    with closing(sqlite3.connect(root / "index.sqlite", timeout=60)) as db:
        db.row_factory = sqlite3.Row
        return {row["id"]: dict(row) for row in db.execute("SELECT * FROM runs")}


def stray_entries(root: Path, runs: set[str]) -> list[str]:
    """Anything in the runs folder that is neither one of `runs` nor the index/lock files."""
    return sorted(p.name for p in root.iterdir() if p.name not in runs and p.name not in INDEX_FILES)


def status_of(root: Path, run_id: str) -> dict:
    try:
        return json.loads((root / run_id / "status.json").read_text())
    except (OSError, ValueError):
        return {}


def kill_workers(root: Path) -> None:
    """SIGKILL every worker or CLI process still recorded as running in this runs folder (a worker forked by
    the warm worker has the warm process's command line: it is recognised by its pid and start time)."""
    from core.jobs import worker_alive
    for status in root.glob("*/status.json"):
        try:
            record = json.loads(status.read_text())
            pid = record.get("pid")
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace") if pid else ""
        except (OSError, ValueError, AttributeError):
            continue
        forked = record.get("pid_start") is not None and worker_alive(record, status.parent.name)
        if pid != os.getpid() and (("core.worker" in cmdline and status.parent.name in cmdline) or forked or
                                   ("core.train" in cmdline and str(root) in cmdline)):
            os.kill(pid, signal.SIGKILL)  # never this process: some tests run a worker's main in it


def python(code: str, **kwargs) -> subprocess.Popen:
    """`python -c code` in the repository, its output captured."""
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def with_bystander(root: Path):
    """-> (store, a finished run nobody should touch, its files and index row now) for the
    'nothing else was touched' check: `(folder_bytes(b.path), index_rows(root)[b.id]) == before`."""
    store = RunStore(root)
    bystander = finished_run(store)
    return store, bystander, (folder_bytes(bystander.path), index_rows(root)[bystander.id])


def worker_in_process(run) -> int:
    """core.worker.main on `run` in this process, its signal handlers put back afterwards."""
    import core.worker
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        return core.worker.main(str(run.path))
    finally:
        signal.signal(signal.SIGTERM, handlers[0])
        signal.signal(signal.SIGINT, handlers[1])


def sigterm(cli: subprocess.Popen) -> str:
    """Send SIGTERM to a CLI run, wait for it (killing it if it hangs), -> its stderr."""
    try:
        cli.send_signal(signal.SIGTERM)
        _, err = cli.communicate(timeout=60)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    return err


@pytest.fixture
def root(tmp_path):
    """A throwaway runs folder whose workers are killed afterwards."""
    folder = tmp_path / "runs"
    folder.mkdir()
    yield folder
    kill_workers(folder)
