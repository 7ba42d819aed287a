"""Speed and memory where users wait: CPU bf16, less padding, memory of prompt methods; GPU throughput and MFU.

    python bench/speed.py --quick              # every table at a small budget (< 15 min on 2 CPU cores)
    python bench/speed.py                      # larger budgets, smollm2-135m in the padding table too
    python bench/speed.py --only memory padding --threads 2

Tables, printed in one run, every figure beside a ratio to fine-tuning or to the "before" of the same run:
  1. precision  fp32 against bf16 autocast (accelerate's mixed_precision="bf16", which is
                torch.autocast("cpu", torch.bfloat16) on a CPU) for every method on minilm-l6 and
                smollm2-135m: seconds per step and the dev metric after the same steps on the sentiment
                preset (same seed, same batches: the pair differs only in precision)
  2. padding    before (shuffled batches, evaluation in file order, as the lab did) against after (group_by_length:
                transformers' length-grouped batches, evaluation longest first) on the real SST-2 and
                CoNLL-2003 files (../shared/data): share of padding, training and evaluation tokens per second
                (real tokens, not padding) and the dev metric at the same steps
  3. memory     peak resident memory of a few training steps for every method on smollm2-135m (and
                gemma3-270m) at one batch: the whole process, and its growth over the loaded model
                (peak during training minus resident memory after loading); each in a fresh process
  4. GPU        only where CUDA is: fine-tuning, p-tuning-v2 and prefix-tuning on the largest offline
                backbone in bf16 at the batch that fills the GPU: step time, tokens/s,
                torch.cuda.max_memory_allocated and MFU (formula printed with the table)
Every measurement runs in a fresh process (spawn), so its memory and threads are its own.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fresh_process import in_fresh_process  # noqa: E402

METHODS = ["fine-tuning", "manual-prompt", "prompt-tuning", "p-tuning", "prefix-tuning", "p-tuning-v2", "bitfit",
           "lora"]
GPU_METHODS = ["fine-tuning", "p-tuning-v2", "prefix-tuning"]
# dense bf16 peak of the GPUs a Space or this lab's machines have (NVIDIA data sheets, without sparsity)
GPU_PEAK_TFLOPS = {"H100 PCIe": 756.0, "H100": 989.0, "H200": 989.0, "A100": 312.0, "L40S": 362.0, "A10G": 70.0,
                   "L4": 121.0}
HEAVY = ("core.reproduce", "core.transfer", "core.worker", "pytest")


# -- running one measurement in a fresh process ---------------------------------------------------------------
def _child(function: str, kwargs: dict, threads: int | None, queue) -> None:
    import torch
    from transformers.utils import logging
    logging.disable_progress_bar()  # "Loading weights" bars would break the tables
    if threads:
        torch.set_num_threads(threads)
    try:
        queue.put(globals()[function](**kwargs))
    except Exception as error:  # noqa: BLE001 - a failed cell is reported, the table goes on
        queue.put({"error": f"{type(error).__name__}: {error}"})


def measure(args, function: str, **kwargs) -> dict:
    """globals()[function](**kwargs) in a fresh spawned process (or here with --in-process) -> its dict."""
    if args.in_process:
        from accelerate.state import AcceleratorState
        AcceleratorState._reset_state(True)  # one process, runs of different precisions (a fresh process has none)
        try:
            return globals()[function](**kwargs)
        except Exception as error:  # noqa: BLE001
            return {"error": f"{type(error).__name__}: {error}"}
    return in_fresh_process(_child, (function, kwargs, args.threads), timeout=3600)


# -- what each child measures ----------------------------------------------------------------------------------
def step_seconds(rows: list[dict]) -> list[tuple[int, float]]:
    """(batch index, seconds) of each training step from a run's metric rows (elapsed since the start; row i is
    batch i's step), leaving out the first step (warm-up: kernels for new shapes) and steps that ended with an
    evaluation."""
    return [(i, rows[i]["elapsed"] - rows[i - 1]["elapsed"]) for i in range(1, len(rows))
            if not any(key.startswith("dev_") for key in rows[i])]


class Rows:
    """A recorder (core.runs.Recorder's shape) that keeps the metric rows, for the time of each step."""

    def __init__(self):
        self.rows = []

    def start(self, *args) -> None:
        pass

    def log(self, row: dict, total_steps: int) -> None:
        self.rows.append(row)

    def finish(self, *args) -> None:
        pass


def in_turn(measurement: str, configs: list[dict], **kwargs) -> dict:
    """Several timings one after another in one process (a pair shares the imports and the file cache; the
    first step of each run, where that shows, is left out of its time). Not for memory: that is per process."""
    from accelerate.state import AcceleratorState
    results = []
    for config in configs:
        AcceleratorState._reset_state(True)  # each run its own mixed precision
        try:
            results.append(globals()[measurement](config=config, **kwargs))
        except Exception as error:  # noqa: BLE001 - a failed cell is reported, the table goes on
            results.append({"error": f"{type(error).__name__}: {error}"})
    return {"results": results}


def train_once(config: dict) -> dict:
    """Table 1: one run through the lab's own loop; its step time is the median step (robust to a busy machine)."""
    from core.config import RunConfig
    from core.train import precision, train
    recorder = Rows()
    final = train(RunConfig(**config), recorder, show_progress=False)
    steps = [seconds for _, seconds in step_seconds(recorder.rows)]
    return {"seconds_per_step": statistics.median(steps) if steps else final["seconds_per_step"],
            "mean_seconds_per_step": final["seconds_per_step"], "metric": final["best_metric"],
            "metric_name": final["metric_name"], "steps": final["steps"], "share": final["share"],
            "mixed_precision": precision(RunConfig(**config))}


def real_task(data: str, n_train: int, n_dev: int):
    from bench.shared_data import load_shared_conll2003, load_shared_sst2
    load = {"sst2": load_shared_sst2, "conll2003": load_shared_conll2003}[data]
    return load(n_train=n_train, n_dev=n_dev, seed=0)


def padded_size(lengths: list[int], batch_size: int) -> int:
    """Positions a pass over `lengths` in this order computes, batch_size at a time, each padded to its longest."""
    return sum(max(lengths[i:i + batch_size]) * len(lengths[i:i + batch_size]) for i in range(0, len(lengths),
                                                                                               batch_size))


@contextlib.contextmanager
def evaluation_order(longest_first: bool):
    """core.setup's evaluation order: longest first (the lab's), or file order (the lab before it)."""
    import core.setup
    sorted_order = core.setup.longest_first
    if not longest_first:
        core.setup.longest_first = lambda features: list(range(len(features)))
    try:
        yield
    finally:
        core.setup.longest_first = sorted_order


def train_counting_tokens(config: dict, data: str, n_train: int, n_dev: int) -> dict:
    """Table 2: train on real data counting the tokens of every batch drawn, then time one evaluation pass.
    Tokens per second: real tokens (not padding) of the timed steps over their seconds (step_seconds).
    Before (group_by_length off) evaluates in file order too, as the lab did before."""
    with evaluation_order(longest_first=bool(config.get("group_by_length"))):
        return _train_counting_tokens(config, data, n_train, n_dev)


def _train_counting_tokens(config: dict, data: str, n_train: int, n_dev: int) -> dict:
    import core.setup
    from core.config import RunConfig
    from core.setup import prepare, run_model
    from core.train import train
    p = prepare(RunConfig(**config), real_task(data, n_train, n_dev))
    real, padded = [], []
    draw = p.batches

    def counted():
        for batch in draw():
            real.append(int(batch["attention_mask"].sum()))
            padded.append(batch["attention_mask"].numel())
            yield batch
    p.batches = counted
    recorder = Rows()
    final = train(p.setup.config, recorder, show_progress=False, prepared=p)
    timed = step_seconds(recorder.rows) or [(i, final["seconds_per_step"]) for i in range(len(real))]  # too short
    s, features = p.setup, p.dev_features
    started = time.perf_counter()
    run_model(s, features)
    eval_seconds = time.perf_counter() - started
    order = core.setup.longest_first(features)
    lengths = [len(features[i]["input_ids"]) for i in order]
    return {"metric": final["best_metric"], "metric_name": final["metric_name"],
            "train_tokens_per_s": sum(real[i] for i, _ in timed) / sum(seconds for _, seconds in timed),
            "train_pad_share": 1 - sum(real) / sum(padded),
            "eval_tokens_per_s": sum(lengths) / eval_seconds,
            "eval_pad_share": 1 - sum(lengths) / padded_size(lengths, max(s.config.batch_size, 32))}


def _status_mb(field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak) of this process from /proc, in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Start VmHWM afresh (Linux >= 4.0: writing 5 to clear_refs), so the peak is the training's own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def train_measuring_memory(config: dict) -> dict:
    """Table 3: resident memory after loading (every weight read once) and encoding, then the peak of a few
    training steps."""
    import resource

    from core.config import RunConfig
    from core.setup import prepare
    from core.train import train
    import torch
    p = prepare(RunConfig(**config))
    with torch.no_grad():  # page the weights in: a safetensors load maps them, resident only once read
        for tensor in [*p.setup.model.parameters(), *p.setup.model.buffers()]:
            tensor.sum()
    gc.collect()
    loaded = _status_mb("VmRSS")
    reset = _reset_peak()
    recorder = Rows()
    final = train(p.setup.config, recorder, show_progress=False, prepared=p)
    peak = _status_mb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steps = [seconds for _, seconds in step_seconds(recorder.rows)]
    return {"loaded_mb": loaded, "peak_mb": peak, "growth_mb": peak - loaded if loaded is not None else None,
            "share": final["share"], "trainable": final["trainable"], "peak_is_training_only": reset,
            "seconds_per_step": statistics.median(steps) if steps else final["seconds_per_step"]}


def flops_per_token(n_matmul: int, layers: int, attention_width: int, length: int, trains_backbone: bool) -> float:
    """Training FLOPs per token (Kaplan et al. 2020; PaLM's appendix B for attention; nanoGPT's estimate_mfu):
    forward 2N, backward 4N when the backbone's weights get gradients (to activations 2N + to weights 2N),
    2N when they are frozen (to activations only: prompt methods still backpropagate through every layer);
    plus attention scores and values, 12 * layers * width * T forward and backward (no weights to skip)."""
    weights = (6 if trains_backbone else 4) * n_matmul
    return weights + 12 * layers * attention_width * length


def gpu_steps(backbone: str, method: str, batch_size: int | None, length: int, steps: int,
              device: str = "cuda", peak_tflops: float | None = None) -> dict:
    """Table 4: time training steps of one method on a batch of B x T real tokens (random token ids: the step
    costs the same whatever the words) in bf16 autocast; batch_size None finds the largest power of two whose
    step fits in 70% of the GPU's memory (fine-tuning's, then used for every method)."""
    import torch

    from core.config import RunConfig
    from core.setup import setup
    s = setup(RunConfig(task="sentiment", backbone=backbone, method=method, max_length=length, seed=0))
    dev = torch.device(device)
    model = s.model.to(dev).train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-6)
    vocab = s.backbone.model.get_input_embeddings().weight.shape[0]
    generator = torch.Generator().manual_seed(0)

    def batch_of(size: int) -> dict:
        ids = torch.randint(100, vocab, (size, length), generator=generator)
        return {"input_ids": ids.to(dev), "attention_mask": torch.ones_like(ids).to(dev),
                "labels": torch.randint(0, len(s.task.labels), (size,), generator=generator).to(dev)}

    def step(batch: dict) -> None:
        with torch.autocast(dev.type, dtype=torch.bfloat16):
            loss = s.family.loss(model(batch), batch)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    cuda = dev.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    if batch_size is None:  # the largest power of two that fits in 70% of the memory
        total = torch.cuda.get_device_properties(dev).total_memory if cuda else None
        batch_size, trial = 1, 1
        while trial <= 4096:
            try:
                if cuda:
                    torch.cuda.reset_peak_memory_stats()
                step(batch_of(trial))
                sync()
            except torch.OutOfMemoryError:
                break
            if cuda and torch.cuda.max_memory_allocated() > 0.7 * total:
                break
            batch_size, trial = trial, trial * 2
            if not cuda and trial > 8:  # a CPU check of this code path, not a measurement
                break
        optimizer.zero_grad(set_to_none=True)
        if cuda:
            torch.cuda.empty_cache()
    batch = batch_of(batch_size)
    step(batch)  # warm-up: kernels, allocator, optimizer state
    sync()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    for _ in range(steps):
        step(batch)
    sync()
    seconds = (time.perf_counter() - started) / steps
    body = s.backbone.model
    embedding = body.get_input_embeddings().weight.numel()
    n_matmul = sum(p.numel() for p in body.parameters()) - embedding  # the lookup costs nothing; a cls head
    trains_backbone = any(p.requires_grad for n, p in model.named_parameters() if n.startswith("backbone."))
    attention_width = body.config.num_attention_heads * s.backbone.head_dim
    per_token = flops_per_token(n_matmul, s.backbone.num_layers, attention_width, length, trains_backbone)
    tokens_per_s = batch_size * length / seconds
    return {"batch_size": batch_size, "length": length, "seconds_per_step": seconds, "tokens_per_s": tokens_per_s,
            "peak_memory_mb": torch.cuda.max_memory_allocated() / 2**20 if cuda else None,
            "flops_per_token": per_token, "trains_backbone": trains_backbone, "n_matmul": n_matmul,
            "mfu": per_token * tokens_per_s / (peak_tflops * 1e12) if peak_tflops else None}


