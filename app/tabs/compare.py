"""Compare tab: chosen runs in one table (task, backbone, method, trainable %, best dev metric, wall
time, peak memory) with their curves overlaid; *Compare with fine-tuning* starts the fine-tuning
baseline for the same task and backbone unless one exists, and adds it to the comparison.
Below, for deciding: the Pareto view (metric against trainable parameters, wall time or peak memory,
one front per task and metric), the settings that differ, and what each run ran with (libraries,
lab commit, device), with a warning where those differ."""
from __future__ import annotations

import html

import gradio as gr

from app import lab as lab_state
from app import plots
from app import strings as S
from app import visitors
from app.errors import INPUT_ERRORS, error_box, info_box, message_of
from app.render import (MEAN_MAIN, compare_table, config_value, left_out_text, main_metric, multitask_markdown,
                        relations_markdown, run_choice, task_curves, task_label, task_rows)
from app.tabs.runs import metric_name
from core.api import (COSTS, config_diff, environment_rows, fine_tuning_baseline, frontiers, seed_groups,
                      version_warnings)

TICK_SECONDS = 3.0


# -- handlers ------------------------------------------------------------------------------------
def choices(owner: str | None = None) -> list[tuple[str, str]]:
    return [run_choice(r) for r in lab_state.current().runs(owner)]


def compare_view(run_ids: list[str] | None, owner: str | None = None) -> tuple[list[list], object, tuple, str, str, str]:
    """-> (table rows, overlaid curves figure or None, signature of what is shown, a note on runs left out,
    the mean and spread of runs that differ only in their seed, probing runs' P@1 per relation and
    multi-task runs' tasks beside their single-task runs). A multi-task run shows a row and a curve per task."""
    lab = lab_state.current()
    rows, series, problems, configs, finals, multitask, shown = [], [], [], [], [], [], []
    for run_id in run_ids or []:
        try:
            row = lab.row(run_id, owner)
            run = lab.store.get(run_id)
        except KeyError as error:
            problems.append(message_of(error))
            continue
        damage = run.damage()
        if damage:
            problems.append(S.DAMAGED.format(run=run_id, damage=damage))
        metrics = run.metrics()
        final = run.final() if row["status"] == "finished" and not damage else {}
        rows.extend(task_rows(row, final))
        series.extend(task_curves(f"{run_id} ({row['method']})", metrics))
        shown.append((run_id, row["status"], len(metrics)))
        if not damage:
            configs.append((row, run.config()))
            if row.get("family") == "probing" and row["status"] == "finished":
                finals.append((f"{run_id} ({row['method']})", final))
            if final.get("per_task"):
                multitask.append((run_id, final, single_task_runs(row, final, owner)))
    names = {metric_name(r) for r in rows if metric_name(r) and metric_name(r) != MEAN_MAIN}
    metric = main_metric([row for _, metrics in series for row in metrics], names.pop() if len(names) == 1 else None)
    signature = (tuple(shown), tuple(problems))
    figure = plots.curves(series, metric) if any(metrics for _, metrics in series) else None
    notes = "\n\n".join(text for text in (relations_markdown(finals), multitask_markdown(multitask)) if text)
    return (compare_table(rows), figure, signature, error_box(" ".join(problems)), seeds_text(seed_groups(configs)),
            notes)


