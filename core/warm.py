"""The warm worker: one process with the model libraries imported that forks each claimed run's worker.

    python -m core.warm            # started by core.jobs.JobManager.start_background, never by hand

Why. A worker started cold (`python -m core.worker`) spends 3.7 of its 4 s before the first metric
importing torch, transformers, peft and accelerate; loading MiniLM, encoding the data and the first
step take 0.2, 0.06 and 0.3 s (2-core CPU; the README's "Warm worker"). A process that has paid for
the imports once and then forks (os.fork) hands each run a worker whose imports, loaded code and
OS file cache are already there: bench/app.py's first metric comes 0.9 s after Train instead of 4.9 s.

Isolation is kept: each run is still its own process (its own pid, its own session via os.setsid,
killed by abort as a process group exactly like a cold worker), forked from a warm process that never
trains. What a run changes (weights, RNG, caches) stays in its copy-on-write child; the warm process is
the same for every run. It keeps no model object: a cached backbone would skip the load's random
draws (MiniLM's missing LM head is initialised from the run's seed), so warm and cold runs of one
config would differ. It loads the default backbone once and drops it, which leaves its files in the OS
cache and its model code imported; each run loads its backbone afresh, from its own seed.

Pitfalls, and what is done about them:
- OpenMP: a child forked after the parent ran a parallel region hangs in its first parallel op
  (libgomp has no fork handler; tests/core/test_warm.py shows the hang). The warm process runs torch
  with one thread, so it never starts OpenMP's pool; the child sets the thread count back.
- CUDA cannot be used in a child forked after the parent touched it. On a machine with a GPU the
  scheduler does not start a warm worker at all (core.jobs.warm_wanted): GPU runs start cold, where
  the import time is small beside the run anyway.
- Fork is Linux's here: macOS's system frameworks are not fork-safe and Windows has no fork, so
  both start cold. PROMPT_LAB_WARM_WORKER=0 turns the warm worker off everywhere.
- tokenizers' thread pool is never used here (nothing is encoded), and tqdm's monitor thread is off,
  so no thread of ours is lost in the child.
- Deaths: the run's worker is not the scheduler's child, so the warm process waits on it and reports
  its exit code (Popen's convention: -signal when killed); the scheduler reads it from the pipe and
  records SIGKILL, OOM kills and crashes as it does for a cold worker. If the warm process itself
  dies, its running workers go on (own sessions) and the scheduler starts a new warm process (or, after
  repeated failures, cold workers); the exit code of a worker left so is lost, and its run says so.

Protocol (JSON lines): the scheduler writes {"run": "<run folder>"} on the warm process's stdin; the
warm process answers on its stdout {"ready": pid} once warm, {"forked": "<run folder>", "pid": ...,
"pid_start": ...} for each fork, and {"exit": pid, "code": ...} when a worker ends. Its stdin closing
(the scheduler exited) ends it. Anything else it prints goes to stderr, the runs folder's
`.warm-worker.log`.
"""
from __future__ import annotations

import json
import os
import queue
import selectors
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG_NAME = ".warm-worker.log"  # in the runs folder (hidden: never taken for a run)
COMMAND = [sys.executable, "-m", "core.warm"]
REAP_EVERY = 0.1  # seconds between checks for ended workers in the warm process


class WarmError(RuntimeError):
    """The warm process did not fork a run's worker. sent: whether it may have received the request (then a
    worker may exist after all, and the run must not be started cold as well)."""

    def __init__(self, message: str, sent: bool):
        super().__init__(message)
        self.sent = sent


# -- the warm process -------------------------------------------------------------------------------
def warm_up(say) -> int:
    """Import what a worker needs and read the default backbone once, on one thread. -> the thread count
    the workers get back."""
    import torch
    threads = torch.get_num_threads()  # before anything runs: OMP_NUM_THREADS or the core count
    torch.set_num_threads(1)  # no OpenMP pool in the warm process: a forked child would hang on it
    import tqdm
    tqdm.tqdm.monitor_interval = 0  # no monitor thread (the weight-loading bar would start one)
    import accelerate  # noqa: F401 - everything core.train and the worker import
    import core.train  # noqa: F401
    import core.worker  # noqa: F401
    from core.backbones import load_backbone
    from core.config import RunConfig
    name = RunConfig().backbone
    try:
        started = time.time()
        load_backbone(name)  # reads the weights into the OS cache and imports its model code; dropped
        say(f"read backbone {name} in {time.time() - started:.1f} s")
    except Exception as error:  # noqa: BLE001 - not installed, say: the imports alone are most of the gain
        say(f"could not read backbone {name} ({type(error).__name__}: {error}); imports are warm")
    return threads


