"""Benchmark the web lab's latency on the offline default (sentiment, minilm-l6, p-tuning-v2):

    python bench/app.py              # 3 repeats, CPU
    python bench/app.py --repeat 1

Prints, per repeat and as a median:
  start -> page   seconds from launching `python app.py` to the page answering HTTP 200
  train -> point  seconds from pressing Train (the /train endpoint the button calls) to the first
                  live metric point in the run's metrics.jsonl (the file the Runs tab's 2-s timer
                  reads, so the browser shows it at most one tick later)
Targets: <= 10 s each on CPU. Each repeat starts a fresh app on an empty runs folder, aborts the
run once its first point is in, then kills the app.
"""
from __future__ import annotations

import argparse
import json
import os
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


def one_repeat() -> tuple[float, float, dict]:
    from gradio_client import Client

    from app.tabs.train import FALLBACK_FORM, FIELDS
    runs = Path(tempfile.mkdtemp(prefix="bench-app-")) / "runs"
    port = free_port()
    env = {**os.environ, "PROMPT_LAB_RUNS": str(runs), "GRADIO_SERVER_NAME": "127.0.0.1",
           "GRADIO_SERVER_PORT": str(port), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.time()
    app = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        wait_for_page(f"http://127.0.0.1:{port}/", app)
        to_page = time.time() - started
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        form = dict(FALLBACK_FORM)  # the offline default; None knobs take the preset's defaults
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
        return to_page, to_point, first
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait()
        for status in runs.glob("*/status.json"):  # never leave a worker behind
            pid = json.loads(status.read_text()).get("pid")
            try:
                if pid and "core.worker" in Path(f"/proc/{pid}/cmdline").read_text():
                    os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pages, points = [], []
    print(f"{'repeat':>6} {'start -> page (s)':>18} {'train -> point (s)':>19}  first point")
    for i in range(args.repeat):
        to_page, to_point, first = one_repeat()
        pages.append(to_page)
        points.append(to_point)
        print(f"{i + 1:>6} {to_page:>18.1f} {to_point:>19.1f}  step {first['step']}, loss {first['loss']:.3f}",
              flush=True)
    print(f"{'median':>6} {statistics.median(pages):>18.1f} {statistics.median(points):>19.1f}  (targets: 10 s each)")


if __name__ == "__main__":
    main()
