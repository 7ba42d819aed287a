"""The command line: `python -m core.train` (kept as the entry point) runs one training run here.

    python -m core.train --task sentiment --backbone minilm-l6 --method p-tuning-v2 --prompt-length 16
    python -m core.train --config runs/<id>/config.yaml
    python -m core.train --list
    python -m core.train --task ner --tasks ../shared/data/conll2003/train.txt --method p-tuning-v2   # multi-task
    python -m core.train --continue-per-task runs/<id> --max-steps 200   # then each task alone (MPT-2)

Settings, data and the method's fit are checked before the run folder exists, so a mistake
prints `error: ...` (exit 2) and leaves nothing behind. Ctrl-C or SIGTERM ends the run as aborted
(exit 130); any other failure as failed (exit 1). The last line printed is the final metrics as JSON.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import threading
import traceback

from core.backbones import list_backbones
from core.config import ConfigError, RunConfig
from core.data import list_presets
from core.setup import resolved
from core.methods import METHODS
from core.runs import RunRecorder, RunStore
from core.seeds import over_seeds, parse_seeds, spread
from core.setup import prepare
from core.train import train
from core.worker import process_start, reason


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m core.train", description="Train one run.",
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--config", help="YAML file with RunConfig keys; flags override it")
    parser.add_argument("--list", action="store_true", help="list tasks, backbones and methods, then exit")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--seeds", nargs="+", type=int, default=None,
                        help="repeat the run once per seed and print the mean and spread of its metric")
    parser.add_argument("--continue-per-task", metavar="RUN",
                        help="MPT-2's second stage: train one run per task of this finished multi-task run, each "
                             "starting from its shared prompt and its own head; flags override the run's settings")
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


def continuation_configs(args: argparse.Namespace) -> list[RunConfig]:
    """--continue-per-task RUN: one resolved single-task config per task of RUN, with the flags given."""
    from core.multitask import per_task_configs
    if args.seeds or args.config:
        raise ConfigError("--continue-per-task takes the run's own settings (and flags): not --seeds or --config")
    flags = {f.name: getattr(args, f.name) for f in dataclasses.fields(RunConfig) if getattr(args, f.name) is not None}
    return [resolved(config) for config in per_task_configs(args.continue_per_task, **flags)]


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
    args = parse_args(argv)
    if args.list:
        print_catalog()
        return 0
    try:  # settings and data are checked before a run folder exists: a mistake leaves nothing behind
        if args.continue_per_task:
            configs = continuation_configs(args)
        else:
            config = resolved(config_from_args(args))
            configs = over_seeds(config, parse_seeds(args.seeds)) if args.seeds else [config]
        prepared = prepare(configs[0])
    except (ValueError, KeyError) as error:  # our errors say what to change: no stack trace
        print(f"error: {error.args[0] if isinstance(error, KeyError) and error.args else error}", file=sys.stderr)
        return 2
    finals = []
    for i, one in enumerate(configs):
        code, final = train_one(one, prepared if i == 0 else prepare(one), args.quiet)
        if code:
            return code
        finals.append(final)
    if args.continue_per_task:
        print(json.dumps({"continued_from": args.continue_per_task, "runs": [f["run"] for f in finals],
                          "per_task": {c.task: {"metric_name": f["metric_name"], "best": f["best_metric"]}
                                       for c, f in zip(configs, finals)}}))
    elif len(finals) > 1:
        metric = finals[0]["metric_name"]
        summary = {"seeds": [c.seed for c in configs], "runs": [f["run"] for f in finals], "metric_name": metric,
                   "best": spread([f["best_metric"] for f in finals])}
        if all("test_metric" in f for f in finals):
            summary["test"] = spread([f["test_metric"] for f in finals])
        print(f"{metric} over seeds {summary['seeds']}: {summary['best']['mean']:.4f} ± {summary['best']['std']:.4f}",
              file=sys.stderr)
        print(json.dumps(summary))
    return 0


def train_one(config: RunConfig, prepared, quiet: bool) -> tuple[int, dict | None]:
    """One run in its own folder, recorded as the CLI's. -> (exit code, final metrics with the run folder)."""
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
        final = train(config, RunRecorder(run), show_progress=not quiet, prepared=prepared)
    except (KeyboardInterrupt, Stopped) as stop:
        name = "SIGINT" if isinstance(stop, KeyboardInterrupt) else str(stop)
        run.set_status("aborted", error=f"stopped by {name}")
        print(f"aborted: stopped by {name}", file=sys.stderr)
        return 130, None
    except Exception as error:  # noqa: BLE001 - recorded on the run, then said
        if not getattr(error, "user_facing", False):
            traceback.print_exc()
        run.set_status("failed", error=reason(error))
        print(f"error: {reason(error)}", file=sys.stderr)
        return 1, None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    final = {"run": str(run.path), **final}
    print(json.dumps(final))
    return 0, final


if __name__ == "__main__":
    sys.exit(main())
