"""Worker process for one run: `python -m core.worker <run folder>`.

Started by core.jobs once the run is claimed, as a process of its own: `python -m core.worker` (cold),
or forked from the warm worker, which runs this same `main` (core/warm.py). Trains the run and
records how it ended. Any Python failure, out-of-memory included, marks the run failed with the
reason (and, for memory, the numbers); SIGTERM or SIGINT (abort) marks it aborted. Deaths the worker
cannot record itself (SIGKILL, the kernel's OOM killer, a native crash) are recorded by the scheduler
from the exit code (a forked worker's comes through the warm worker).
"""
from __future__ import annotations

import os
import re
import resource
import signal
import sys
import traceback
from pathlib import Path

from core.config import RunConfig
from core.runs import RunStore

OOM_HINT = "Try a smaller batch size, max length or backbone."


def process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux): with the pid, names one process
    even after the pid is reused. None where /proc is not available."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22; the name in () may hold spaces


def memory_mb() -> dict[str, float]:
    """The machine's total and available memory in MB (Linux /proc/meminfo; empty elsewhere)."""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return {}
    values = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in lines if line.split()[1:2]}
    return {"total": values.get("MemTotal", 0.0), "available": values.get("MemAvailable", 0.0)}


def gib(mb: float) -> str:
    return f"{mb / 1024:.1f} GiB"


def out_of_memory(text: str) -> str:
    """The friendly out-of-memory message, with what was asked for and what there was."""
    asked = re.search(r"allocate (\d+) bytes", text)  # CPU: DefaultCPUAllocator's wording
    asked_gpu = re.search(r"[Tt]ried to allocate ([\d.]+ [KMG]iB)", text)  # CUDA's wording
    parts = []
    if asked:
        parts.append(f"tried to allocate {gib(int(asked.group(1)) / 2**20)}")
    elif asked_gpu:
        parts.append(f"tried to allocate {asked_gpu.group(1)} on the GPU")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    parts.append(f"the worker had peaked at {gib(peak)}")
    machine = memory_mb()
    if machine:
        parts.append(f"the machine has {gib(machine['available'])} free of {gib(machine['total'])}")
    return f"out of memory: {'; '.join(parts)}. {OOM_HINT}"


def reason(error: BaseException) -> str:
    text = str(error)
    if isinstance(error, MemoryError) or "OutOfMemoryError" in type(error).__name__ \
            or "out of memory" in text.lower() or "can't allocate memory" in text:
        return out_of_memory(text)
    if getattr(error, "user_facing", False):  # e.g. divergence: the message says it all
        return text
    return f"{type(error).__name__}: {text}"


def main(run_path: str) -> int:
    path = Path(run_path)
    run = RunStore(path.parent).get(path.name)
    if run.status().get("status") != "running":  # aborted between the claim and this start
        print(f"run {run.id} is {run.status().get('status')}, not claimed for training: nothing to do")
        return 0

    def stopped(number, _frame):
        name = signal.Signals(number).name
        if run.status().get("status") != "aborted":
            run.set_status("aborted", error=f"stopped by {name}")
        os._exit(128 + number)

    signal.signal(signal.SIGTERM, stopped)
    signal.signal(signal.SIGINT, stopped)
    run.set_status("running", pid=os.getpid(), pid_start=process_start(os.getpid()), runner="worker")
    try:
        from core.runs import RunRecorder
        from core.train import train  # heavy imports after the status is written
        train(RunConfig.from_yaml(path / "config.yaml"), RunRecorder(run), show_progress=False)
    except Exception as error:  # noqa: BLE001 - every failure must reach the run list
        traceback.print_exc()
        run.set_status("failed", error=reason(error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
