"""The transfer study as a first-class study (core/transfer_study.py section 6, core/transfer.py): the spec and
its errors, the stages planned as ordinary studies, and one tiny end-to-end run on tiny-encoder (stage 1,
stage 2, PPT, analysis, report) that resumes without training anything twice."""
import json
import math
import time
from pathlib import Path

import pytest

from core import transfer as cli
from core import transfer_study as ts
from core.config import ConfigError
from core.data import load_task
from core.jobs import JobManager
from core.runs import RunStore
from core.studies import StudyStore, study_presets

PRESET = Path(__file__).resolve().parents[2] / "presets" / "transfer" / "transfer.yaml"
TINY = {"backbone": "tiny-encoder", "method": "prompt-tuning", "prompt_length": 4, "max_train_examples": 16,
        "max_eval_examples": 8, "max_steps": 2, "eval_every": 1, "batch_size": 4}


def spec(**changes) -> dict:
    return {"kind": "transfer", "name": "tiny", "tasks": ["sentiment", "nli"], "base": dict(TINY), "seeds": [1],
            **changes}


# -- the spec ------------------------------------------------------------------------------------------

def test_the_shipped_preset_is_valid_states_its_budget_and_is_not_a_study_preset():
    preset = ts.load_transfer_spec("transfer")
    assert preset.to_dict() == ts.TransferSpec.from_yaml(PRESET.read_text()).to_dict()
    quick = preset.for_mode("quick")
    assert quick.tasks == ["sentiment", "nli", "ner"] and quick.seeds == [1]
    assert quick.base["max_steps"] <= 100 and quick.base["eval_every"] == 10
    assert quick.ppt["examples"] == 32 and quick.ppt["targets"] == ["sentiment"] and quick.ppt["n"] == 300
    assert "2-core CPU" in preset.budget["quick"] and set(preset.budget) == {"quick", "full"}
    assert "transfer" not in study_presets()  # presets/studies is read as StudySpecs only


@pytest.mark.parametrize("changes, message", [
    ({"color": "red"}, "unknown keys color"),
    ({"kind": "study"}, "kind must be 'transfer'"),
    ({"tasks": ["sentiment"]}, "two or more tasks"),
    ({"tasks": ["sentiment", "sentiment"]}, "repeats a task"),
    ({"base": {**TINY, "task": "nli"}}, "base sets task, which the study sets per run"),
    ({"base": {**TINY, "lernrate": 1}}, "base names unknown config fields lernrate"),
    ({"base": {**TINY, "method": "fine-tuning"}}, "trains no soft prompt"),
    ({"base": {**TINY, "max_steps": -1}}, "a planned run is not valid"),
    ({"seeds": [1, 1]}, "seeds must be a list of different"),
    ({"ppt": {"targets": ["sentiment"]}}, "ppt.texts_from must list"),
    ({"ppt": {"targets": ["sentiment"], "texts_from": ["qa"], "shots": 8}}, "ppt has unknown keys shots"),
    ({"ppt": {"targets": ["sentiment"], "texts_from": ["qa"], "kind": "cloze"}}, "ppt.kind must be one of"),
    ({"modes": {"quick": {"tasks": ["sentiment"]}}}, r"two or more tasks.* \(in mode quick\)"),
    ({"modes": {"quick": {"init_from": ["x"]}}}, "modes.quick sets init_from"),
])
def test_spec_errors_name_the_key_at_fault(changes, message):
    with pytest.raises(ConfigError, match=message):
        ts.TransferSpec.from_dict(spec(**changes))


