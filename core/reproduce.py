"""The claims report: run the studies that check the seed papers' claims on the offline backbones, and write
one report (markdown, one table, the ablation plots as HTML) that puts the paper's figure beside the lab's.

    python -m core.reproduce --quick              # fits about 60 minutes on a 2-core CPU (budgets below)
    python -m core.reproduce                      # the full mode: the presets' epochs, three seeds (a GPU)
    python -m core.reproduce --quick --claims length depth   # some claims only
    python -m core.reproduce --out runs/reports/x # again into the same folder: resumes its studies

Each claim names its studies (ordinary studies: core/studies.py, so every run is a plain run in the runs
folder) and a judge that reads their finished runs and says the lab's figure and whether it goes the claim's
way. A judge never decides from too little: a claim whose runs failed or are missing is "no verdict".
The thresholds a judge uses (what "close" or "far behind" means) are stated in its claim's `rule`.
Studies that need another study's trained runs (transfer targets) are planned once those have finished.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from core.config import ConfigError
from core.jobs import JobManager
from core.runs import RunStore, _read_json, _write_json
from core.studies import (Study, StudySpec, StudyStore, ablation_figure, aggregate, launch, load_spec, progress,
                          resume)

# the quick mode: each preset's own epochs and rates on its first 400 training and 200 dev examples, one seed
QUICK_SMALL = {"max_train_examples": 400, "max_eval_examples": 200}
MINILM, SMOLLM = "minilm-l6", "smollm2-135m"


# -- reading a study's results ---------------------------------------------------------------------
class Results:
    """The finished runs of a report's studies, by study name."""

    def __init__(self, store: RunStore, studies: dict[str, Study]):
        self.store, self.studies = store, studies
        self._points = {name: progress(store, study)["points"] for name, study in studies.items()}

    def points(self, study: str, **changes) -> list[dict]:
        """Finished points of `study` whose changes include `changes`."""
        return [p for p in self._points.get(study, []) if p["status"] == "finished" and p.get("metric") is not None
                and all(p["changes"].get(k) == v for k, v in changes.items())]

    def mean(self, study: str, **changes) -> float | None:
        """Mean best dev metric (%) over the matching finished runs (seeds), or None."""
        values = [100 * p["metric"] for p in self.points(study, **changes)]
        return statistics.fmean(values) if values else None

    def best(self, study: str, **changes) -> float | None:
        """The best, over the settings the other swept fields take (e.g. the rate), of the seed-mean (%)."""
        groups: dict[str, list[float]] = {}
        for p in self.points(study, **changes):
            groups.setdefault(json.dumps(p["changes"], sort_keys=True), []).append(100 * p["metric"])
        return max((statistics.fmean(v) for v in groups.values()), default=None)

    def runs(self, study: str) -> list[str]:
        return [p["run"] for p in self._points.get(study, []) if p.get("run")]

    def rows(self, study: str, **changes) -> list[list[dict]]:
        """metrics.jsonl rows of each matching finished run."""
        return [self.store.get(p["run"]).metrics() for p in self.points(study, **changes)]

    def finals(self, study: str, **changes) -> list[dict]:
        return [self.store.get(p["run"]).final() for p in self.points(study, **changes)]


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


# -- the claims --------------------------------------------------------------------------------------
@dataclass
class Claim:
    id: str
    text: str
    paper: str  # the paper's own figure, with where it is
    rule: str  # how the judge decides, in words (thresholds included)
    studies: dict[str, Callable[[Results], StudySpec] | StudySpec]  # a callable: planned after earlier ones finish
    judge: Callable[[Results], tuple[str, bool | None]]


def spec(name: str, base: dict, grid: dict | None = None, quick: dict | None = None, variants=None,
         x: str | None = None, seeds=(1, 2, 3), quick_grid: dict | None = None, quick_variants=None,
         budget: str = "") -> StudySpec:
    """A claim's study: the full mode at the presets' epochs over three seeds, the quick one smaller."""
    modes = {"quick": {**(quick if quick is not None else QUICK_SMALL), "seeds": [1],
                       **({"grid": quick_grid} if quick_grid else {}),
                       **({"variants": quick_variants} if quick_variants else {})}, "full": {}}
    return StudySpec(name=name, base=base, grid=grid or {}, variants=list(variants or []), seeds=list(seeds), x=x,
                     modes=modes, description=f"claims report: {name}", budget={"quick": budget, "full": "a GPU"})


