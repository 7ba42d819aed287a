"""Semantic role labelling as P-tuning v2 runs it: every tagging method on the srl preset, one table.

    OMP_NUM_THREADS=1 nice python bench/srl.py    # minilm-l6, each method's preset epochs: 20 min on 2 shared cores
    python bench/srl.py --backbone smollm2-135m --epochs 3
    (one thread a run: torch's two threads on two cores that other work shares ran steps 3-10x slower)
    python bench/srl.py --methods p-tuning-v2 fine-tuning --max-steps 100 --json srl.json

Each run takes its method's defaults from presets/tasks/srl.yaml (lr, epochs, prompt length) unless
--epochs / --max-steps override the budget, trains in a fresh process (--in-process: in this one)
and reports its best dev checkpoint of the trainer's ~10 evaluations, as the lab keeps it: argument
F1 with the verb's own span (V) left out as the CoNLL-2005 scorer does, precision, recall, the F1 of
A0, A1 and AM-TMP, the trainable share and the training time.
P-tuning v2 (Liu et al., 2022) reports deep prompts on par with fine-tuning on CoNLL-2005/2012 SRL for
roberta-large and deberta-xlarge, and shallow prompt tuning far behind on this sequence task (its
scripts' seqeval F1 counts the V span too, which this table leaves out).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fresh_process import in_fresh_process  # noqa: E402

METHODS = ("fine-tuning", "prompt-tuning", "prefix-tuning", "p-tuning-v2", "bitfit", "lora")
HEADER = ["method", "lr", "budget", "trainable", "dev F1", "P", "R", "F1 A0", "F1 A1", "F1 AM-TMP", "s/step",
          "train time"]


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backbone", default="minilm-l6")
    parser.add_argument("--task", default="srl", help="the srl preset, or any srl file or folder")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--epochs", type=float, help="epochs for every method (default: each method's preset epochs)")
    budget.add_argument("--max-steps", type=int, help="optimizer steps for every method")
    parser.add_argument("--max-eval", type=int, help="evaluate on the first N dev predicates (default: all)")
    parser.add_argument("--batch-size", type=int, help="default: each method's preset batch size")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--in-process", action="store_true", help="train in this process (tests; memory is shared)")
    parser.add_argument("--json", help="also write the results to this file")
    return parser.parse_args(argv)


def config_for(args, method: str) -> dict:
    """The RunConfig fields of one run: the preset's defaults for everything but the budget asked for."""
    config = {"task": args.task, "backbone": args.backbone, "method": method, "seed": args.seed,
              "precision": args.precision, "max_eval_examples": args.max_eval, "family": "srl"}
    if args.batch_size:
        config["batch_size"] = args.batch_size
    if args.epochs:
        config["epochs"] = args.epochs
    elif args.max_steps:
        config["max_steps"] = args.max_steps  # steps, whatever the epochs
    return config


def train_once(config: dict) -> dict:
    """Train one run -> its figures; a run that cannot be built or diverges -> {"error": its message}."""
    from core.config import RunConfig
    from core.setup import prepare
    from core.train import train
    try:
        prepared = prepare(RunConfig(**config))
        c = prepared.setup.config
        final = train(c, show_progress=False, prepared=prepared)
    except Exception as error:  # noqa: BLE001 - a failed cell is a result: the table goes on
        return {"error": f"{type(error).__name__}: {error}"}
    dev = final["dev"]
    return {"f1": dev["f1"], "precision": dev["precision"], "recall": dev["recall"],
            "per_type": {k[3:]: v for k, v in dev.items() if k.startswith("f1/")}, "share": final["share"],
            "lr": c.lr, "epochs": c.epochs, "max_steps": c.max_steps, "prompt_length": c.prompt_length,
            "batch_size": c.batch_size, "steps": final["steps"], "best_step": final["best_step"],
            "last_f1": final["last_metric"], "seconds_per_step": final["seconds_per_step"],
            "train_seconds": final["wall_time"], "peak_memory_mb": final["peak_memory_mb"],
            "train_predicates": len(prepared.train_examples), "dev_predicates": len(prepared.dev_examples)}


def _child(config: dict, queue) -> None:
    queue.put(train_once(config))


def run(config: dict, in_process: bool) -> dict:
    if in_process:
        return train_once(config)
    return in_fresh_process(_child, (config,), timeout=7200)


def row(method: str, r: dict) -> list[str]:
    if "error" in r:
        return [method, "-", "-", "-", f"not run: {r['error'][:120]}"] + [""] * (len(HEADER) - 5)
    budget = f"{r['steps']} steps" if r["max_steps"] else f"{r['epochs']:g} ep ({r['steps']} steps)"
    types = [f"{100 * r['per_type'][k]:.1f}" if k in r["per_type"] else "-" for k in ("A0", "A1", "AM-TMP")]
    return [method, f"{r['lr']:.0e}", budget, r["share"], f"{100 * r['f1']:.1f}", f"{100 * r['precision']:.1f}",
            f"{100 * r['recall']:.1f}", *types, f"{r['seconds_per_step']:.3f}", f"{r['train_seconds']:.0f} s"]


def main(argv: list[str] | None = None) -> dict:
    args = parse(argv)
    started, results, rows = time.time(), [], []
    for method in args.methods:
        result = run(config_for(args, method), args.in_process)
        results.append({"method": method, **result})
        rows.append(row(method, result))
        print(f"  [srl] {args.backbone} {method}: " + (result.get("error") or f"F1 {100 * result['f1']:.1f}"),
              file=sys.stderr, flush=True)
    ok = next((r for r in results if "error" not in r), {})
    budget = (f"{args.epochs:g} epochs" if args.epochs else f"{args.max_steps} steps" if args.max_steps
              else "each method's preset epochs")
    print(f"\n## SRL ({args.task}, {ok.get('train_predicates', '?')} train / {ok.get('dev_predicates', '?')} dev "
          f"predicates), {args.backbone}, {budget}, seed {args.seed}; best of ~10 dev evaluations; "
          "argument F1 without V\n| " + " | ".join(HEADER) + " |\n|" + "---|" * len(HEADER))
    for cells in rows:
        print("| " + " | ".join(cells) + " |")
    print(f"\ntotal {time.time() - started:.0f} s", flush=True)
    out = {"settings": vars(args), "results": results}
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
