"""Prefix-tuning's own comparisons (Li & Liang, 2021) on the generation presets, printed as tables.

    python bench/generation.py                      # all three tables, the CPU budget: 63 min on 2 shared cores
                                                    # (gemma3-270m's two runs are the longest)
    python bench/generation.py lowdata --seeds 1 2 3              # one table
    python bench/generation.py --preset-epochs --lowdata-epochs 10 --eval 0 --batch-size 16 --seeds 1 2 3 \\
        --second-presets table-to-text summarization --num-beams 5 --json gen.json   # a GPU: paper-like

1. methods: every generating method on table-to-text and summarization with one budget for all (the
   same steps, batch and dev inputs): dev BLEU / ROUGE-L, the unseen split's BLEU, trainable share,
   s/step, peak memory; plus fine-tuning and prefix-tuning on a second backbone (gemma3-270m).
2. lowdata: fine-tuning vs prefix-tuning on table-to-text with 50-500 training inputs (each reference
   is one training feature: 50 inputs are ~145 features), mean over --seeds.
3. extrapolation: the dev split (attribute values seen in training) vs the unseen split (values never
   seen), fine-tuning vs prefix-tuning on all the training data.
Each run uses its method's preset defaults (lr, prompt length, ...) except the budget and the eval
sizes, trains in a fresh process so its peak memory is its own, and reports its last checkpoint (one
evaluation, at the end) unless --evals asks for more. The paper's figures are printed under each table.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fresh_process import in_fresh_process  # noqa: E402

MODES = ("methods", "lowdata", "extrapolation")
PRESETS = ("table-to-text", "summarization")
METHODS = ("fine-tuning", "prefix-tuning", "p-tuning-v2", "prompt-tuning", "lora", "bitfit")
PAIR = ("fine-tuning", "prefix-tuning")  # the paper's comparison
# Li & Liang (2021): Table 1 (E2E, GPT-2 medium), Table 2 (XSum, BART-large), Figure 3 (low data),
# Section 7 (extrapolation: WebNLG unseen categories, XSum news -> sports).
PAPER_CELL = {("table-to-text", "fine-tuning"): "E2E BLEU 68.2", ("table-to-text", "prefix-tuning"): "E2E BLEU 69.7",
              ("summarization", "fine-tuning"): "XSum R-L 37.25",
              ("summarization", "prefix-tuning"): "XSum R-L 35.05 (0.1%)"}
PAPER = {
    "methods": "Paper (Li & Liang 2021): with full data prefix-tuning is within a few points of fine-tuning: "
               "E2E with GPT-2 medium, BLEU 68.2 fine-tuned vs 69.7 prefix (0.1% of parameters); XSum with "
               "BART-large, ROUGE-L 37.25 fine-tuned vs 35.05 prefix (0.1%): summarisation is where it lags. "
               "(The paper's 0.1% is the prefix kept after training; 'trainable' here also counts the MLP "
               "that produces it.)",
    "lowdata": "Paper (Li & Liang 2021, Fig. 3, E2E subsets of 50-500 with GPT-2): prefix-tuning ahead of "
               "fine-tuning at every size, most at the smallest; the gap closes as data grows.",
    "extrapolation": "Paper (Li & Liang 2021, Sec. 7): prefix-tuning extrapolates better: on WebNLG's unseen "
                     "categories and XSum news -> sports it keeps much more of its seen-split score than "
                     "fine-tuning, while the two are close on the seen split.",
}


# -- one run ------------------------------------------------------------------------------------------
def bench_task(preset: str, n_eval: int | None):
    """The preset's Task with its further splits (table-to-text's unseen) cut to the dev inputs decoded."""
    from core.data import load_task
    task = load_task(preset)
    return dataclasses.replace(task, eval_splits={name: examples[:n_eval] if n_eval else examples
                                                  for name, examples in task.eval_splits.items()})


class Samples:
    """A core.runs.Recorder that keeps the first generated texts (for the JSON, to read what a score means)."""

    def start(self, *args) -> None:
        pass

    def log(self, row: dict, total_steps: int) -> None:
        pass

    def finish(self, final, weights, predictions) -> None:
        self.rows = [{"input": p["input"], "generated": p["generated"]} for p in (predictions or [])[:3]]


def train_once(config: dict, evals: int) -> dict:
    """Train one run -> its figures; a run that cannot be built or diverges -> {"error": its message}."""
    from core.config import RunConfig
    from core.setup import prepare
    from core.train import train
    try:
        task = bench_task(config["task"], config.get("max_eval_examples"))
        prepared = prepare(RunConfig(**config), task)
        s, samples = prepared.setup, Samples()
        # every evaluation decodes the same --eval dev inputs (not the presets' live-curve eval_sample)
        s.config = s.config.replace(eval_every=max(1, math.ceil(prepared.total_steps / evals)), eval_sample=None)
        final = train(s.config, samples, show_progress=False, task=task, prepared=prepared)
    except Exception as error:  # noqa: BLE001 - a failed cell is a result: the table goes on
        return {"error": f"{type(error).__name__}: {error}"}
    dev, unseen, c = final["dev"], final.get("splits", {}).get("unseen", {}), s.config
    return {"bleu": dev.get("bleu"), "rouge1": dev.get("rouge1"), "rouge2": dev.get("rouge2"),
            "rougeL": dev.get("rougeL"), "unseen_bleu": unseen.get("bleu"), "unseen_rougeL": unseen.get("rougeL"),
            "share": final["share"], "seconds_per_step": final["seconds_per_step"],
            "peak_memory_mb": final["peak_memory_mb"], "steps": final["steps"], "lr": c.lr,
            "batch_size": c.batch_size, "train_features": len(prepared.train_features),
            "epochs_seen": final["steps"] * c.batch_size * c.grad_accum / max(len(prepared.train_features), 1),
            "dev_inputs": len(prepared.dev_examples), "wall_time": final["wall_time"],
            "samples": getattr(samples, "rows", [])}


def _child(config: dict, evals: int, queue) -> None:
    queue.put(train_once(config, evals))


_DONE: dict[str, dict] = {}  # one run per distinct config: extrapolation reuses the methods table's runs


def run(config: dict, args) -> dict:
    """A run's figures, trained once per config; in a fresh process unless --in-process."""
    key = json.dumps([config, args.evals], sort_keys=True)
    if key not in _DONE:
        if args.in_process:  # peak memory is then this process's so far
            _DONE[key] = train_once(config, args.evals)
        else:
            _DONE[key] = in_fresh_process(_child, (config, args.evals), timeout=7200)
    return _DONE[key]


