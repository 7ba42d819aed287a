"""Worker process for one run: `python -m core.worker <run folder>`.

Started by core.jobs; trains the run and records how it ended. Any crash, out-of-memory
included, marks the run failed with the reason; SIGTERM (abort) marks it aborted.
"""
from __future__ import annotations

import os
import signal
import sys
import traceback
from pathlib import Path

from core.config import RunConfig
from core.runs import RunStore


def reason(error: BaseException) -> str:
    if "OutOfMemoryError" in type(error).__name__ or "out of memory" in str(error).lower():
        return f"out of memory: {error}. Try a smaller batch size, max length or backbone."
    return f"{type(error).__name__}: {error}"


def main(run_path: str) -> int:
    path = Path(run_path)
    run = RunStore(path.parent).get(path.name)

    def aborted(*_):
        run.set_status("aborted", error="aborted by the user")
        os._exit(143)

    signal.signal(signal.SIGTERM, aborted)
    run.set_status("running", pid=os.getpid())
    try:
        from core.train import train  # heavy imports after the status is written
        train(RunConfig.from_yaml(path / "config.yaml"), run, show_progress=False)
    except Exception as error:  # noqa: BLE001 - every failure must reach the run list
        traceback.print_exc()
        run.set_status("failed", error=reason(error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
