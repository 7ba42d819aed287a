"""The warm worker (core/warm.py): runs forked from a warm process are still processes of their own
(own pid and session, abort and SIGKILL recorded as for cold workers), train exactly what a cold worker
trains, survive their warm process, and the scheduler falls back to cold workers when it must."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
import core.jobs  # noqa: E402
import core.warm  # noqa: E402
from core.config import RunConfig  # noqa: E402
from core.jobs import JobManager, cold_reason, worker_alive  # noqa: E402
from core.runs import Run, RunStore  # noqa: E402
from core.warm import LOG_NAME, LOST, WarmChild, WarmWorker  # noqa: E402
from reltools import index_rows, root, status_of, tiny_config, wait_for  # noqa: E402,F401

KILLED = "the worker was killed by SIGKILL (the kernel's out-of-memory killer also sends it); "


@pytest.fixture(scope="module")
def shared_warm(tmp_path_factory):
    """One warm process for the tests that do not kill it (warming up costs seconds of CPU)."""
    warm = WarmWorker(tmp_path_factory.mktemp("warm") / LOG_NAME)
    assert warm.ready.wait(180), "the warm worker did not get ready"
    yield warm
    warm.stop()


def warm_jobs(root: Path, warm: WarmWorker) -> JobManager:
    jobs = JobManager(RunStore(root), max_concurrent=1, warm=True)
    jobs._warm = warm  # as _keep_warm leaves it
    return jobs


def finish(jobs: JobManager, run_id: str, timeout: float = 300) -> dict:
    def ended():
        jobs.tick()
        return status_of(jobs.store.root, run_id).get("status") not in ("queued", "running")
    wait_for(ended, timeout, 0.1, what=f"run {run_id} to end")
    return status_of(jobs.store.root, run_id)


def training(jobs: JobManager, run_id: str) -> WarmChild:
    child = jobs._children[run_id][0]
    wait_for(lambda: status_of(jobs.store.root, run_id).get("pid") == child.pid and Run(jobs.store, run_id).metrics(),
             timeout=90, what="the worker to train")
    return child


def ppid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


# -- the premise: fork after OpenMP ----------------------------------------------------------------
FORK_AFTER = textwrap.dedent("""
    import os, sys, time, torch
    threads = torch.get_num_threads()
    if sys.argv[1] == "one thread":
        torch.set_num_threads(1)  # what the warm process does
    x = torch.randn(1000, 1000)
    (x @ x).sum()  # with more than one thread this starts OpenMP's pool in the parent
    pid = os.fork()
    if pid == 0:
        torch.set_num_threads(threads)
        (x @ x).sum()
        os._exit(0)
    deadline = time.time() + 10
    while time.time() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            print("finished")
            break
        time.sleep(0.02)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        print("hung")
