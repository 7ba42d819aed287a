"""Background runs: a queue in the run index and one worker process per running run.

The UI (or any caller) submits a RunConfig and gets a run id back at once; `JobManager.tick`
(called from a background thread every second) starts queued runs in order while fewer than
`max_concurrent` run, and records why a run's worker died. Workers are started in their own
session, so they outlive a closed browser and even a restarted app.

One scheduler per runs folder: `start_background` ticks only while it holds a lock file, so a
second `python app.py` on the same folder serves pages but does not compete; and a run is
claimed with one SQL update only one process can win, so nothing trains a run twice. A bad row
(its folder gone, its files junk) is marked failed with the reason and the queue moves on.

The scheduler of `start_background` keeps a warm worker (core/warm.py): a process with torch and the
lab imported that forks each run's worker, so a run reaches its first metric in about a second instead
of six. Every run is still a process of its own; the warm process reports its workers' exit codes, so
deaths are recorded as for cold ones. Runs start cold (`python -m core.worker`) where fork does not
suit (a GPU, not Linux), with PROMPT_LAB_WARM_WORKER=0, and when the warm process keeps failing.
While it warms up, queued runs wait for it: it is ready sooner than a cold worker would be.
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
from core.runs import Run, RunStore
from core.warm import LOG_NAME, LOST, WarmError, WarmWorker
from core.worker import OOM_HINT, gib, memory_mb, process_start

ROOT = Path(__file__).resolve().parent.parent
CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGILL, signal.SIGFPE}
STARTING_SECONDS = 60.0  # a started worker records its pid within seconds; until then it is starting, not dead
WARM_WAIT = 120.0  # a warm worker not ready by then is given up (queued runs wait for it until then)
WARM_FAILURES = 3  # warm processes that may fail before this scheduler starts every run cold

try:
    import fcntl
except ImportError:  # Windows: one app per runs folder is the user's business
    fcntl = None


def default_concurrency() -> int:
    """One run per GPU, one on CPU (a second run would only halve both)."""
    try:
        import torch
        return max(1, torch.cuda.device_count())
    except ImportError:
        return 1


def cold_reason() -> str | None:
    """Why this machine's runs start cold, or None when a warm worker may fork them."""
    if os.environ.get("PROMPT_LAB_WARM_WORKER", "").strip().lower() in ("0", "false", "no", "off"):
        return "PROMPT_LAB_WARM_WORKER=0"
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return f"no safe fork on {sys.platform}"  # Windows has none; macOS's frameworks are not fork-safe
    try:
        import torch
        if torch.cuda.device_count() > 0:
            return "a GPU: CUDA does not survive fork"
    except ImportError:
        pass
    return None


def worker_alive(status: dict, run_id: str) -> bool:
    """The process recorded in status.json is alive and is still that process (pids get reused):
    its start time must match; records without one fall back to the command line."""
    pid = status.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    if status.get("pid_start") is not None and process_start(pid) is not None:
        return process_start(pid) == status["pid_start"]
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False
    return run_id in cmdline and "core.worker" in cmdline


def oom_kills() -> int | None:
    """The kernel's count of OOM kills in this cgroup (cgroup v2), to tell an OOM kill from a plain SIGKILL."""
    try:
        for line in Path("/sys/fs/cgroup/memory.events").read_text().splitlines():
            if line.startswith("oom_kill "):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def death_reason(returncode: int, run: Run, oom_before: int | None) -> tuple[str, str]:
    """A worker ended without recording why: -> (status, reason) from its exit code."""
    peak = max((row.get("peak_memory_mb") or 0 for row in run.metrics()), default=0)
    machine = memory_mb()
    numbers = (f"its last recorded peak was {gib(peak)}" if peak else "it had recorded no memory figure yet") + \
        (f"; the machine has {gib(machine['total'])}" if machine else "")
    if returncode < 0:
        sig = signal.Signals(-returncode)
        after = oom_kills()
        if sig == signal.SIGKILL and oom_before is not None and after is not None and after > oom_before:
            return "failed", f"out of memory: the kernel's OOM killer stopped the worker; {numbers}. {OOM_HINT}"
        if sig in CRASH_SIGNALS:
            return "failed", (f"the worker crashed ({sig.name}: a native crash in torch or a library); "
                              f"see worker.log in the run folder")
        hint = " (the kernel's out-of-memory killer also sends it)" if sig == signal.SIGKILL else ""
        return "interrupted", f"the worker was killed by {sig.name}{hint}; {numbers}"
    return "failed", f"the worker exited with code {returncode} without recording why; see worker.log"


