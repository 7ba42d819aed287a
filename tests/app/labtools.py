"""Helpers for the web lab's tests: the Train form as endpoint arguments, and `python app.py` as a
real process on a free port with the tiny random backbones (restart, kill and browser tests)."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from app.tabs.train import FALLBACK_FORM, FIELDS

ROOT = Path(__file__).resolve().parents[2]
# a run that finishes in about a second on CPU
TINY_FORM = {**FALLBACK_FORM, "backbone": "tiny-encoder", "max_steps": 4, "max_train_examples": 32,
             "max_eval_examples": 16, "prompt_length": 4, "lr": 0.01, "epochs": 1, "batch_size": 8, "max_length": 64}
# a run that trains until it is aborted or killed (evaluates once, at its end)
LONG_FORM = {**TINY_FORM, "max_steps": 1_000_000, "eval_every": 1_000_000}


def form_args(form: dict) -> list:
    """The /train endpoint's positional arguments: the form fields in order."""
    return [form[name] for name in FIELDS]


def gradio_upload(name: str, text: str) -> Path:
    """A file where Gradio puts a visitor's upload (the only place the web form reads data from)."""
    from gradio.utils import get_upload_folder
    folder = Path(get_upload_folder()) / f"test-{os.getpid()}-{time.time_ns()}"
    folder.mkdir(parents=True)
    (folder / name).write_text(text)
    return folder / name


@contextlib.contextmanager
def served_in_process(root: Path, **settings):
    """The app served from this process (prevent_thread_lock) on `root`, with a stoppable scheduler
    thread (what JobManager.start_background does). `settings` go to app.lab.configure.
    -> yields (lab, url)."""
    from app import lab as lab_state
    from app.interface import build_demo
    lab = lab_state.configure(root=root, **{"max_concurrent": 1, "test_backbones": True, "form_defaults": {},
                                            **settings})
    stop = threading.Event()

    def scheduler():
        while not stop.is_set():
            lab.jobs.tick()
            stop.wait(0.3)
    thread = threading.Thread(target=scheduler, daemon=True)
    thread.start()
    demo = build_demo()
    demo.queue()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=free_port(), quiet=True,
                **lab.launch_options())
    try:
        yield lab, demo.local_url
    finally:
        stop.set()
        thread.join(5)
        kill_workers(root)
        demo.close()
        lab_state._LAB = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppProcess:
    """`python app.py` as a subprocess, killed with SIGKILL like a crashed server."""

    def __init__(self, runs: Path, form: dict | None = None, extra_env: dict | None = None):
        self.runs, self.port = runs, free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "PROMPT_LAB_RUNS": str(runs), "GRADIO_SERVER_NAME": "127.0.0.1",
               "GRADIO_SERVER_PORT": str(self.port), "PROMPT_LAB_TEST_BACKBONES": "1", "HF_HUB_OFFLINE": "1",
               "HF_DATASETS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
               "PROMPT_LAB_FORM": json.dumps(form or {}), **(extra_env or {})}
        self.log = open(runs.parent / f"app-{self.port}.log", "wb")
        self.process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.started = time.time()

    def wait_ready(self, timeout: float = 60) -> float:
        """-> seconds from start until the page answers."""
        while time.time() - self.started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"app exited: {(self.runs.parent / f'app-{self.port}.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return time.time() - self.started
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"app did not answer on {self.url} within {timeout} s")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.log.close()


def kill_workers(runs: Path) -> None:
    """Tests clean up after themselves: SIGKILL every worker still running for this runs folder (cold ones
    by their command line, those the warm worker forked by pid and start time, as the scheduler knows them)."""
    from core.jobs import worker_alive
    for status in runs.glob("*/status.json"):
        record = json.loads(status.read_text())
        pid = record.get("pid")
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace") if pid else ""
        except OSError:
            continue
        forked = record.get("runner") == "worker" and worker_alive(record, status.parent.name)
        if pid != os.getpid() and (("core.worker" in cmdline and status.parent.name in cmdline) or forked):
            os.kill(pid, signal.SIGKILL)  # never this process: some tests run a worker's main in it


def wait_for(predicate, timeout: float = 60, every: float = 0.25, what: str = "condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


def trained_run(lab, **config):
    """A run trained in this process into the lab's runs folder, as a worker leaves it (the recorder a
    worker writes through), for views that need real predictions."""
    from core.api import RunConfig
    from core.runs import RunRecorder
    from core.train import train

    run = lab.store.create(RunConfig(out=str(lab.root), **config))
    train(RunConfig.from_yaml(run.path / "config.yaml"), RunRecorder(run), show_progress=False)
    assert run.status()["status"] == "finished"
    return run
