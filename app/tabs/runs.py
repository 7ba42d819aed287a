"""Runs tab: every run with its status, a progress bar with step/ETA, live loss and dev-metric
curves, abort, delete and downloads (the run's files, and its PEFT adapter as a zip with the lines
that load it, or the reason PEFT cannot reproduce the run).

A gr.Timer ticks `refresh`, which reads only the SQLite index, status.json and metrics.jsonl, and
sends a component only when what it shows has changed (signatures kept in a per-tab gr.State),
so an idle page costs one small index query every two seconds.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import gradio as gr

from app import lab as lab_state
from app import plots
from app import strings as S
from app import visitors
from app.errors import INPUT_ERRORS, error_box, info_box, message_of
from app.render import (MEAN_MAIN, best_text, main_metric, progress, progress_html, run_choice, runs_table,
                        sample_text, seconds, splits_text, task_curves, task_label, task_rows)
from core.api import Run, catalog
from core.api import peft_export  # a finished run as a PEFT adapter (core/export.py)
from app.render import tracker_text  # trackers (core/trackers.py): the dashboard's command, their errors
from core.api import tracker_dashboard

TICK_SECONDS = 2.0
COLUMN_WIDTHS = ["19%", "9%", "8%", "9%", "9%", "7%", "10%", "11%", "7%", "11%"]


# -- handlers ------------------------------------------------------------------------------------
def metric_name(row: dict) -> str | None:
    """The dev metric a run picks its checkpoints by: the finished run's own, else its preset's (e.g. rougeL
    for summaries), else its family's; the curves plot it while the run still trains."""
    cat = catalog()
    family = cat["families"].get(row.get("family") or "", {})
    return row.get("metric_name") or cat["task_metrics"].get(row.get("task") or "") or family.get("main_metric")


def exported_copies(run, folder: Path | None = None) -> list[str]:
    """Copies of the run's downloadable files in a fresh temp folder: Gradio serves those, never the
    runs folder itself (index, worker logs, uploads, other visitors' data)."""
    folder = folder or Path(tempfile.mkdtemp(prefix=f"prompt-lab-{run.id}-"))
    return [str(shutil.copy(path, folder / path.name)) for path in run.exported_files()]


def download_view(run, state: str) -> tuple[list[str], str]:
    """-> (the files offered for download, the Export-to-PEFT panel). A finished run's PEFT adapter is zipped
    beside the copies, in the same fresh temp folder (named by the run id, which the store checked), from the
    run this visitor may see; the panel shows the lines that load it, or why PEFT cannot reproduce the run."""
    if state not in ("finished", "failed") or not run.weights.exists():
        return [], ""
    folder = Path(tempfile.mkdtemp(prefix=f"prompt-lab-{run.id}-"))
    files = exported_copies(run, folder)
    if state != "finished":
        return files, ""
    info = peft_export(str(run.path), zip_into=str(folder))
    if "reason" in info:
        return files, S.PEFT_REFUSED.format(reason=info["reason"])
    notes = "".join(f"\n- {note}" for note in info["notes"])
    return files + [info["zip"]], S.PEFT_READY.format(name=Path(info["zip"]).name, kind=info["kind"],
                                                      code=info["code"]) + notes


def run_downloads(run_id: str | None, owner: str | None) -> tuple[list[str], str]:
    """download_view for a run this visitor may see (nothing for any other id)."""
    lab = lab_state.current()
    try:
        run = lab.run(run_id, owner) if run_id else None
    except KeyError:
        run = None
    if run is None:
        return [], ""
    row = next(iter(lab.store.list(id=run_id)), {})
    return download_view(run, row.get("status") or run.status().get("status", "queued"))


