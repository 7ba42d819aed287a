"""The claims report (core/reproduce.py): every claim states the paper's figure and its rule and plans valid
studies; each judge says yes, no or "no verdict" from its runs' figures as its rule says; a report runs its
stages in order, writes report.md / claims.json / plots, and resumes its own studies when run again."""
from __future__ import annotations

import json
import time

import pytest

from core import reproduce
from core.jobs import JobManager
from core.reproduce import Claim, Results, claims, run_report
from core.runs import RunStore
from core.studies import StudySpec, StudyStore


def fake(points: dict[str, list[tuple[dict, float | None]]]) -> Results:
    """Results over hand-made finished points: {study: [(changes, metric 0-1 or None)]}."""
    results = Results.__new__(Results)
    results.store, results.studies = None, {}
    results._points = {study: [{"changes": changes, "seed": 1, "run": f"{study}-{i}",
                                "status": "finished" if metric is not None else "failed", "metric": metric}
                               for i, (changes, metric) in enumerate(rows)] for study, rows in points.items()}
    return results


def test_every_claim_states_its_paper_figure_and_rule_and_plans_valid_studies():
    every = claims()
    assert len({c.id for c in every}) == len(every) >= 11
    for claim in every:
        assert claim.text and claim.paper and claim.rule, claim.id
        for name, planned in claim.studies.items():
            if isinstance(planned, StudySpec):
                for mode in ("quick", "full"):
                    plan = planned.for_mode(mode)
                    for point in plan.points():
                        plan.config(point["changes"], point["seed"], "runs")
                assert len(planned.for_mode("quick").seeds) == 1, name  # the CPU budget: one seed


def test_close_to_fine_tuning_and_shallow_behind():
    rows = {"pt2-vs-ft": [({"task": t, "method": m}, v) for t, m, v in [
        ("sentiment", "fine-tuning", 0.90), ("sentiment", "p-tuning-v2", 0.88), ("ner", "fine-tuning", 0.85),
        ("ner", "p-tuning-v2", 0.83), ("qa", "fine-tuning", 0.80), ("qa", "p-tuning-v2", 0.70),
        ("ner", "prompt-tuning", 0.60), ("qa", "prompt-tuning", 0.20)]]}
    text, agrees = reproduce.judge_close_to_ft(fake(rows))
    assert agrees is False and "largest gap 10.0" in text  # qa 10 points behind: not "close"
    rows["pt2-vs-ft"][5] = ({"task": "qa", "method": "p-tuning-v2"}, 0.78)
    assert reproduce.judge_close_to_ft(fake(rows))[1] is True
    assert reproduce.judge_shallow_behind(fake(rows))[1] is True
    rows["pt2-vs-ft"][6] = ({"task": "ner", "method": "prompt-tuning"}, 0.80)
    assert reproduce.judge_shallow_behind(fake(rows))[1] is False
    rows["pt2-vs-ft"][1] = ({"task": "sentiment", "method": "p-tuning-v2"}, None)  # a failed run: no verdict
    assert reproduce.judge_close_to_ft(fake(rows))[1] is None


def test_length_depth_and_reparameterization_judges():
    length = {"prompt-length": [({"task": "sentiment", "prompt_length": 4}, 0.9), ({"task": "sentiment",
                                                                                     "prompt_length": 32}, 0.8),
                                ({"task": "ner", "prompt_length": 4}, 0.6), ({"task": "ner", "prompt_length": 32}, 0.7)]}
    assert reproduce.judge_length(fake(length)) == ("best length: sentiment 4, ner 32", True)
    length["prompt-length"][0] = ({"task": "sentiment", "prompt_length": 4}, 0.5)
    length["prompt-length"][3] = ({"task": "ner", "prompt_length": 32}, 0.55)
    assert reproduce.judge_length(fake(length)) == ("best length: sentiment 32, ner 4", False)
    length["prompt-length"][2] = ({"task": "ner", "prompt_length": 4}, 0.1)
    assert reproduce.judge_length(fake(length)) == ("best length: sentiment 32, ner 32", False)  # no preference
    depth = {"depth": [({"task": "ner", "prompt_layers": "bottom:2"}, 0.5), ({"task": "ner", "prompt_layers": "top:2"},
                                                                             0.7)]}
    assert reproduce.judge_depth(fake(depth))[1] is True
    depth["depth"][1] = ({"task": "ner", "prompt_layers": "top:2"}, 0.4)
    assert reproduce.judge_depth(fake(depth))[1] is False
    assert reproduce.judge_depth(fake({}))[1] is None
    reparam = {"reparameterization": [({"task": "sentiment", "reparameterize": True}, 0.80),
                                      ({"task": "sentiment", "reparameterize": False}, 0.90),
                                      ({"task": "ner", "reparameterize": True}, 0.80),
                                      ({"task": "ner", "reparameterize": False}, 0.70)]}
    assert reproduce.judge_reparameterization(fake(reparam))[1] is True  # helps one, hurts the other
    reparam["reparameterization"][2] = ({"task": "ner", "reparameterize": True}, 0.60)
    assert reproduce.judge_reparameterization(fake(reparam))[1] is False  # hurts both by 10: not "little"


