"""Background runs: a queue in the run index and one worker process per running run.

The UI (or any caller) submits a RunConfig and gets a run id back at once; `JobManager.tick`
(called from a background thread every second) starts queued runs in order while fewer than
`max_concurrent` run, and marks runs whose worker died as interrupted. Workers are started
in their own session, so they outlive a closed browser and even a restarted app.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from core.config import RunConfig
from core.runs import RunStore

ROOT = Path(__file__).resolve().parent.parent


def default_concurrency() -> int:
    """One run per GPU, one on CPU (a second run would only halve both)."""
    try:
        import torch
        return max(1, torch.cuda.device_count())
    except ImportError:
        return 1


def worker_alive(pid: int | None, run_id: str) -> bool:
    """Alive and really our worker for this run (pids get reused)."""
    if not pid:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False
    return run_id in cmdline and "core.worker" in cmdline


class JobManager:
    def __init__(self, store: RunStore | None = None, max_concurrent: int | None = None):
        self.store = store or RunStore()
        self.max_concurrent = max_concurrent or default_concurrency()
        self._children: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, config: RunConfig) -> str:
        run = self.store.create(config)
        self.tick()
        return run.id

    def abort(self, run_id: str) -> None:
        run = self.store.get(run_id)
        status = run.status()
        child = self._children.get(run_id)
        pid = status.get("pid") or (child.pid if child else None)
        if status.get("status") == "running" and (child or worker_alive(pid, run_id)):
            try:
                os.killpg(pid, signal.SIGTERM)  # the worker leads its own session
            except OSError:
                pass
        if status.get("status") in ("queued", "running"):
            run.set_status("aborted", error="aborted by the user")

    def delete(self, run_id: str) -> None:
        self.abort(run_id)
        self.store.delete(run_id)

    def tick(self) -> None:
        """Reap finished children, mark dead workers interrupted, start queued runs in order."""
        with self._lock:
            for run_id, child in list(self._children.items()):
                if child.poll() is not None:
                    del self._children[run_id]
            running = 0
            for row in self.store.list(status="running"):
                status = self.store.get(row["id"]).status()
                if row["id"] in self._children or worker_alive(status.get("pid"), row["id"]):
                    running += 1
                elif status.get("status") == "running":
                    self.store.get(row["id"]).set_status("interrupted", error="the worker process stopped "
                                                         "without finishing (app or machine restarted?)")
            for row in reversed(self.store.list(status="queued")):  # oldest first
                if running >= self.max_concurrent:
                    break
                self._start(row["id"])
                running += 1

    def _start(self, run_id: str) -> None:
        run = self.store.get(run_id)
        run.set_status("running", step=0)  # before the worker exists: never started twice
        log = open(run.path / "worker.log", "ab")
        child = subprocess.Popen([sys.executable, "-m", "core.worker", str(run.path.resolve())], cwd=ROOT,
                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._children[run_id] = child  # the worker writes its own pid into status.json

    def start_background(self, every: float = 1.0) -> None:
        """Tick forever in a daemon thread (idempotent)."""
        if self._thread and self._thread.is_alive():
            return

        def loop():
            while True:
                try:
                    self.tick()
                except Exception as error:  # noqa: BLE001 - the scheduler must survive a bad row
                    print(f"job scheduler: {error}", file=sys.stderr)
                time.sleep(every)

        self._thread = threading.Thread(target=loop, name="prompt-lab-jobs", daemon=True)
        self._thread.start()