def run_view(run_id: str | None, owner: str | None = None, downloads: bool = True) -> dict:
    """Everything the detail panel shows for one run: {"status", "progress", "figure", "files", "export",
    "signature"}; downloads=False leaves out the files and the export panel (the timer's tick builds them only
    when the run or its state changes: `run_downloads`)."""
    if not run_id:
        return {"status": S.NO_RUNS, "progress": "", "figure": None, "files": [], "export": "", "signature": None}
    lab = lab_state.current()
    try:
        run = lab.run(run_id, owner)
    except KeyError as error:
        return {"status": error_box(message_of(error)), "progress": "", "figure": None, "files": [], "export": "",
                "signature": (str(run_id)[:80], "missing", 0)}
    status, rows = run.status(), run.metrics()
    row = next(iter(lab.store.list(id=run_id)), {})
    state = row.get("status") or status.get("status", "queued")
    lines = [S.STATUS_LINE.format(run=run_id, status=state) +
             f" · {task_label(row.get('task'))} · {row.get('backbone', '')} · {row.get('method', '')}"
             + (f" · trainable {status.get('share') or row.get('share')}" if status.get("share") or row.get("share")
                else "")
             + (f" · best dev {best_text(row)} · {seconds(row.get('wall_time'))}" if row.get("best_metric") is not None
                else "")]
    error = row.get("error") or status.get("error")
    if error and state not in ("running", "queued", "finished"):
        lines.append(S.FAILED_REASON.format(error=error))
    final = run.final() if state in ("finished", "failed") else {}
    if final.get("evaluation"):
        lines.append(S.EVALUATION.format(text=final["evaluation"]))
    lines += [line for line in (splits_text(final), sample_text(final), tracker_text(tracker_dashboard(status)))
              if line]
    damage = run.damage()
    if damage and "damaged" not in (error or ""):
        lines.append(S.DAMAGED.format(run=run_id, damage=damage))
    fraction, text = progress(status, rows)
    if state == "running" and not rows:
        text = S.NO_METRICS
    series = task_curves(run_id, rows)  # a multi-task run: one curve per task
    metric = main_metric([r for _, part in series for r in part],
                         None if metric_name(row) == MEAN_MAIN and len(series) > 1 else metric_name(row))
    files, export = download_view(run, state) if downloads else ([], "")
    return {"status": "\n\n".join(lines), "progress": progress_html(fraction, text, state),
            "figure": plots.curves(series, metric) if rows else None, "files": files, "export": export,
            "signature": (run_id, state, len(rows))}


def with_tasks(index: list[dict]) -> list[dict]:
    """The run list's rows, each finished multi-task run followed by a row per task."""
    store = lab_state.current().store
    return [r for row in index for r in (task_rows(row, Run(store, row["id"]).final())
                                         if row.get("metric_name") == MEAN_MAIN else [row])]


def index_signature(index: list[dict]) -> tuple:
    return tuple((r["id"], r["status"], r.get("step"), r.get("best_metric"), r.get("error")) for r in index)


PARTS = ("table", "picker", "status", "progress", "plot", "files", "export")


def refresh(selected: str | None, seen: dict | None, owner: str | None = None) -> tuple[dict, dict]:
    """One tick. -> ({part: new value} for the PARTS whose content changed, seen).
    `seen` holds what this browser tab already shows; parts left out are not sent."""
    seen = dict(seen or {})
    index = lab_state.current().runs(owner)
    for row in index:  # the share is known once the worker has built the model, before final.json
        if row["status"] == "running" and not row.get("share"):
            row["share"] = Run(lab_state.current().store, row["id"]).status().get("share")
    ids = [r["id"] for r in index]
    out: dict = {}
    signature = index_signature(index)
    if signature != seen.get("index"):
        out["table"] = runs_table(with_tasks(index))
        seen["index"] = signature
    if selected not in ids:  # nothing picked yet (or it was deleted): the newest running run, else the newest
        selected = next((r["id"] for r in index if r["status"] == "running"), ids[0] if ids else None)
    if tuple(ids) != seen.get("ids") or selected != seen.get("selected"):
        out["picker"] = {"choices": [run_choice(r) for r in index], "value": selected}
        seen["ids"], seen["selected"] = tuple(ids), selected
    view = run_view(selected, owner, downloads=False)
    if "run" not in seen or view["signature"] != seen["run"]:
        out.update(status=view["status"], progress=view["progress"], plot=view["figure"])
        if view["signature"] is None or seen.get("run") is None or view["signature"][:2] != seen["run"][:2]:
            out["files"], out["export"] = run_downloads(selected, owner)  # copies and a zip: only when they change
        seen["run"] = view["signature"]
    elif selected and any(r["id"] == selected and r["status"] == "running" for r in index):
        out["progress"] = view["progress"]  # the ETA moves even between metric rows
    return out, seen


