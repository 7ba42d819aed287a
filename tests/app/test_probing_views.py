"""The web lab on a probing run (the facts preset): Inspect's relations and facts tables and typed
facts, Compare's P@1 per relation, the Train form's relation-wise template choice, and the
classroom's relation view (templates of one relation, P-tuning's P@1 on it)."""
from __future__ import annotations

import pytest

from app import strings as S
from app.tabs import classroom, compare, inspect, train
from core.api import RunConfig
from labtools import trained_run


@pytest.fixture
def probing_run(lab):
    """A P-tuning run on the facts preset, trained for two steps by a real worker's recorder."""
    return trained_run(lab, task="facts", backbone="tiny-decoder", method="p-tuning", max_steps=2, batch_size=4,
                       max_train_examples=8, max_eval_examples=12)


def test_inspect_shows_relations_and_the_top_objects_of_each_fact(probing_run):
    view = inspect.load_run(probing_run.id)
    assert view["view"] == "facts" and view["second"] and view["error"] == ""
    assert len(view["table"]) == 12 and all(len(row[4].split(" · ")) == 5 for row in view["table"] if row[6] != S.DROPPED)
    relations = {row[0]: row for row in view["relations"]}
    assert relations and all(row[1].startswith("[P") or "[X]" in row[1] for row in relations.values())
    assert "dev facts scored" in view["summary"]


def test_typed_fact_fills_the_object_and_an_unknown_relation_is_a_message(probing_run):
    out = inspect.predict(probing_run.id, "France", "capital")
    assert out["view"] == "facts" and out["error"] == "" and len(out["label"]) >= 1
    out = inspect.predict(probing_run.id, "France", "favourite food")
    assert "relations are" in out["error"] and "capital" in out["error"]
    out = inspect.predict(probing_run.id, "France", "")
    assert "relation" in out["error"]


def test_compare_puts_each_runs_p_at_1_per_relation_side_by_side(probing_run):
    *_, relations = compare.compare_view([probing_run.id])
    assert S.RELATIONS_COMPARED in relations and "| capital |" in relations and "**macro**" in relations


def test_train_form_offers_each_relations_ith_template():
    choices = train.template_choices({"source": "preset", "preset": "facts"})
    assert [value for _, value in choices] == list(range(len(choices))) and len(choices) >= 3
    assert choices[0][0].startswith("template 1 of each relation") and "[X]" in choices[0][0]


def test_classroom_scores_one_relations_templates_in_order(monkeypatch):
    def fake_scores(task, backbone, entries, max_examples):
        assert all("verbalizer" not in e for e in entries)
        return [{"name": e["name"], "template": e["template"], "verbalizer": {}, "accuracy": 0.1 * i,
                 "macro_f1": None} for i, e in enumerate(entries)]
    monkeypatch.setattr(classroom, "score_entries", fake_scores)
    assert classroom.relations_of("facts")[0] == "capital" and classroom.relations_of("sentiment") == []
    results = classroom.score_all("facts", "tiny-decoder", 20, "capital")
    assert [r["name"] for r in results] == ["capital-1", "capital-2", "capital-3", "capital-4"]
    edited = classroom.rescore("facts", "tiny-decoder", 20, results[0]["source"], "The capital of [X] is named [Y] .",
                               "", results, "capital")
    assert edited[1]["kind"] == S.KIND_EDITED and len(edited) == 5
    with pytest.raises(ValueError, match="relation"):
        classroom.score_all("facts", "tiny-decoder", 20)
    names = [name for name, _ in classroom.template_choices("facts", "currency")]
    assert names and all(name.startswith("currency-") for name in names)


def test_classroom_ptuning_bar_is_the_relations_p_at_1_at_the_best_checkpoint(lab):
    run = lab.store.create(RunConfig(task="facts", backbone="tiny-decoder", method="p-tuning", out=str(lab.root)))
    for row in ({"step": 5, "dev_p@1": 0.2, "dev_p@1/capital": 0.6}, {"step": 10, "dev_p@1": 0.4, "dev_p@1/capital": 0.5}):
        run.log_metrics({"loss": 0.5, **row})
    run.set_status("running", step=10, total_steps=20)
    bar = classroom.ptuning_result("facts", "tiny-decoder", relation="capital")
    assert bar["accuracy"] == 0.5 and bar["points"] == 2
    figure, table, _ = classroom.chart("facts", "tiny-decoder", [], relation="capital")
    assert figure is not None and table[0][2] == "0.500"