def judge_close_to_ft(r: Results) -> tuple[str, bool | None]:
    gaps, parts = [], []
    for task in ("sentiment", "ner", "qa"):
        ft, pt2 = r.mean("pt2-vs-ft", task=task, method="fine-tuning"), r.mean("pt2-vs-ft", task=task,
                                                                             method="p-tuning-v2")
        parts.append(f"{task} {pct(pt2)} vs {pct(ft)}")
        if ft is not None and pt2 is not None:
            gaps.append(ft - pt2)
    if len(gaps) < 3:
        return "; ".join(parts), None
    return "; ".join(parts) + f" (largest gap {max(gaps):.1f})", max(gaps) <= 5.0


def judge_shallow_behind(r: Results) -> tuple[str, bool | None]:
    gaps, parts = [], []
    for task in ("ner", "qa"):
        pt, pt2 = (r.mean("pt2-vs-ft", task=task, method=m) for m in ("prompt-tuning", "p-tuning-v2"))
        parts.append(f"{task}: prompt-tuning {pct(pt)} vs p-tuning-v2 {pct(pt2)}")
        if pt is not None and pt2 is not None:
            gaps.append(pt2 - pt)
    if len(gaps) < 2:
        return "; ".join(parts), None
    return "; ".join(parts), min(gaps) >= 10.0


def judge_reparameterization(r: Results) -> tuple[str, bool | None]:
    diffs, parts = {}, []
    for task in ("sentiment", "nli", "ner"):
        on, off = (r.best("reparameterization", task=task, reparameterize=flag) for flag in (True, False))
        if on is not None and off is not None:
            diffs[task] = on - off
            parts.append(f"{task} {on - off:+.1f}")
    if len(diffs) < 2:
        return "MLP minus direct: " + ("; ".join(parts) or "no finished pairs"), None
    small = all(abs(d) <= 3.0 for d in diffs.values())
    mixed = min(diffs.values()) < 0 < max(diffs.values())
    return "MLP minus direct: " + "; ".join(parts), small or mixed


def best_length(r: Results, task: str) -> int | None:
    points = [(p["changes"]["prompt_length"], 100 * p["metric"]) for p in r.points("prompt-length", task=task)]
    if not points:
        return None
    by_length: dict[int, list[float]] = {}
    for length, value in points:
        by_length.setdefault(length, []).append(value)
    return max(by_length, key=lambda n: statistics.fmean(by_length[n]))


def judge_length(r: Results) -> tuple[str, bool | None]:
    simple, hard = best_length(r, "sentiment"), best_length(r, "ner")
    text = f"best length: sentiment {simple}, ner {hard}"
    if simple is None or hard is None:
        return text, None
    return text, simple < hard  # the same best length on both shows no preference by difficulty


def judge_depth(r: Results) -> tuple[str, bool | None]:
    parts, wins = [], []
    for task in ("sentiment", "ner"):
        values = {p["changes"]["prompt_layers"]: 100 * p["metric"] for p in r.points("depth", task=task)}
        pairs = [(layers, layers.replace("bottom", "top")) for layers in values if layers.startswith("bottom")]
        for bottom, top in pairs:
            if top in values:
                wins.append(values[top] >= values[bottom])
                parts.append(f"{task} {top} {values[top]:.1f} vs {bottom} {values[bottom]:.1f}")
    if not wins:
        return "no finished top/bottom pair", None
    return "; ".join(parts), sum(wins) > len(wins) / 2


def judge_multitask(r: Results) -> tuple[str, bool | None]:
    single = r.mean("multi-task", tasks=[])
    finals = r.finals("multi-task", tasks=["srl"])
    shared = [f.get("per_task", {}).get("ner", {}).get("best_metric") for f in finals]
    shared = [100 * v for v in shared if isinstance(v, (int, float))]
    together = statistics.fmean(shared) if shared else None
    text = f"ner entity F1: single-task {pct(single)}, multi-task with srl {pct(together)}"
    if single is None or together is None:
        return text, None
    return text, together >= single


