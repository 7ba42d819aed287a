"""Train one run: setup -> loop -> evaluate -> save. CLI and library entry point.

    python -m core.train --task sentiment --backbone minilm-l6 --method p-tuning-v2 --prompt-length 16
    python -m core.train --config runs/<id>/config.yaml
    python -m core.train --list

accelerate handles the device, mixed precision (bf16 on GPUs that have it) and gradient
accumulation. The dev set is evaluated about ten times per run; the best checkpoint's
trained parameters are kept. The last line printed is the final metrics as JSON.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import resource
import signal
import sys
import threading
import time
import traceback
from functools import partial

import torch
from accelerate import Accelerator
from safetensors.torch import save_file
from torch.utils.data import DataLoader
from tqdm.auto import tqdm
from transformers import get_linear_schedule_with_warmup, set_seed

from core.backbones import list_backbones, load_backbone
from core.config import ConfigError, RunConfig, check_for_backbone, check_step_budget, planned_steps
from core.preview import checked_config
from core.data import list_presets, load_task
from core.methods import METHODS, build_model
from core.model import count_parameters, format_share
from core.runs import RunStore
from core.tasks import collate, family_of


@dataclasses.dataclass
class Setup:
    """Everything a run needs, built once; also what `core.inference` rebuilds from a run folder."""
    config: RunConfig
    task: object
    family: object
    backbone: object
    model: torch.nn.Module

    def encode(self, examples: list[dict]) -> list[dict]:
        return self.family.encode(self.task, examples, self.backbone.tokenizer, self.config.max_length,
                                  cloze=getattr(self.model, "cloze", None), doc_stride=self.config.doc_stride)

    def loader(self, features: list[dict], shuffle: bool, batch_size: int | None = None) -> DataLoader:
        return DataLoader(features, batch_size=batch_size or self.config.batch_size, shuffle=shuffle,
                          collate_fn=partial(collate, pad_token_id=self.backbone.tokenizer.pad_token_id),
                          generator=torch.Generator().manual_seed(self.config.seed))


def setup(config: RunConfig, task=None) -> Setup:
    """Load task (unless given, e.g. a benchmark's real-data Task), backbone and method."""
    task = task or load_task(config.task, config.family)
    config = checked_config(config, task)  # before the slow backbone load
    set_seed(config.seed)
    backbone = load_backbone(config.backbone, seed=config.seed)
    check_for_backbone(config, backbone.max_positions, backbone.kind)
    model = build_model(config, backbone, task)
    return Setup(config, task, family_of(task), backbone, model)


def precision(config: RunConfig) -> str:
    if config.precision != "auto":
        return {"fp32": "no"}.get(config.precision, config.precision)
    return "bf16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "no"


def peak_memory_mb() -> float:
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


@torch.no_grad()
def evaluate(s: Setup, accelerator: Accelerator, examples: list[dict], features: list[dict]):
    """-> (metrics, predictions) on `examples`; token-level outputs are cut to each feature's length."""
    s.model.eval()
    outputs, at = [], 0
    for batch in s.loader(features, shuffle=False, batch_size=max(s.config.batch_size, 32)):
        batch = {k: v.to(accelerator.device) for k, v in batch.items()}
        with accelerator.autocast():
            out = {k: v.float().cpu().numpy() for k, v in s.model(batch).items()}
        for row in range(batch["input_ids"].shape[0]):
            length = len(features[at]["input_ids"])
            outputs.append({k: v[row][:length] if s.family.head != "sequence" else v[row] for k, v in out.items()})
            at += 1
    s.model.train()
    predictions = s.family.predict(s.task, outputs, features, examples)
    return s.family.compute_metrics(s.task, predictions, examples), predictions


class Diverged(RuntimeError):
    """The loss became NaN or infinite: a failed run, whose best checkpoint before it is kept."""
    user_facing = True


@dataclasses.dataclass
class Prepared:
    """A run ready to train: built, encoded and budgeted. Every mistake in the settings or the data
    is raised while preparing, so the CLI can refuse it before a run folder exists."""
    setup: Setup
    train_examples: list[dict]
    dev_examples: list[dict]
    train_features: list[dict]
    dev_features: list[dict]
    total_steps: int
    warning: str | None = None


def prepare(config: RunConfig, task=None) -> Prepared:
    s = setup(config, task)
    config = s.config
    train_examples = s.task.train[:config.max_train_examples] if config.max_train_examples else s.task.train
    dev_examples = s.task.dev[:config.max_eval_examples] if config.max_eval_examples else s.task.dev
    train_features, dev_features = s.encode(train_examples), s.encode(dev_examples)
    total_steps = planned_steps(config, len(train_features))
    warning = check_step_budget(total_steps)
    if total_steps > 0 and not any(p.requires_grad for p in s.model.parameters()):
        raise ConfigError(f"{config.method} has nothing to train here; set epochs to 0 for zero-shot")
    return Prepared(s, train_examples, dev_examples, train_features, dev_features, total_steps, warning)


def train(config: RunConfig, run=None, show_progress: bool = True, task=None, prepared: Prepared | None = None) -> dict:
    """Train and evaluate one run; write its folder if `run` is given. -> final metrics.
    Raises Diverged (after saving the best checkpoint before it) when the loss stops being finite."""
    started = time.time()
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    p = prepared or prepare(config, task)
    s, config, total_steps = p.setup, p.setup.config, p.total_steps
    if run is not None:
        (run.path / "config.yaml").write_text(config.to_yaml())  # resolved: repeatable as is
        if p.warning:
            print(f"warning: {p.warning}", file=sys.stderr)

    accelerator = Accelerator(mixed_precision=precision(config), gradient_accumulation_steps=config.grad_accum)
    trainable = [param for param in s.model.parameters() if param.requires_grad]
    optimizer = torch.optim.AdamW(trainable or [torch.nn.Parameter(torch.zeros(1))], lr=config.lr,
                                  weight_decay=config.weight_decay)
    scheduler = get_linear_schedule_with_warmup(optimizer, round(config.warmup_ratio * total_steps),
                                                max(total_steps, 1))
    model, optimizer, scheduler = accelerator.prepare(s.model, optimizer, scheduler)
    n_trainable, n_total = count_parameters(s.model)
    eval_every = config.eval_every or max(1, math.ceil(total_steps / 10))
    if run is not None:
        run.set_status("running", step=0, total_steps=total_steps, started=started,
                       share=format_share(n_trainable, n_total), warning=p.warning)

    best = {"metric": -math.inf, "step": 0, "metrics": {}, "state": None, "predictions": None, "eval_seconds": 0.0}

    def checkpoint(step: int, loss: float | None) -> None:
        eval_started = time.time()
        metrics, predictions = evaluate(s, accelerator, p.dev_examples, p.dev_features)
        row = {"step": step, "loss": loss, "lr": scheduler.get_last_lr()[0], "elapsed": time.time() - started,
               "peak_memory_mb": peak_memory_mb(), **{f"dev_{k}": v for k, v in metrics.items()}}
        if run is not None:
            run.log_metrics(row)
            run.set_status("running", step=step, total_steps=total_steps)
        if metrics[s.family.main_metric] > best["metric"]:  # a copy: on CPU the state dict shares the live weights
            best.update(metric=metrics[s.family.main_metric], step=step, metrics=metrics, predictions=predictions,
                        state={k: v.clone() for k, v in s.model.trainable_state_dict().items()})
        best["eval_seconds"] += time.time() - eval_started

    bar = tqdm(total=total_steps, desc=f"{config.method} on {s.task.name}", disable=not show_progress,
               file=sys.stderr)
    step, running_loss, model_loss, loop_started, diverged = 0, 0.0, None, time.time(), None
    if total_steps == 0:
        checkpoint(0, None)
    model.train()
    while step < total_steps and diverged is None:
        for batch in s.loader(p.train_features, shuffle=True):
            batch = {k: v.to(accelerator.device) for k, v in batch.items()}
            with accelerator.accumulate(model), accelerator.autocast():
                loss = s.family.loss(model(batch), batch)
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
            elif run is not None:
                run.log_metrics({"step": step, "loss": model_loss, "lr": scheduler.get_last_lr()[0],
                                 "elapsed": time.time() - started, "peak_memory_mb": peak_memory_mb()})
            if step >= total_steps:
                break
    bar.close()
    train_seconds = time.time() - loop_started - best["eval_seconds"]

    if best["state"] is not None:
        s.model.load_trainable(best["state"])
    final = {"task": s.task.name, "backbone": config.backbone, "method": config.method,
             "metric_name": s.family.main_metric,
             "best_metric": best["metric"] if best["state"] is not None else None, "best_step": best["step"],
             "dev": best["metrics"], "trainable": n_trainable, "total": n_total,
             "share": format_share(n_trainable, n_total), "steps": step,
             "seconds_per_step": train_seconds / step if step else None,
             "wall_time": time.time() - started, "peak_memory_mb": peak_memory_mb()}
    if diverged is not None:
        final["diverged"] = diverged
    if run is not None:
        if best["state"] is not None:  # never the diverged weights
            save_file(s.model.trainable_state_dict(), str(run.weights))
            run.write_predictions(s.family.display(s.task, p.dev_examples, best["predictions"]))
        run.write_final(final)
        if diverged is None:
            run.set_status("finished", step=step)
    if diverged is not None:
        kept = (f"the best checkpoint before it (step {best['step']}, dev {s.family.main_metric} "
                f"{best['metric']:.4f}) is kept" if best["state"] is not None
                else "no checkpoint was evaluated before it, so no trained parameters are kept")
        raise Diverged(f"diverged at step {diverged['step']} (loss {diverged['loss']}); try a lower learning rate. "
                       f"{kept[0].upper()}{kept[1:]}.")
    return final


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m core.train", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--config", help="YAML file with RunConfig keys; flags override it")
    parser.add_argument("--list", action="store_true", help="list tasks, backbones and methods, then exit")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    for f in dataclasses.fields(RunConfig):
        flag = "--" + f.name.replace("_", "-")
        kind = {"int": int, "float": float}.get(str(f.type).split(" ")[0].rstrip(","), str)
        if f.name in ("template",):
            kind = _int_or_text
        elif "bool" in str(f.type):
            kind = _boolean
        elif "list" in str(f.type):
            parser.add_argument(flag, action="append", default=None, help=f.metadata["help"])
            continue
        parser.add_argument(flag, type=kind, default=None, help=f.metadata["help"])
    return parser.parse_args(argv)


