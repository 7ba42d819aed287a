"""Benchmark every method on every shipped preset (and on real public data), printing tables.

    python bench/methods.py                      # CPU, minilm-l6, ~30 min on 2 cores
    python bench/methods.py --steps 40 --tasks sentiment ner   # quicker look
    python bench/methods.py --real-only          # the SST-2 / CoNLL-2003 table only
    python bench/methods.py --preset-epochs --methods fine-tuning prompt-tuning p-tuning-v2 --skip-real --skip-peft
                                                 # convergence: each preset's own epochs (~25 min)

Table 1: task, method, trainable %, best dev metric, seconds/step, peak memory, for each
preset x method with the same step budget per task (fewer steps rather than a skipped method).
Table 2: PEFT's own prompt tuning / prefix tuning vs ours, one training step on the same batch.
Table 3: real data from ../shared/data (SST-2 sentences, CoNLL-2003 sentences): train on a
sample, evaluate on a disjoint held-out slice of the same training file.
Each run trains in a fresh process so its peak memory is its own.
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
SHARED = ROOT.parent / "shared" / "data"
PRESETS = ["sentiment", "nli", "ner", "qa", "qa-v2"]
STEPS = {"sentiment": 100, "nli": 100, "ner": 100, "qa": 80, "qa-v2": 80}


def _train_in_child(config_dict: dict, real: str | None, sizes: tuple[int, int], queue) -> None:
    from core.config import RunConfig
    from core.train import train
    task = None
    if real == "sst2":
        from bench.shared_data import load_shared_sst2
        task = load_shared_sst2(SHARED / "sst2" / "train.tsv", *sizes, seed=0)
    elif real == "conll2003":
        from bench.shared_data import load_shared_conll2003
        task = load_shared_conll2003(SHARED / "conll2003" / "train.txt", *sizes, seed=0)
    try:
        queue.put(train(RunConfig(**config_dict), show_progress=False, task=task))
    except Exception as error:  # noqa: BLE001 - a failed cell is reported, the table goes on
        queue.put({"error": f"{type(error).__name__}: {error}"})


def run_one(config: dict, real: str | None = None, sizes=(0, 0)) -> dict:
    return in_fresh_process(_train_in_child, (config, real, sizes), timeout=1800)


def row(task: str, method: str, result: dict) -> str:
    if "error" in result:
        return f"| {task} | {method} | n/a | {result['error'][:90]} | | |"
    metric = f"{result['metric_name']} {100 * result['best_metric']:.1f}"  # every task's metric is 0-1
    sps = f"{result['seconds_per_step']:.3f}" if result.get("seconds_per_step") else "-"
    return (f"| {task} | {method} | {result['share']} | {metric} | {sps} | "
            f"{result['peak_memory_mb']:.0f} MB |")


HEADER = "| task | method | trainable | best dev | s/step | peak mem |\n|---|---|---|---|---|---|"


def preset_table(args) -> list[dict]:
    from core.methods import METHODS
    budget = "each preset's own epochs" if args.preset_epochs else "the same step budget per task"
    print(f"\n## Presets, {args.backbone}, {args.precision}, {budget}\n" + HEADER, flush=True)
    results = []
    for task in args.tasks:
        steps = args.steps or STEPS[task]
        for method in args.methods:
            spec = METHODS[method]
            from core.data import load_task
            family = load_task(task).family
            if family not in spec.families:
                result = {"error": f"does not fit {family}: {spec.unsupported_reason.split(';')[0]}"}
            else:
                config = {"task": task, "backbone": args.backbone, "method": method, "max_steps": steps,
                          "max_eval_examples": args.max_eval, "eval_every": max(steps // 3, 1),
                          "precision": args.precision, "seed": args.seed}
                if args.preset_epochs:  # train as the preset says (its epochs), evaluate 10 times
                    config.update(max_steps=None, eval_every=None)
                result = run_one(config)
            results.append({"task": task, "method": method, **result})
            print(row(task, method, result), flush=True)
    return results


def peft_comparison(args) -> None:
    """One optimizer step on the same batch: PEFT's prompt/prefix tuning vs ours."""
    import torch
    from peft import PrefixTuningConfig, PromptTuningConfig, TaskType, get_peft_model
    from transformers import AutoModelForSequenceClassification

    from core.backbones import backbone_presets, load_backbone, package_folder, quiet_transformers
    from core.config import RunConfig, resolve
    from core.data import load_task
    from core.methods import build_model
    from core.tasks import collate, family_of

    task = load_task("sentiment")
    backbone = load_backbone(args.backbone)
    spec = backbone_presets()[args.backbone]
    path = package_folder(spec["package"]) / spec["subdir"]
    texts = [e["text"] for e in task.train[:16]]
    enc = backbone.tokenizer(texts, padding="max_length", truncation=True, max_length=64, return_tensors="pt")
    labels = torch.tensor([task.labels.index(e["label"]) for e in task.train[:16]])

    def time_steps(step, repeat=10) -> float:
        step()
        started = time.perf_counter()
        for _ in range(repeat):
            step()
        return (time.perf_counter() - started) / repeat

    def peft_step(peft_config):
        with quiet_transformers():  # the load report lists the fresh classifier, as expected
            model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2)
        model = get_peft_model(model, peft_config)
        opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)

        def step():
            loss = model(**enc, labels=labels).loss
            loss.backward()
            opt.step()
            opt.zero_grad()
        return time_steps(step)

    def our_step(method, prompt_length=16):
        config = resolve(RunConfig(task="sentiment", backbone=args.backbone, method=method,
                                   prompt_length=prompt_length, max_length=64), task.defaults)
        model = build_model(config, load_backbone(args.backbone), task)
        features = family_of(task).encode(task, task.train[:16], backbone.tokenizer, 64)
        for f in features:  # same padded length as PEFT's batch
            pad = 64 - len(f["input_ids"])
            f["input_ids"] += [backbone.tokenizer.pad_token_id] * pad
            f["attention_mask"] += [0] * pad
            f["token_type_ids"] = f.get("token_type_ids", [0] * (64 - pad)) + [0] * pad
        batch = collate(features, backbone.tokenizer.pad_token_id)
        opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)

        def step():
            loss = family_of(task).loss(model(batch), batch)
            loss.backward()
            opt.step()
            opt.zero_grad()
        return time_steps(step)

    pairs = [("prompt-tuning", PromptTuningConfig(task_type=TaskType.SEQ_CLS, num_virtual_tokens=16)),
             ("prefix-tuning", PrefixTuningConfig(task_type=TaskType.SEQ_CLS, num_virtual_tokens=16,
                                                  prefix_projection=True, encoder_hidden_size=backbone.hidden_size)),
             ("p-tuning-v2", PrefixTuningConfig(task_type=TaskType.SEQ_CLS, num_virtual_tokens=16))]
    print(f"\n## One training step, batch 16 x 64 tokens, prompt length 16, {args.backbone}, CPU\n"
          "| method | ours s/step | PEFT s/step | ours / PEFT |\n|---|---|---|---|")
    for method, peft_config in pairs:
        ours, theirs = our_step(method), peft_step(peft_config)
        print(f"| {method} | {ours:.3f} | {theirs:.3f} | {ours / theirs:.2f} |", flush=True)


