"""Studies tab: plan a group of runs from a shipped study preset (the seed papers' ablations) or edited
YAML, queue them all, watch their progress and the ablation plot grow, resume after a restart, and
promote the best point to a plain run. The work is core.studies'; this file only shows it.

A visitor's YAML is a stranger's: every point's config passes the same gate as the Train form's
(core.guard), the number of runs a visitor may queue at once is bounded, and on a shared lab a
study is seen and changed only by the browser that started it.
"""
from __future__ import annotations

import os
from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder

from app import lab as lab_state
from app import strings as S
from app import visitors
from app.errors import INPUT_ERRORS, error_box, info_box, message_of
from core.api import NoSuchStudy, StudySpec, StudyStore, check_visitor_config, study_dashboard, study_presets

TICK_SECONDS = 3.0
MAX_WEB_RUNS = int(os.environ.get("PROMPT_LAB_MAX_STUDY_RUNS") or 60)  # one study from the web lab


# -- handlers ------------------------------------------------------------------------------------
def preset_yaml(name: str | None) -> str:
    return study_presets().get(name or "", "")


def preset_description(name: str | None) -> str:
    text = preset_yaml(name)
    if not text:
        return ""
    spec = StudySpec.from_yaml(text)
    budgets = "; ".join(f"**{mode}**: {budget}" for mode, budget in spec.budget.items())
    return f"{spec.description.strip()}\n\n{S.STUDY_BUDGET.format(budgets=budgets)}"


def choices(owner: str | None) -> list[tuple[str, str]]:
    lab = lab_state.current()
    return [(study.id, study.id) for study in StudyStore(lab.store).list(owner, shared=lab.shared)]


def own_study(study_id, owner: str | None):
    """The study, if this visitor may see it (on a shared lab: only the browser that started it)."""
    lab = lab_state.current()
    study = StudyStore(lab.store).get(study_id)
    if lab.shared and study.owner() != owner:
        raise NoSuchStudy(f"no study '{study_id}' in this lab")
    return study


def start(yaml_text: str, mode: str | None, owner: str | None) -> tuple[str, str | None]:
    """Check every point as a Train-form run would be, then queue them all. -> (message, study id)."""
    from core.studies import launch
    lab = lab_state.current()
    if lab.shared and owner is None:
        raise ValueError(S.NO_VISITOR)
    spec = StudySpec.from_yaml(yaml_text or "")
    planned = len(spec.for_mode(mode if spec.modes else None).points())
    if planned > MAX_WEB_RUNS:
        raise ValueError(S.STUDY_TOO_BIG.format(n=planned, limit=MAX_WEB_RUNS))
    uploads = (lab.uploads, Path(get_upload_folder()))
    study = launch(lab.jobs, spec, mode if spec.modes else None, owner,
                   check=lambda config: check_visitor_config(config, lab.root, uploads, lab.allow_local_paths))
    return info_box(S.STUDY_STARTED.format(study=study.id, n=planned)), study.id


def study_view(study_id: str | None, owner: str | None = None) -> dict:
    """{"progress", "table", "figure", "signature"} of one study."""
    from core.studies import ablation_figure, aggregate, progress, table
    if not study_id:
        return {"progress": S.NO_STUDY, "table": None, "figure": None, "signature": None}
    lab = lab_state.current()
    try:
        study = own_study(study_id, owner)
        plan = study.plan()
    except INPUT_ERRORS as error:
        return {"progress": error_box(message_of(error)), "table": None, "figure": None,
                "signature": ("missing", str(study_id)[:80])}
    info = progress(lab.store, study)
    summary = aggregate(info["points"], plan.x)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(info["counts"].items()))
    lines = [S.STUDY_PROGRESS.format(study=study.id, name=plan.name, mode=study.mode or "-", done=info["finished"],
                                     total=info["total"], counts=counts)]
    if summary["best"]:
        best = summary["best"]
        lines.append(S.STUDY_BEST.format(line=best["line"], x=plan.x, value=best["x"], mean=100 * best["mean"],
                                         std=100 * best["std"], n=best["n"], metric=best["metric_name"] or ""))
    started = [p["run"] for p in info["points"] if p.get("run") and p["status"] not in ("queued", "missing")]
    lines += [S.STUDY_DASHBOARD.format(command=command) for command in study_dashboard(lab.store, started)]
    rows = table(info, plan)
    signature = tuple((p.get("run"), p["status"], p.get("metric")) for p in info["points"])
    figure = ablation_figure(summary, S.STUDY_PLOT.format(name=plan.name, x=plan.x)) if summary["lines"] else None
    return {"progress": "\n\n".join(lines), "table": {"headers": rows[0], "data": rows[1:]}, "figure": figure,
            "signature": signature}


