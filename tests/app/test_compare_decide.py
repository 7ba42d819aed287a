"""Compare's deciding view (app/tabs/compare.py decide_view, app/plots.py pareto): the Pareto view with one
front per task and metric and hover naming the run, the cost selector, the settings that differ (uploads
by name, never their server path), and what each run ran with, warning where compared runs differ and
saying "not recorded" for runs from before the lab recorded it."""
from __future__ import annotations

import pytest

from app import strings as S
from app.tabs import compare
from core.api import RunConfig

ENV = {"python": "3.11.7", "torch": "2.13.0+cpu", "transformers": "5.23.0", "peft": "0.21.2", "accelerate": "1.15.0",
       "lab_commit": "a" * 40, "device": "cpu", "bf16": False, "precision": "no"}


def finished(lab, best, trainable, task="sentiment", metric="accuracy", method="p-tuning-v2", environment=ENV,
             status="finished", **config):
    """A run folder as a worker leaves it, without training (final.json as core/train.py writes it)."""
    run = lab.store.create(RunConfig(task=task, method=method, backbone="tiny-encoder", **config))
    if status == "finished":
        run.write_final({"metric_name": metric, "best_metric": best, "trainable": trainable, "total": 10_000_000,
                         "wall_time": 10.0 + trainable / 1e5, "peak_memory_mb": 300.0 + trainable / 1e4,
                         **({"environment": environment} if environment else {})})
    run.set_status(status, step=4, total_steps=4)
    return run


def test_pareto_view_draws_one_front_per_task_and_names_the_run_on_hover(lab):
    a = finished(lab, 0.80, 5_000, lr=0.01)
    b = finished(lab, 0.90, 9_000_000, method="fine-tuning", lr=0.0001)
    c = finished(lab, 0.70, 60_000, lr=0.03)  # costs more than a and scores less: off the front
    ner = finished(lab, 0.95, 1_000, task="ner", metric="f1")
    running = finished(lab, None, 0, status="running")
    view = compare.decide_view([a.id, b.id, c.id, ner.id, running.id], "trainable")
    figure = view["figure"]
    assert [t.text for t in figure.layout.annotations] == ["sentiment · accuracy", "ner · f1"]
    fronts = [t for t in figure.data if t.name == S.PARETO_FRONT]
    assert len(fronts) == 2 and list(fronts[0].x) == [5_000, 9_000_000] and list(fronts[0].y) == [0.80, 0.90]
    assert fronts[0].line.shape == "hv"  # a staircase: the best metric reachable at or below each cost
    points = {d[0]: (d, trace) for trace in figure.data if trace.customdata is not None for d in trace.customdata}
    assert set(points) == {a.id, b.id, c.id, ner.id}  # one point per finished run, the running one left out
    data, trace = points[c.id]
    assert data[1] == "tiny-encoder" and data[2] == "60.0K" and data[3] == ""
    assert points[a.id][0][3] == S.ON_FRONT and "p-tuning-v2" in trace.hovertemplate
    assert "accuracy %{y:.3f}" in trace.hovertemplate and "trainable parameters" in trace.hovertemplate
    assert figure.layout.xaxis.type == "log" and figure.layout.xaxis.dtick == 1  # 1K to 9M: decades labelled
    low, high = figure.layout.yaxis2.range  # one NER run: an axis around it, not -1..1
    assert low < 0.95 < high and high - low < 0.1
    assert "2 tasks or metrics" in view["note"] and f"`{running.id}` (no best metric yet)" in view["note"]


@pytest.mark.parametrize("cost,axis,text", [("wall_time", "wall time (s)", "1m 40s"),
                                            ("peak_memory_mb", "peak memory (MB)", "1200 MB")])
def test_the_cost_selector_changes_the_axis_and_the_hover(lab, cost, axis, text):
    a, b = finished(lab, 0.8, 1_000), finished(lab, 0.9, 9_000_000)
    figure = compare.decide_view([a.id, b.id], cost)["figure"]
    assert figure.layout.xaxis.title.text == axis and figure.layout.xaxis.type == "linear"
    assert figure.layout.xaxis.rangemode == "tozero"  # a cost axis starts at nothing spent
    assert text in [d[2] for t in figure.data if t.customdata is not None for d in t.customdata]
    with pytest.raises(ValueError, match="cost must be one of"):
        compare.decide_view([a.id], "/etc/passwd")