class JobManager:
    def __init__(self, store: RunStore | None = None, max_concurrent: int | None = None, warm: bool | None = None):
        """warm: keep a warm worker (core/warm.py) from the first tick (True), never (False), or, by default,
        once `start_background` runs and where `cold_reason` finds nothing against it."""
        self.store = store or RunStore()
        self.max_concurrent = max_concurrent or default_concurrency()
        self.warm = warm
        self._warm: WarmWorker | None = None
        self._warm_failures = 0
        self._children: dict[str, tuple[subprocess.Popen, int | None]] = {}  # run id -> (worker, OOM kills then)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._lock_file = None

    def submit(self, config: RunConfig, owner: str | None = None, study: str | None = None) -> str:
        """Queue a run (of `study`, if given); its config.yaml is the resolved config (the only time it is written)."""
        from core.setup import resolved  # the model libraries load only where runs are queued
        run = self.store.create(resolved(config), owner=owner, study=study)
        if self.holds_scheduler_lock():  # a second app on this folder queues; the scheduler's owner starts it
            self.tick()
        return run.id

    def abort(self, run_id: str) -> None:
        with self._lock:
            self.store.row(run_id)
            run = Run(self.store, run_id)
            status = run.status()
            if not run.path.is_dir() or status.get("status") not in ("queued", "running"):
                return
            run.set_status("aborted", error="aborted by the user")  # first: the worker keeps this reason
            child = self._children.get(run_id)
            pid = child[0].pid if child else status.get("pid") if worker_alive(status, run_id) else None
            if pid and status.get("runner") != "cli":
                try:
                    os.killpg(pid, signal.SIGTERM)  # the worker leads its own session
                except OSError:
                    pass
            elif pid:
                os.kill(pid, signal.SIGTERM)

    def delete(self, run_id: str) -> None:
        self.abort(run_id)
        self.store.delete(run_id)

    def tick(self) -> None:
        """Record how finished workers ended, check running rows, start queued runs in order.
        Each row is handled on its own: one bad run never stops the others."""
        with self._lock:
            self._reap()
            if self.warm:
                self._keep_warm()
            running = 0
            for row in self.store.list(status="running"):
                running += self._guarded(row["id"], self._check_running)
            if self._warm is not None and self._warm.alive() and not self._warm.ready.is_set():
                return  # queued runs wait for the warm worker: it is ready sooner than a cold one would be
            for row in reversed(self.store.list(status="queued")):  # oldest first
                if running >= self.max_concurrent:
                    break
                running += self._guarded(row["id"], self._start)

    def _guarded(self, run_id: str, step) -> int:
        try:
            return int(step(run_id))
        except Exception as error:  # noqa: BLE001 - the scheduler must survive any one bad run
            print(f"job scheduler: run {run_id}: {type(error).__name__}: {error}", file=sys.stderr)
            self._fail(run_id, f"the scheduler could not handle this run: {type(error).__name__}: {error}")
            return 0

    def _fail(self, run_id: str, error: str, status: str = "failed") -> None:
        run = Run(self.store, run_id)
        if run.path.is_dir():
            try:
                run.set_status(status, error=error)
                return
            except OSError:
                pass
        self.store.update_index(run_id, status=status, error=error, wait=2.0)

    def _reap(self) -> None:
        for run_id, (child, oom_before) in list(self._children.items()):
            if child.poll() is None:
                continue
            del self._children[run_id]
            run = Run(self.store, run_id)
            if run.status().get("status") == "running":  # the worker could not say how it ended
                status, error = ("interrupted", "the worker ended without recording why, and its exit code was "
                                 "lost with the warm worker that started it; see worker.log") \
                    if child.returncode == LOST else death_reason(child.returncode, run, oom_before)
                self._fail(run_id, error, status)

    def _folder(self, run_id: str) -> Run | None:
        """The run, or None (and the row marked failed) when its folder has vanished."""
        run = Run(self.store, run_id)
        if run.path.is_dir():
            return run
        self._fail(run_id, "run folder is missing (deleted outside the lab?)")
        return None

    def _check_running(self, run_id: str) -> bool:
        """-> whether the run holds a slot. The index catches up with a folder that is ahead of it."""
        run = self._folder(run_id)
        if run is None:
            return False
        status = run.status()
        if status.get("status") == "queued":  # claimed a moment ago; that scheduler writes status.json next
            return False  # (never put back in the queue: it would start twice; heal requeues a claim left so)
        if status.get("status") != "running":  # the worker ended while the index was locked, or junk
            self.store.update_index(run_id, **{k: v for k, v in self.store.row_from_folder(run_id).items()
                                               if k != "id"}, wait=2.0)
            return False
        if run_id in self._children or worker_alive(status, run_id):
            if status.get("step") is not None:
                self.store.update_index(run_id, step=status["step"], total_steps=status.get("total_steps"), wait=0.5)
            return True
        updated = status.get("updated")
        if status.get("pid") is None and isinstance(updated, (int, float)) and time.time() - updated < STARTING_SECONDS:
            return True  # claimed and started by another scheduler a moment ago; its worker has no pid on record yet
        self._fail(run_id, "the worker stopped while no scheduler was watching it (the app or the machine "
                           "restarted); its last state is kept", "interrupted")
        return False

    def _start(self, run_id: str) -> bool:
        run = self._folder(run_id)
        if run is None:
            return False
        damage = run.damage()
        if damage:
            self._fail(run_id, f"run folder damaged: {damage}")
            return False
        if not self.store.claim(run_id):  # another scheduler took it, or it was aborted meanwhile
            return False
        run.set_status("running", step=0)
        oom_before = oom_kills()
        child = self._fork_warm(run)
        if child is None:
            with open(run.path / "worker.log", "ab") as log:
                child = subprocess.Popen([sys.executable, "-m", "core.worker", str(run.path.resolve())], cwd=ROOT,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._children[run_id] = (child, oom_before)  # the worker writes its own pid into status.json
        return True

    # -- the warm worker (core/warm.py) -----------------------------------------------------------
    def _fork_warm(self, run: Run):
        """The run's worker forked by the warm worker, or None: start it cold. A request the warm process
        may have received but did not answer is never retried cold (two workers could train the run):
        the run fails with the reason instead. Either way the warm process is replaced."""
        warm = self._warm
        if warm is None or not warm.ready.is_set() or not warm.alive():
            return None
        try:
            return warm.fork(run.path.resolve())
        except WarmError as error:
            self._lost_warm(str(error))
            if not error.sent:
                return None
            raise RuntimeError(f"{error}; the run did not start, run it again") from None

    def _lost_warm(self, why: str) -> None:
        print(f"job scheduler: {why}; the warm worker is restarted", file=sys.stderr)
        self._warm.stop()
        self._warm = None
        self._warm_failures += 1

    def _keep_warm(self) -> None:
        """Start the warm worker, or a new one when it died or never got ready; give up after WARM_FAILURES."""
        warm = self._warm
        if warm is not None:
            if not warm.alive():
                self._lost_warm(f"the warm worker ended (exit code {warm.process.poll()}); see "
                                f"{self.store.root / LOG_NAME}")
            elif not warm.ready.is_set() and time.time() - warm.started > WARM_WAIT:
                self._lost_warm(f"the warm worker was not ready after {WARM_WAIT:g} s")
            else:
                return
        if self._warm_failures >= WARM_FAILURES:
            print(f"job scheduler: the warm worker failed {self._warm_failures} times; runs start cold",
                  file=sys.stderr)
            self.warm = False
            return
        try:
            self._warm = WarmWorker(self.store.root / LOG_NAME)
        except OSError as error:  # e.g. the runs folder is read-only: its log cannot be written
            print(f"job scheduler: cannot start the warm worker: {error}", file=sys.stderr)
            self._warm_failures += 1

    def stop_warm(self) -> None:
        """End the warm worker (runs it started go on) and start further runs cold."""
        with self._lock:
            self.warm = False
            if self._warm is not None:
                self._warm.stop()
                self._warm = None

    def holds_scheduler_lock(self) -> bool:
        """Take (or keep) the runs folder's scheduler lock; False while another process has it."""
        if fcntl is None or self._lock_file is not None:
            return True
        handle = open(self.store.root / ".scheduler.lock", "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle
        return True

    def start_background(self, every: float = 1.0) -> None:
        """Tick forever in a daemon thread (idempotent), while this process holds the scheduler lock; with a
        warm worker unless `warm` said no or `cold_reason` finds one."""
        if self._thread and self._thread.is_alive():
            return
        if self.warm is None:
            why = cold_reason()
            self.warm = why is None
            if why:
                print(f"job scheduler: runs start cold ({why})", file=sys.stderr)

        def loop():
            waiting_said = False
            while True:
                if self.holds_scheduler_lock():
                    try:
                        self.tick()
                    except Exception as error:  # noqa: BLE001 - e.g. the index unreadable this second
                        print(f"job scheduler: {type(error).__name__}: {error}", file=sys.stderr)
                elif not waiting_said:
                    print(f"another process schedules runs in {self.store.root}; this one serves pages and "
                          "queues runs, and takes over if that one stops", file=sys.stderr)
                    waiting_said = True
                time.sleep(every)

        self._thread = threading.Thread(target=loop, name="prompt-lab-jobs", daemon=True)
        self._thread.start()