def _boolean(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _int_or_text(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def config_from_args(args: argparse.Namespace) -> RunConfig:
    base = RunConfig.from_yaml(args.config).to_dict() if args.config else {}
    flags = {f.name: getattr(args, f.name) for f in dataclasses.fields(RunConfig)
             if getattr(args, f.name) is not None}
    return RunConfig.from_dict({**base, **flags})


def print_catalog() -> None:
    print("tasks (or a CSV/JSONL/CoNLL file, or a hub dataset id such as glue/sst2):")
    for name, text in list_presets().items():
        print(f"  {name:14} {text}")
    print("backbones (or any hub model id):")
    for name, text in list_backbones().items():
        print(f"  {name:14} {text}")
    print("methods:")
    for name, spec in METHODS.items():
        print(f"  {name:14} {spec.summary} [{', '.join(spec.families)}]")


class Stopped(BaseException):
    """SIGTERM reached the CLI: end the run as aborted, as Ctrl-C (SIGINT) does."""


def _stop(number, _frame):
    raise Stopped(signal.Signals(number).name)


def main(argv: list[str] | None = None) -> int:
    from core.worker import process_start, reason
    args = parse_args(argv)
    if args.list:
        print_catalog()
        return 0
    try:  # settings and data are checked before a run folder exists: a mistake leaves nothing behind
        config = config_from_args(args)
        prepared = prepare(config)
    except (ValueError, KeyError) as error:  # our errors say what to change: no stack trace
        print(f"error: {error.args[0] if isinstance(error, KeyError) and error.args else error}", file=sys.stderr)
        return 2
    if prepared.warning:
        print(f"warning: {prepared.warning}", file=sys.stderr)
    # a SIGTERM that comes while the run folder is being written waits for it, then aborts the run
    deferred: list[str] = []
    previous = signal.signal(signal.SIGTERM, lambda *_: deferred.append("SIGTERM")) \
        if threading.current_thread() is threading.main_thread() else None
    run = RunStore(config.out).create(prepared.setup.config, status="running", runner="cli", pid=os.getpid(),
                                      pid_start=process_start(os.getpid()))
    print(f"run folder: {run.path}", file=sys.stderr)
    try:
        if previous is not None:
            signal.signal(signal.SIGTERM, _stop)
        if deferred:
            raise Stopped(deferred[0])
        final = train(config, run, show_progress=not args.quiet, prepared=prepared)
    except (KeyboardInterrupt, Stopped) as stop:
        name = "SIGINT" if isinstance(stop, KeyboardInterrupt) else str(stop)
        run.set_status("aborted", error=f"stopped by {name}")
        print(f"aborted: stopped by {name}", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - recorded on the run, then said
        if not getattr(error, "user_facing", False):
            traceback.print_exc()
        run.set_status("failed", error=reason(error))
        print(f"error: {reason(error)}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(json.dumps({"run": str(run.path), **final}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