def test_config_diff_lists_only_the_settings_that_differ(lab):
    upload = lab.store.uploads / "abc123" / "reviews.csv"
    upload.parent.mkdir(parents=True)
    upload.write_text("text,label\ngood,pos\nbad,neg\n")
    a = finished(lab, 0.8, 1_000, lr=0.01, prompt_length=8)
    b = finished(lab, 0.7, 1_000, lr=0.03, prompt_length=8)
    c = finished(lab, 0.6, 1_000, task=str(upload), family="classification", lr=0.01, prompt_length=16)
    view = compare.decide_view([a.id, b.id, c.id])
    assert view["diff"]["headers"] == [S.SETTING, a.id, b.id, c.id]
    rows = {r[0]: r[1:] for r in view["diff"]["data"]}
    assert rows["lr"] == ["0.01", "0.03", "0.01"] and rows["prompt_length"] == ["8", "8", "16"]
    assert rows["task"] == ["sentiment", "sentiment", "reviews.csv"]  # the upload by name, not its server path
    assert "method" not in rows and "out" not in rows and "seed" not in rows
    assert not any(str(lab.root) in cell for r in view["diff"]["data"] for cell in r)
    assert view["diff_note"] == S.CONFIG_DIFF
    same = compare.decide_view([a.id, finished(lab, 0.5, 1_000, lr=0.01, prompt_length=8).id])
    assert same["diff"]["data"] == [] and same["diff_note"] == S.CONFIG_SAME


def test_environment_table_warns_when_runs_ran_differently_and_old_runs_say_not_recorded(lab):
    a = finished(lab, 0.8, 1_000)
    b = finished(lab, 0.7, 1_000, environment={**ENV, "transformers": "5.24.0"})
    old = finished(lab, 0.6, 1_000, environment=None)  # trained before runs recorded their environment
    view = compare.decide_view([a.id, b.id, old.id])
    rows = {r[0]: r[1:] for r in view["environment"]["data"]}
    assert view["environment"]["headers"] == [S.SETTING, a.id, b.id, old.id]
    assert rows["transformers"] == ["5.23.0", "5.24.0", "not recorded"]
    assert rows["device"] == ["cpu", "cpu", "not recorded"] and rows["bf16"] == ["no", "no", "not recorded"]
    assert f"different transformers versions: 5.23.0 ({a.id}) vs 5.24.0 ({b.id})" in view["warnings"]
    assert f"{old.id} recorded no versions" in view["warnings"]
    assert compare.decide_view([a.id, finished(lab, 0.5, 1_000).id])["warnings"] == ""  # same everything
    only_old = compare.decide_view([old.id, finished(lab, 0.5, 1_000, environment=None).id])
    assert only_old["warnings"] == "" and all(r[1:] == ["not recorded"] * 2 for r in only_old["environment"]["data"])


def test_nothing_chosen_unknown_or_damaged_runs_do_not_break_it(lab):
    empty = compare.decide_view([])
    assert empty["figure"] is None and empty["diff"]["data"] == [] and empty["environment"]["data"] == []
    a = finished(lab, 0.8, 1_000)
    broken = finished(lab, 0.7, 1_000)
    (broken.path / "config.yaml").write_text("- not a mapping")
    view = compare.decide_view([a.id, "../etc", "no-such-run", broken.id])
    assert view["diff"]["headers"] == [S.SETTING, a.id] and view["figure"] is not None
    queued = lab.store.create(RunConfig(task="sentiment", method="lora", backbone="tiny-encoder"))
    view = compare.decide_view([a.id, queued.id])  # no final.json yet: in the diff, not in the environment table
    assert view["diff"]["headers"][1:] == [a.id, queued.id] and view["environment"]["headers"][1:] == [a.id]


def test_the_compare_tab_shows_the_deciding_components(lab):
    from app.interface import build_demo
    demo = build_demo()
    ids = {block.elem_id for block in demo.blocks.values() if getattr(block, "elem_id", None)}
    assert {"compare-cost", "compare-pareto", "compare-diff", "compare-environment", "compare-warnings"} <= ids