""")


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="OpenMP starts no pool on one core")
@pytest.mark.parametrize("parent,child", [("one thread", "finished"), ("all threads", "hung")])
def test_a_child_forked_after_openmp_ran_hangs_and_one_thread_in_the_parent_avoids_it(parent, child):
    out = subprocess.run([sys.executable, "-c", FORK_AFTER, parent], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == child, out.stderr[-2000:]


# -- runs forked by the warm process ---------------------------------------------------------------
def test_a_warm_run_is_its_own_process_and_abort_stops_it(root, shared_warm):
    jobs = warm_jobs(root, shared_warm)
    run_id = jobs.submit(tiny_config(root, max_steps=1_000_000, eval_every=1_000_000))
    behind = jobs.submit(tiny_config(root))
    child = training(jobs, run_id)
    assert isinstance(child, WarmChild)
    status = status_of(root, run_id)
    assert child.pid != shared_warm.process.pid and ppid(child.pid) == shared_warm.process.pid
    assert os.getsid(child.pid) == child.pid and os.getpgid(child.pid) == child.pid  # its own session
    assert (status["runner"], status["pid_start"]) == ("worker", child.pid_start)
    assert worker_alive(status, run_id)  # by pid and start time: its command line is the warm process's
    log = (root / run_id / "worker.log").read_text()
    import torch
    assert f"forked by the warm worker {shared_warm.process.pid}, {torch.get_num_threads()} threads" in log
    jobs.tick()
    assert index_rows(root)[behind]["status"] == "queued"  # one run at a time

    jobs.abort(run_id)
    assert child.wait(30) == 128 + signal.SIGTERM  # the worker's own exit on SIGTERM, as the warm process saw it
    assert status_of(root, run_id)["status"] == "aborted"
    assert finish(jobs, behind)["status"] == "finished"  # the freed slot went to the next run, warm again
    assert isinstance(jobs._children.get(behind, (child,))[0], WarmChild)
    status = status_of(root, run_id)
    assert (status["status"], status["error"]) == ("aborted", "aborted by the user")
    assert shared_warm.alive()


def test_sigkill_of_a_warm_worker_is_recorded_from_its_exit_code(root, shared_warm):
    jobs = warm_jobs(root, shared_warm)
    run_id = jobs.submit(tiny_config(root, max_steps=1_000_000, eval_every=1_000_000))
    child = training(jobs, run_id)
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(30) == -signal.SIGKILL
    jobs.tick()
    status = status_of(root, run_id)
    assert status["status"] == "interrupted" and status["error"].startswith(KILLED + "its last recorded peak was ")
    assert (index_rows(root)[run_id]["status"], index_rows(root)[run_id]["error"]) == ("interrupted", status["error"])
    assert run_id not in jobs._children


def test_warm_runs_train_what_a_cold_run_trains_and_leave_the_warm_process_as_it_was(root, shared_warm):
    """Two warm runs of one config and a cold one: the same weights and metrics to the bit (the first
    warm run changed nothing the second inherits; the warm process holds no model or RNG state)."""
    config = tiny_config(root, max_steps=6, seed=3)
    warm = warm_jobs(root, shared_warm)
    cold = JobManager(RunStore(root.parent / "cold"), max_concurrent=1, warm=False)  # one scheduler a folder
    runs = []
    for jobs in (warm, warm, cold):
        run_id = jobs.submit(config)
        kind = type(jobs._children[run_id][0])
        assert finish(jobs, run_id)["status"] == "finished"
        folder = jobs.store.root / run_id
        runs.append((kind, load_file(str(folder / "trained.safetensors")), Run(jobs.store, run_id).metrics()))
    assert [kind for kind, _, _ in runs] == [WarmChild, WarmChild, subprocess.Popen]
    (_, first, first_metrics), *others = runs
    for _, weights, metrics in others:
        assert weights.keys() == first.keys() and all((weights[k] == first[k]).all() for k in first)
        assert [(m["step"], m["loss"], m.get("dev_accuracy")) for m in metrics] == \
            [(m["step"], m["loss"], m.get("dev_accuracy")) for m in first_metrics]


def test_when_the_warm_process_dies_its_worker_goes_on_and_a_new_one_takes_over(root):
    jobs = JobManager(RunStore(root), max_concurrent=1, warm=True)
    try:
        jobs.tick()  # starts the warm process; runs queued meanwhile wait for it
        run_id = jobs.submit(tiny_config(root, max_steps=1_000_000, eval_every=1_000_000))
        first = jobs._warm
        assert not first.ready.is_set() and status_of(root, run_id)["status"] == "queued"
        wait_for(lambda: first.ready.is_set(), 180, what="the warm worker")
        jobs.tick()
        child = training(jobs, run_id)

        first.process.send_signal(signal.SIGKILL)
        first.process.wait(30)
        steps = len(Run(jobs.store, run_id).metrics())
        wait_for(lambda: len(Run(jobs.store, run_id).metrics()) > steps + 2, 60, what="training to go on")
        jobs.tick()  # the run still holds its slot, and a new warm process is on its way
        assert status_of(root, run_id)["status"] == "running" and child.poll() is None
        assert jobs._warm is not None and jobs._warm is not first and jobs._warm.alive()

        os.kill(child.pid, signal.SIGKILL)  # its exit code died with the first warm process
        wait_for(lambda: child.poll() == LOST, 30, what="the worker to be gone")
        jobs.tick()
        status = status_of(root, run_id)
        assert (status["status"], status["error"]) == (
            "interrupted", "the worker ended without recording why, and its exit code was lost with the warm "
                           "worker that started it; see worker.log")
        assert "ready in" in (root / LOG_NAME).read_text()
    finally:
        jobs.stop_warm()


def test_runs_start_cold_when_the_warm_worker_keeps_failing(root, monkeypatch, capsys):
    monkeypatch.setattr(core.warm, "COMMAND", [sys.executable, "-c", "import sys; sys.exit(3)"])
    jobs = JobManager(RunStore(root), max_concurrent=1, warm=True)

    def gave_up():
        jobs.tick()
        return jobs.warm is False
    wait_for(gave_up, 60, 0.05, what="the scheduler to give up the warm worker")
    assert jobs._warm is None and jobs._warm_failures == core.jobs.WARM_FAILURES
    run_id = jobs.submit(tiny_config(root))
    assert isinstance(jobs._children[run_id][0], subprocess.Popen)
    assert finish(jobs, run_id)["status"] == "finished"
    err = capsys.readouterr().err
    assert "the warm worker ended (exit code 3)" in err and "failed 3 times; runs start cold" in err


# -- where runs start cold -------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["0", "off", "false"])
def test_prompt_lab_warm_worker_0_turns_it_off(root, monkeypatch, value):
    monkeypatch.setenv("PROMPT_LAB_WARM_WORKER", value)
    assert cold_reason() == "PROMPT_LAB_WARM_WORKER=0"
    jobs = JobManager(RunStore(root), max_concurrent=1)
    jobs.start_background(every=3600)  # one tick, then it sleeps
    wait_for(lambda: (root / ".scheduler.lock").exists(), 10, what="the first tick")
    assert jobs.warm is False and jobs._warm is None and not (root / LOG_NAME).exists()


def test_no_warm_worker_without_a_safe_fork_or_with_a_gpu(monkeypatch):
    import torch
    monkeypatch.delenv("PROMPT_LAB_WARM_WORKER", raising=False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    assert cold_reason() is None  # Linux, no GPU: warm
    monkeypatch.setattr(core.jobs.sys, "platform", "darwin")
    assert cold_reason() == "no safe fork on darwin"
    monkeypatch.setattr(core.jobs.sys, "platform", "linux")
    monkeypatch.delattr(os, "fork")
    assert cold_reason() == "no safe fork on linux"
    monkeypatch.undo()
    monkeypatch.delenv("PROMPT_LAB_WARM_WORKER", raising=False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert cold_reason() == "a GPU: CUDA does not survive fork"


def test_a_plain_tick_starts_cold(root):
    """Only a long-lived scheduler (start_background) or warm=True keeps a warm process."""
    jobs = JobManager(RunStore(root), max_concurrent=1)
    run_id = jobs.submit(tiny_config(root))
    assert jobs._warm is None and isinstance(jobs._children[run_id][0], subprocess.Popen)
    assert finish(jobs, run_id)["status"] == "finished"


@pytest.mark.slow
def test_the_offline_default_trains_in_a_forked_worker_on_every_thread(root, shared_warm):
    """MiniLM's ops are big enough for OpenMP's parallel regions: a forked worker runs them, no hang."""
    jobs = warm_jobs(root, shared_warm)
    run_id = jobs.submit(RunConfig(task="sentiment", max_steps=3, max_train_examples=48,
                                             max_eval_examples=16, out=str(root)))
    assert isinstance(jobs._children[run_id][0], WarmChild)
    assert finish(jobs, run_id, timeout=300)["status"] == "finished"
    assert json.loads((root / run_id / "final.json").read_text())["steps"] == 3