def judge_one_word(r: Results) -> tuple[str, bool | None]:
    pairs = [("movie/film", 1, 2), ("thought/felt", 3, 4)]
    parts, moves = [], []
    for name, a, b in pairs:
        va, vb = r.mean("templates", template=a), r.mean("templates", template=b)
        if va is not None and vb is not None:
            moves.append(abs(va - vb))
            parts.append(f"{name}: {va:.1f} vs {vb:.1f}")
    facts = {p["changes"]["template"]: 100 * p["metric"] for p in r.points("fact-templates")}
    if len(facts) >= 2:
        moves.append(max(facts.values()) - min(facts.values()))
        parts.append("facts P@1 over template variants " + ", ".join(f"{facts[k]:.1f}" for k in sorted(facts)))
    if not moves:
        return "no finished template pair", None
    return "; ".join(parts) + f" (largest move {max(moves):.1f})", max(moves) >= 3.0


def judge_ptuning_beats_manual(r: Results) -> tuple[str, bool | None]:
    manual = [100 * p["metric"] for p in r.points("fact-templates")]
    ptuning = r.mean("fact-ptuning")
    best = max(manual) if manual else None
    text = f"facts P@1 macro: best hand-written template {pct(best)}, P-tuning {pct(ptuning)}"
    if best is None or ptuning is None:
        return text, None
    return text, ptuning > best


def judge_transfer(r: Results) -> tuple[str, bool | None]:
    from core.transfer_study import convergence_speedup  # noqa: PLC0415 - the transfer study's own measure
    parts, speedups = [], []
    for target, source in (("sentiment", "nli"), ("nli", "sentiment")):
        scratch = r.rows("transfer-targets", task=target, label="scratch")
        warm = r.rows("transfer-targets", task=target, label=source)
        if scratch and warm:
            metric = r.points("transfer-targets", task=target, label="scratch")[0]["metric_name"]
            speedup = convergence_speedup(scratch[0], warm[0], metric)
            speedups.append(speedup)
            parts.append(f"{source} → {target}: speed-up {speedup if speedup is None else f'{speedup:.2f}'}x, "
                         f"best {pct(r.mean('transfer-targets', task=target, label=source))} vs scratch "
                         f"{pct(r.mean('transfer-targets', task=target, label='scratch'))}")
    known = [s for s in speedups if s is not None]
    if not known:
        return "; ".join(parts) or "no finished target pair", None
    return "; ".join(parts), statistics.fmean(min(s, 10.0) for s in known) > 1.0


def judge_prefix_low_data(r: Results) -> tuple[str, bool | None]:
    prefix, ft = r.mean("low-data-generation", method="prefix-tuning"), r.mean("low-data-generation",
                                                                               method="fine-tuning")
    text = f"table-to-text, 50 examples: prefix-tuning {pct(prefix)} vs fine-tuning {pct(ft)}"
    if prefix is None or ft is None:
        return text, None
    return text, prefix >= ft


def judge_bitfit(r: Results) -> tuple[str, bool | None]:
    bitfit, ft = r.mean("few-shot-bitfit", method="bitfit"), r.mean("few-shot-bitfit", method="fine-tuning")
    manual = r.mean("few-shot-bitfit", method="manual-prompt")
    text = (f"sentiment, 32 examples: BitFit + null prompt {pct(bitfit)}, prompt-based fine-tuning {pct(manual)}, "
            f"fine-tuning {pct(ft)}")
    if bitfit is None or ft is None:
        return text, None
    return text, bitfit >= max(ft, manual or 0) - 5.0


