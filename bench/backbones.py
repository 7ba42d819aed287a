"""Benchmark loading the offline GGUF decoders: gemma3-270m against smollm2-135m.

    python bench/backbones.py                 # first load in a fresh cache, then 3 cached loads, each backbone
    python bench/backbones.py --repeat 5
    python bench/backbones.py --user-cache    # cached loads from ~/.cache/prompt-lab only (no first load)

Every load runs in its own Python process, so memory and timings are a cold process's:
  first    load_backbone(name) with PROMPT_LAB_CACHE pointed at a fresh temporary folder: assembling the
           GGUF file from its part packages (gemma3-270m), converting the tokenizer, de-quantising to
           fp32 and saving the safetensors cache
  cached   load_backbone(name) again from that cache (the median of --repeat runs; all are printed)
  rss      the process's resident memory right after a cached load, and its peak during the first load
Seconds count load_backbone() only, not Python's imports. The last table puts gemma3-270m over
smollm2-135m side by side.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BACKBONES = ("gemma3-270m", "smollm2-135m")


def child(name: str) -> None:
    """One load in this process; prints its figures as one JSON line."""
    from core.backbones import load_backbone, quiet_transformers
    started = time.perf_counter()
    with quiet_transformers():
        backbone = load_backbone(name)
    seconds = time.perf_counter() - started
    rss_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                  if line.startswith("VmRSS:"))
    print(json.dumps({"seconds": seconds, "rss_mb": rss_kb / 1024, "parameters": backbone.num_parameters,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))  # Linux: KiB


def load_in_process(name: str, cache: Path) -> dict:
    env = {**os.environ, "PROMPT_LAB_CACHE": str(cache), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run([sys.executable, __file__, "--child", name], env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"loading {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(name: str, repeat: int, user_cache: bool) -> dict:
    from core.backbones import cache_dir
    if user_cache:
        first, cache = None, cache_dir()
    else:
        cache = Path(tempfile.mkdtemp(prefix="prompt-lab-bench-"))
        first = load_in_process(name, cache)
    try:
        cached = [load_in_process(name, cache) for _ in range(repeat)]
    finally:
        if not user_cache:
            shutil.rmtree(cache, ignore_errors=True)
    return {"first": first, "cached": cached}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="cached loads per backbone")
    parser.add_argument("--user-cache", action="store_true", help="only cached loads, from the user cache")
    parser.add_argument("--backbones", nargs=2, default=BACKBONES, metavar=("NAME", "BASELINE"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child)

    rows = {}
    for name in args.backbones:
        result = measure(name, args.repeat, args.user_cache)
        cached = [r["seconds"] for r in result["cached"]]
        first = result["first"]
        rows[name] = {"first_s": first["seconds"] if first else None, "cached_s": statistics.median(cached),
                      "rss_mb": statistics.median(r["rss_mb"] for r in result["cached"]),
                      "first_peak_mb": first["peak_rss_mb"] if first else None,
                      "parameters": result["cached"][0]["parameters"]}
        print(f"{name}: first {_f(rows[name]['first_s'], 's')}, cached {', '.join(f'{s:.2f}' for s in cached)} s "
              f"(median {rows[name]['cached_s']:.2f}), RSS {rows[name]['rss_mb']:.0f} MB after a cached load "
              f"(peak {_f(rows[name]['first_peak_mb'], ' MB', 0)} during the first), "
              f"{rows[name]['parameters'] / 1e6:.1f}M parameters", flush=True)

    big, base = (rows[n] for n in args.backbones)
    print(f"\n{'':26}{args.backbones[0]:>14}{args.backbones[1]:>14}{'ratio':>8}")
    for key, label, digits in (("first_s", "first load (s)", 1), ("cached_s", "cached load, median (s)", 2),
                               ("rss_mb", "RSS after load (MB)", 0), ("first_peak_mb", "peak RSS, first (MB)", 0),
                               ("parameters", "parameters (M)", 1)):
        a, b = big[key], base[key]
        if key == "parameters":
            a, b = a / 1e6, b / 1e6
        ratio = f"{a / b:.2f}x" if a is not None and b else "-"
        print(f"{label:26}{_f(a, '', digits):>14}{_f(b, '', digits):>14}{ratio:>8}")


def _f(value: float | None, unit: str, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


if __name__ == "__main__":
    main()