def config_for(args, preset: str, method: str, backbone: str, seed: int, n_train: int | None = None,
               lowdata: bool = False) -> dict:
    """The RunConfig fields of one run: the method's preset defaults except budget, eval sizes, decoding."""
    config = {"task": preset, "backbone": backbone, "method": method, "seed": seed, "precision": args.precision,
              "batch_size": args.batch_size, "max_train_examples": n_train or args.train or None,
              "max_eval_examples": args.eval or None, "num_beams": args.num_beams,
              "max_new_tokens": args.max_new_tokens}
    if lowdata and args.lowdata_epochs:
        config["epochs"] = args.lowdata_epochs
    elif lowdata:
        config["max_steps"] = args.lowdata_steps
    elif args.preset_epochs:
        pass  # epochs: the method's own preset value
    elif args.epochs:
        config["epochs"] = args.epochs
    else:
        config["max_steps"] = args.steps
    return config


# -- tables ---------------------------------------------------------------------------------------------
def mean(results: list[dict], key: str) -> tuple[float, float, int] | None:
    values = [r[key] for r in results if r.get(key) is not None]
    if not values:
        return None
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0, len(values)


def cell(results: list[dict], key: str, scale: float = 100, digits: int = 1) -> str:
    """Mean (± sd over seeds when more than one) of a figure over the runs that have it."""
    m = mean(results, key)
    if m is None:
        return "-"
    text = f"{scale * m[0]:.{digits}f}"
    return text + (f" ± {scale * m[1]:.{digits}f}" if m[2] > 1 else "")


def error_of(results: list[dict]) -> str | None:
    errors = [r["error"] for r in results if "error" in r]
    return errors[0][:150] if len(errors) == len(results) else None


def markdown(title: str, header: list[str], rows: list[list[str]], note: str) -> None:
    print(f"\n## {title}\n| " + " | ".join(header) + " |\n|" + "---|" * len(header), flush=True)
    for row in rows:
        print("| " + " | ".join(row) + " |", flush=True)
    print(note, flush=True)


def budget_text(args) -> str:
    if args.preset_epochs:
        steps = "each method's preset epochs"
    elif args.epochs:
        steps = f"{args.epochs:g} epochs for every method"
    else:
        steps = f"{args.steps} optimizer steps for every method"
    train = f"first {args.train} training inputs" if args.train else "all training inputs"
    return f"{steps}, batch {args.batch_size}, {train}"