def test_modes_override_fields_tasks_seeds_and_ppt():
    plan = ts.TransferSpec.from_dict(spec(
        ppt={"targets": ["sentiment"], "texts_from": ["qa"], "n": 100, "pretraining": {"lr": 0.1}},
        modes={"quick": {"max_steps": 1, "tasks": ["sentiment", "ner"], "seeds": [7],
                         "ppt": {"n": 8, "pretraining": {"max_steps": 3}}}, "full": {}}))
    quick = plan.for_mode("quick")
    assert quick.base["max_steps"] == 1 and quick.tasks == ["sentiment", "ner"] and quick.seeds == [7]
    assert quick.ppt["n"] == 8 and quick.ppt["pretraining"] == {"lr": 0.1, "max_steps": 3}
    assert plan.for_mode("full").tasks == ["sentiment", "nli"]
    with pytest.raises(ConfigError, match="mode must be one of quick, full"):
        plan.for_mode("medium")


def test_stage_two_starts_each_target_from_each_other_source_of_its_seed():
    plan = ts.TransferSpec.from_dict(spec(tasks=["sentiment", "nli", "ner"], seeds=[1, 2]))
    sources = {(t, s): f"/runs/{t}-{s}" for t in plan.tasks for s in (1, 2) if (t, s) != ("ner", 2)}
    study = ts.init_study(plan, sources, 2)
    changes = [p["changes"] for p in study.points()]
    assert {(c["task"], c["label"]) for c in changes} == {("sentiment", "from nli"), ("nli", "from sentiment"),
                                                         ("ner", "from sentiment"), ("ner", "from nli")}
    assert all(c["init_from"] == [f"/runs/{c['label'][5:]}-2"] for c in changes)  # the same seed's source
    assert {p["seed"] for p in study.points()} == {2}
    assert ts.init_study(plan, {}, 1) is None
    stage_one = ts.sources_study(plan)
    assert len(stage_one.points()) == 6 and stage_one.x == "task"


def test_ppt_few_shot_arms_and_report_numbers_round_trip(tmp_path):
    plan = ts.TransferSpec.from_dict(spec(ppt={"targets": ["sentiment"], "texts_from": ["qa"], "examples": 32}))
    arms = ts.ppt_study(plan, "sentiment", "/runs/pre")
    assert [v["label"] for v in arms.variants] == ["random", "vocab", "ppt"]
    assert arms.variants[2]["init_from"] == ["/runs/pre"] and arms.base["max_train_examples"] == 32
    deep = ts.TransferSpec.from_dict(spec(base={**TINY, "method": "p-tuning-v2"},
                                          ppt={"targets": ["sentiment"], "texts_from": ["qa"]}))
    assert [v["label"] for v in ts.ppt_study(deep, "sentiment", "/p").variants] == ["random", "ppt"]
    results = {"tasks": ["a", "b"], "init": [{"source": "a", "target": "b", "speedup": math.inf, "gain": 0.1}]}
    assert json.loads(json.dumps(ts._json_safe(results)))["init"][0]["speedup"] == "inf"
    assert ts._from_json(ts._json_safe(results)) == results


# -- end to end on tiny-encoder ----------------------------------------------------------------------

