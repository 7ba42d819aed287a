"""The command line for studies: plan, queue, watch and plot a group of runs (core/studies.py).

    python -m core.study --config presets/studies/prompt-length.yaml --mode quick   # or a preset's name
    python -m core.study --list                   # shipped study presets and this lab's studies
    python -m core.study --resume <study id>      # after a restart: queue only what did not finish
    python -m core.study --show <study id>        # the runs' table, the best point, ablation.html
    python -m core.study --promote <study id>     # the best point as a plain run

Runs train in worker processes through the job manager, as in the web lab; if a web lab is serving
the same runs folder it schedules them and this command only queues and watches. Ctrl-C stops
watching, not the runs: `--resume` or the web lab picks the study up again.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.config import ConfigError
from core.jobs import JobManager
from core.runs import RunStore
from core.studies import (NoSuchStudy, StudyStore, ablation_figure, aggregate, launch, load_spec, progress, promote,
                          resume, study_presets, table)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m core.study", description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="a study YAML file or a shipped study preset's name")
    parser.add_argument("--mode", help="the preset's budget mode: quick (a CPU) or full (a GPU); default: "
                                       "quick if the study has modes")
    parser.add_argument("--resume", metavar="STUDY", help="queue again what did not finish, then watch")
    parser.add_argument("--show", metavar="STUDY", help="print the study's table and best point; write ablation.html")
    parser.add_argument("--promote", metavar="STUDY", help="queue the best point as a plain run")
    parser.add_argument("--list", action="store_true", help="list study presets and this lab's studies")
    parser.add_argument("--runs", default=None, help="runs folder (default: $PROMPT_LAB_RUNS or ./runs)")
    parser.add_argument("--no-wait", action="store_true", help="queue and return (a web lab will train them)")
    return parser.parse_args(argv)


def show(store: RunStore, study) -> dict:
    """Print the table and the best point; write the ablation plot beside study.yaml. -> the summary."""
    spec, info = study.plan(), progress(store, study)
    summary = aggregate(info["points"], spec.x)
    rows = table(info, spec)
    print(f"study {study.id} ({spec.name}, mode {study.mode}): {info['finished']}/{info['total']} finished, "
          f"{info['counts']}")
    print("| " + " | ".join(map(str, rows[0])) + " |\n|" + "---|" * len(rows[0]))
    for row in rows[1:]:
        print("| " + " | ".join(map(str, row)) + " |")
    if summary["best"]:
        best = summary["best"]
        print(f"best: {best['line']}, {spec.x}={best['x']}: {100 * best['mean']:.1f} ± {100 * best['std']:.1f} "
              f"(n={best['n']}, {best['metric_name']})")
        path = study.path / "ablation.html"
        ablation_figure(summary, f"{spec.name}: dev metric against {spec.x}").write_html(path, include_plotlyjs=True)
        print(f"ablation plot: {path}")
    return summary


def watch(jobs: JobManager, study, every: float = 2.0) -> None:
    """Schedule (if no web lab does) and print each run as it ends, until none is queued or running."""
    jobs.start_background()
    said: set[str] = set()
    while True:
        info = progress(jobs.store, study)
        for point in info["points"]:
            if point["status"] not in ("queued", "running", "planned") and point["run"] not in said:
                said.add(point["run"])
                metric = point.get("metric")
                print(f"[{len(said)}/{info['total']}] {point['run']} {point['changes']} seed {point['seed']}: "
                      f"{point['status']}" + (f", {point['metric_name']} {100 * metric:.1f}" if metric is not None
                                              else ""), flush=True)
        if info["complete"]:
            return
        time.sleep(every)


def main(argv=None) -> int:
    args = parse_args(argv)
    store = RunStore(args.runs)
    studies = StudyStore(store)
    jobs = JobManager(store)
    try:
        if args.list:
            for name, spec in study_presets().items():
                sizes = {m: len(spec.for_mode(m).points()) for m in spec.modes} or {"runs": len(spec.points())}
                print(f"{name}: {spec.description.strip().splitlines()[0] if spec.description else spec.name} ("
                      + "; ".join(f"{m}: {n} runs, {spec.budget.get(m, 'budget not stated')}" for m, n in sizes.items())
                      + ")")
            for study in studies.list():
                info = progress(store, study)
                print(f"{study.id}: {info['finished']}/{info['total']} finished")
            return 0
        if args.config:
            spec = load_spec(args.config)
            mode = args.mode or ("quick" if "quick" in spec.modes else None)
            study = launch(jobs, spec, mode)
            print(f"study {study.id}: {len(study.points())} runs planned (mode {mode}; budget "
                  f"{spec.budget.get(mode, 'not stated')})", flush=True)
        elif args.resume or args.show or args.promote:
            study = studies.get(args.resume or args.show or args.promote)
            if args.promote:
                print(f"queued {promote(jobs, study)} (the best point as a plain run)")
                return 0
            if args.resume:
                queued = resume(jobs, study)
                print(f"study {study.id}: {len(queued)} runs queued again", flush=True)
        else:
            print("error: give --config, --resume, --show, --promote or --list", file=sys.stderr)
            return 2
        if not args.no_wait and not args.show:
            try:
                watch(jobs, study)
            except KeyboardInterrupt:
                print(f"\nstopped watching; the runs go on. Resume with: python -m core.study --resume {study.id}")
                return 130
        show(store, study)
        return 0
    except (ConfigError, NoSuchStudy) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
