"""The training loop: prepare -> loop -> evaluate -> keep the best -> report. A recipe on one screen.

    python -m core.train --task sentiment --method p-tuning-v2      # the command line: core/cli.py
    final = train(config, RunRecorder(run))                          # a run folder (worker, CLI)
    final = train(config, task=my_task)                              # a library call (benchmarks, tests)

Several tasks sharing one prompt (`config.tasks`, P-tuning v2's MPT-2) run through the same loop: their
Prepared (core.multitask) draws each batch from one of the tasks and evaluates every task.

accelerate handles the device, mixed precision (bf16 on GPUs that have it) and gradient
accumulation. The dev set is evaluated about ten times per run and the best checkpoint's trained
parameters are kept. Everything the loop reports goes through one recorder (core.runs.Recorder).
A loss that stops being finite ends the loop: Diverged, with the best checkpoint before it kept.
"""
from __future__ import annotations

import math
import resource
import sys
import time
from functools import partial

import torch
from accelerate import Accelerator
from accelerate.state import AcceleratorState
from tqdm.auto import tqdm
from transformers import get_linear_schedule_with_warmup

from core.config import RunConfig
from core.model import count_parameters, format_share
from core.runs import Recorder
from core.setup import Prepared, evaluate, prepare
from core.versions import environment


class Diverged(RuntimeError):
    """The loss became NaN or infinite: a failed run, whose best checkpoint before it is kept."""
    user_facing = True


def precision(config: RunConfig) -> str:
    """accelerate's mixed_precision for a run. auto: bf16 autocast on a GPU that supports it; on a CPU with
    native bf16 arithmetic (AVX512-BF16 or AMX) for the methods where bench/speed.py measured it faster
    (0.64-0.91x the step time) at the same dev metric (README "Speed"); fp32 elsewhere, as emulated bf16 is
    slower than fp32. The trained parameters stay fp32 either way (autocast computes matmuls in bf16 only)."""
    if config.precision != "auto":
        return {"fp32": "no"}.get(config.precision, config.precision)
    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "no"
    return "bf16" if config.method in CPU_BF16_METHODS and cpu_has_native_bf16() else "no"


# Methods whose dev metric after 200 steps on minilm-l6 was the same in bf16 as in fp32 (within 0.4 points).
# Not prompt-tuning (-8.8 with seed 42, +1.6 with seed 7) or p-tuning (at chance either way): their only
# trained parameters enter at the input embeddings, and until a measurement says bf16 is as good there,
# auto keeps them in fp32.
CPU_BF16_METHODS = frozenset({"fine-tuning", "manual-prompt", "prefix-tuning", "p-tuning-v2", "bitfit", "lora"})


def accelerator_for(config: RunConfig) -> Accelerator:
    """accelerate's Accelerator at the run's precision. Its state is one per process and refuses another
    precision once set; a worker trains one run, but runs trained one after another in one process (tests,
    `--in-process` benchmarks) may differ in precision (auto picks by method), so a stale state is reset."""
    mixed = precision(config)
    state = AcceleratorState._shared_state  # accelerate has no public way to ask or reset (its own tests do this)
    if state and state.get("_mixed_precision", mixed) != mixed:
        AcceleratorState._reset_state(reset_partial_state=True)
    return Accelerator(mixed_precision=mixed, gradient_accumulation_steps=config.grad_accum)


