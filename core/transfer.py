"""The command line for transfer studies (core/transfer_study.py): which trained prompts help which tasks,
zero-shot and as an initialisation, what predicts it, and PPT-style prompt pre-training.

    python -m core.transfer --quick                      # the shipped preset, about 10 min on a 2-core CPU
    python -m core.transfer --config presets/transfer/transfer.yaml          # full mode (a GPU)
    python -m core.transfer --quick --out runs/transfers/x                    # again: resumes that study
    python -m core.transfer --list                       # shipped transfer presets and their budgets

Runs train in worker processes through the job manager (as in the web lab; a lab serving the same runs
folder schedules them and this command only queues and watches). Ctrl-C stops watching, not the runs:
the same command with the same --out picks the study up again. The report: <out>/transfer.md,
<out>/transfer.json, <out>/plots/*.html.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.config import ConfigError
from core.jobs import JobManager
from core.runs import RunStore

FOLDER = "transfers"  # default report folders live inside the runs folder


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m core.transfer", description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="transfer", help="a transfer YAML file or a shipped preset's name "
                                                             "(default: transfer)")
    parser.add_argument("--quick", action="store_true", help="the preset's quick mode (a CPU budget)")
    parser.add_argument("--out", help="report folder (default: <runs>/transfers/<date>-<name>-<mode>); "
                                      "an existing one is resumed")
    parser.add_argument("--runs", help="runs folder (default: $PROMPT_LAB_RUNS or ./runs)")
    parser.add_argument("--list", action="store_true", help="list the shipped transfer presets and exit")
    parser.add_argument("--no-wait", action="store_true", help="queue what can be queued, write what is there")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    from core.transfer_study import load_transfer_spec, run_transfer, transfer_presets
    args = parse_args(argv)
    out = args.out
    try:
        if args.list:
            for name, spec in transfer_presets().items():
                print(f"{name}: {spec.description.strip().splitlines()[0] if spec.description else spec.name}")
                for mode in spec.modes or [None]:
                    plan = spec.for_mode(mode)
                    print(f"    {mode or 'as written'}: tasks {', '.join(plan.tasks)}; seeds {plan.seeds}; "
                          f"budget {spec.budget.get(mode, 'not stated')}")
            return 0
        spec = load_transfer_spec(args.config)
        mode = ("quick" if args.quick else "full") if spec.modes else None
        spec.for_mode(mode)  # refuses an unknown mode before anything is written
        store = RunStore(args.runs)
        out = Path(args.out) if args.out else store.root / FOLDER / f"{time.strftime('%Y%m%d-%H%M%S')}-{spec.name}-{mode}"
        print(f"transfer study {spec.name} ({mode} mode; budget {spec.budget.get(mode, 'not stated')}) -> {out}",
              flush=True)
        started = time.time()
        run_transfer(JobManager(store), spec, mode, out, wait=not args.no_wait,
                     say=lambda *a, **k: print(*a, **{**k, "flush": True}))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\nstopped watching; the runs go on. Resume: python -m core.transfer --config {args.config} "
              f"--out {out}" + (" --quick" if args.quick else ""))
        return 130
    print((out / "transfer.md").read_text())
    print(f"report: {out / 'transfer.md'}, plots in {out / 'plots'} ({(time.time() - started) / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
