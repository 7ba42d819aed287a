"""Composes the lab's tabs into one gr.Blocks and wires what crosses tabs (Train -> Runs,
Runs -> Inspect). Each tab builds itself in app/tabs/<tab>.py. Handlers that act for a visitor
take `request: gr.Request`: who the visitor is comes from the server's cookie (app/visitors.py).

    demo = build_demo()                       # uses app.lab.current() (env PROMPT_LAB_RUNS, ...)
    demo.launch(theme=THEME, css=CSS, **lab.launch_options())
"""
from __future__ import annotations

import gradio as gr

from app import lab as lab_state
from app import strings as S
from app import visitors
from app.errors import INPUT_ERRORS, error_box, message_of
from app.tabs import classroom, compare, inspect, papers, runs, studies, train, transfer

THEME = gr.themes.Soft(primary_hue="indigo", secondary_hue="slate")
CSS = """
.lab-note { padding: 8px 12px; border-radius: 6px; margin: 4px 0; }
.lab-error { background: #fdecea; color: #8a1c12; border: 1px solid #f5c2bd; }
.lab-info { background: #eef2ff; color: #1e2a6b; border: 1px solid #c7d2fe; }
.lab-muted { color: #6b7280; font-size: 0.88em; }
.lab-progress { height: 14px; background: #e5e7eb; border-radius: 7px; overflow: hidden; }
.lab-bar { height: 100%; background: #6366f1; transition: width 0.6s ease; }
.lab-finished .lab-bar { background: #16a34a; }
.lab-failed .lab-bar, .lab-interrupted .lab-bar, .lab-aborted .lab-bar { background: #dc2626; }
.lab-progress-text { font-size: 0.9em; color: #4b5563; margin-top: 4px; }
table.lab-tags { border-collapse: collapse; font-size: 0.92em; }
table.lab-tags td, table.lab-tags th { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; }
table.lab-tags tr.lab-wrong td { background: #fdecea; }
.lab-tag { padding: 1px 6px; border-radius: 4px; color: #111; }
#inspect-passage span.text, #inspect-predicted span.text, #inspect-gold span.text { word-break: normal !important; }
"""


def on_train(request: gr.Request, *values):
    """Train pressed: queue the run for this visitor, switch to Runs with it selected; a bad form keeps its values."""
    try:
        message, run_id = train.launch(dict(zip(train.FIELDS, values)), visitors.owner(request))
    except INPUT_ERRORS as error:
        gr.Warning(message_of(error))
        return error_box(message_of(error)), gr.skip(), gr.skip(), ""
    picker = gr.update(choices=compare.choices(visitors.owner(request)), value=run_id)
    return message, picker, gr.Tabs(selected="runs"), run_id


def on_inspect(run_id, request: gr.Request):
    """Runs -> Inspect for a finished run."""
    if not run_id:
        return error_box(S.PICK_RUN), gr.skip(), gr.skip()
    owner = visitors.owner(request)
    try:
        status = lab_state.current().row(run_id, owner)["status"]
    except INPUT_ERRORS as error:
        return error_box(message_of(error)), gr.skip(), gr.skip()
    if status != "finished":
        return error_box(S.NO_PREDICTIONS), gr.skip(), gr.skip()
    return "", gr.update(choices=inspect.finished_choices(owner), value=run_id), gr.Tabs(selected="inspect")


def on_abort(run_id, request: gr.Request):
    return runs.abort(run_id, visitors.owner(request))


def on_delete(run_id, request: gr.Request):
    return runs.delete(run_id, visitors.owner(request))


def on_baseline(run_ids, request: gr.Request):
    owner = visitors.owner(request)
    message, chosen = compare.baseline(run_ids, owner)
    return message, gr.update(choices=compare.choices(owner), value=chosen)


def on_train_prompt(task, file, backbone, steps, max_examples, words, request: gr.Request):
    try:
        return classroom.train_prompt(file or task, backbone, steps, max_examples, visitors.owner(request), words)
    except INPUT_ERRORS as error:
        return error_box(message_of(error))


def build_demo() -> gr.Blocks:
    with gr.Blocks(title=S.TITLE) as demo:
        gr.Markdown(f"# {S.TITLE}\n{S.INTRO}")
        with gr.Tabs() as tabs:
            with gr.Tab(S.TAB_TRAIN, id="train"):
                t = train.build()
            with gr.Tab(S.TAB_RUNS, id="runs"):
                r = runs.build()
            with gr.Tab(S.TAB_INSPECT, id="inspect") as inspect_tab:
                i = inspect.build()
            with gr.Tab(S.TAB_COMPARE, id="compare") as compare_tab:
                c = compare.build()
            with gr.Tab(S.TAB_CLASSROOM, id="classroom"):
                k = classroom.build()
            with gr.Tab(S.TAB_STUDIES, id="studies") as studies_tab:
                st = studies.build()
            with gr.Tab(S.TAB_TRANSFER, id="transfer") as transfer_tab:
                tr = transfer.build()
            with gr.Tab(S.TAB_PAPERS, id="papers") as papers_tab:
                pp = papers.build()
        new_run = gr.Textbox(visible=False)  # the id Train returns, for API clients

        t["button"].click(on_train, t["form"], [t["message"], r["selected"], tabs, new_run], api_name="train")
        r["abort"].click(on_abort, r["selected"], r["message"], api_name="abort")
        r["delete"].click(on_delete, r["selected"], r["message"], api_name="delete").then(
            r["on_tick"], [r["selected"], r["seen"]], r["outputs"], show_progress="hidden",
            api_visibility="undocumented")
        r["inspect"].click(on_inspect, r["selected"], [r["message"], i["run"], tabs], api_visibility="undocumented")
        inspect_tab.select(i["refresh_choices"], i["run"], i["run"], concurrency_limit=None,
                           api_visibility="undocumented")
        compare_tab.select(c["refresh_choices"], None, c["runs"], concurrency_limit=None,
                           api_visibility="undocumented")
        transfer_tab.select(tr["refresh"], None, tr["outputs"], concurrency_limit=None, api_visibility="undocumented")
        papers_tab.select(pp["refresh"], None, pp["outputs"], concurrency_limit=None, api_visibility="undocumented")
        studies_tab.select(st["refresh_choices"], st["picker"], st["picker"], concurrency_limit=None,
                           api_visibility="undocumented")
        c["baseline"].click(on_baseline, c["runs"], [c["message"], c["runs"]], api_name="baseline")
        k["train"].click(on_train_prompt, [k["task"], k["file"], k["backbone"], k["steps"], k["max_examples"], k["words"]],
                         k["message"],
                         api_name="train_prompt")
        demo.load(t["refill"], t["form"], t["refill_outputs"], api_visibility="undocumented")
        gr.api(runs.run_summary, api_name="run_summary")
        gr.api(runs.list_runs, api_name="list_runs")
    return demo
