"""The Papers tab: every claim with the paper's figure and rule; the newest report judged live from its studies'
runs; starting a report runs core.reproduce in its own process, once at a time, and never on a shared lab
unless the operator allows it."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from app.tabs import papers
from core.reproduce import claims
from core.studies import StudySpec, StudyStore, launch


def test_every_claim_is_listed_with_the_paper_and_the_rule(lab):
    rows = papers.claims_rows()
    assert len(rows) == len(claims()) and all(len(r) == 3 and all(r) for r in rows)
    assert papers.report_view() == (papers.S.PAPERS_NO_REPORT, None)


def test_the_newest_report_is_judged_live_from_its_runs(lab):
    spec = StudySpec(name="pt2-vs-ft", base={"backbone": "tiny-encoder", "max_steps": 1},
                     variants=[{"task": t, "method": m} for t in ("sentiment", "ner", "qa")
                               for m in ("fine-tuning", "p-tuning-v2")], x="method")
    study = launch(lab.jobs, spec)
    for point, value in zip(study.points(), (0.90, 0.89, 0.85, 0.84, 0.80, 0.79)):
        lab.store.update_index(point["run"], status="finished", best_metric=value, metric_name="m")
    folder = papers.reports_folder() / "20260101-000000-quick"
    folder.mkdir(parents=True)
    (folder / "reproduce.json").write_text(json.dumps({"mode": "quick", "studies": {"pt2-vs-ft": study.id}}))
    line, rows = papers.report_view()
    assert "6 of 6 runs finished" in line and "quick" in line
    by_claim = {r[0]: r for r in rows}
    close = by_claim["P-tuning v2 comes close to fine-tuning on classification, tagging and QA"]
    assert close[3] == papers.VERDICT[True] and "qa 79.0 vs 80.0" in close[2]
    shallow = by_claim["Shallow prompt tuning is far behind on tagging and QA at small scale"]
    assert shallow[3] == papers.VERDICT[None]  # its prompt-tuning runs are not in this report


def test_start_runs_the_report_in_its_own_process_once_at_a_time(lab, monkeypatch):
    started = []

    class Child:
        pid = os.getpid()  # a live process, so the report counts as running

    def popen(command, **kwargs):
        started.append((command, kwargs))
        return Child()
    monkeypatch.setattr(subprocess, "Popen", popen)
    assert "started" in papers.start(quick=True)
    ((command, kwargs),) = started
    assert command[1:3] == ["-m", "core.reproduce"] and "--quick" in command
    assert command[command.index("--runs") + 1] == str(lab.root) and kwargs["start_new_session"] is True
    assert command[command.index("--out") + 1].startswith(str(lab.root / "reports"))
    assert papers.running()
    with pytest.raises(ValueError, match="already running"):
        papers.start(quick=True)


def test_a_shared_lab_starts_no_report_unless_the_operator_allows(lab, monkeypatch):
    lab.shared = True
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail("started a report"))
    with pytest.raises(ValueError, match="operator has not enabled"):
        papers.start(quick=True)
    assert not StudyStore(lab.store).list()
