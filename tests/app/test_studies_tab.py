"""The Studies tab's handlers: a preset's YAML starts a study whose points are queued runs of the visitor,
a stranger's YAML meets the Train form's gate, a study too big for the web lab is refused, a shared lab
hides other visitors' studies, and the view shows progress, the runs' table and the ablation plot."""
from __future__ import annotations

import json

import pytest
import yaml

from app import lab as lab_state
from app.tabs import studies as tab
from core.api import NoSuchStudy, StudyStore
from core.config import ConfigError

TINY = {"task": "sentiment", "backbone": "tiny-encoder", "method": "p-tuning-v2", "max_steps": 2,
        "max_train_examples": 8, "max_eval_examples": 8, "batch_size": 4}


def tiny_study(**changes) -> str:
    return yaml.safe_dump({"name": "tiny", "base": TINY, "grid": {"prompt_length": [2, 4]},
                           "modes": {"quick": {"max_steps": 1}, "full": {}}, **changes})


def test_every_preset_has_yaml_and_a_description_with_its_budget(lab):
    for name in ("prompt-length", "reparameterization", "depth", "head"):
        assert "grid:" in tab.preset_yaml(name)
        assert "quick" in tab.preset_description(name) and "CPU" in tab.preset_description(name)
    assert tab.preset_yaml("../../etc/passwd") == ""


def test_start_queues_every_point_for_the_visitor_in_the_chosen_mode(lab):
    message, study_id = tab.start(tiny_study(), "quick", "visitor-a")
    assert study_id in message and "2 runs queued" in message
    study = StudyStore(lab.store).get(study_id)
    rows = lab.store.list(study=study_id)
    assert len(rows) == 2 and {r["owner"] for r in rows} == {"visitor-a"} and {r["status"] for r in rows} == {"queued"}
    assert {lab.store.get(r["id"]).config()["max_steps"] for r in rows} == {1}
    view = tab.study_view(study_id, "visitor-a")
    assert "0 of 2 runs finished" in view["progress"] and view["figure"] is None
    assert view["table"]["headers"] == ["prompt_length", "seed", "run", "status", "dev metric (%)"]
    assert [row[3] for row in view["table"]["data"]] == ["queued", "queued"]
    assert tab.choices("visitor-a") == [(study.id, study.id)]


def test_a_finished_study_shows_its_best_point_and_plot_and_promotes_it(lab):
    _, study_id = tab.start(tiny_study(), "quick", "visitor-a")
    for i, row in enumerate(lab.store.list(study=study_id)):  # as if the runs had trained
        lab.store.update_index(row["id"], status="finished", best_metric=0.5 + 0.25 * i, metric_name="accuracy")
    view = tab.study_view(study_id, "visitor-a")
    assert "2 of 2 runs finished" in view["progress"] and "Best so far" in view["progress"]
    assert "**75.0**" in view["progress"]
    assert view["figure"] is not None and view["figure"].data[-1].name == "best"
    message, run_id = tab.promote_best(study_id, "visitor-a")
    assert run_id in message and lab.store.row(run_id)["study"] is None
    assert lab.store.row(run_id)["owner"] == "visitor-a"


@pytest.mark.parametrize("text, message", [
    ("name: [", "not valid YAML"),
    ("- a list", "a study is a mapping"),
    (tiny_study(grid={"prompt_length": [0]}), "prompt_length must be"),
    (tiny_study(base={**TINY, "task": "/etc/passwd"}), "files on the server cannot be named"),
    (tiny_study(base={**TINY, "init_from": ["/etc"]}), "is not a run of this lab"),
    (tiny_study(grid={"prompt_length": list(range(1, 80))}), "at most 60"),
])
def test_bad_study_yaml_is_refused_and_queues_nothing(lab, text, message):
    with pytest.raises((ConfigError, ValueError), match=message):
        tab.start(text, "quick", "visitor-a")
    assert lab.store.list() == [] and StudyStore(lab.store).list() == []


def test_on_a_shared_lab_a_study_is_its_visitors_alone(lab):
    lab.shared = True
    _, study_id = tab.start(tiny_study(), "quick", "visitor-a")
    assert tab.choices("visitor-b") == []
    assert "no study" in tab.study_view(study_id, "visitor-b")["progress"]
    for act in (tab.resume_study, tab.promote_best):
        with pytest.raises(NoSuchStudy):
            act(study_id, "visitor-b")
    with pytest.raises(ValueError, match="cookie"):
        tab.start(tiny_study(), "quick", None)
    assert "no study" in tab.study_view("../../etc", "visitor-a")["progress"].replace("not a study id", "no study")


def test_resume_queues_again_only_what_did_not_finish(lab):
    _, study_id = tab.start(tiny_study(), "quick", "visitor-a")
    first, second = [r["id"] for r in sorted(lab.store.list(study=study_id), key=lambda r: r["created"])]
    lab.store.update_index(first, status="finished", best_metric=0.5)
    lab.store.get(second).set_status("interrupted", error="restart")
    assert "1 runs queued again" in tab.resume_study(study_id, "visitor-a")
    points = StudyStore(lab.store).get(study_id).points()
    assert first in [p["run"] for p in points] and second not in [p["run"] for p in points]
    assert json.loads((StudyStore(lab.store).get(study_id).path / "points.json").read_text())[0]["run"]