def eval_text(args) -> str:
    dev = f"first {args.eval} dev inputs, first {args.eval} unseen" if args.eval else "whole dev and unseen splits"
    decoding = "greedy" if args.num_beams == 1 else f"beam {args.num_beams}"
    if args.max_new_tokens:
        decoding += f" (at most {args.max_new_tokens} new tokens)"
    chosen = ("last checkpoint" if args.evals == 1
              else f"best of {args.evals} evaluations on those dev inputs (optimistic)")
    return f"{dev}, {decoding} decoding, {chosen}"


def seeds_of(args, mode: str) -> list[int]:
    return args.seeds if mode == "lowdata" or args.all_seeds else args.seeds[:1]


def methods_table(args) -> list[dict]:
    out, rows = [], []
    cells = [(preset, args.backbone, method) for preset in args.presets for method in args.methods]
    if args.second_backbone:
        cells += [(preset, args.second_backbone, method) for preset in args.second_presets for method in PAIR]
    for preset, backbone, method in cells:
        results = [run(config_for(args, preset, method, backbone, seed), args) for seed in seeds_of(args, "methods")]
        out += [{"preset": preset, "backbone": backbone, "method": method, "seed": seed, **r}
                for seed, r in zip(seeds_of(args, "methods"), results)]
        ok = [r for r in results if "error" not in r]  # a seed that failed is left out of the means
        if not ok:
            rows.append([preset, backbone, method, "-", f"not run: {error_of(results)}", "", "", "", "", "",
                         PAPER_CELL.get((preset, method), "")])
        else:
            rows.append([preset, backbone, method, f"{ok[0]['lr']:.0e}", cell(ok, "bleu"), cell(ok, "rougeL"),
                         cell(ok, "unseen_bleu"), ok[0]["share"], cell(ok, "seconds_per_step", 1, 2),
                         cell(ok, "peak_memory_mb", 1, 0) + " MB", PAPER_CELL.get((preset, method), "")])
        print(f"  [methods] {preset} {backbone} {method} done", file=sys.stderr, flush=True)
    markdown(f"Methods: {budget_text(args)}; {eval_text(args)}; seeds {seeds_of(args, 'methods')}",
             ["preset", "backbone", "method", "lr", "BLEU", "ROUGE-L", "unseen BLEU", "trainable", "s/step",
              "peak mem", "paper"], rows, PAPER["methods"])
    return out


def lowdata_table(args) -> list[dict]:
    out, rows = [], []
    if args.lowdata_epochs:
        rule = f"fixed epochs: {args.lowdata_epochs:g} at every size (more steps for more data)"
    else:
        rule = (f"fixed steps: {args.lowdata_steps} of batch {args.batch_size} at every size "
                "(fewer epochs for more data)")
    for size in args.sizes:
        by_method = {}
        for method in PAIR:
            results = [run(config_for(args, "table-to-text", method, args.backbone, seed, n_train=size,
                                      lowdata=True), args) for seed in args.seeds]
            by_method[method] = results
            out += [{"train_inputs": size, "method": method, "seed": seed, **r} for seed, r in zip(args.seeds, results)]
            error = error_of(results)
            ok = [r for r in results if "error" not in r]
            gap = "-"
            if method == "prefix-tuning":
                pairs = [(p["bleu"], f["bleu"]) for p, f in zip(results, by_method["fine-tuning"])
                         if "error" not in p and "error" not in f]
                gap = f"{100 * statistics.fmean(p - f for p, f in pairs):+.1f}" if pairs else "-"
            features = f"{size} ({ok[0]['train_features']})" if ok else str(size)
            steps = f"{ok[0]['steps']} ({ok[0]['epochs_seen']:.2f} ep)" if ok else "-"
            rows.append([features, method, steps, cell(ok, "bleu") if not error else f"not run: {error}",
                         cell(ok, "rougeL"), cell(ok, "unseen_bleu"), gap, str(len(ok))])
            print(f"  [lowdata] {size} {method} done", file=sys.stderr, flush=True)
    markdown(f"Low data: table-to-text, {args.backbone}, {rule}; {eval_text(args)}",
             ["train inputs (features)", "method", "steps (epochs)", "BLEU", "ROUGE-L", "unseen BLEU",
              "prefix − FT BLEU", "seeds"], rows, PAPER["lowdata"])
    return out


