"""Benchmark the web lab's latency on the offline default (sentiment, minilm-l6, p-tuning-v2), with the
warm worker (core/warm.py) and without it (PROMPT_LAB_WARM_WORKER=0), side by side:

    python bench/app.py              # 3 repeats of each, CPU
    python bench/app.py --repeat 1 --settle 0

Prints, per repeat and mode and as medians with the cold/warm ratio:
  start -> page   seconds from launching `python app.py` to the page answering HTTP 200
  train -> point  seconds from pressing Train (the /train endpoint the button calls) to the first
                  live metric point in the run's metrics.jsonl (the file the Runs tab's 2-s timer
                  reads, so the browser shows it at most one tick later)
Train is pressed `--settle` seconds after the page answers (default 15: a visitor reading the form;
0: at once, when the warm worker may still be warming and the run waits for it). Targets: page
<= 10 s; first point <= 2 s with the warm worker. Each repeat starts a fresh app on an empty runs
folder, aborts the run once its first point is in, then kills the app (its warm worker ends with it).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_page(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the app exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(url)


def one_repeat(warm: bool, settle: float) -> tuple[float, float, dict, tuple]:
    """-> (start -> page, train -> point, the first point, (whether the warm worker was ready at Train,
    how long it took to warm up))."""
    from gradio_client import Client

    from app.tabs.train import FALLBACK_FORM, FIELDS
    from core.warm import LOG_NAME
    runs = Path(tempfile.mkdtemp(prefix="bench-app-")) / "runs"
    port = free_port()
    env = {**os.environ, "PROMPT_LAB_RUNS": str(runs), "GRADIO_SERVER_NAME": "127.0.0.1",
           "GRADIO_SERVER_PORT": str(port), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False", "PROMPT_LAB_WARM_WORKER": "1" if warm else "0"}
    started = time.time()
    app = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        wait_for_page(f"http://127.0.0.1:{port}/", app)
        to_page = time.time() - started
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        form = dict(FALLBACK_FORM)  # the offline default; None knobs take the preset's defaults
        time.sleep(settle)
        log = runs / LOG_NAME
        ready = log.exists() and " ready in " in log.read_text()
        pressed = time.time()
        run_id = client.predict(*[form[name] for name in FIELDS], api_name="/train")[-1]
        metrics = runs / run_id / "metrics.jsonl"
        while not (metrics.exists() and metrics.read_text().strip()):
            status = json.loads((runs / run_id / "status.json").read_text())
            if status.get("status") not in ("queued", "running"):
                raise RuntimeError(f"run ended before its first point: {status}")
            if time.time() - pressed > 300:
                raise TimeoutError("no metric point in 300 s")
            time.sleep(0.05)
        to_point = time.time() - pressed
        first = json.loads(metrics.read_text().splitlines()[0])
        client.predict(run_id, api_name="/abort")
        warmed = re.search(r" ready in ([\d.]+ s)", log.read_text()) if log.exists() else None
        return to_page, to_point, first, (ready, warmed.group(1) if warmed else None)
    finally:
        from core.jobs import worker_alive
        app.send_signal(signal.SIGKILL)
        app.wait()
        for status in runs.glob("*/status.json"):  # never leave a worker behind (pid and start time: a
            record = json.loads(status.read_text())  # forked worker has the warm process's command line)
            if worker_alive(record, status.parent.name):
                try:
                    os.killpg(record["pid"], signal.SIGKILL)
                except OSError:
                    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds from the page to pressing Train")
    parser.add_argument("--modes", nargs="+", choices=("cold", "warm"), default=["cold", "warm"])
    args = parser.parse_args()
    pages, points = {mode: [] for mode in args.modes}, {mode: [] for mode in args.modes}
    print(f"{'repeat':>6} {'mode':>5} {'start -> page (s)':>18} {'train -> point (s)':>19}  first point")
    for i in range(args.repeat):
        for mode in args.modes if i % 2 == 0 else args.modes[::-1]:  # alternate: neither always goes first
            to_page, to_point, first, ready = one_repeat(mode == "warm", args.settle)
            pages[mode].append(to_page)
            points[mode].append(to_point)
            ready, warmed = ready
            note = "" if mode == "cold" else \
                f"  (warm worker {'ready' if ready else 'still warming'} at Train; warmed up in {warmed})"
            print(f"{i + 1:>6} {mode:>5} {to_page:>18.1f} {to_point:>19.1f}  step {first['step']}, "
                  f"loss {first['loss']:.3f}{note}", flush=True)
    for mode in args.modes:
        page, point = statistics.median(pages[mode]), statistics.median(points[mode])
        print(f"{'median':>6} {mode:>5} {page:>18.1f} {point:>19.1f}")
    if len(args.modes) == 2:
        page = statistics.median(pages["cold"]) / statistics.median(pages["warm"])
        point = statistics.median(points["cold"]) / statistics.median(points["warm"])
        print(f"{'ratio':>6} {'c/w':>5} {page:>18.2f} {point:>19.2f}  (cold / warm, same run; targets: page 10 s, "
              f"point 2 s warm)")


if __name__ == "__main__":
    main()