def cpu_has_native_bf16() -> bool:
    """Does this CPU compute bf16 natively (AVX512-BF16 or AMX tiles)? torch's own probe (cpuinfo), else
    Linux's CPU flags."""
    probes = [getattr(torch.cpu, name, None) for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported")]
    if all(probe is not None for probe in probes):
        return any(probe() for probe in probes)
    try:
        flags = next((line for line in open("/proc/cpuinfo") if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def peak_memory_mb() -> float:
    """The run's peak memory: on a GPU, the most its tensors took (reset when train() starts); on a CPU the
    process's peak resident memory (Linux counts it in KiB), loaded model included."""
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def train(config: RunConfig, recorder: Recorder | None = None, show_progress: bool = True, task=None,
          prepared: Prepared | None = None) -> dict:
    """Train and evaluate one run, reporting to `recorder`. -> final metrics."""
    started, recorder = time.time(), recorder or Recorder()
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    p = prepared or prepare(config, task)
    s, config, total_steps = p.setup, p.setup.config, p.total_steps
    accelerator = accelerator_for(config)
    trainable = [param for param in s.model.parameters() if param.requires_grad]
    optimizer = torch.optim.AdamW(trainable or [torch.nn.Parameter(torch.zeros(1))], lr=config.lr,
                                  weight_decay=config.weight_decay)
    scheduler = get_linear_schedule_with_warmup(optimizer, round(config.warmup_ratio * total_steps),
                                                max(total_steps, 1))
    model, optimizer, scheduler = accelerator.prepare(s.model, optimizer, scheduler)
    n_trainable, n_total = count_parameters(s.model)
    eval_every = config.eval_every or max(1, math.ceil(total_steps / 10))
    recorder.start(config, s.task.family, total_steps, format_share(n_trainable, n_total), p.warning)
    best = {"metric": -math.inf, "step": 0, "metrics": {}, "state": None, "predictions": None, "eval_seconds": 0.0}
    last = {"step": 0, "metrics": {}}

    def log(step: int, loss: float | None, dev: dict | None = None) -> None:
        recorder.log({"step": step, "loss": loss, "lr": scheduler.get_last_lr()[0], "elapsed": time.time() - started,
                      "peak_memory_mb": peak_memory_mb(), **{f"dev_{k}": v for k, v in (dev or {}).items()}},
                     total_steps)

    def checkpoint(step: int, loss: float | None) -> None:
        eval_started = time.time()
        metrics, predictions = p.evaluate(accelerator, evaluate)
        log(step, loss, metrics)
        last.update(step=step, metrics=metrics)
        if metrics[p.metric] > best["metric"]:
            best.update(metric=metrics[p.metric], step=step, metrics=metrics, predictions=predictions,
                        state=s.model.trainable_state_dict())
        best["eval_seconds"] += time.time() - eval_started

    bar = tqdm(total=total_steps, desc=f"{config.method} on {s.task.name}", disable=not show_progress,
               file=sys.stderr)
    step, running_loss, model_loss, loop_started, diverged = 0, 0.0, None, time.time(), None
    if total_steps == 0:
        checkpoint(0, None)
    model.train()
    while step < total_steps and diverged is None:
        for batch in p.batches():
            batch = {k: v.to(accelerator.device) for k, v in batch.items()}
            with accelerator.accumulate(model), accelerator.autocast():
                loss = p.loss(model, batch)
                if not math.isfinite(loss.item()):  # stop before a NaN reaches the weights
                    diverged = {"step": step + 1, "loss": str(loss.item())}
                    break
                accelerator.backward(loss)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            running_loss += loss.item() / config.grad_accum
            if not accelerator.sync_gradients:
                continue
            step, model_loss, running_loss = step + 1, running_loss, 0.0
            bar.update(1)
            bar.set_postfix(loss=f"{model_loss:.4f}")
            if step % eval_every == 0 or step == total_steps:
                checkpoint(step, model_loss)
            else:
                log(step, model_loss)
            if step >= total_steps:
                break
    bar.close()
    train_seconds = time.time() - loop_started - best["eval_seconds"]

    kept = best["state"] is not None
    final = {"task": s.task.name, "family": s.task.family, "backbone": config.backbone, "method": config.method,
             "metric_name": p.metric, "best_metric": best["metric"] if kept else None,
             "best_step": best["step"], "dev": best["metrics"], "trainable": n_trainable, "total": n_total,
             "share": format_share(n_trainable, n_total), "steps": step,
             "seconds_per_step": train_seconds / step if step else None,
             "wall_time": time.time() - started, "peak_memory_mb": peak_memory_mb(),
             "environment": environment(accelerator.device, accelerator.mixed_precision),  # core/versions.py
             **({"diverged": diverged} if diverged else {}),
             **({"data_report": p.data_report} if p.data_report else {})}
    predictions = None
    if kept:
        s.model.load_trainable(best["state"])
        final, predictions = getattr(p, "conclude", partial(conclude, p))(final, best, last, accelerator)
    recorder.finish(final, best["state"], predictions)  # the best checkpoint's parameters, never diverged ones
    if diverged is not None:
        note = (f"The best checkpoint before it (step {best['step']}, dev {p.metric} "
                f"{best['metric']:.4f}) is kept" if kept
                else "No checkpoint was evaluated before it, so no trained parameters are kept")
        raise Diverged(f"diverged at step {diverged['step']} (loss {diverged['loss']}); try a lower learning rate. "
                       f"{note}.")
    return final  # the model holds the best checkpoint's parameters


def conclude(p: Prepared, final: dict, best: dict, last: dict, accelerator) -> tuple[dict, list]:
    """The chosen checkpoint's figures (-> final, its dev predictions in display form). Chosen on a sample
    of dev: its figures are those of the whole dev set."""
    s = p.setup
    if p.sampled:
        final["dev_sample"] = {"examples": len(p.eval_examples), "of": len(p.dev_examples), s.metric: best["metric"]}
        final["dev"], best["predictions"] = evaluate(s, p.dev_examples, p.dev_features, accelerator)
        final["best_metric"] = final["dev"][s.metric]
    final = honest(final, last, s, p.test_examples, accelerator)
    final = further_splits(final, s, accelerator)
    return final, s.family.display(s.task, p.dev_examples, best["predictions"])


def honest(final: dict, last: dict, s, test_examples: list[dict], accelerator) -> dict:
    """What the reported number means. With a test split: the checkpoint chosen on dev, its test metrics.
    Without: the dev metric that chose the checkpoint is optimistic, so the last checkpoint's is beside it."""
    metric = s.metric
    if test_examples:
        test, _ = evaluate(s, test_examples, s.encode(test_examples), accelerator)
        return {**final, "test": test, "test_metric": test[metric],
                "evaluation": f"checkpoint chosen on dev ({len(s.task.dev)} examples), reported on test "
                              f"({len(test_examples)} examples)"}
    if "dev_sample" in final:
        return {**final, "last_step": last["step"], "last_metric": last["metrics"].get(metric),
                "evaluation": f"checkpoint chosen on the first {final['dev_sample']['examples']} dev examples, "
                              f"reported on all {final['dev_sample']['of']} (optimistic); the last checkpoint's metric on "
                              "those first examples is beside it"}
    return {**final, "last_step": last["step"], "last_metric": last["metrics"].get(metric),
            "evaluation": "checkpoint chosen on the dev set it is reported on (optimistic); the last "
                          "checkpoint's dev metric is beside it"}


def further_splits(final: dict, s, accelerator) -> dict:
    """The chosen checkpoint on the task's further dev splits (e.g. table-to-text's unseen categories)."""
    cap = s.config.max_eval_examples
    splits = {name: evaluate(s, examples[:cap], s.encode(examples[:cap]), accelerator)[0]
              for name, examples in s.task.eval_splits.items() if examples}
    return {**final, "splits": splits} if splits else final


def main(argv: list[str] | None = None) -> int:
    """`python -m core.train`: the command line lives in core/cli.py."""
    from core.cli import main as cli_main
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
