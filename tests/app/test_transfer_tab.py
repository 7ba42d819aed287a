"""The Transfer tab: the shipped preset shown with its budgets; the newest transfer report shown live (progress,
then heatmaps and tables); starting one runs core.transfer in its own process, once at a time, and never on a
shared lab unless the operator allows it."""
from __future__ import annotations

import json
import math
import os
import subprocess

import pytest

from app.tabs import transfer
from core import transfer_study as ts
from core.studies import StudySpec, StudyStore, launch

RESULTS = {
    "tasks": ["sentiment", "reviews"], "seed": 1, "notes": [],
    "pairs": {"qualified": [["sentiment", "reviews", "same label set (negative, positive)"]],
              "refused": [["sentiment", "nli", "label sets differ"]]},
    "zero_shot": {"tasks": ["sentiment", "reviews"], "metric": {"sentiment": "accuracy", "reviews": "accuracy"},
                  "absolute": {"sentiment": {"sentiment": 0.8, "reviews": 0.6}, "reviews": {"sentiment": 0.7,
                                                                                             "reviews": 0.75}},
                  "relative": {"sentiment": {"sentiment": 1.0, "reviews": 0.8}, "reviews": {"sentiment": 0.875,
                                                                                             "reviews": 1.0}},
                  "refused": {}},
    "init": [{"source": "sentiment", "target": "reviews", "n": 1, "metric": "accuracy", "scratch_best": 0.75,
              "scratch_final": 0.7, "best": 0.8, "final": 0.8, "gain": 0.05, "speedup": 2.0, "never_reached": 0},
             {"source": "reviews", "target": "sentiment", "n": 1, "metric": "accuracy", "scratch_best": 0.8,
              "scratch_final": 0.8, "best": 0.82, "final": 0.81, "gain": 0.02, "speedup": math.inf,
              "never_reached": 0}],
    "init_runs": [],
    "similarity": [{"source": "sentiment", "target": "reviews", "gain": 0.05, "cosine": 0.4, "on": 0.6},
                   {"source": "reviews", "target": "sentiment", "gain": 0.02, "cosine": 0.4, "on": 0.5}],
    "correlation": {"cosine": {"rho": None, "p": None, "note": "a rank correlation needs at least 3 pairs"},
                    "on": {"rho": None, "p": None, "note": "a rank correlation needs at least 3 pairs"}},
    "ppt": [{"target": "sentiment", "init": "random", "metric": "accuracy", "n": 1, "best": 0.6, "final": 0.6,
             "speedup_vs_random": None},
            {"target": "sentiment", "init": "ppt", "metric": "accuracy", "n": 1, "best": 0.7, "final": 0.65,
             "speedup_vs_random": 1.5}],
}


def test_the_preset_is_shown_and_no_report_says_how_to_make_one(lab):
    view = transfer.preset_view()
    assert "**quick**: tasks sentiment, nli, ner" in view and "2-core CPU" in view and "**full**" in view
    shown = transfer.report_view()
    assert shown["status"] == transfer.S.TRANSFER_NO_REPORT and shown["zero_shot"] is None


def test_the_newest_report_shows_progress_then_plots_and_tables(lab):
    study = launch(lab.jobs, StudySpec(name="tiny-sources", base={"backbone": "tiny-encoder", "max_steps": 1,
                                                                  "method": "prompt-tuning"},
                                       grid={"task": ["sentiment", "nli"]}))
    first = study.points()[0]["run"]
    lab.store.update_index(first, status="finished", best_metric=0.8, metric_name="accuracy")
    folder = transfer.transfers_folder() / "20260101-000000-quick"
    folder.mkdir(parents=True)
    state = {"kind": "transfer", "id": "x", "name": "transfer", "mode": "quick", "studies": {"sources": study.id}}
    (folder / "transfer.json").write_text(json.dumps(state))
    waiting = transfer.report_view()
    assert "1 of 2 runs finished" in waiting["status"] and "quick" in waiting["status"]
    assert waiting["report"] == transfer.S.TRANSFER_WAITING and waiting["speedup"] is None

    plan = ts.TransferSpec.from_dict({"name": "transfer", "tasks": ["sentiment", "reviews"],
                                      "base": {"backbone": "tiny-encoder", "method": "prompt-tuning"},
                                      "ppt": {"targets": ["sentiment"], "texts_from": ["qa"]}})
    ts.write_transfer(folder, state, plan, RESULTS)
    done = transfer.report_view()
    assert done["signature"] != waiting["signature"]
    assert "## 1. Zero-shot transfer" in done["report"] and "| sentiment → reviews | 75.0 | 80.0 | +5.0" in done["report"]
    assert "∞ (at once)" in done["report"] and "| sentiment | ppt | 70.0 | 65.0 | 1.50× | 1 |" in done["report"]
    heat = done["zero_shot"].data[0]
    assert list(heat.x) == ["sentiment", "reviews"] and heat.z[0][1] == 0.8
    assert done["speedup"].data[0].z[1][0] == 10.0  # inf drawn at the top of the scale
    assert len(done["similarity"].data) == 2  # cosine and ON
    assert (folder / "plots" / "zero-shot.html").is_file() and (folder / "plots" / "plotly.min.js").is_file()


def test_start_runs_the_study_in_its_own_process_once_at_a_time(lab, monkeypatch):
    started = []

    class Child:
        pid = os.getpid()  # a live process, so the study counts as running

    def popen(command, **kwargs):
        started.append((command, kwargs))
        return Child()
    monkeypatch.setattr(subprocess, "Popen", popen)
    assert "started" in transfer.start(quick=True)
    ((command, kwargs),) = started
    assert command[1:3] == ["-m", "core.transfer"] and "--quick" in command
    assert command[command.index("--config") + 1] == str(transfer.PRESET)
    assert command[command.index("--runs") + 1] == str(lab.root) and kwargs["start_new_session"] is True
    assert command[command.index("--out") + 1].startswith(str(lab.root / "transfers"))
    assert "shell" not in kwargs and transfer.running()
    with pytest.raises(ValueError, match="already running"):
        transfer.start(quick=False)


def test_a_shared_lab_starts_no_study_unless_the_operator_allows(lab, monkeypatch):
    lab.shared = True
    monkeypatch.delenv(transfer.ALLOW, raising=False)
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail("started a transfer study"))
    with pytest.raises(ValueError, match="operator has not enabled"):
        transfer.start(quick=True)
    assert not StudyStore(lab.store).list() and not transfer.transfers_folder().exists()
    started = []

    class Child:
        pid = 999999999  # not alive: a finished study does not block the next

    monkeypatch.setenv(transfer.ALLOW, "1")
    monkeypatch.setattr(subprocess, "Popen", lambda command, **k: started.append(command) or Child())
    assert "started" in transfer.start(quick=False) and "--quick" not in started[0]
    assert not transfer.running()