def transfer_targets(r: Results) -> StudySpec:
    """Each target from scratch and from the other task's trained prompt (source runs of the first stage)."""
    sources = {p["changes"]["task"]: str(r.store.root / p["run"]) for p in r.points("transfer-sources")}
    variants = [{"task": target, "label": "scratch", "init_from": []} for target in ("sentiment", "nli")]
    variants += [{"task": target, "label": source, "init_from": [sources[source]]}
                 for target, source in (("sentiment", "nli"), ("nli", "sentiment")) if source in sources]
    return StudySpec(name="transfer-targets", base={"backbone": MINILM, "method": "prompt-tuning", "prompt_length": 16,
                                                    "eval_every": 10},
                     variants=variants, seeds=[1, 2, 3], x="label",
                     # quick: 6 epochs, not the presets' 10 (sentiment) and 15 (nli): at those the four runs took
                     # 9.8 of the report's 77 minutes; the speed-up is read early in training anyway
                     modes={"quick": {**QUICK_SMALL, "seeds": [1], "epochs": 6}, "full": {}},
                     description="claims report: transfer as initialisation",
                     budget={"quick": "4 runs, about 4 min", "full": "a GPU"})


PT2_VS_FT = ([{"task": t, "method": m} for t in ("sentiment", "ner", "qa") for m in ("fine-tuning", "p-tuning-v2")]
             + [{"task": t, "method": "prompt-tuning"} for t in ("ner", "qa")])


