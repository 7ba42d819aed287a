"""Transfer tab: the shipped soft-prompt transfer study (presets/transfer/transfer.yaml) and the newest transfer
report of this lab, live: its runs' progress, then the heatmaps (zero-shot, speed-up), the similarity scatter and
the report's tables.

*Run the transfer study* starts `python -m core.transfer` on this lab's runs folder in its own process (its runs
queue like any other; the app's scheduler trains them; the analysis runs in that process, never in the web one),
one at a time for the whole lab. On a shared lab (a public Space) only an operator who sets
PROMPT_LAB_TRANSFER_STUDY=1 lets visitors start one: it queues many runs. Only the shipped preset runs from here
(a visitor's YAML would name local task files); the report folder is inside the runs folder (transfers/) and is
never served, its tables and plots are shown.
"""
from __future__ import annotations

import time
from pathlib import Path

import gradio as gr

from app import background
from app import lab as lab_state
from app import strings as S
from app.errors import INPUT_ERRORS, error_box, info_box, message_of

TICK_SECONDS = 5.0
PRESET = background.ROOT / "presets" / "transfer" / "transfer.yaml"
ALLOW = "PROMPT_LAB_TRANSFER_STUDY"


def transfers_folder() -> Path:
    from core.transfer import FOLDER
    return lab_state.current().root / FOLDER


def newest_report() -> Path | None:
    return background.newest(transfers_folder(), "transfer.json")


def running() -> bool:
    """A transfer process of this lab is alive."""
    return background.running(transfers_folder())


def preset_view() -> str:
    """The preset's description, modes (tasks, seeds) and budgets, as markdown."""
    from core.transfer_study import load_transfer_spec
    spec = load_transfer_spec(str(PRESET))
    lines = [spec.description.strip(), ""]
    for mode in spec.modes or [None]:
        plan = spec.for_mode(mode)
        ppt = f"; PPT targets {', '.join(plan.ppt['targets'])}" if plan.ppt else ""
        lines.append(f"- **{mode or 'as written'}**: tasks {', '.join(plan.tasks)}; seeds "
                     f"{', '.join(map(str, plan.seeds))}{ppt}; {spec.budget.get(mode, '')}")
    return "\n".join(lines)


def report_view() -> dict:
    """The newest report: {"status", "report" (markdown), "zero_shot", "speedup", "similarity" (figures or None),
    "signature"} (the signature changes when the view would)."""
    from core.studies import NoSuchStudy, StudyStore, progress
    from core.transfer_study import read_results, similarity_figure, speedup_figure, transfer_state, zero_shot_figure
    empty = {"report": "", "zero_shot": None, "speedup": None, "similarity": None}
    folder = newest_report()
    if folder is None:
        return {"status": S.TRANSFER_NO_REPORT, **empty, "signature": None}
    lab, state = lab_state.current(), transfer_state(folder)
    done = total = 0
    for study_id in (state.get("studies") or {}).values():
        try:
            info = progress(lab.store, StudyStore(lab.store).get(study_id))
        except (NoSuchStudy, OSError, ValueError):
            continue
        done, total = done + info["finished"], total + info["total"]
    alive = running()
    status = S.TRANSFER_REPORT.format(name=state.get("name", folder.name), mode=state.get("mode"), done=done,
                                      total=total, state=S.TRANSFER_RUNNING if alive else "")
    signature = (folder.name, done, total, alive, state.get("written"))
    results = read_results(folder)
    if results is None:
        return {"status": status, **empty, "report": S.TRANSFER_WAITING, "signature": signature}
    try:
        report = (folder / "transfer.md").read_text()
    except OSError:
        report = ""
    return {"status": status, "report": report, "zero_shot": zero_shot_figure(results),
            "speedup": speedup_figure(results), "similarity": similarity_figure(results), "signature": signature}


def start(quick: bool) -> str:
    """Start the shipped transfer study in its own process, unless one is running. -> a message."""
    lab = lab_state.current()
    background.check_may_start(lab.shared, ALLOW, transfers_folder(), off=S.TRANSFER_OFF, busy=S.TRANSFER_BUSY)
    mode = "quick" if quick else "full"
    out = transfers_folder() / f"{time.strftime('%Y%m%d-%H%M%S')}-{mode}"
    background.start("core.transfer", ["--config", str(PRESET), "--runs", str(lab.root), "--out", str(out)]
                     + (["--quick"] if quick else []), transfers_folder(), "transfer.log")
    return info_box(S.TRANSFER_STARTED.format(mode=mode))


def build() -> dict:
    gr.Markdown(S.TRANSFER_INTRO)
    with gr.Accordion(S.TRANSFER_PRESET, open=False):
        gr.Markdown(preset_view())
    with gr.Row():
        quick = gr.Checkbox(True, label=S.TRANSFER_QUICK)
        start_button = gr.Button(S.TRANSFER_START, variant="primary")
    message = gr.HTML()
    status = gr.Markdown()
    with gr.Row():
        zero_shot = gr.Plot(label=S.TRANSFER_ZERO_SHOT)
        speedup = gr.Plot(label=S.TRANSFER_SPEEDUP)
    similarity = gr.Plot(label=S.TRANSFER_SIMILARITY)
    report = gr.Markdown()
    seen = gr.State(None)
    timer = gr.Timer(TICK_SECONDS)

    def on_start(is_quick):
        try:
            return start(bool(is_quick))
        except INPUT_ERRORS as error:
            return error_box(message_of(error))

    def on_tick(last=None):
        view = report_view()
        if view["signature"] is not None and view["signature"] == last:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), last
        return (view["status"], view["zero_shot"], view["speedup"], view["similarity"], view["report"],
                view["signature"])

    outputs = [status, zero_shot, speedup, similarity, report, seen]
    start_button.click(on_start, quick, message, api_name="start_transfer")
    timer.tick(on_tick, seen, outputs, show_progress="hidden", api_visibility="undocumented")
    return {"refresh": lambda: on_tick(None), "outputs": outputs}