def decide_view(run_ids: list[str] | None, cost: str = "trainable", owner: str | None = None) -> dict:
    """What Compare shows for deciding between the chosen runs -> {"figure": the Pareto view or None,
    "note": its grouping and the runs it left out, "diff": {"headers", "data"} of the settings that differ,
    "diff_note", "environment": {"headers", "data"} of what each finished run ran with, "warnings": a box
    naming what differs there, "signature": what it was computed from}. Runs compare_view reports as
    unknown or damaged are skipped here."""
    if cost not in COSTS:
        raise ValueError(f"cost must be one of {', '.join(COSTS)}, got {cost!r}")
    lab = lab_state.current()
    rows, configs, finals = [], [], []
    for run_id in run_ids or []:
        try:
            row = lab.row(run_id, owner)
            run = lab.store.get(run_id)
            if run.damage():
                continue
            config = run.config()
        except KeyError:
            continue
        rows.append(row)
        configs.append((run_id, config))
        final = run.final() if row["status"] in ("finished", "failed") else {}
        if final:
            finals.append((run_id, final))
    groups, left_out = frontiers(rows, cost)
    figure = plots.pareto(groups, cost) if groups else None
    note = " ".join(text for text in (S.PARETO_GROUPS.format(n=len(groups)) if len(groups) > 1 else "",
                                      left_out_text(left_out)) if text)
    diff = config_diff(configs, config_value) if len(configs) > 1 else []
    warnings = version_warnings(finals)
    return {"figure": figure, "note": note,
            "diff": {"headers": [S.SETTING, *(run_id for run_id, _ in configs)], "data": diff},
            "diff_note": (S.CONFIG_DIFF if diff else S.CONFIG_SAME) if len(configs) > 1 else "",
            "environment": {"headers": [S.SETTING, *(run_id for run_id, _ in finals)],
                            "data": environment_rows(finals) if finals else []},
            "warnings": info_box(html.escape(S.ENVIRONMENT_DIFFERS.format(warnings="; ".join(warnings))))
                        if warnings else "",
            "signature": (tuple((r["id"], r["status"], r.get("best_metric")) for r in rows), cost)}


def single_task_runs(row: dict, final: dict, owner: str | None) -> dict[str, dict | None]:
    """For each task of a multi-task run: the newest finished single-task run of that task, backbone and method."""
    runs = [r for r in lab_state.current().runs(owner, backbone=row["backbone"], method=row["method"],
                                                 status="finished") if r.get("metric_name") != MEAN_MAIN]
    return {key: next((r for r in runs if r["task"] == info.get("task")), None)
            for key, info in final["per_task"].items()}


def seeds_text(groups: list[dict]) -> str:
    """Markdown: one line per configuration run over several seeds."""
    if not groups:
        return ""
    lines = [S.SEED_GROUPS, "", "| method | runs | best dev: mean ± std | test: mean ± std |", "|---|---|---|---|"]
    for g in groups:
        test = f"{g['test']['mean']:.3f} ± {g['test']['std']:.3f}" if g["test"] else ""
        lines.append(S.SEED_GROUP.format(method=g["method"], seeds=", ".join(map(str, g["seeds"])),
                                         metric=g["metric_name"] or "", test=test, **g["best"]))
    return "\n".join(lines)


def baseline(run_ids: list[str] | None, owner: str | None = None) -> tuple[str, list[str]]:
    """Find or start (for `owner`) the fine-tuning run for the first chosen prompt run's task and backbone.
    -> (message, chosen run ids incl. the baseline)."""
    run_ids = list(run_ids or [])
    if not run_ids:
        return error_box(S.PICK_RUN), run_ids
    lab = lab_state.current()
    try:
        rows = [lab.row(run_id, owner) for run_id in run_ids]
    except KeyError as error:
        return error_box(message_of(error)), run_ids
    prompt_runs = [r for r in rows if r["method"] != "fine-tuning"]
    if not prompt_runs:
        return error_box(S.BASELINE_IS_FT.format(run=run_ids[0])), run_ids
    source = prompt_runs[0]
    names = dict(task=task_label(source["task"]), backbone=source["backbone"])
    try:
        run_id, started = fine_tuning_baseline(lab.jobs, source["id"], owner, lambda row: lab.may_see(row, owner))
    except INPUT_ERRORS as error:
        return error_box(message_of(error)), run_ids
    chosen = run_ids if run_id in run_ids else [*run_ids, run_id]
    if started:
        return info_box(S.BASELINE_STARTED.format(run=run_id, **names)), chosen
    status = lab.store.row(run_id)["status"]
    return info_box(S.BASELINE_EXISTS.format(run=run_id, status=status, **names)), chosen


