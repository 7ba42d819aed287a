"""Runs tab: every run with its status, a progress bar with step/ETA, live loss and dev-metric
curves, abort, delete and downloads.

A gr.Timer ticks `refresh`, which reads only the SQLite index, status.json and metrics.jsonl, and
sends a component only when what it shows has changed (signatures kept in a per-tab gr.State),
so an idle page costs one small index query every two seconds.
"""
from __future__ import annotations

import gradio as gr

from app import lab as lab_state
from app import plots
from app import strings as S
from app.errors import INPUT_ERRORS, error_box, info_box, message_of
from app.render import best_text, main_metric, progress, progress_html, run_choice, runs_table, seconds, task_label

TICK_SECONDS = 2.0
COLUMN_WIDTHS = ["19%", "9%", "8%", "9%", "9%", "7%", "10%", "11%", "7%", "11%"]


# -- handlers ------------------------------------------------------------------------------------
def run_view(run_id: str | None) -> dict:
    """Everything the detail panel shows for one run: {"status", "progress", "figure", "files", "signature"}."""
    if not run_id:
        return {"status": S.NO_RUNS, "progress": "", "figure": None, "files": [], "signature": None}
    store = lab_state.current().store
    try:
        run = store.get(run_id)
    except KeyError:
        return {"status": error_box(S.NO_SUCH_RUN.format(run=run_id)), "progress": "", "figure": None, "files": [],
                "signature": (run_id, "missing", 0)}
    status, rows = run.status(), run.metrics()
    row = next(iter(store.list(id=run_id)), {})
    state = status.get("status", "queued")
    lines = [S.STATUS_LINE.format(run=run_id, status=state) +
             f" · {task_label(row.get('task'))} · {row.get('backbone', '')} · {row.get('method', '')}"
             + (f" · trainable {status.get('share') or row.get('share')}" if status.get("share") or row.get("share")
                else "")
             + (f" · best dev {best_text(row)} · {seconds(row.get('wall_time'))}" if row.get("best_metric") is not None
                else "")]
    if status.get("error") and state not in ("running", "queued", "finished"):
        lines.append(S.FAILED_REASON.format(error=status["error"]))
    fraction, text = progress(status, rows)
    if state == "running" and not rows:
        text = S.NO_METRICS
    metric = main_metric(rows, row.get("metric_name"))
    files = [str(p) for p in (run.weights, run.path / "config.yaml") if p.exists()] if state == "finished" else []
    return {"status": "\n\n".join(lines), "progress": progress_html(fraction, text, state),
            "figure": plots.curves([(run_id, rows)], metric) if rows else None, "files": files,
            "signature": (run_id, state, len(rows))}


def index_signature(index: list[dict]) -> tuple:
    return tuple((r["id"], r["status"], r.get("step"), r.get("best_metric"), r.get("error")) for r in index)


PARTS = ("table", "picker", "status", "progress", "plot", "files")


def refresh(selected: str | None, seen: dict | None) -> tuple[dict, dict]:
    """One tick. -> ({part: new value} for the PARTS whose content changed, seen).
    `seen` holds what this browser tab already shows; parts left out are not sent."""
    seen = dict(seen or {})
    index = lab_state.current().store.list()
    for row in index:  # the share is known once the worker has built the model, before final.json
        if row["status"] == "running" and not row.get("share"):
            row["share"] = lab_state.current().store.get(row["id"]).status().get("share")
    ids = [r["id"] for r in index]
    out: dict = {}
    signature = index_signature(index)
    if signature != seen.get("index"):
        out["table"] = runs_table(index)
        seen["index"] = signature
    if selected not in ids:  # nothing picked yet (or it was deleted): the newest running run, else the newest
        selected = next((r["id"] for r in index if r["status"] == "running"), ids[0] if ids else None)
    if tuple(ids) != seen.get("ids") or selected != seen.get("selected"):
        out["picker"] = {"choices": [run_choice(r) for r in index], "value": selected}
        seen["ids"], seen["selected"] = tuple(ids), selected
    view = run_view(selected)
    if "run" not in seen or view["signature"] != seen["run"]:
        out.update(status=view["status"], progress=view["progress"], plot=view["figure"])
        if view["signature"] is None or seen.get("run") is None or view["signature"][:2] != seen["run"][:2]:
            out["files"] = view["files"]
        seen["run"] = view["signature"]
    elif selected and any(r["id"] == selected and r["status"] == "running" for r in index):
        out["progress"] = view["progress"]  # the ETA moves even between metric rows
    return out, seen


