"""The reason a run died is the real one: from the worker's exit code (SIGKILL, the kernel's OOM
killer as counted in the cgroup's memory.events, a native crash, an exit code), and from the worker
itself for Python's MemoryError and torch's allocator errors, with the numbers and the hint."""
import signal
import subprocess
import sys
import types

import pytest

import core.jobs
import core.worker
from core.jobs import JobManager, death_reason, oom_kills
from core.runs import Run, RunStore
from core.worker import reason
from reltools import (folder_bytes, index_rows, status_of, stray_entries, tiny_config, wait_for, with_bystander,
                      worker_in_process)

HINT = "Try a smaller batch size, max length or backbone."
NUMBERS = "its last recorded peak was 2.0 GiB; the machine has 16.0 GiB"
CRASH = "the worker crashed ({}: a native crash in torch or a library); see worker.log in the run folder"
KILLED = "the worker was killed by SIGKILL (the kernel's out-of-memory killer also sends it); "


@pytest.fixture
def machine(monkeypatch, tmp_path):
    """A 16 GiB machine with 8 GiB free, a worker that peaked at 3 GiB, and a fake cgroup memory.events."""
    monkeypatch.setattr(core.jobs, "memory_mb", lambda: {"total": 16384.0, "available": 8192.0})
    monkeypatch.setattr(core.worker, "memory_mb", lambda: {"total": 16384.0, "available": 8192.0})
    monkeypatch.setattr(core.worker.resource, "getrusage", lambda who: types.SimpleNamespace(ru_maxrss=3 * 2**20))
    events = tmp_path / "memory.events"
    real_path = core.jobs.Path
    monkeypatch.setattr(core.jobs, "Path",
                        lambda p: events if str(p) == "/sys/fs/cgroup/memory.events" else real_path(p))
    return events


def cgroup(events, oom_kill: int) -> None:
    events.write_text(f"low 0\nhigh 0\nmax 12\noom 2\noom_kill {oom_kill}\noom_group_kill 0\n")


def test_oom_kills_reads_the_cgroup_count(machine):
    assert oom_kills() is None  # no cgroup v2 file: unknown, never a guess
    cgroup(machine, 7)
    assert oom_kills() == 7
    machine.write_text("oom_kill many\n")
    assert oom_kills() is None


@pytest.mark.parametrize("returncode,kills,expected", [
    (-9, (3, 4), ("failed", f"out of memory: the kernel's OOM killer stopped the worker; {NUMBERS}. {HINT}")),
    (-9, (3, 3), ("interrupted", KILLED + NUMBERS)),
    (-9, (None, None), ("interrupted", KILLED + NUMBERS)),
    (-15, (3, 4), ("interrupted", f"the worker was killed by SIGTERM; {NUMBERS}")),
    (-11, (3, 4), ("failed", CRASH.format("SIGSEGV"))),
    (-6, (None, None), ("failed", CRASH.format("SIGABRT"))),
    (-7, (None, None), ("failed", CRASH.format("SIGBUS"))),
    (3, (None, None), ("failed", "the worker exited with code 3 without recording why; see worker.log")),
], ids=["SIGKILL by the OOM killer", "SIGKILL", "SIGKILL, no cgroup", "SIGTERM", "SIGSEGV", "SIGABRT", "SIGBUS",
        "exit 3"])
def test_death_reason_from_the_exit_code(root, machine, returncode, kills, expected):
    run = RunStore(root).create(tiny_config(root), status="running")
    run.log_metrics({"step": 1, "loss": 0.5, "peak_memory_mb": 1024.0})
    run.log_metrics({"step": 2, "loss": 0.4, "peak_memory_mb": 2048.0})
    before, after = kills
    if after is not None:
        cgroup(machine, after)
    assert death_reason(returncode, run, before) == expected


def test_death_reason_without_a_memory_figure(root, machine):
    run = RunStore(root).create(tiny_config(root), status="running")
    assert death_reason(-9, run, None) == ("interrupted", KILLED + "it had recorded no memory figure yet; "
                                           "the machine has 16.0 GiB")