@pytest.mark.slow
def test_a_tiny_transfer_study_runs_its_stages_reports_and_resumes(tmp_path):
    reviews = tmp_path / "reviews"  # a second sentiment task with the same labels: a zero-shot pair qualifies
    reviews.mkdir()
    lines = (Path(__file__).resolve().parents[2] / "presets/data/sentiment/dev.jsonl").read_text().splitlines()
    (reviews / "train.jsonl").write_text("\n".join(lines[:40]) + "\n")
    (reviews / "dev.jsonl").write_text("\n".join(lines[40:60]) + "\n")
    the_spec = ts.TransferSpec.from_dict(spec(
        tasks=["sentiment", str(reviews)], on_examples=4, zero_shot_examples=8,
        ppt={"targets": ["sentiment"], "texts_from": ["qa"], "n": 16, "examples": 8}))
    store = RunStore(tmp_path / "runs")
    jobs = JobManager(store, max_concurrent=2)
    out = store.root / "transfers" / "tiny"
    started = time.time()
    results = ts.run_transfer(jobs, the_spec, None, out, say=lambda *a, **k: None, every=0.5)
    assert time.time() - started < 600
    state = json.loads((out / "transfer.json").read_text())
    assert set(state["studies"]) == {"sources", "init-seed1", "ppt-pretrain", "ppt:sentiment"}
    assert len(store.list()) == 2 + 2 + 1 + 3 and all(r["status"] == "finished" for r in store.list())

    # stage 2 starts from stage 1's trained prompts
    studies = StudyStore(store)
    sources = {p["changes"]["task"]: p["run"] for p in studies.get(state["studies"]["sources"]).points()}
    for point in studies.get(state["studies"]["init-seed1"]).points():
        source = point["changes"]["label"].removeprefix("from ")
        assert store.get(point["run"]).config()["init_from"] == [str(store.root / sources[source])]

    # PPT: its data inside the runs folder, its prompt starting the few-shot arm
    data = store.root / ts.PPT_DATA / state["id"]
    assert (data / "train.jsonl").is_file() and load_task(str(data)).labels == ["next", "random"]
    (pre,) = studies.get(state["studies"]["ppt-pretrain"]).points()
    assert store.get(pre["run"]).config()["task"] == str(data)
    arms = {p["changes"]["label"]: p["run"] for p in studies.get(state["studies"]["ppt:sentiment"]).points()}
    assert store.get(arms["ppt"]).config()["init_from"] == [str(store.root / pre["run"])]
    assert store.get(arms["vocab"]).config()["prompt_init"] == "vocab"
    assert store.get(arms["random"]).config()["max_train_examples"] == 8
    assert {r["init"] for r in results["ppt"]} == {"random", "vocab", "ppt"}

    # the analysis
    zero = results["zero_shot"]
    assert zero["relative"]["sentiment"]["sentiment"] == 1.0 or zero["absolute"]["sentiment"]["sentiment"] == 0
    assert zero["absolute"]["sentiment"][str(reviews)] is not None  # same label set: qualifies
    assert {(r["source"], r["target"]) for r in results["init"]} == {("sentiment", str(reviews)),
                                                                      (str(reviews), "sentiment")}
    row = results["init"][0]
    assert math.isclose(row["gain"], row["best"] - row["scratch_best"])
    assert all(-1 <= e["cosine"] <= 1 and 0 <= e["on"] <= 1 for e in results["similarity"])
    assert "at least 3 pairs" in results["correlation"]["cosine"]["note"]  # two pairs: no Spearman
    report = (out / "transfer.md").read_text()
    for part in ("## 1. Zero-shot transfer", "Relative score", "## 2. Transfer as initialisation",
                 "Speed-up matrix", "## 3. Prompt similarity", "Spearman", "## 4. Prompt pre-training (PPT)",
                 "| sentiment → reviews |", "| reviews → sentiment |", "same label set"):
        assert part in report, part
    for plot in ("zero-shot.html", "speedup.html", "similarity.html", "plotly.min.js"):
        assert (out / "plots" / plot).is_file(), plot
    assert 'src="plotly.min.js"' in (out / "plots" / "speedup.html").read_text()
    assert ts.read_results(out)["tasks"] == the_spec.tasks

    # again: resumes, trains nothing twice; another mode refuses the folder
    before = len(store.list())
    ts.run_transfer(jobs, the_spec, None, out, say=lambda *a, **k: None, every=0.5)
    assert len(store.list()) == before
    with pytest.raises(ConfigError, match=r"holds transfer study 'tiny' \(mode none\)"):
        ts.run_transfer(jobs, the_spec, "quick", out, say=lambda *a, **k: None)


def test_the_cli_refuses_an_unknown_preset_and_lists_the_shipped_one(capsys, tmp_path):
    assert cli.main(["--config", "no-such", "--runs", str(tmp_path)]) == 2
    assert "neither a transfer preset (transfer) nor a YAML file" in capsys.readouterr().err
    assert cli.main(["--list"]) == 0
    assert "quick: tasks sentiment, nli, ner" in capsys.readouterr().out