# -- the tables --------------------------------------------------------------------------------------------------
def fmt(value, digits: int = 3, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:.{digits}f}{unit}"


def ratio(a, b) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "n/a"


def pair(answer: dict) -> list[dict]:
    """in_turn's two results, or its error twice (the process died)."""
    return answer["results"] if "results" in answer else [answer, answer]


def error_of(*results: dict) -> str | None:
    return next((r["error"][:100] for r in results if "error" in r), None)


def precision_table(args) -> list[dict]:
    from core.config import RunConfig
    from core.train import cpu_has_native_bf16, precision
    auto = precision(RunConfig())
    print(f"\n## 1. CPU precision: fp32 against bf16 autocast, sentiment preset, seed {args.seed}\n"
          f"native bf16 on this CPU: {cpu_has_native_bf16()}; precision auto picks: "
          f"{'fp32' if auto == 'no' else auto}\n"
          "| backbone | method | steps | fp32 s/step | bf16 s/step | bf16 / fp32 | fp32 dev | bf16 dev | "
          "bf16 - fp32 |\n|---|---|---|---|---|---|---|---|---|", flush=True)
    rows = []
    for backbone in args.backbones:
        steps = args.precision_steps[backbone] if isinstance(args.precision_steps, dict) else args.precision_steps
        for method in args.methods:
            config = {"task": "sentiment", "backbone": backbone, "method": method, "max_steps": steps,
                      "eval_every": steps, "max_eval_examples": args.eval_examples, "seed": args.seed}
            if method == "manual-prompt":
                config["epochs"] = 1  # trained (LM-BFF); max_steps sets the budget
            fp32, bf16 = pair(measure(args, "in_turn", measurement="train_once",
                                      configs=[{**config, "precision": p} for p in ("fp32", "bf16")]))
            problem = error_of(fp32, bf16)
            if problem:
                print(f"| {backbone} | {method} | {steps} | n/a: {problem} | | | | | |", flush=True)
                continue
            rows.append({"backbone": backbone, "method": method, "fp32": fp32, "bf16": bf16})
            print(f"| {backbone} | {method} | {steps} | {fmt(fp32['seconds_per_step'])} | "
                  f"{fmt(bf16['seconds_per_step'])} | {ratio(bf16['seconds_per_step'], fp32['seconds_per_step'])} | "
                  f"{fmt(fp32['metric'])} | "
                  f"{fmt(bf16['metric'])} | {bf16['metric'] - fp32['metric']:+.3f} |", flush=True)
    if rows:
        ratios = [r["bf16"]["seconds_per_step"] / r["fp32"]["seconds_per_step"] for r in rows]
        deltas = [r["bf16"]["metric"] - r["fp32"]["metric"] for r in rows]
        print(f"\nbf16 / fp32 step time: median {statistics.median(ratios):.2f}x (range {min(ratios):.2f}-"
              f"{max(ratios):.2f}x, faster in {sum(r < 1 for r in ratios)} of {len(ratios)}); dev metric bf16 - "
              f"fp32: mean {statistics.fmean(deltas):+.3f} (range {min(deltas):+.3f} to {max(deltas):+.3f})")
    return rows


