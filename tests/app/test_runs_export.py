"""Runs tab: a finished run's PEFT adapter is offered as a zip beside its files, built server-side from a
run the visitor may see, with the lines that load it; a run PEFT cannot reproduce shows the reason instead."""
import json
import zipfile
from pathlib import Path

from safetensors.torch import save_file

from app import strings as S
from app.tabs import runs
from core.api import RunConfig, peft_export
from core.backbones import load_backbone
from core.methods import build_model
from tests.conftest import tiny_task


def finished_run(lab, owner=None, task="sentiment", **settings):
    """A finished run folder holding a real model's trained parameters (tiny encoder, 2 labels)."""
    config = RunConfig(task=task, backbone="tiny-encoder", method="p-tuning-v2", prompt_length=4, max_length=64,
                       epochs=1, **settings)
    run = lab.store.create(config, owner=owner)
    model = build_model(config, load_backbone("tiny-encoder", seed=0), tiny_task("classification"))
    save_file(model.trainable_state_dict(), str(run.weights))
    run.write_final({"family": "classification", "best_metric": 0.5, "metric_name": "accuracy"})
    run.set_status("finished", step=1, total_steps=1)
    return run


def test_a_run_peft_reproduces_is_offered_as_a_zip_with_its_loading_code(lab):
    run = finished_run(lab, layout="peft")
    view = runs.run_view(run.id)
    names = [Path(f).name for f in view["files"]]
    assert names == ["config.yaml", "trained.safetensors", "final.json", f"{run.id}-peft.zip"]
    assert not any(f.startswith(str(lab.root)) for f in view["files"])  # built in a temp folder, never the runs folder
    archive = zipfile.ZipFile(view["files"][-1])
    config = json.loads(archive.read(f"{run.id}-peft/adapter_config.json"))
    assert config["peft_type"] == "PREFIX_TUNING" and config["task_type"] == "SEQ_CLS"
    assert "pooler" in config["modules_to_save"]  # PEFT's layout: BERT's pooler travels with the head
    assert "**Export to PEFT:**" in view["export"] and "PREFIX_TUNING (SEQ_CLS)" in view["export"]
    assert ("model = PeftModel.from_pretrained(AutoModelForSequenceClassification.from_pretrained("
            in view["export"]) and "num_labels=2" in view["export"] and f'"{run.id}-peft"' in view["export"]


def test_a_run_peft_cannot_reproduce_shows_why(lab):
    run = finished_run(lab)  # layout lab: positions not shifted under the prefix
    view = runs.run_view(run.id)
    assert [Path(f).name for f in view["files"]] == ["config.yaml", "trained.safetensors", "final.json"]
    assert view["export"].startswith(S.PEFT_REFUSED.split("{")[0])
    assert "layout 'peft'" in view["export"] and "--layout peft" in view["export"]
    assert "reason" in peft_export(str(run.path)) and "zip" not in peft_export(str(run.path))


def test_unfinished_runs_offer_nothing(lab):
    run = finished_run(lab, layout="peft")
    run.set_status("running", step=1, total_steps=5)
    view = runs.run_view(run.id)
    assert view["files"] == [] and view["export"] == ""


def test_the_timer_builds_the_zip_only_when_the_run_changes(lab, monkeypatch):
    run = finished_run(lab, layout="peft")
    calls = []
    monkeypatch.setattr(runs, "peft_export", lambda *a, **k: calls.append(a) or {"reason": "counted"})
    out, seen = runs.refresh(run.id, None)
    assert "counted" in out["export"] and len(calls) == 1
    for _ in range(3):
        again, seen = runs.refresh(run.id, seen)
        assert "files" not in again and "export" not in again
    assert len(calls) == 1


def test_another_visitors_private_run_is_never_exported(lab, monkeypatch):
    monkeypatch.setattr(lab, "shared", True)
    run = finished_run(lab, owner="visitor-a", task=str(lab.uploads / "mine.csv"), layout="peft")
    assert runs.run_view(run.id, owner="visitor-b")["files"] == []
    assert runs.run_downloads(run.id, "visitor-b") == ([], "")
    assert runs.run_downloads("../" + run.id, "visitor-a") == ([], "")  # ids are names, never paths
    files, export = runs.run_downloads(run.id, "visitor-a")
    assert Path(files[-1]).name == f"{run.id}-peft.zip" and "PeftModel" in export


def test_trained_parameters_stay_untouched_by_an_export(lab):
    run = finished_run(lab, layout="peft")
    before = run.weights.read_bytes()
    runs.run_view(run.id)
    assert run.weights.read_bytes() == before
    assert sorted(p.name for p in run.path.iterdir()) == ["config.yaml", "final.json", "status.json",
                                                          "trained.safetensors"]  # nothing written in the run