def test_template_and_ptuning_judges():
    rows = {"templates": [({"template": i}, v) for i, v in [(1, 0.70), (2, 0.71), (3, 0.60), (4, 0.66)]],
            "fact-templates": [({"template": i}, v) for i, v in [(0, 0.20), (1, 0.21)]],
            "fact-ptuning": [({}, 0.35)]}
    text, agrees = reproduce.judge_one_word(fake(rows))
    assert agrees is True and "largest move 6.0" in text
    assert reproduce.judge_ptuning_beats_manual(fake(rows))[1] is True
    rows["fact-ptuning"] = [({}, 0.10)]
    assert reproduce.judge_ptuning_beats_manual(fake(rows))[1] is False


@pytest.mark.slow
def test_a_report_runs_its_stages_in_order_writes_its_files_and_resumes(tmp_path):
    store = RunStore(tmp_path / "runs")
    jobs = JobManager(store, max_concurrent=1)
    tiny = {"task": "sentiment", "backbone": "tiny-encoder", "method": "prompt-tuning", "max_train_examples": 8,
            "max_eval_examples": 8, "max_steps": 2, "batch_size": 4, "prompt_length": 4}

    def targets(r: Results) -> StudySpec:  # stage 2: from the first stage's trained prompt
        (source,) = r.points("source")
        return StudySpec(name="target", base=tiny, variants=[{"label": "scratch"}, {
            "label": "warm", "init_from": [str(store.root / source["run"])]}], x="label",
            modes={"quick": {"seeds": [1]}, "full": {}})

    claim = Claim("tiny", "a tiny claim", "paper: 1.0", "the target's warm run finishes",
                  {"source": StudySpec(name="source", base=tiny, grid={"lr": [1e-2]}, modes={"quick": {}, "full": {}}),
                   "target": targets},
                  lambda r: (f"warm {r.mean('target', label='warm'):.1f}", True) if r.points("target", label="warm")
                  else ("no warm run", None))
    out = tmp_path / "report"
    started = time.time()
    table = run_report(jobs, out, "quick", [claim], say=lambda *a, **k: None, every=0.5)
    assert time.time() - started < 300
    (row,) = table["rows"]
    assert row["agrees"] is True and row["lab"].startswith("warm ") and len(row["runs"]) == 3
    state = json.loads((out / "reproduce.json").read_text())
    assert set(state["studies"]) == {"source", "target"}
    target = StudyStore(store).get(state["studies"]["target"])
    warm = next(p for p in target.points() if p["changes"]["label"] == "warm")
    assert store.get(warm["run"]).config()["init_from"] == [str(store.root / row["runs"][0])]
    report = (out / "report.md").read_text()
    assert "| a tiny claim | paper: 1.0 | warm" in report and "| yes | 3 |" in report
    assert (out / "plots" / "target.html").is_file() and (out / "plots" / "plotly.min.js").is_file()
    runs_before = len(store.list())
    run_report(jobs, out, "quick", [claim], say=lambda *a, **k: None, every=0.5)  # again: nothing re-run
    assert len(store.list()) == runs_before
    with pytest.raises(Exception, match="holds a quick report"):
        run_report(jobs, out, "full", [claim], say=lambda *a, **k: None)


def test_the_transfer_judge_reads_the_convergence_speedup():
    r = fake({"transfer-targets": [({"task": "sentiment", "label": "scratch"}, 0.80),
                                   ({"task": "sentiment", "label": "nli"}, 0.82)]})
    for point in r._points["transfer-targets"]:
        point["metric_name"] = "accuracy"
    curves = {"scratch": [0.5, 0.6, 0.7, 0.8], "nli": [0.5, 0.75, 0.8, 0.82]}
    r.rows = lambda study, task=None, label=None: ([[{"step": 10 * i, "dev_accuracy": v}
                                                     for i, v in enumerate(curves[label])]] if task == "sentiment" else [])
    text, agrees = reproduce.judge_transfer(r)
    assert agrees is True and "nli → sentiment: speed-up 3.00x" in text  # 90% of 0.8: step 30 vs step 10
    curves["nli"] = [0.5, 0.55, 0.6, 0.65]  # never reaches it: no speed-up can be stated
    assert reproduce.judge_transfer(r)[1] is None


def test_reparameterization_is_judged_at_each_settings_best_rate():
    rows = {"reparameterization": [({"task": t, "reparameterize": flag, "lr": lr}, v) for t, flag, lr, v in [
        ("sentiment", True, 1e-3, 0.84), ("sentiment", True, 1e-2, 0.50), ("sentiment", False, 1e-3, 0.70),
        ("sentiment", False, 1e-2, 0.85), ("ner", True, 1e-3, 0.78), ("ner", True, 1e-2, 0.0),
        ("ner", False, 1e-3, 0.60), ("ner", False, 1e-2, 0.79)]]}
    text, agrees = reproduce.judge_reparameterization(fake(rows))
    assert agrees is True and "sentiment -1.0" in text and "ner -1.0" in text  # not the 1e-2 MLP's collapse


def test_a_claim_without_verdict_says_which_runs_failed_and_why(tmp_path):
    from core.reproduce import judge_all
    from core.studies import launch
    store = RunStore(tmp_path / "runs")
    jobs = JobManager(store, max_concurrent=1)
    study = launch(jobs, StudySpec(name="few-shot-bitfit", base={"task": "sentiment", "backbone": "tiny-encoder"},
                                   grid={"method": ["bitfit"]}))
    store.get(study.points()[0]["run"]).set_status("failed", error="MethodError: no bias terms")
    (row,) = judge_all(store, [c for c in claims() if c.id == "bitfit-few-shot"], {"few-shot-bitfit": study})
    assert row["agrees"] is None and "1 run(s) failed: MethodError: no bias terms" in row["lab"]