def may_change(run_id: str, owned: list[str] | None) -> bool:
    """On a shared lab only the browser that started a run may abort or delete it."""
    return not lab_state.current().shared or run_id in (owned or [])


def abort(run_id: str | None, owned: list[str] | None) -> str:
    if not run_id:
        return error_box(S.PICK_RUN)
    if not may_change(run_id, owned):
        return error_box(S.NOT_YOURS.format(run=run_id))
    lab = lab_state.current()
    try:
        status = lab.store.get(run_id).status().get("status")
        if status not in ("queued", "running"):
            return error_box(S.NOT_ACTIVE.format(run=run_id, status=status))
        lab.jobs.abort(run_id)
    except INPUT_ERRORS as error:
        return error_box(message_of(error))
    return info_box(S.ABORTED.format(run=run_id))


def delete(run_id: str | None, owned: list[str] | None) -> str:
    if not run_id:
        return error_box(S.PICK_RUN)
    if not may_change(run_id, owned):
        return error_box(S.NOT_YOURS.format(run=run_id))
    try:
        lab_state.current().jobs.delete(run_id)
    except INPUT_ERRORS as error:
        return error_box(message_of(error))
    return info_box(S.DELETED.format(run=run_id))


def run_summary(run_id: str) -> dict:
    """API endpoint (gradio_client): a run's status, metrics rows and final metrics as JSON."""
    lab = lab_state.current()
    try:
        run = lab.store.get(run_id)
    except KeyError as error:
        return {"error": message_of(error)}
    return {"id": run_id, **run.status(), "metrics": run.metrics(), "final": run.final()}


def list_runs() -> list[dict]:
    """API endpoint (gradio_client): the run index, newest first."""
    return lab_state.current().store.list()


# -- Gradio wiring -----------------------------------------------------------------------------
def _as_update(part: str, out: dict):
    if part not in out:
        return gr.skip()
    value = out[part]
    if part == "picker":
        return gr.update(**value)
    if part in ("plot", "files"):  # hidden while there is nothing to show
        return gr.update(value=value or None, visible=bool(value))
    return value


def build() -> dict[str, gr.components.Component]:
    c: dict = {}
    c["timer"] = gr.Timer(TICK_SECONDS)
    c["seen"] = gr.State({})
    c["table"] = gr.Dataframe(headers=S.RUN_COLUMNS, interactive=False, wrap=True, elem_id="runs-table",
                              max_height=320, column_widths=COLUMN_WIDTHS)
    with gr.Row():
        c["selected"] = gr.Dropdown([], label=S.RUN, scale=3, elem_id="runs-selected", allow_custom_value=True)
        c["abort"] = gr.Button(S.ABORT, variant="stop", scale=0, min_width=90)
        c["delete"] = gr.Button(S.DELETE, scale=0, min_width=90)
        c["inspect"] = gr.Button(S.INSPECT, scale=0, min_width=150)
    c["message"] = gr.Markdown()
    c["status"] = gr.Markdown(elem_id="runs-status")
    c["progress"] = gr.HTML(elem_id="runs-progress")
    c["plot"] = gr.Plot(label=S.CURVES, elem_id="runs-plot", visible=False)
    c["files"] = gr.File(label=S.DOWNLOADS, file_count="multiple", interactive=False, visible=False)
    outputs = [c["table"], c["selected"], c["status"], c["progress"], c["plot"], c["files"], c["seen"]]

    def on_tick(selected, seen):
        out, seen = refresh(selected, seen)
        return [*(_as_update(part, out) for part in PARTS), seen]

    def on_pick(selected, seen):
        return on_tick(selected, {k: v for k, v in (seen or {}).items() if k != "run"})

    c["timer"].tick(on_tick, [c["selected"], c["seen"]], outputs, show_progress="hidden", concurrency_limit=None,
                    api_name="refresh_runs")
    c["selected"].input(on_pick, [c["selected"], c["seen"]], outputs, show_progress="hidden", concurrency_limit=None,
                        api_visibility="undocumented")

    def on_select(event: gr.SelectData, seen):
        run_id = event.row_value[0] if event.row_value else None
        return [gr.update(value=run_id), *on_pick(run_id, seen)[2:]]

    c["table"].select(on_select, [c["seen"]], [c["selected"], *outputs[2:]], show_progress="hidden",
                      concurrency_limit=None, api_visibility="undocumented")
    c["on_tick"], c["outputs"] = on_tick, outputs
    return c
