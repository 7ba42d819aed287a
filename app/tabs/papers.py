"""Papers tab: the seed papers' claims, each with the paper's figure and the rule the lab judges it by, and the
lab's own figures from the newest claims report, judged live as its runs finish.

*Run the claims* starts `python -m core.reproduce` on this lab's runs folder in its own process (its runs
queue like any other; the app's scheduler trains them), one report at a time for the whole lab. On a shared
lab (a public Space) only an operator who sets PROMPT_LAB_CLAIMS_REPORT=1 lets visitors start one: it
queues dozens of runs. The
report's folder is inside the runs folder (reports/<date>-<mode>) and is never served; its table is shown.
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
ALLOW = "PROMPT_LAB_CLAIMS_REPORT"
VERDICT = {True: "agrees", False: "**disagrees**", None: "no verdict yet"}  # words: emoji fonts are not everywhere


def reports_folder() -> Path:
    return lab_state.current().root / "reports"


def newest_report() -> Path | None:
    return background.newest(reports_folder(), "reproduce.json")


def running() -> bool:
    """A report process of this lab is alive."""
    return background.running(reports_folder())


def claims_rows() -> list[list[str]]:
    """Every claim with the paper's figure and the lab's rule (no runs needed)."""
    from core.reproduce import claims
    return [[c.text, c.paper, c.rule] for c in claims()]


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A markdown table (it wraps long cells, where a Dataframe clips them)."""
    cell = lambda text: str(text).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    return "\n".join(["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers),
                      *("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)])


def report_view() -> tuple[str, list[list[str]] | None]:
    """-> (a line on the newest report and its progress, its table: claim, the paper, the lab, verdict)."""
    from core.reproduce import claims, judge_all, report_studies
    from core.studies import progress
    folder = newest_report()
    if folder is None:
        return S.PAPERS_NO_REPORT, None
    lab = lab_state.current()
    mode, studies = report_studies(lab.store, folder)
    infos = [progress(lab.store, s) for s in studies.values()]  # once a tick: each reads the index
    done, total = sum(i["finished"] for i in infos), sum(i["total"] for i in infos)
    rows = judge_all(lab.store, claims(), studies)
    line = S.PAPERS_REPORT.format(name=folder.name, mode=mode, done=done, total=total,
                                  state=S.PAPERS_RUNNING if running() else "")
    return line, [[r["claim"], r["paper"], r["lab"], VERDICT[r["agrees"]]] for r in rows]


def start(quick: bool) -> str:
    """Start the claims report in its own process, unless one is running. -> a message."""
    lab = lab_state.current()
    background.check_may_start(lab.shared, ALLOW, reports_folder(), off=S.PAPERS_OFF, busy=S.PAPERS_BUSY)
    mode = "quick" if quick else "full"
    out = reports_folder() / f"{time.strftime('%Y%m%d-%H%M%S')}-{mode}"
    background.start("core.reproduce", ["--runs", str(lab.root), "--out", str(out)] + (["--quick"] if quick else []),
                     reports_folder(), "reproduce.log")
    return info_box(S.PAPERS_STARTED.format(mode=mode))


def build() -> dict:
    gr.Markdown(S.PAPERS_INTRO)
    with gr.Accordion(S.PAPERS_CLAIMS, open=False):
        gr.Markdown(markdown_table(S.PAPERS_CLAIM_HEADERS, claims_rows()))
    with gr.Row():
        quick = gr.Checkbox(True, label=S.PAPERS_QUICK)
        start_button = gr.Button(S.PAPERS_START, variant="primary")
    message = gr.HTML()
    status = gr.Markdown()
    table = gr.Markdown()
    timer = gr.Timer(TICK_SECONDS)

    def on_start(is_quick):
        try:
            return start(bool(is_quick))
        except INPUT_ERRORS as error:
            return error_box(message_of(error))

    def on_tick():
        line, rows = report_view()
        return line, markdown_table(S.PAPERS_REPORT_HEADERS, rows) if rows else ""

    start_button.click(on_start, quick, message, api_name="start_claims")
    timer.tick(on_tick, None, [status, table], show_progress="hidden", api_visibility="undocumented")
    return {"refresh": on_tick, "outputs": [status, table]}