def padding_table(args) -> list[dict]:
    from bench.shared_data import SHARED_DATA
    if not SHARED_DATA.exists():
        print(f"\n## 2. Padding: skipped: no {SHARED_DATA}")
        return []
    print(f"\n## 2. Padding: group_by_length off (before) against on (after), real data: {args.real_train} training "
          f"sentences sampled from each file, dev = {args.real_dev} held-out sentences of the same file, "
          f"{args.real_steps} steps\n"
          "| data | backbone | method | pad share before | after | train tok/s before | after | after/before | "
          "eval tok/s before | after | after/before | dev before | dev after |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    rows = []
    for data, preset, length in (("sst2", "sentiment", 64), ("conll2003", "ner", 128)):
        for backbone in args.padding_backbones:
            for method in args.padding_methods:
                config = {"task": preset, "backbone": backbone, "method": method, "max_steps": args.real_steps,
                          "eval_every": args.real_steps, "max_length": length, "seed": args.seed,
                          "precision": "fp32"}
                before, after = pair(measure(args, "in_turn", measurement="train_counting_tokens",
                                             configs=[{**config, "group_by_length": g} for g in (False, True)],
                                             data=data, n_train=args.real_train, n_dev=args.real_dev))
                problem = error_of(before, after)
                if problem:
                    print(f"| {data} | {backbone} | {method} | n/a: {problem} |" + " |" * 9, flush=True)
                    continue
                rows.append({"data": data, "backbone": backbone, "method": method, "before": before, "after": after})
                print(f"| {data} | {backbone} | {method} | {before['train_pad_share']:.0%} | "
                      f"{after['train_pad_share']:.0%} | {before['train_tokens_per_s']:.0f} | "
                      f"{after['train_tokens_per_s']:.0f} | "
                      f"{ratio(after['train_tokens_per_s'], before['train_tokens_per_s'])} | "
                      f"{before['eval_tokens_per_s']:.0f} | {after['eval_tokens_per_s']:.0f} | "
                      f"{ratio(after['eval_tokens_per_s'], before['eval_tokens_per_s'])} | "
                      f"{fmt(before['metric'])} | {fmt(after['metric'])} |", flush=True)
    return rows


def memory_table(args) -> list[dict]:
    print(f"\n## 3. Peak memory of {args.memory_steps} training steps, sentiment preset, batch {args.memory_batch}, "
          f"max_length {args.memory_length}, fp32, without and with gradient_checkpointing (each in a fresh process; "
          "growth = peak during training - resident after loading the model, every weight read once, and the data)\n"
          "| backbone | method | trainable | resident after load | peak | growth | growth / fine-tuning's | "
          "peak / fine-tuning's | growth, checkpointed | / fine-tuning's growth | s/step, checkpointed / plain |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    rows = []
    for backbone in args.memory_backbones:
        base = None
        for method in args.methods:
            config = {"task": "sentiment", "backbone": backbone, "method": method, "max_steps": args.memory_steps,
                      "eval_every": args.memory_steps, "max_eval_examples": 16, "batch_size": args.memory_batch,
                      "max_length": args.memory_length, "precision": "fp32", "seed": args.seed}
            if method == "manual-prompt":
                config["epochs"] = 1
            plain = measure(args, "train_measuring_memory", config=config)
            if "error" in plain:
                print(f"| {backbone} | {method} | n/a: {plain['error'][:100]} |" + " |" * 8, flush=True)
                continue
            checkpointed = measure(args, "train_measuring_memory", config={**config, "gradient_checkpointing": True})
            base = plain if method == "fine-tuning" else base
            rows.append({"backbone": backbone, "method": method, **plain, "checkpointed": checkpointed})
            against = base["growth_mb"] if base else None
            if "error" in checkpointed:
                tail = f"n/a: {checkpointed['error'][:80]} | | |"
            else:
                tail = (f"{checkpointed['growth_mb']:.0f} MB | {ratio(checkpointed['growth_mb'], against)} | "
                        f"{ratio(checkpointed['seconds_per_step'], plain['seconds_per_step'])} |")
            print(f"| {backbone} | {method} | {plain['share']} | {plain['loaded_mb']:.0f} MB | "
                  f"{plain['peak_mb']:.0f} MB | {plain['growth_mb']:.0f} MB | {ratio(plain['growth_mb'], against)} | "
                  f"{ratio(plain['peak_mb'], base['peak_mb']) if base else 'n/a'} | {tail}", flush=True)
    return rows


def gpu_peak_tflops(name: str, given: float | None) -> float | None:
    if given:
        return given
    return next((tflops for key, tflops in GPU_PEAK_TFLOPS.items() if key in name), None)


def gpu_table(args, device: str = "cuda") -> list[dict]:
    import torch
    if device == "cuda" and not torch.cuda.is_available():
        print("\n## 4. GPU: skipped: no GPU")
        return []
    name = torch.cuda.get_device_name() if device == "cuda" else "cpu (code path check)"
    peak = gpu_peak_tflops(name, args.gpu_peak_tflops) if device == "cuda" else None
    print(f"\n## 4. GPU ({name}, bf16 peak {fmt(peak, 0, ' TFLOPS')} dense): {args.gpu_backbone}, sequence "
          f"{args.gpu_length} tokens, bf16 autocast, {args.gpu_steps} timed steps after one warm-up\n"
          "MFU = FLOPs per token x tokens/s / peak; FLOPs per token = 6N (fine-tuning) or 4N (frozen backbone: "
          "no weight gradients, but backprop through every layer) + 12 x layers x attention width x T; "
          "N = backbone parameters without the embedding table\n"
          "| method | batch | s/step | tokens/s | / fine-tuning | peak memory | / fine-tuning | MFU |\n"
          "|---|---|---|---|---|---|---|---|", flush=True)
    rows, base, batch = [], None, args.gpu_batch
    for method in GPU_METHODS:
        result = measure(args, "gpu_steps", backbone=args.gpu_backbone, method=method, batch_size=batch,
                         length=args.gpu_length, steps=args.gpu_steps, device=device, peak_tflops=peak)
        if "error" in result:
            print(f"| {method} | n/a: {result['error'][:100]} | | | | | | |", flush=True)
            continue
        batch = batch or result["batch_size"]  # fine-tuning's fitting batch, for every method
        base = base or result
        rows.append({"method": method, **result})
        memory = result["peak_memory_mb"]
        print(f"| {method} | {result['batch_size']} | {fmt(result['seconds_per_step'])} | "
              f"{result['tokens_per_s']:.0f} | {ratio(result['tokens_per_s'], base['tokens_per_s'])} | "
              f"{fmt(memory, 0, ' MB')} | {ratio(memory, base['peak_memory_mb'])} | "
              f"{fmt(result['mfu'] and 100 * result['mfu'], 1, '%')} |", flush=True)
    return rows


def cpu_name() -> str:
    try:
        return next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def machine_line(args) -> str:
    import torch
    others = subprocess.run(["pgrep", "-f", "|".join(HEAVY)], capture_output=True, text=True).stdout.split()
    others = [pid for pid in others if int(pid) != os.getpid()]
    return (f"{cpu_name()}, {os.cpu_count()} cores, torch {torch.__version__}, "
            f"{args.threads or torch.get_num_threads()} threads; "
            + (f"other heavy processes running: {len(others)} (figures are noisier)" if others
               else "no other heavy process running"))


# -- command line ------------------------------------------------------------------------------------------------
def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small budgets: every table in < 15 min on 2 cores")
    parser.add_argument("--only", nargs="+", choices=["precision", "padding", "memory", "gpu"],
                        default=["precision", "padding", "memory", "gpu"])
    parser.add_argument("--threads", type=int, help="torch threads in each measurement (default: torch's)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--methods", nargs="+", default=METHODS)
    parser.add_argument("--backbones", nargs="+", default=["minilm-l6", "smollm2-135m"], help="table 1")
    parser.add_argument("--precision-steps", type=int, help="table 1: steps per run (default 40/20 minilm/smollm2, "
                                                             "quick 20/8)")
    parser.add_argument("--eval-examples", type=int, help="table 1: dev examples (default all 250, quick 64)")
    parser.add_argument("--padding-backbones", nargs="+", help="table 2 (default minilm-l6, + smollm2-135m unless "
                                                               "quick)")
    parser.add_argument("--padding-methods", nargs="+", default=["fine-tuning", "p-tuning-v2"])
    parser.add_argument("--real-train", type=int, default=2000)
    parser.add_argument("--real-dev", type=int, default=500)
    parser.add_argument("--real-steps", type=int, help="table 2: steps per run (default 100, quick 40)")
    parser.add_argument("--memory-backbones", nargs="+", help="table 3 (default smollm2-135m, + gemma3-270m unless "
                                                              "quick)")
    parser.add_argument("--memory-batch", type=int, default=16)
    parser.add_argument("--memory-length", type=int, default=96)
    parser.add_argument("--memory-steps", type=int, default=4)
    parser.add_argument("--gpu-backbone", default="gemma3-270m", help="table 4: the largest offline backbone")
    parser.add_argument("--gpu-batch", type=int, help="table 4 (default: the largest power of two fine-tuning fits "
                                                      "in 70%% of the GPU)")
    parser.add_argument("--gpu-length", type=int, default=480,
                        help="table 4: tokens a sequence (gemma3-270m: 16 prompt + 480 stay in its 512-token window)")
    parser.add_argument("--gpu-steps", type=int, default=10)
    parser.add_argument("--gpu-peak-tflops", type=float, help="the GPU's dense bf16 peak, if not in GPU_PEAK_TFLOPS")
    parser.add_argument("--in-process", action="store_true", help="measure in this process (tests; memory is shared)")
    parser.add_argument("--json", help="also write every result to this file")
    args = parser.parse_args(argv)
    quick = args.quick
    if args.precision_steps is None:
        args.precision_steps = {"minilm-l6": 20 if quick else 40, "smollm2-135m": 8 if quick else 20}
        args.precision_steps = {b: args.precision_steps.get(b, 10 if quick else 20) for b in args.backbones}
    args.eval_examples = args.eval_examples or (64 if quick else None)
    args.padding_backbones = args.padding_backbones or (["minilm-l6"] if quick else ["minilm-l6", "smollm2-135m"])
    args.real_steps = args.real_steps or (40 if quick else 100)
    args.memory_backbones = args.memory_backbones or (["smollm2-135m"] if quick else ["smollm2-135m", "gemma3-270m"])
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse(argv)
    started = time.time()
    print(f"# Speed ({'quick' if args.quick else 'full'}): {machine_line(args)}", flush=True)
    tables = {"precision": precision_table, "padding": padding_table, "memory": memory_table, "gpu": gpu_table}
    results = {name: tables[name](args) for name in tables if name in args.only}
    print(f"\ntotal {time.time() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