def extrapolation_table(args) -> list[dict]:
    out, rows = [], []
    for method in PAIR:
        seeds = seeds_of(args, "extrapolation")
        results = [run(config_for(args, "table-to-text", method, args.backbone, seed), args) for seed in seeds]
        out += [{"method": method, "seed": seed, **r} for seed, r in zip(seeds, results)]
        ok = [r for r in results if "error" not in r]
        if not ok:
            rows.append([method, f"not run: {error_of(results)}", "", "", "", ""])
            continue
        kept = mean([{"kept": r["unseen_bleu"] / r["bleu"]} for r in ok if r["bleu"]], "kept")
        rows.append([method, cell(ok, "bleu"), cell(ok, "unseen_bleu"), f"{100 * kept[0]:.0f}%" if kept else "-",
                     cell(ok, "rougeL"), cell(ok, "unseen_rougeL")])
        print(f"  [extrapolation] {method} done", file=sys.stderr, flush=True)
    markdown(f"Extrapolation: table-to-text, {args.backbone}, {budget_text(args)}; {eval_text(args)}",
             ["method", "dev BLEU (seen values)", "unseen BLEU", "unseen / dev", "dev ROUGE-L", "unseen ROUGE-L"],
             rows, PAPER["extrapolation"])
    return out


TABLES = {"methods": methods_table, "lowdata": lowdata_table, "extrapolation": extrapolation_table}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modes", nargs="*", metavar="mode", help=f"tables to print: {', '.join(MODES)} (default: all)")
    parser.add_argument("--backbone", default="smollm2-135m")
    parser.add_argument("--second-backbone", default="gemma3-270m",
                        help="also fine-tuning and prefix-tuning on this backbone in `methods` ('' for none)")
    parser.add_argument("--second-presets", nargs="*", default=["table-to-text"],
                        help="presets for the second backbone (its runs are the slowest on a CPU)")
    parser.add_argument("--presets", nargs="+", default=list(PRESETS))
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    budget = parser.add_argument_group("budget (methods and extrapolation: the same for every method)")
    budget.add_argument("--steps", type=int, default=16, help="optimizer steps per run")
    budget.add_argument("--epochs", type=float, help="epochs per run instead of --steps")
    budget.add_argument("--preset-epochs", action="store_true",
                        help="each method's preset epochs (the paper-like setting: fine-tuning 5, prefix 10)")
    budget.add_argument("--batch-size", type=int, default=8, help="examples per step (the presets': 16)")
    budget.add_argument("--train", type=int, help="use only the first N training inputs (default: all)")
    budget.add_argument("--sizes", nargs="+", type=int, default=[50, 100, 200, 500],
                        help="lowdata: training inputs")
    budget.add_argument("--lowdata-steps", type=int, default=20, help="lowdata: optimizer steps at every size")
    budget.add_argument("--lowdata-epochs", type=float, help="lowdata: epochs at every size instead of steps")
    budget.add_argument("--seeds", nargs="+", type=int, default=[1],
                        help="lowdata's seeds (methods and extrapolation take the first unless --all-seeds)")
    budget.add_argument("--all-seeds", action="store_true", help="every table runs every seed")
    evaluation = parser.add_argument_group("evaluation")
    evaluation.add_argument("--eval", type=int, default=24,
                            help="dev inputs decoded, and as many of the unseen split (0: all)")
    evaluation.add_argument("--evals", type=int, default=1,
                            help="evaluations per run; above 1 the best is reported (chosen on the same inputs)")
    evaluation.add_argument("--num-beams", type=int, default=1, help="1: greedy (the paper: beam 5)")
    evaluation.add_argument("--max-new-tokens", type=int, help="most tokens decoded per input (default: the preset's)")
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--in-process", action="store_true",
                        help="train in this process (tests): peak memory is then the running maximum")
    parser.add_argument("--json", help="also write every figure to this file")
    args = parser.parse_args(argv)
    unknown = [mode for mode in args.modes if mode not in MODES]
    if unknown:
        parser.error(f"unknown mode {', '.join(unknown)}: choose from {', '.join(MODES)}")
    args.modes = args.modes or list(MODES)
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse(argv)
    started, results = time.time(), {"settings": vars(args)}
    for mode in args.modes:
        results[mode] = TABLES[mode](args)
    results["wall_time"] = time.time() - started
    print(f"\ntotal {results['wall_time']:.0f} s", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
