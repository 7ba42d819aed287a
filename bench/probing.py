"""P-tuning's knowledge probing (Liu et al. 2021, "GPT Understands, Too", LAMA) on the lab's probing family.

    python bench/probing.py --threads 1              # both tables on smollm2-135m, the CPU budget: 6 relations,
                                                     # 3 epochs of 200 facts a relation (19 min on 2 shared cores)
    python bench/probing.py lama --relations P17 P19 P27 P30 P37 P103 P138 P140 P495 P1412   # ten relations
    python bench/probing.py --backbones gemma3-270m --methods manual-prompt --facts-methods   # zero-shot only
    python bench/probing.py lama --methods p-tuning --heldout 50 --lr 3e-2   # pick a rate on held-out TRAINING facts
    python bench/probing.py --train-facts 800 --preset-epochs \
        --backbones smollm2-135m gemma3-270m --json probing.json   # a GPU: every fact, the presets' 10 epochs
    python bench/probing.py --quick                  # tiny-decoder, 2 relations, 1 step (the smoke test)

1. lama: LAMA T-REx (AutoPrompt's split, ../shared/data/lama) on a stated subset of relations: the
   hand-written LAMA template zero-shot (manual-prompt), P-tuning (frozen LM, a trained prompt per
   relation in --ptuning-template, no relation words) and prompt tuning (one soft prompt for all
   relations before each relation's LAMA template). Trained on each relation's first --train-facts
   training facts, evaluated on its whole dev.jsonl; as in LAMA, only facts whose object is one token
   of the backbone and a word of LAMA's common vocabulary are scored (kept / dropped per relation).
2. templates: the `facts` preset's hand-written templates (3-5 a relation, each one word from the
   first) scored zero-shot, P@1 per relation x template and the spread (max - min) per relation, with
   P-tuning trained on the same preset beside them.
Each run trains in a fresh process (its peak memory its own) and is evaluated once, at the end (the
last checkpoint, never one chosen on dev). Budget: --epochs (default 3) or --preset-epochs (10); every
other setting (rate, prompt encoder, max_length) is the presets': families.yaml `probing` for LAMA,
facts.yaml for the preset. A train-majority column (always the relation's most frequent training
object) and each run's most frequent top-1 word tell learnt facts from a learnt answer prior.
The paper's figures are printed under the tables; its backbones (BERT, GPT-2 medium and larger) are
not ours.
"""
from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fresh_process import in_fresh_process  # noqa: E402
LAMA = ROOT.parent / "shared" / "data" / "lama"

MODES = ("lama", "templates")
# Six T-REx relations whose dev objects are mostly one token of smollm2-135m in LAMA's common vocabulary
# (64-199 of 200 scored), kept to six for the CPU budget (evaluation reads every dev fact: ~1,000 here;
# P138, P140, P495 and P1412 score as well). P36 (capital: 0 of 200 scored; AutoPrompt's P36 is mostly small
# municipalities) and P176 (manufacturer: 25 of 200) would leave near-empty rows.
RELATIONS = ("P17", "P19", "P27", "P30", "P37", "P103")
METHODS = ("manual-prompt", "p-tuning", "prompt-tuning")
LAMA_PROMPT_LENGTH = 9  # both trained methods: the paper's 9 pseudo tokens (its template (3, 3, 3))
# Rates: the presets' (families.yaml `probing`: p-tuning 1e-2; methods.yaml: prompt-tuning 3e-2). A rate
# picked for ONE epoch on held-out training facts (P17/P19/P36/P103, 64 facts a relation, P@1 on training
# facts 600-650: p-tuning 1e-2: 0.0, 3e-2: 17.1, 1e-1: 24.7) chose 1e-1, which in 24 steps only learns each
# relation's most frequent answer (P@1 = train-majority on 5 of 6 relations, one top-1 word for every
# fact); 3 epochs at 1e-2 pass that prior (macro 37.1 vs 29.2 on the six relations).
QUICK = ["--backbones", "tiny-decoder", "--train-facts", "4", "--facts-cap", "2", "--max-steps", "1",
         "--batch-size", "2"]
