"""Trackers in the web lab: the Train form's report_to choice reaches the run's config (only the local
trackers' names get through), the Runs tab shows the command that opens a run's dashboard and its tracker
errors, and the Studies tab the command for the whole study."""
from __future__ import annotations

import pytest
import yaml

from app import strings as S
from app.render import tracker_text
from app.tabs import runs, studies, train
from app.errors import INPUT_ERRORS
from core.api import RunConfig, StudyStore, catalog, installed_trackers
from labtools import TINY_FORM

TRACKED = {"tensorboard": {"logdir": "runs/r1/tensorboard"}, "trackio": {"dir": "runs/trackio", "project": "prompt-lab"}}


def test_tracker_text_shows_each_command_and_each_error():
    text = tracker_text({"commands": ["tensorboard --logdir runs/r1/tensorboard"],
                         "errors": ["trackio could not start: trackio is not installed: pip install trackio"]})
    assert S.TRACKER_DASHBOARD.format(command="tensorboard --logdir runs/r1/tensorboard") in text
    assert "pip install trackio" in text and "the run itself went on" in text
    assert tracker_text({"commands": [], "errors": []}) == ""


def test_train_form_report_to_reaches_the_config_and_the_command_line(lab):
    config = train.config_from_form({**TINY_FORM, "report_to": ["tensorboard", "trackio"]})
    assert config.report_to == ["tensorboard", "trackio"]
    _, _, cli, _ = train.preview_view({**TINY_FORM, "report_to": ["tensorboard", "trackio"]})
    assert "--report-to tensorboard --report-to trackio" in cli
    assert train.config_from_form(TINY_FORM).report_to == []
    _, run_id = train.launch({**TINY_FORM, "report_to": ["tensorboard"]}, None)
    assert yaml.safe_load((lab.store.root / run_id / "config.yaml").read_text())["report_to"] == ["tensorboard"]
    assert catalog()["choices"]["report_to"] == installed_trackers()


@pytest.mark.parametrize("report_to,message", [(["wandb"], "wandb is not supported"),
                                               (["/tmp/elsewhere"], "is not a tracker"),
                                               ("../runs", "is not a tracker"),
                                               ({"tensorboard": 1}, "report_to must be a tracker name")])
def test_a_visitor_can_pick_only_the_local_trackers(lab, report_to, message):
    with pytest.raises(INPUT_ERRORS, match="report_to") as error:
        train.launch({**TINY_FORM, "report_to": report_to}, None)
    assert message in str(error.value)
    assert lab.store.list() == []
    shown, *_ = train.preview_view({**TINY_FORM, "report_to": report_to})
    assert message in shown


def test_runs_tab_shows_the_dashboard_command_and_tracker_errors(lab):
    run = lab.store.create(RunConfig(task="sentiment", backbone="tiny-encoder", report_to=["tensorboard", "trackio"]))
    run.set_status("running", trackers=TRACKED, tracker_errors=["trackio stopped at step 3: OSError: disk full"])
    view = runs.run_view(run.id)
    assert "**Dashboard:** `tensorboard --logdir runs/r1/tensorboard`" in view["status"]
    assert "`TRACKIO_DIR=runs/trackio trackio show --project prompt-lab`" in view["status"]
    assert "trackio stopped at step 3: OSError: disk full" in view["status"]
    plain = lab.store.create(RunConfig(task="sentiment", backbone="tiny-encoder"))
    assert "Dashboard" not in runs.run_view(plain.id)["status"]


def test_studies_tab_shows_one_dashboard_for_the_study(lab):
    base = {"task": "sentiment", "backbone": "tiny-encoder", "method": "p-tuning-v2", "max_steps": 1,
            "report_to": ["tensorboard", "trackio"]}
    _, study_id = studies.start(yaml.safe_dump({"name": "tiny", "base": base, "grid": {"prompt_length": [2, 4]}}),
                                None, None)
    assert "Dashboard" not in studies.study_view(study_id)["progress"]  # queued: nothing written yet
    ids = [point["run"] for point in StudyStore(lab.store).get(study_id).points()]
    for run_id in ids:
        lab.store.get(run_id).set_status("running", trackers={
            "tensorboard": {"logdir": f"runs/{run_id}/tensorboard"},
            "trackio": {"dir": "runs/trackio", "project": study_id}})
    shown = studies.study_view(study_id)["progress"]
    spec = ",".join(f"{run_id}:runs/{run_id}/tensorboard" for run_id in ids)
    assert S.STUDY_DASHBOARD.format(command=f"tensorboard --logdir_spec {spec}") in shown
    assert shown.count(f"trackio show --project {study_id}") == 1