# -- Gradio wiring -----------------------------------------------------------------------------
def build() -> dict[str, gr.components.Component]:
    c: dict = {}
    c["timer"] = gr.Timer(TICK_SECONDS)
    c["seen"] = gr.State(None)
    with gr.Row():
        c["runs"] = gr.Dropdown([], value=[], multiselect=True, label=S.COMPARE_RUNS, scale=4,
                                elem_id="compare-runs", allow_custom_value=True)
        c["refresh"] = gr.Button(S.REFRESH, scale=0, min_width=100)
        c["baseline"] = gr.Button(S.BASELINE, variant="primary", scale=1, elem_id="compare-baseline")
    c["message"] = gr.Markdown()
    c["table"] = gr.Dataframe(headers=S.COMPARE_COLUMNS, interactive=False, wrap=True, elem_id="compare-table")
    c["seeds"] = gr.Markdown(elem_id="compare-seeds")
    c["relations"] = gr.Markdown(elem_id="compare-relations")
    c["plot"] = gr.Plot(label=S.OVERLAY, elem_id="compare-plot")
    c["decide_seen"] = gr.State(None)
    gr.Markdown(S.DECIDE)
    c["cost"] = gr.Radio(S.PARETO_COSTS, value="trainable", label=S.PARETO_COST, elem_id="compare-cost")
    c["pareto"] = gr.Plot(label=S.PARETO, elem_id="compare-pareto")
    c["pareto_note"] = gr.Markdown(elem_id="compare-pareto-note")
    c["warnings"] = gr.Markdown(elem_id="compare-warnings")
    c["diff_note"] = gr.Markdown()
    c["diff"] = gr.Dataframe(headers=[S.SETTING], interactive=False, wrap=True, elem_id="compare-diff")
    gr.Markdown(S.ENVIRONMENT)
    c["environment"] = gr.Dataframe(headers=[S.SETTING], interactive=False, wrap=True, elem_id="compare-environment")

    def on_change(run_ids, seen, request: gr.Request):
        table, figure, signature, problems, seeds, relations = compare_view(run_ids, visitors.owner(request))
        if signature == seen:
            return gr.skip(), gr.skip(), seen, gr.skip(), gr.skip(), gr.skip()
        return table, figure, signature, problems, seeds, relations

    def on_decide(run_ids, cost, seen, request: gr.Request):
        view = decide_view(run_ids, cost, visitors.owner(request))
        if view["signature"] == seen:
            return (gr.skip(),) * 7
        return (view["figure"], view["note"], view["warnings"], view["diff_note"], view["diff"], view["environment"],
                view["signature"])

    def on_refresh(request: gr.Request):
        return gr.update(choices=choices(visitors.owner(request)))

    outputs = [c["table"], c["plot"], c["seen"], c["message"], c["seeds"], c["relations"]]
    c["runs"].change(on_change, [c["runs"], c["seen"]], outputs, concurrency_limit=None, api_name="compare")
    c["timer"].tick(on_change, [c["runs"], c["seen"]], outputs, show_progress="hidden",
                    concurrency_limit=None, api_visibility="undocumented")
    decided = [c["pareto"], c["pareto_note"], c["warnings"], c["diff_note"], c["diff"], c["environment"],
               c["decide_seen"]]
    for event in (c["runs"].change, c["cost"].change):
        event(on_decide, [c["runs"], c["cost"], c["decide_seen"]], decided, concurrency_limit=None,
              api_visibility="undocumented")
    c["timer"].tick(on_decide, [c["runs"], c["cost"], c["decide_seen"]], decided, show_progress="hidden",
                    concurrency_limit=None, api_visibility="undocumented")
    c["refresh"].click(on_refresh, None, c["runs"], concurrency_limit=None, api_visibility="undocumented")
    c["refresh_choices"] = on_refresh
    return c