# Liu et al. (2021), "GPT Understands, Too" (arXiv 2103.10385 v1): Table 1 (P17, BERT-base, frozen,
# manual prompts) and Table 2 (LAMA P@1 macro over relations, frozen LM; LAMA-34k is the 41 T-REx
# relations with BERT's vocabulary, LAMA-29k the vocabulary shared with GPT-2 and RoBERTa).
PAPER = {
    "lama": "PAPER (Liu et al. 2021, Table 2; BERT and GPT-2 backbones of 110M-345M+ parameters, not ours, "
            "all 41 relations, ~800 training facts a relation, up to 100 epochs): LAMA P@1 macro, frozen LM, "
            "manual prompt -> P-tuning: BERT-base 31.1 -> 48.3 (LAMA-34k); on LAMA-29k BERT-base 31.7 -> "
            "52.3, GPT-2 medium 20.3 -> 46.5. P-tuning well above hand-written prompts on every backbone, "
            "the gap largest on the GPT-2 decoders. Zhong et al. (2021, OptiPrompt) warn that a trained "
            "prompt also learns the training facts' answer prior: read it beside train-majority.",
    "templates": "PAPER (Liu et al. 2021, Table 1; BERT-base, frozen, relation P17): '[X] is located in [Y] .' "
                 "31.3, '[X] is located in which country or state? [Y] .' 19.8, '[X] is located in which "
                 "country? [Y] .' 31.4, '[X] is located in which country? In [Y] .' 51.1: one word moves P@1 "
                 "by 20 points. P-tuning removes most of the sensitivity (Sec. 3.4: the std over templates "
                 "falls from 10.1 to 0.46 on LAMA).",
}


# -- data -----------------------------------------------------------------------------------------------
def lama_task(path: str, relations: list[str], train_facts: int, heldout: int = 0):
    """The chosen relations of a LAMA folder: each one's first `train_facts` training facts and its whole
    dev.jsonl; with `heldout`, the last `heldout` facts of its training file stand in for dev (for
    choosing a rate without looking at dev). Objects restricted to LAMA's common vocabulary."""
    from core.data.errors import DataError
    from core.data.lama import load_lama
    full = load_lama(Path(path))
    missing = [r for r in relations if r not in full.labels]
    if missing:
        raise DataError(f"{path}: no relation {', '.join(missing)} (there: {', '.join(full.labels)})")
    train, dev = [], []
    for relation in relations:
        facts = [e for e in full.train if e["relation"] == relation]
        if heldout:
            train += facts[:max(0, min(train_facts, len(facts) - heldout))]
            dev += facts[-heldout:]
        else:
            train += facts[:train_facts]
            dev += [e for e in full.dev if e["relation"] == relation]
    return dataclasses.replace(full, name="lama", train=train, dev=dev, labels=sorted(relations),
                               templates=[t for t in full.templates if t["relation"] in relations])


def build_task(data: dict):
    if "lama" in data:
        return lama_task(data["lama"], data["relations"], data["train_facts"], data.get("heldout") or 0)
    from core.data import load_task
    task, cap = load_task(data["preset"]), data.get("cap")
    if not cap:
        return task
    return dataclasses.replace(task, train=first_per_relation(task.train, cap), dev=first_per_relation(task.dev, cap))


def first_per_relation(facts: list[dict], n: int) -> list[dict]:
    """The first n facts of each relation, in file order."""
    kept, counts = [], {}
    for fact in facts:
        counts[fact["relation"]] = counts.get(fact["relation"], 0) + 1
        if counts[fact["relation"]] <= n:
            kept.append(fact)
    return kept


def lama_templates(path: str) -> dict[str, dict]:
    """relation -> its relations.jsonl row (template, label), read without a model."""
    rows = [json.loads(line) for line in (Path(path) / "relations.jsonl").read_text().splitlines() if line.strip()]
    return {row["relation"]: row for row in rows}