def resume_study(study_id, owner: str | None) -> str:
    from core.studies import resume
    study = own_study(study_id, owner)
    queued = resume(lab_state.current().jobs, study)
    return info_box(S.STUDY_RESUMED.format(study=study.id, n=len(queued)))


def promote_best(study_id, owner: str | None) -> tuple[str, str]:
    """Queue the best point as a plain run for this visitor. -> (message, run id)."""
    from core.studies import promote
    study = own_study(study_id, owner)
    run_id = promote(lab_state.current().jobs, study, owner=owner)
    return info_box(S.STUDY_PROMOTED.format(run=run_id)), run_id


# -- the tab -------------------------------------------------------------------------------------
def build() -> dict:
    names = list(study_presets())
    first = "prompt-length" if "prompt-length" in names else (names[0] if names else None)
    gr.Markdown(S.STUDIES_INTRO)
    with gr.Row():
        preset = gr.Dropdown(names, value=first, label=S.STUDY_PRESET, scale=2)
        mode = gr.Radio(["quick", "full"], value="quick", label=S.STUDY_MODE, info=S.STUDY_MODE_INFO, scale=1)
    about = gr.Markdown(preset_description(first))
    with gr.Accordion(S.STUDY_YAML, open=False):
        spec = gr.Code(preset_yaml(first), language="yaml", label=S.STUDY_YAML_LABEL, lines=14)
    start_button = gr.Button(S.STUDY_START, variant="primary")
    message = gr.HTML()
    with gr.Row():
        # any value may arrive from an API client: own_study() decides, so no choice list is trusted
        picker = gr.Dropdown([], label=S.STUDY_PICK, scale=3, allow_custom_value=True)
        resume_button = gr.Button(S.STUDY_RESUME, scale=1)
        promote_button = gr.Button(S.STUDY_PROMOTE, scale=1)
    status = gr.Markdown()
    plot = gr.Plot(label=S.STUDY_PLOT_LABEL)
    runs = gr.Dataframe(label=S.STUDY_RUNS, interactive=False, wrap=True)
    seen = gr.State(None)
    timer = gr.Timer(TICK_SECONDS)

    def on_preset(name):
        return preset_yaml(name), preset_description(name)

    def on_start(yaml_text, chosen_mode, request: gr.Request):
        owner = visitors.owner(request)
        try:
            text, study_id = start(yaml_text, chosen_mode, owner)
        except INPUT_ERRORS as error:
            gr.Warning(message_of(error))
            return error_box(message_of(error)), gr.skip()
        return text, gr.update(choices=choices(owner), value=study_id)

    def on_tick(study_id, last, request: gr.Request):
        view = study_view(study_id, visitors.owner(request))
        if view["signature"] is not None and view["signature"] == last:
            return gr.skip(), gr.skip(), gr.skip(), last
        return view["progress"], view["figure"], view["table"], view["signature"]

    def on_resume(study_id, request: gr.Request):
        try:
            return resume_study(study_id, visitors.owner(request))
        except INPUT_ERRORS as error:
            return error_box(message_of(error))

    def on_promote(study_id, request: gr.Request):
        try:
            return promote_best(study_id, visitors.owner(request))[0]
        except INPUT_ERRORS as error:
            return error_box(message_of(error))

    def on_open(study_id, request: gr.Request):
        return gr.update(choices=choices(visitors.owner(request)), value=study_id)

    preset.change(on_preset, preset, [spec, about], api_visibility="undocumented")
    start_button.click(on_start, [spec, mode], [message, picker], api_name="start_study")
    resume_button.click(on_resume, picker, message, api_name="resume_study")
    promote_button.click(on_promote, picker, message, api_name="promote_study")
    outputs = [status, plot, runs, seen]
    timer.tick(on_tick, [picker, seen], outputs, show_progress="hidden", api_visibility="undocumented")
    picker.change(on_tick, [picker, gr.State(None)], outputs, show_progress="hidden", api_visibility="undocumented")
    return {"picker": picker, "refresh_choices": on_open, "message": message}