def claims() -> list[Claim]:
    classification = {"backbone": MINILM, "method": "p-tuning-v2"}
    return [
        Claim("close-to-ft", "P-tuning v2 comes close to fine-tuning on classification, tagging and QA",
              "P-tuning v2 (Liu et al. 2022) Tables 2-4: within about 1 point of fine-tuning from 330M parameters "
              "(e.g. CoNLL03 BERT-large 92.8 fine-tuning vs 90.2 P-tuning v2, SQuAD 1.1 RoBERTa-large F1 94.6 vs 94.7)",
              "p-tuning-v2 within 5 points of fine-tuning on each of sentiment, ner and qa",
              {"pt2-vs-ft": spec("pt2-vs-ft", {"backbone": MINILM},
                                 variants=PT2_VS_FT,
                                 # QA on 400 examples took 14 of the quick report's minutes (p-tuning-v2's 20
                                 # epochs alone 7): 200 there, and p-tuning-v2 12 epochs (F1 44.6 at 12, 48.8 at 20)
                                 quick_variants=[{**v, "max_train_examples": 200,
                                                  **({"epochs": 12} if v["method"] == "p-tuning-v2" else {})}
                                                 if v["task"] == "qa" else v for v in PT2_VS_FT],
                                 x="method", budget="8 runs, about 14 min")},
              judge_close_to_ft),
        Claim("shallow-behind", "Shallow prompt tuning is far behind on tagging and QA at small scale",
              "P-tuning v2 Table 3-4 (BERT-base/large): Lester et al.'s prompt tuning scores e.g. 81.9 vs 90.2 on "
              "CoNLL03 and 1.0-50 F1 on SQuAD where P-tuning v2 reaches 80-90",
              "p-tuning-v2 at least 10 points above prompt-tuning on both ner and qa",
              {}, judge_shallow_behind),  # its runs are pt2-vs-ft's
        Claim("reparameterization", "Reparameterisation (an MLP over the prompt) helps little and task-dependently",
              "P-tuning v2 §4.3, Fig. 3: better on RTE and CoNLL04, comparable on BoolQ, inconsistent on CoNLL12",
              "at each setting's best rate, the MLP changes each task by at most 3 points, or helps on one task "
              "and hurts on another",
              {"reparameterization": load_spec("reparameterization")}, judge_reparameterization),
        Claim("length", "Simple classification tasks prefer shorter prompts, hard sequence tasks longer ones",
              "P-tuning v2 §4.3, Fig. 4: best length under 20 on simple classification, around 100 on hard "
              "sequence labelling",
              "the best prompt length on sentiment is shorter than the best on ner",
              {"prompt-length": load_spec("prompt-length")}, judge_length),
        Claim("depth", "Deep prompts in the top layers matter more than in the bottom layers",
              "P-tuning v2 §4.3, Fig. 5 (RoBERTa-large, RTE/BoolQ): top-k beats bottom-k at equal k",
              "top:k at least as good as bottom:k in most (task, k) pairs",
              {"depth": load_spec("depth")}, judge_depth),
        Claim("multi-task", "Multi-task prompt training helps hard sequence tasks",
              "P-tuning v2 Tables 3-4 (MPT-2): e.g. CoNLL03 +0.4 to +1.7, SQuAD 2.0 +1 to +4 over single-task",
              "ner's entity F1 when its deep prompt is trained together with srl at least its single-task F1",
              {"multi-task": spec("multi-task", {"backbone": MINILM, "method": "p-tuning-v2", "task": "ner"},
                                  variants=[{"tasks": []}, {"tasks": ["srl"]}], x="tasks",
                                  budget="2 runs, about 3 min")},
              judge_multitask),
        Claim("one-word", "Changing one word of a hand-written prompt moves its score",
              "P-tuning (Liu et al. 2021) Table 1: P17 with BERT-base 31.3 / 19.8 / 31.4 / 51.1 P@1 across templates "
              "one word apart",
              "some pair of one-word variants differs by at least 3 points (zero-shot, smollm2-135m)",
              {"templates": spec("templates", {"backbone": SMOLLM, "method": "manual-prompt", "task": "sentiment",
                                               "epochs": 0},
                                 grid={"template": [1, 2, 3, 4]}, quick={"max_eval_examples": 200}, seeds=[1],
                                 budget="4 zero-shot runs, about 2 min"),
               "fact-templates": spec("fact-templates", {"backbone": SMOLLM, "method": "manual-prompt",
                                                         "task": "facts", "epochs": 0},
                                      grid={"template": [0, 1, 2, 3]}, quick={}, seeds=[1],
                                      budget="4 zero-shot runs, about 3 min")},
              judge_one_word),
        Claim("ptuning-beats-manual", "P-tuning recovers more knowledge than hand-written prompts",
              "P-tuning Table 2: LAMA P@1 BERT-base 31.1 -> 48.3, GPT-2 medium 20.3 -> 46.5 (manual -> P-tuning)",
              "P-tuning's P@1 macro on the facts preset above the best of its hand-written template sets",
              {"fact-ptuning": spec("fact-ptuning", {"backbone": SMOLLM, "method": "p-tuning", "task": "facts"},
                                    quick={"epochs": 2, "eval_every": 40}, seeds=[1, 2, 3],
                                    budget="1 run, about 4 min")},
              judge_ptuning_beats_manual),
        Claim("transfer", "A prompt trained on another task speeds up convergence",
              "SPoT (Vu et al. 2022) and Su et al. (2022): transfer initialisation converges faster and often "
              "scores higher, most between similar tasks",
              "the mean convergence speed-up (steps to 90% of the from-scratch best) above 1",
              {"transfer-sources": spec("transfer-sources", {"backbone": MINILM, "method": "prompt-tuning",
                                                              "prompt_length": 16},
                                        grid={"task": ["sentiment", "nli"]}, seeds=[1],
                                        budget="2 runs, about 4 min"),
               "transfer-targets": transfer_targets},
              judge_transfer),
        Claim("prefix-low-data", "Prefix-tuning beats fine-tuning on generation with little data",
              "Prefix-tuning (Li & Liang 2021) Fig. 3: with 50-500 examples prefix-tuning is above fine-tuning on "
              "table-to-text and summarization",
              "prefix-tuning's dev BLEU at least fine-tuning's with 50 training examples (smollm2-135m)",
              {"low-data-generation": spec("low-data-generation",
                                           {"backbone": SMOLLM, "task": "table-to-text", "max_train_examples": 50},
                                           grid={"method": ["fine-tuning", "prefix-tuning"]},
                                           quick={"max_eval_examples": 40, "max_steps": 40, "eval_every": 20,
                                                  "batch_size": 8, "max_new_tokens": 40},
                                           budget="2 runs, about 8 min")},
              judge_prefix_low_data),
        Claim("bitfit-few-shot", "BitFit with a null prompt is competitive in few-shot classification",
              "Logan IV et al. (2022), 'Cutting Down on Prompts and Parameters': null prompts + BitFit within about "
              "1 point of prompt-based fine-tuning of all weights",
              "BitFit within 5 points of the better of fine-tuning and prompt-based fine-tuning (32 examples, "
              "roberta-base from the hub: no offline backbone has both bias terms and an MLM head)",
              # BitFit needs bias terms and the null prompt a pretrained MLM head: RoBERTa, as in the paper (from the
              # hub); no offline backbone has both (minilm-l6 has no MLM head, Llama-style decoders no biases)
              {"few-shot-bitfit": spec("few-shot-bitfit", {"backbone": "FacebookAI/roberta-base", "task": "sentiment",
                                                            "max_train_examples": 32},
                                       grid={"method": ["fine-tuning", "manual-prompt", "bitfit"]},
                                       quick={"max_eval_examples": 200, "epochs": 10, "batch_size": 8,
                                              "eval_every": 10},
                                       budget="3 runs, about 6 min")},
              judge_bitfit),
    ]


