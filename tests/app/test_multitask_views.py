"""A multi-task run in the web lab: a row per task under it in the run list and Compare, a curve per task, and
each task's metric beside the single-task run of that task."""
from __future__ import annotations

import pytest

from app.tabs import compare, runs
from labtools import trained_run

SMALL = {"backbone": "tiny-encoder", "method": "p-tuning-v2", "max_steps": 2, "batch_size": 4,
         "max_train_examples": 8, "max_eval_examples": 6}


@pytest.fixture
def multi_and_single(lab):
    multi = trained_run(lab, task="ner", tasks=["srl"], **SMALL)
    single = trained_run(lab, task="ner", **SMALL)
    return multi, single


def test_compare_shows_a_row_and_a_curve_per_task_and_the_single_task_run_beside(lab, multi_and_single):
    multi, single = multi_and_single
    table, figure, _, note, _, notes = compare.compare_view([multi.id, single.id])
    ids = [row[0] for row in table]
    assert ids == [multi.id, f"{multi.id} · ner", f"{multi.id} · srl", single.id]
    final = multi.final()
    assert table[1][6].startswith(f"{final['per_task']['ner']['metric_name']} ")
    names = [trace.name for trace in figure.data]
    assert f"{multi.id} (p-tuning-v2) · ner" in names and f"{multi.id} (p-tuning-v2) · srl" in names
    assert f"{single.id} (p-tuning-v2)" in names
    assert "Multi-task vs single-task" in notes
    ner_line = next(line for line in notes.splitlines() if line.startswith("| ner |"))
    assert single.id in ner_line
    srl_line = next(line for line in notes.splitlines() if line.startswith("| srl |"))
    assert "none yet" in srl_line  # no single-task srl run in this lab
    assert note == ""


def test_the_run_list_and_the_run_view_show_each_task(lab, multi_and_single):
    multi, _ = multi_and_single
    rows = runs.with_tasks(lab.runs(None))
    ids = [r["id"] for r in rows]
    assert ids.index(f"{multi.id} · ner") == ids.index(multi.id) + 1 and f"{multi.id} · srl" in ids
    view = runs.run_view(multi.id)
    names = {trace.name for trace in view["figure"].data}
    assert {f"{multi.id} · ner", f"{multi.id} · srl"} <= names