# -- one run --------------------------------------------------------------------------------------------
class TopWords:
    """A core.runs.Recorder that keeps, per relation, how often each word is the top-1 prediction: a run
    that predicts one word for every fact has learnt the relation's answer prior, not its facts."""

    def start(self, *args) -> None:
        pass

    def log(self, row: dict, total_steps: int) -> None:
        pass

    def finish(self, final, weights, predictions) -> None:
        self.counts = {}
        for p in predictions or []:
            if not p["dropped"] and p["predicted"] is not None:
                counts = self.counts.setdefault(p["relation"], {})
                counts[p["predicted"]] = counts.get(p["predicted"], 0) + 1


def top_word(counts: dict[str, int]) -> str:
    """"'German' 100% (1 distinct)": the most frequent top-1 word, its share of the scored facts, and
    how many different words came first."""
    if not counts:
        return "-"
    word, n = max(counts.items(), key=lambda item: item[1])
    return f"'{word}' {100 * n / sum(counts.values()):.0f}% ({len(counts)} distinct)"


def majority_baseline(task, tokenizer, kind: str) -> dict[str, float]:
    """relation -> P@1 on dev of always answering the relation's most frequent training object (both
    counted over the facts a run scores): the answer prior a trained prompt can learn without facts."""
    from core.tasks.probing import FactPrompts
    prompts = FactPrompts(task, kind)
    scored = (lambda e: prompts.encode(e, tokenizer)[0] is not None)
    out = {}
    for relation in task.labels:
        train = [e["object"] for e in task.train if e["relation"] == relation and scored(e)]
        dev = [e["object"] for e in task.dev if e["relation"] == relation and scored(e)]
        if train and dev:
            top = collections.Counter(train).most_common(1)[0][0]  # ties: the first in file order
            out[relation] = sum(o == top for o in dev) / len(dev)
    return out


def train_once(config: dict, data: dict) -> dict:
    """Train (or only score, epochs 0) one run and evaluate it once -> its figures, or {"error": why}."""
    from core.config import RunConfig
    from core.setup import prepare
    from core.train import train
    try:
        task = build_task(data)
        prepared = prepare(RunConfig(**config), task)
        s = prepared.setup
        s.config = s.config.replace(eval_every=max(prepared.total_steps, 1))  # one evaluation, at the end
        words = TopWords()
        final = train(s.config, words, show_progress=False, task=task, prepared=prepared)
        baseline = majority_baseline(task, s.backbone.tokenizer, s.backbone.kind)
    except Exception as error:  # noqa: BLE001 - a failed cell is a result: the table goes on
        return {"error": f"{type(error).__name__}: {error}"}
    c = s.config
    return {"dev": final["dev"], "top_words": getattr(words, "counts", {}), "majority": baseline,
            "report": final.get("data_report") or {}, "steps": final["steps"],
            "seconds_per_step": final["seconds_per_step"], "wall_time": final["wall_time"],
            "peak_memory_mb": final["peak_memory_mb"], "share": final["share"], "lr": c.lr, "epochs": c.epochs,
            "batch_size": c.batch_size, "prompt_length": c.prompt_length, "template": c.template,
            "train_facts": len(prepared.train_features), "dev_facts": len(prepared.dev_features)}


def _child(config: dict, data: dict, threads: int | None, queue) -> None:
    if threads:  # on a shared CPU, more threads than free cores can make every step several times slower
        import torch
        torch.set_num_threads(threads)
    queue.put(train_once(config, data))


_DONE: dict[str, dict] = {}


def run(config: dict, data: dict, args) -> dict:
    """A run's figures, once per (config, data); in a fresh process unless --in-process."""
    key = json.dumps([config, data], sort_keys=True)
    if key not in _DONE:
        if args.in_process:
            _DONE[key] = train_once(config, data)
        else:
            _DONE[key] = in_fresh_process(_child, (config, data, args.threads), timeout=7200)
        print(f"  [{config['method']} {config['backbone']} {config['task']}"
              + (f" template {config['template']}" if "template" in config else "")
              + f"] {_DONE[key].get('error', 'done')}", file=sys.stderr, flush=True)
    return _DONE[key]