# -- running a report ------------------------------------------------------------------------------
def plan_of(report: Path) -> dict:
    return _read_json(report / "reproduce.json", {}) or {}


def run_report(jobs: JobManager, out: Path, mode: str, chosen: list[Claim], say=print, every: float = 5.0,
               wait: bool = True) -> dict:
    """Launch (or resume) every claim's studies, later stages once the earlier have finished; watch; judge."""
    out.mkdir(parents=True, exist_ok=True)
    studies = StudyStore(jobs.store)
    state = plan_of(out) or {"mode": mode, "studies": {}, "started": time.time()}
    if state["mode"] != mode:
        raise ConfigError(f"{out} holds a {state['mode']} report; write the {mode} one to another folder")
    jobs.start_background()
    have = {name: studies.get(study_id) for name, study_id in state["studies"].items()}
    for study in have.values():  # a report written again: what did not finish before runs again, once
        resume(jobs, study)
    while True:
        results = Results(jobs.store, have)
        waiting = False
        for claim in chosen:
            for name, planned in claim.studies.items():
                if name in have:
                    continue
                if callable(planned) and not isinstance(planned, StudySpec):
                    needs = [n for c in chosen for n, s in c.studies.items() if isinstance(s, StudySpec)]
                    if not all(n in have and progress(jobs.store, have[n])["complete"] for n in needs):
                        waiting = True
                        continue
                    planned = planned(results)
                study = launch(jobs, planned, "quick" if mode == "quick" else "full")
                state["studies"][name] = study.id
                _write_json(out / "reproduce.json", state)
                say(f"{name}: study {study.id}, {len(study.points())} runs")
                have[name] = study
        infos = {name: progress(jobs.store, study) for name, study in have.items()}
        done = sum(i["finished"] for i in infos.values())
        total = sum(i["total"] for i in infos.values())
        if not wait or (not waiting and all(i["complete"] for i in infos.values())):
            break
        say(f"{done}/{total} runs finished", end="\r")
        time.sleep(every)
    return write_report(jobs.store, out, mode, chosen, {name: studies.get(i) for name, i in state["studies"].items()})


def judge_all(store: RunStore, chosen: list[Claim], studies: dict[str, Study]) -> list[dict]:
    """One row per claim: the paper's figure, the lab's, the verdict, the runs and studies behind it."""
    results = Results(store, studies)
    rows = []
    for claim in chosen:
        try:
            figure, agrees = claim.judge(results)
        except Exception as error:  # noqa: BLE001 - one judge's trouble (a run folder gone) is that row's alone
            figure, agrees = f"cannot judge: {type(error).__name__}: {error}", None
        runs = [run for name in claim_studies(claim, chosen) for run in results.runs(name)]
        failed = [p for name in claim_studies(claim, chosen) for p in results._points.get(name, [])
                  if p["status"] == "failed"]
        if agrees is None and failed:  # say why there is no verdict
            figure += f" ({len(failed)} run(s) failed: {failed[0].get('error') or 'see its worker.log'})"
        rows.append({"claim": claim.text, "id": claim.id, "paper": claim.paper, "lab": figure, "rule": claim.rule,
                     "agrees": agrees, "runs": runs, "studies": {n: studies[n].id for n in claim_studies(claim, chosen)
                                                                  if n in studies}})
    return rows


def report_studies(store: RunStore, out: Path) -> tuple[str | None, dict[str, Study]]:
    """The mode and studies a report folder's reproduce.json names (those still in the lab)."""
    state, studies = plan_of(out), {}
    for name, study_id in state.get("studies", {}).items():
        try:
            studies[name] = StudyStore(store).get(study_id)
        except KeyError:
            continue
    return state.get("mode"), studies