def become_worker(run_path: str, threads: int, closing: list[int]) -> int:
    """In the forked child: a process of its own, as `python -m core.worker <run folder>` would be."""
    os.setsid()  # its own session and process group: abort signals the group, as for a cold worker
    null = os.open(os.devnull, os.O_RDONLY)
    for fd in (0, *closing):  # the warm process's pipes (over /dev/null: their objects keep valid fds),
        os.dup2(null, fd)     # so the scheduler sees them close when the warm process ends
    log = os.open(Path(run_path) / "worker.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(null)
    os.close(log)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    import torch
    import tqdm
    torch.set_num_threads(threads)
    tqdm.tqdm.monitor_interval = 10  # tqdm's default
    print(f"worker {os.getpid()} forked by the warm worker {os.getppid()}, {threads} threads", flush=True)
    from core.worker import main
    return main(run_path)


def serve() -> None:
    """The warm process: warm up, say ready, then fork a worker per request and report how each ended."""
    out = os.fdopen(os.dup(1), "w", buffering=1)  # the protocol; fd 1 now goes to the log like stderr
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # it ends when the scheduler's pipe closes

    def send(message: dict) -> None:
        out.write(json.dumps(message) + "\n")

    def say(text: str) -> None:
        print(f"warm worker {os.getpid()}: {text}", file=sys.stderr, flush=True)

    started = time.time()
    threads = warm_up(say)
    from core.worker import process_start
    say(f"ready in {time.time() - started:.1f} s")
    send({"ready": os.getpid()})
    requests = os.fdopen(0, "rb", buffering=0)
    selector = selectors.DefaultSelector()
    selector.register(requests, selectors.EVENT_READ)
    pending, children = b"", set()
    while True:
        if selector.select(REAP_EVERY):
            chunk = os.read(0, 65536)
            if not chunk:  # the scheduler is gone; running workers go on in their own sessions
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                run_path = json.loads(line)["run"]
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        code = become_worker(run_path, threads, [out.fileno(), selector.fileno()])
                    except BaseException:  # noqa: BLE001 - never return into the warm process's loop
                        traceback.print_exc()
                    finally:
                        sys.stdout.flush()
                        sys.stderr.flush()
                        os._exit(code)
                children.add(pid)
                send({"forked": run_path, "pid": pid, "pid_start": process_start(pid)})
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                send({"exit": pid, "code": os.waitstatus_to_exitcode(status)})


# -- the scheduler's side ---------------------------------------------------------------------------
LOST = "lost"  # a forked worker's exit code, when the warm process died before it could report it


class WarmChild:
    """A worker forked by the warm process, seen by the scheduler as a Popen: pid, poll(), returncode."""

    def __init__(self, warm: "WarmWorker", pid: int, pid_start: str | None):
        self.warm, self.pid, self.pid_start = warm, pid, pid_start
        self.returncode: int | str | None = None

    def poll(self) -> int | str | None:
        """None while it runs; its exit code; or LOST once it has ended unreported (its warm process died)."""
        if self.returncode is None:
            from core.worker import process_start
            gone = self.warm.finished()  # before looking: every exit the warm process sent is in by then
            if self.pid in self.warm.exits:
                self.returncode = self.warm.exits.pop(self.pid)
            elif gone and process_start(self.pid) != self.pid_start:
                self.returncode = LOST
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | str:
        deadline = None if timeout is None else time.time() + timeout
        while self.poll() is None:
            if deadline is not None and time.time() > deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, number: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, number)


class WarmWorker:
    """The scheduler's handle on one warm process: start it, ask it to fork a run's worker, hear how
    its workers end."""

    def __init__(self, log: Path):
        with open(log, "ab") as handle:
            self.process = subprocess.Popen(COMMAND, cwd=ROOT, stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=handle, start_new_session=True)
        self.started = time.time()
        self.ready = threading.Event()
        self.exits: dict[int, int] = {}
        self._replies: queue.Queue = queue.Queue()
        self._eof = threading.Event()
        threading.Thread(target=self._read, name="prompt-lab-warm-worker", daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "ready" in message:
                self.ready.set()
            elif "exit" in message:
                self.exits[message["exit"]] = message["code"]
            else:
                self._replies.put(message)
        self._eof.set()
        self._replies.put(None)

    def alive(self) -> bool:
        return not self._eof.is_set() and self.process.poll() is None

    def finished(self) -> bool:
        """The warm process has ended and everything it said has been read."""
        return self._eof.is_set()

    def fork(self, run_path: Path, timeout: float = 10.0) -> WarmChild:
        """The run's worker, forked by the warm process (WarmError when it does not answer)."""
        if not (self.ready.is_set() and self.alive()):
            raise WarmError("the warm worker is not ready", sent=False)
        try:  # one short write to a pipe is atomic: it arrives whole or (pipe closed) not at all
            self.process.stdin.write(json.dumps({"run": str(run_path)}).encode() + b"\n")
            self.process.stdin.flush()
        except (OSError, ValueError) as error:
            raise WarmError(f"the warm worker's pipe is closed ({type(error).__name__})", sent=False) from None
        try:
            reply = self._replies.get(timeout=timeout)
        except queue.Empty:
            raise WarmError(f"the warm worker did not answer within {timeout:g} s", sent=True) from None
        if reply is None or reply.get("forked") != str(run_path):
            raise WarmError(f"the warm worker answered {reply!r} instead of forking", sent=True)
        return WarmChild(self, reply["pid"], reply["pid_start"])

    def stop(self) -> None:
        """End the warm process (its forked workers go on)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        try:
            self.process.stdin.close()
        except OSError:
            pass


if __name__ == "__main__":
    serve()
