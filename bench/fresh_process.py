"""One measurement in a fresh (spawned) process, so its memory, threads and accelerate state are its own."""
from __future__ import annotations

import multiprocessing


def in_fresh_process(target, args: tuple, timeout: float) -> dict:
    """target(*args, queue) in a spawned process -> the dict it put on the queue, or {"error": ...} when the
    process died (killed, out of memory) without an answer."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=target, args=(*args, queue))
    child.start()
    try:
        result = queue.get(timeout=timeout)
    except Exception:  # noqa: BLE001 - the child died without an answer
        result = {"error": f"worker exited with code {child.exitcode}"}
    child.join()
    return result