def config_for(args, task: str, backbone: str, method: str, **fields) -> dict:
    """One run's RunConfig fields: zero-shot for manual-prompt, else the budget given here; the rest the presets'."""
    config = {"task": task, "backbone": backbone, "method": method, "seed": args.seed, **fields}
    if method == "manual-prompt":
        return {**config, "epochs": 0}
    if args.max_steps:
        config["max_steps"] = args.max_steps
    elif not args.preset_epochs:
        config["epochs"] = args.epochs
    return {**config, **{k: v for k, v in (("lr", args.lr), ("batch_size", args.batch_size)) if v is not None}}


# -- tables ---------------------------------------------------------------------------------------------
def mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def pct(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def markdown(title: str, header: list[str], rows: list[list[str]], note: str = "") -> None:
    print(f"\n## {title}\n| " + " | ".join(header) + " |\n|" + "---|" * len(header), flush=True)
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |", flush=True)
    if note:
        print(note, flush=True)


def budget_text(args, where: str) -> str:
    if args.max_steps:
        return f"{args.max_steps} optimizer steps"
    epochs = f"{where} epochs" if args.preset_epochs else f"{args.epochs:g} epoch(s)"
    lr = f"lr {args.lr:g}" if args.lr else f"{where} lr"
    return f"{epochs}, {lr}, batch {args.batch_size or 'preset (16)'}"


def p_at_1(result: dict, relation: str):
    return None if "error" in result else result["dev"].get(f"p@1/{relation}")


def method_rows(results: dict[str, dict]) -> list[list[str]]:
    rows = []
    for method, r in results.items():
        if "error" in r:
            rows.append([method, f"not run: {r['error'][:150]}", "", "", "", "", "", "", "", ""])
            continue
        d = r["dev"]
        rows.append([method, pct(d["p@1"]), pct(d["p@10"]), pct(d["mrr"]), pct(d["p@1_micro"]),
                     f"{r['lr']:g}" if r["steps"] else "zero-shot",
                     f"{r['steps']} ({r['train_facts']} facts)" if r["steps"] else "-",
                     r["share"], f"{r['seconds_per_step']:.2f}" if r["seconds_per_step"] else "-",
                     f"{r['wall_time']:.0f} s"])
    return rows


SUMMARY = ["method", "P@1 macro", "P@10 macro", "MRR macro", "P@1 micro", "lr", "steps (train facts)",
           "trainable", "s/step", "wall"]


def lama_table(args, backbone: str) -> list[dict]:
    data = {"lama": str(args.lama), "relations": list(args.relations), "train_facts": args.train_facts,
            "heldout": args.heldout}
    results = {}
    for method in args.methods:
        fields = {"ptuning_template": args.ptuning_template} if method == "p-tuning" and args.ptuning_template else {}
        if method in ("p-tuning", "prompt-tuning"):
            fields["prompt_length"] = LAMA_PROMPT_LENGTH
        results[method] = run(config_for(args, "lama", backbone, method, **fields), data, args)
    ok = [r for r in results.values() if "error" not in r]
    report = ok[0]["report"] if ok else {}
    rows_of = lama_templates(args.lama)
    majority = ok[0]["majority"] if ok else {}
    rows, reasons = [], {}
    for relation in args.relations:
        row = report.get(relation, {})
        dev = row.get("dev", {"kept": 0, "dropped": {}})
        for why, n in dev["dropped"].items():
            reasons[why] = reasons.get(why, 0) + n
        meta = rows_of.get(relation, {})
        template = meta.get("template", "?") + (f" ({row['note']})" if row.get("note") else "")
        rows.append([relation, meta.get("label", ""), template, row.get("train", {}).get("kept", "-"),
                     f"{dev['kept']} / {sum(dev['dropped'].values())}",
                     *[pct(p_at_1(results[m], relation)) for m in args.methods], pct(majority.get(relation))])
    rows.append(["**macro**", "", "", "", "", *[pct(None if "error" in results[m] else results[m]["dev"]["p@1"])
                                                for m in args.methods], pct(mean(list(majority.values())))])
    differ = {m for m, r in results.items() if "error" not in r and any(
        r["dev"].get(f"kept/{rel}") != ok[0]["dev"].get(f"kept/{rel}") for rel in args.relations)}
    dev_name = (f"last {args.heldout} training facts a relation (held out; not dev)" if args.heldout
                else "whole dev.jsonl")
    markdown(f"LAMA T-REx, {backbone}: P@1 per relation; trained on the first {args.train_facts} training facts a "
             f"relation, {budget_text(args, 'families.yaml probing')}; evaluated on the {dev_name}",
             ["relation", "label", "LAMA template", "train kept", "dev kept / dropped", *args.methods,
              "train-majority"], rows,
             "dev facts dropped: " + ("; ".join(f"{n} {why}" for why, n in sorted(reasons.items(), key=lambda x: -x[1]))
                                      or "none")
             + (f". NOTE: {', '.join(sorted(differ))} scored different facts" if differ else "")
             + ". train-majority: always the relation's most frequent training object (no model), the answer "
               "prior a trained prompt can learn without knowing any fact.")
    markdown(f"LAMA T-REx, {backbone}: each method's most frequent top-1 word per relation (share of scored dev "
             "facts, distinct top-1 words)", ["relation", *args.methods],
             [[relation, *[top_word(results[m].get("top_words", {}).get(relation, {})) for m in args.methods]]
              for relation in args.relations])
    markdown(f"LAMA T-REx, {backbone}: every method over the {len(args.relations)} relations", SUMMARY,
             method_rows(results),
             f"manual-prompt: each relation's LAMA template, zero-shot. p-tuning: "
             f"'{args.ptuning_template or '{prompt} {text} {prompt} {mask}'}' with {LAMA_PROMPT_LENGTH} pseudo tokens, "
             f"a prompt per relation, frozen LM. prompt-tuning: {LAMA_PROMPT_LENGTH} soft tokens shared by every "
             "relation, before its LAMA template. One evaluation at the end (the last checkpoint).\n"
             + PAPER["lama"])
    return [{"backbone": backbone, "method": m, **r} for m, r in results.items()]


def templates_table(args, backbone: str) -> list[dict]:
    from core.data import load_task
    task = load_task(args.facts)
    own = {rel: [t["template"] for t in task.templates if t.get("relation") == rel] for rel in task.labels}
    data = {"preset": args.facts, "cap": args.facts_cap}
    zero = [run(config_for(args, args.facts, backbone, "manual-prompt", template=i), data, args)
            for i in range(max(len(t) for t in own.values()))]
    trained = {m: run(config_for(args, args.facts, backbone, m), data, args) for m in args.facts_methods}
    majority = next((r["majority"] for r in zero if "error" not in r), {})
    rows, spreads, firsts, bests = [], [], [], []
    for relation, templates in own.items():
        scores = [p_at_1(zero[i], relation) for i in range(len(templates))]
        kept = next((int(r["dev"].get(f"kept/{relation}", 0)) for r in zero if "error" not in r), 0)
        for i, (template, score) in enumerate(zip(templates, scores)):
            rows.append([relation, i, template, pct(score), kept])
        known = [s for s in scores if s is not None]
        if known:
            spreads.append(max(known) - min(known))
            bests.append(max(known))
            if scores[0] is not None:
                firsts.append(scores[0])
            rows.append([relation, "**spread**", "max - min over its templates", f"**{pct(spreads[-1])}**", ""])
        for method, r in trained.items():
            template = r.get("report", {}).get(relation, {}).get("template", "")
            rows.append([relation, f"**{method}**", (template or "-") + "; top-1: "
                         + top_word(r.get("top_words", {}).get(relation, {})),
                         f"not run: {r['error'][:120]}" if "error" in r else f"**{pct(p_at_1(r, relation))}**", kept])
        rows.append([relation, "train-majority", "its most frequent training object, no model",
                     pct(majority.get(relation)), kept])
    for i, r in enumerate(zero):
        having = sum(len(t) > i for t in own.values())
        rows.append(["**macro**", i, f"template {i} of the {having} relation(s) that have one",
                     f"not run: {r['error'][:120]}" if "error" in r else pct(r["dev"]["p@1"]), ""])
    scored = next((r["dev_facts"] for r in zero if "error" not in r), 0)
    summary = (f"Mean spread over relations: {pct(mean(spreads))} points; macro P@1 of each relation's first "
               f"(natural) template {pct(mean(firsts))}, of its best template chosen on this dev set "
               f"{pct(mean(bests))} (optimistic)"
               + "".join(f"; {m} {pct(None if 'error' in r else r['dev']['p@1'])}" for m, r in trained.items())
               + f"; train-majority {pct(mean(list(majority.values())))}")
    markdown(f"Template sensitivity: preset '{args.facts}', {backbone}, zero-shot manual prompts (one word apart) "
             f"and {', '.join(args.facts_methods) or 'no trained method'} ({budget_text(args, f'{args.facts}.yaml')})",
             ["relation", "template", "text", "P@1", "dev facts"], rows,
             summary + f". Dev: {scored} facts scored over {len(own)} relations (one fact is ~"
             f"{100 * len(own) / max(scored, 1):.0f} points of a relation's P@1).\n" + PAPER["templates"])
    return ([{"backbone": backbone, "method": "manual-prompt", "template": i, **r} for i, r in enumerate(zero)]
            + [{"backbone": backbone, "method": m, **r} for m, r in trained.items()])


TABLES = {"lama": lama_table, "templates": templates_table}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modes", nargs="*", metavar="mode", help=f"tables to print: {', '.join(MODES)} (default: all)")
    parser.add_argument("--backbones", nargs="+", default=["smollm2-135m"], help="e.g. smollm2-135m gemma3-270m")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke test: tiny-decoder, 2 LAMA relations, a few facts, 1 step ({' '.join(QUICK)})")
    lama = parser.add_argument_group("lama table")
    lama.add_argument("--lama", default=str(LAMA), help="LAMA folder (relations.jsonl + trex/<relation>/)")
    lama.add_argument("--relations", nargs="+", default=list(RELATIONS))
    lama.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    lama.add_argument("--train-facts", type=int, default=200, help="first N training facts of each relation (of ~800)")
    lama.add_argument("--heldout", type=int, default=0,
                      help="evaluate on the last N training facts of each relation instead of dev (to pick a rate)")
    lama.add_argument("--ptuning-template", help="P-tuning's template (default: the lab's '{prompt} {text} "
                                                 "{prompt} {mask}')")
    facts = parser.add_argument_group("templates table")
    facts.add_argument("--facts", default="facts", help="a probing preset with several templates a relation")
    facts.add_argument("--facts-cap", type=int, default=0,
                       help="at most N training and N dev facts a relation (0: all; the preset has ~98 and ~33)")
    facts.add_argument("--facts-methods", nargs="*", default=["p-tuning"], choices=METHODS[1:],
                       help="trained beside the zero-shot templates (none: only the templates)")
    budget = parser.add_argument_group("budget of the trained runs (both tables)")
    budget.add_argument("--epochs", type=float, default=3.0, help="epochs (the presets': 10)")
    budget.add_argument("--preset-epochs", action="store_true", help="the presets' epochs (10) instead of --epochs")
    budget.add_argument("--max-steps", type=int, help="optimizer steps instead of epochs")
    budget.add_argument("--lr", type=float, help="learning rate for every trained run (default: the presets')")
    budget.add_argument("--batch-size", type=int, help="default: the presets' (16)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, help="torch threads per run (default: torch's; 1 on a busy shared CPU)")
    parser.add_argument("--in-process", action="store_true", help="train in this process (tests)")
    parser.add_argument("--json", help="also write every figure to this file")
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--quick" in argv:  # its settings first, so flags given after it still win
        argv = QUICK + ["--relations", *RELATIONS[:2]] * ("--relations" not in argv) + argv
    args = parser.parse_args(argv)
    unknown = [mode for mode in args.modes if mode not in MODES]
    if unknown:
        parser.error(f"unknown mode {', '.join(unknown)}: choose from {', '.join(MODES)}")
    args.modes = args.modes or list(MODES)
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse(argv)
    started, results = time.time(), {"settings": vars(args)}
    for backbone in args.backbones:
        for mode in args.modes:
            results.setdefault(mode, []).extend(TABLES[mode](args, backbone))
    results["wall_time"] = time.time() - started
    print(f"\ntotal {results['wall_time']:.0f} s", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