def write_report(store: RunStore, out: Path, mode: str, chosen: list[Claim], studies: dict[str, Study]) -> dict:
    """report.md, claims.json and one ablation plot (HTML) per study. -> the claims table."""
    rows = judge_all(store, chosen, studies)
    plots = out / "plots"
    plots.mkdir(exist_ok=True)
    import plotly.offline
    (plots / "plotly.min.js").write_text(plotly.offline.get_plotlyjs())
    for name, study in studies.items():
        summary = aggregate(progress(store, study)["points"], study.plan().x)
        if summary["lines"]:
            ablation_figure(summary, f"{name}: dev metric against {study.plan().x}").write_html(
                plots / f"{name}.html", include_plotlyjs="directory")
    verdict = {True: "yes", False: "**no**", None: "no verdict"}
    lines = [f"# Prompt Lab: the seed papers' claims on the offline backbones ({mode} mode)", "",
             f"Written {time.strftime('%Y-%m-%d %H:%M')}; every figure is a dev metric (%) of runs in "
             f"`{store.root}`, the mean over the seeds that finished.", "",
             "| claim | the paper | the lab | agrees | runs |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['claim']} | {row['paper']} | {row['lab']} | {verdict[row['agrees']]} | "
                     f"{len(row['runs'])} |")
    lines += ["", "## How each claim is judged", ""]
    for row in rows:
        lines.append(f"- **{row['claim']}**: {row['rule']}. Studies: "
                     + ", ".join(f"`{n}` ({i}, plot: plots/{n}.html)" for n, i in row["studies"].items()))
    (out / "report.md").write_text("\n".join(lines) + "\n")
    _write_json(out / "claims.json", rows)
    return {"rows": rows, "report": str(out / "report.md")}


def claim_studies(claim: Claim, chosen: list[Claim]) -> list[str]:
    """The studies a claim reads: its own, or (no studies of its own) the one whose runs it shares."""
    return list(claim.studies) or (["pt2-vs-ft"] if claim.id == "shallow-behind" else [])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.reproduce", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the CPU budget (about 60 min on 2 cores)")
    parser.add_argument("--claims", nargs="+", help="claim ids (default: all)")
    parser.add_argument("--out", help="report folder (default: <runs folder>/reports/<date>-<mode>, where the web "
                                      "lab's Papers tab finds it); again: resume it")
    parser.add_argument("--runs", help="runs folder (default: $PROMPT_LAB_RUNS or ./runs)")
    parser.add_argument("--list", action="store_true", help="list the claims and exit")
    parser.add_argument("--no-wait", action="store_true", help="queue the first stage and write what is there")
    args = parser.parse_args(argv)
    every = claims()
    if args.list:
        for claim in every:
            print(f"{claim.id}: {claim.text}\n    paper: {claim.paper}\n    rule: {claim.rule}")
        return 0
    known = {c.id: c for c in every}
    unknown = sorted(set(args.claims or []) - set(known))
    if unknown:
        print(f"error: unknown claims {', '.join(unknown)} (known: {', '.join(known)})", file=sys.stderr)
        return 2
    chosen = [known[i] for i in args.claims] if args.claims else every
    if any(c.id == "shallow-behind" for c in chosen) and "close-to-ft" not in {c.id for c in chosen}:
        chosen.insert(0, known["close-to-ft"])  # its runs
    mode = "quick" if args.quick else "full"
    store = RunStore(args.runs)
    out = Path(args.out) if args.out else store.root / "reports" / f"{time.strftime('%Y%m%d-%H%M%S')}-{mode}"
    try:
        started = time.time()
        table = run_report(JobManager(store), out, mode, chosen, wait=not args.no_wait,
                           say=lambda *a, **k: print(*a, **k, flush=True))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\nstopped watching; the runs go on. Resume: python -m core.reproduce --out {out}"
              + (" --quick" if args.quick else ""))
        return 130
    print((out / "report.md").read_text())
    print(f"report: {table['report']} ({(time.time() - started) / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