def _refusal(run_id: str | None, owner: str | None) -> str | None:
    """None when this visitor may abort or delete the run, else the message box saying why not."""
    if not run_id:
        return error_box(S.PICK_RUN)
    lab = lab_state.current()
    try:
        if not lab.may_change(lab.row(run_id, owner), owner):
            return error_box(S.NOT_YOURS.format(run=run_id))
    except INPUT_ERRORS as error:
        return error_box(message_of(error))
    return None


def abort(run_id: str | None, owner: str | None) -> str:
    refused = _refusal(run_id, owner)
    if refused:
        return refused
    try:
        status = lab_state.current().store.row(run_id)["status"]
        if status not in ("queued", "running"):
            return error_box(S.NOT_ACTIVE.format(run=run_id, status=status))
        lab_state.current().jobs.abort(run_id)
    except INPUT_ERRORS as error:
        return error_box(message_of(error))
    return info_box(S.ABORTED.format(run=run_id))


def delete(run_id: str | None, owner: str | None) -> str:
    refused = _refusal(run_id, owner)
    if refused:
        return refused
    try:
        lab_state.current().jobs.delete(run_id)
    except INPUT_ERRORS as error:
        return error_box(message_of(error))
    return info_box(S.DELETED.format(run=run_id))


def run_summary(run_id: str, request: gr.Request) -> dict:
    """API endpoint (gradio_client): a run's status, metrics rows and final metrics as JSON."""
    try:
        run = lab_state.current().run(run_id, visitors.owner(request))
    except KeyError as error:
        return {"error": message_of(error)}
    return {"id": run_id, **run.status(), "damage": run.damage(), "metrics": run.metrics(), "final": run.final()}


def list_runs(request: gr.Request) -> list[dict]:
    """API endpoint (gradio_client): the run index, newest first (owner hashes left out)."""
    return [{k: v for k, v in row.items() if k != "owner"} for row in lab_state.current().runs(visitors.owner(request))]


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
    c["export"] = gr.Markdown(elem_id="runs-export")
    outputs = [c["table"], c["selected"], c["status"], c["progress"], c["plot"], c["files"], c["export"], c["seen"]]

    def on_tick(selected, seen, request: gr.Request):
        out, seen = refresh(selected, seen, visitors.owner(request))
        return [*(_as_update(part, out) for part in PARTS), seen]

    def on_pick(selected, seen, request: gr.Request):
        return on_tick(selected, {k: v for k, v in (seen or {}).items() if k != "run"}, request)

    c["timer"].tick(on_tick, [c["selected"], c["seen"]], outputs, show_progress="hidden", concurrency_limit=None,
                    api_name="refresh_runs")
    c["selected"].input(on_pick, [c["selected"], c["seen"]], outputs, show_progress="hidden", concurrency_limit=None,
                        api_visibility="undocumented")

    def on_select(event: gr.SelectData, seen, request: gr.Request):
        run_id = event.row_value[0] if event.row_value else None
        return [gr.update(value=run_id), *on_pick(run_id, seen, request)[2:]]

    c["table"].select(on_select, [c["seen"]], [c["selected"], *outputs[2:]], show_progress="hidden",
                      concurrency_limit=None, api_visibility="undocumented")
    c["on_tick"], c["outputs"] = on_tick, outputs
    return c