# real processes that end as a worker can: the scheduler reaps them and records why
ENDINGS = {
    "SIGSEGV": ("import ctypes; ctypes.string_at(0)", "failed", CRASH.format("SIGSEGV")),
    "SIGABRT": ("import os; os.abort()", "failed", CRASH.format("SIGABRT")),
    "exit 3": ("import sys; sys.exit(3)", "failed",
               "the worker exited with code 3 without recording why; see worker.log"),
    "SIGKILL by the OOM killer": ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "failed",
                                  f"out of memory: the kernel's OOM killer stopped the worker; "
                                  f"it had recorded no memory figure yet; the machine has 16.0 GiB. {HINT}"),
    "recorded its own end": ("import sys; from core.runs import RunStore; r = RunStore(sys.argv[1]).get(sys.argv[2]); "
                             "r.set_status('failed', error='ValueError: bad data'); sys.exit(1)", "failed",
                             "ValueError: bad data"),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_the_scheduler_records_how_its_worker_ended(root, machine, ending):
    code, status, error = ENDINGS[ending]
    store, bystander, before = with_bystander(root)
    run = store.create(tiny_config(root))
    jobs = JobManager(store, max_concurrent=1)
    assert store.claim(run.id)
    run.set_status("running", step=0)
    cgroup(machine, 5)
    child = subprocess.Popen([sys.executable, "-c", code, str(root), run.id], cwd=core.jobs.ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    jobs._children[run.id] = (child, 5)  # as _start records it
    child.wait(30)
    if ending.startswith("SIGKILL"):
        cgroup(machine, 6)
    jobs.tick()
    assert jobs._children == {}
    assert (status_of(root, run.id)["status"], status_of(root, run.id)["error"]) == (status, error)
    assert (index_rows(root)[run.id]["status"], index_rows(root)[run.id]["error"]) == (status, error)
    jobs.tick()  # said once: a later tick changes nothing
    assert status_of(root, run.id)["error"] == error
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before


def test_a_real_worker_killed_by_sigkill_is_interrupted_and_frees_its_slot(root):
    store, bystander, before = with_bystander(root)
    jobs = JobManager(store, max_concurrent=1)
    run_id = jobs.submit(tiny_config(root, max_steps=1_000_000, eval_every=1_000_000))
    behind = store.create(tiny_config(root))  # waits for the slot; damaged, so it fails without a worker
    (behind.path / "config.yaml").unlink()
    child = jobs._children[run_id][0]
    wait_for(lambda: status_of(root, run_id).get("pid") == child.pid and Run(store, run_id).metrics(),
             timeout=90, what="the worker to train")
    jobs.tick()
    assert index_rows(root)[behind.id]["status"] == "queued"  # the slot is taken

    child.send_signal(signal.SIGKILL)
    child.wait(30)
    jobs.tick()

    status = status_of(root, run_id)
    peak = max(row["peak_memory_mb"] for row in Run(store, run_id).metrics())
    assert status["status"] == "interrupted"
    assert status["error"].startswith(KILLED + f"its last recorded peak was {peak / 1024:.1f} GiB; the machine has ")
    assert (index_rows(root)[run_id]["status"], index_rows(root)[run_id]["error"]) == ("interrupted", status["error"])
    assert (index_rows(root)[behind.id]["status"], index_rows(root)[behind.id]["error"]) == \
        ("failed", "run folder damaged: config.yaml is missing")  # the freed slot went to the next run
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before
    assert stray_entries(root, {bystander.id, run_id, behind.id}) == []


# -- the worker's own account of a Python failure ----------------------------------------------------
CPU_ALLOCATOR = ("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: can't allocate memory: you tried "
                 "to allocate 34359738368 bytes. Error code 12 (Cannot allocate memory)")
CUDA = ("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.10 GiB of which "
        "1.50 GiB is free.")
FREE = "the worker had peaked at 3.0 GiB; the machine has 8.0 GiB free of 16.0 GiB"
OutOfMemoryError = type("OutOfMemoryError", (RuntimeError,), {})  # torch.cuda.OutOfMemoryError's name


@pytest.mark.parametrize("error,message", [
    (RuntimeError(CPU_ALLOCATOR), f"out of memory: tried to allocate 32.0 GiB; {FREE}. {HINT}"),
    (MemoryError(), f"out of memory: {FREE}. {HINT}"),
    (OutOfMemoryError(CUDA), f"out of memory: tried to allocate 2.00 GiB on the GPU; {FREE}. {HINT}"),
    (ValueError("no column 'label' in the data"), "ValueError: no column 'label' in the data"),
], ids=["CPU allocator", "MemoryError", "CUDA", "other"])
def test_worker_reason(machine, error, message):
    assert reason(error) == message


@pytest.mark.parametrize("error,message", [
    (RuntimeError(CPU_ALLOCATOR), f"out of memory: tried to allocate 32.0 GiB; {FREE}. {HINT}"),
    (MemoryError(), f"out of memory: {FREE}. {HINT}"),
], ids=["CPU allocator", "MemoryError"])
def test_the_worker_records_running_out_of_memory(root, machine, monkeypatch, capsys, error, message):
    import core.train

    def train(*args, **kwargs):
        raise error
    monkeypatch.setattr(core.train, "train", train)
    store, bystander, before = with_bystander(root)
    run = store.create(tiny_config(root), status="running")
    assert worker_in_process(run) == 1
    status = status_of(root, run.id)
    assert (status["status"], status["error"], status["runner"]) == ("failed", message, "worker")
    assert (index_rows(root)[run.id]["status"], index_rows(root)[run.id]["error"]) == ("failed", message)
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before
    assert stray_entries(root, {bystander.id, run.id}) == []