def real_table(args) -> list[dict]:
    if not SHARED.exists():
        print(f"\n(no {SHARED}: real-data table skipped)")
        return []
    print(f"\n## Real public data ({args.backbone}): SST-2 {args.real_train} train sentences / CoNLL-2003 "
          f"{args.real_train} train sentences, each evaluated on {args.real_dev} held-out sentences of its "
          "training file\n" + HEADER, flush=True)
    results = []
    for real, preset in (("sst2", "sentiment"), ("conll2003", "ner")):
        for method in ("fine-tuning", "prompt-tuning", "p-tuning-v2"):
            config = {"task": preset, "backbone": args.backbone, "method": method, "max_steps": args.real_steps,
                      "eval_every": max(args.real_steps // 3, 1), "precision": args.precision, "seed": args.seed,
                      "max_length": 64 if real == "sst2" else 128}
            result = run_one(config, real, (args.real_train, args.real_dev))
            results.append({"task": real, "method": method, **result})
            print(row(real, method, result), flush=True)
    return results


def main() -> None:
    from core.methods import METHODS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backbone", default="minilm-l6")
    parser.add_argument("--tasks", nargs="+", default=PRESETS)
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--steps", type=int, help="optimizer steps per run (default: per task, 80-100)")
    parser.add_argument("--preset-epochs", action="store_true",
                        help="train each run for its preset's epochs instead of a step budget (convergence check)")
    parser.add_argument("--max-eval", type=int, default=200)
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--real-train", type=int, default=3000)
    parser.add_argument("--real-dev", type=int, default=500)
    parser.add_argument("--real-steps", type=int, default=200)
    parser.add_argument("--real-only", action="store_true")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-peft", action="store_true")
    parser.add_argument("--json", help="also write all results to this file")
    args = parser.parse_args()
    started = time.time()
    results = []
    if not args.real_only:
        results += preset_table(args)
        if not args.skip_peft:
            peft_comparison(args)
    if not args.skip_real:
        results += real_table(args)
    print(f"\ntotal {time.time() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
