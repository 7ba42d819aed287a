"""A long lab command (the claims report, a transfer study) started from the web lab in its own process:
its runs queue like any other and the app's scheduler trains them; its own analysis never runs in the web
process. One at a time per kind for the whole lab, told by a pid file (pid + start time, since pids are
reused) in the command's folder inside the runs folder; on a shared lab (a public Space) only when the
operator opts in with an environment variable, as such a command queues dozens of runs."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PID_FILE = "running.pid"


def allowed(variable: str) -> bool:
    return os.environ.get(variable, "").strip().lower() in ("1", "true", "yes", "on")


def running(folder: Path) -> bool:
    """The process `folder`'s pid file names is alive and is still that process."""
    from core.worker import process_start
    try:
        pid, start = (folder / PID_FILE).read_text().split()
        return process_start(int(pid)) == start
    except (OSError, ValueError):
        return False


def check_may_start(shared: bool, variable: str, folder: Path, off: str, busy: str) -> None:
    """ValueError(off) on a shared lab whose operator has not set `variable`; ValueError(busy) while one runs."""
    if shared and not allowed(variable):
        raise ValueError(off)
    if running(folder):
        raise ValueError(busy)


def start(module: str, arguments: list[str], folder: Path, log: str) -> int:
    """`python -m module arguments...` in its own session, output to folder/log. -> its pid."""
    from core.worker import process_start
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / log, "ab") as out:
        child = subprocess.Popen([sys.executable, "-m", module, *arguments], cwd=ROOT, stdout=out,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1"})
    (folder / PID_FILE).write_text(f"{child.pid} {process_start(child.pid)}")
    return child.pid


def newest(folder: Path, marker: str) -> Path | None:
    """The newest sub-folder of `folder` holding `marker` (its names start with a date), symlinks never."""
    found = sorted((p for p in folder.iterdir() if (p / marker).is_file() and not p.is_symlink()),
                   reverse=True) if folder.is_dir() else []
    return found[0] if found else None
