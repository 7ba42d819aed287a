"""Inspect tab: a finished run's dev predictions in the form its task family reads best, and a box
to type new input for the trained model.

  classification  confusion matrix + per-example probabilities
  tagging         a sentence's tokens coloured by predicted tag beside the gold tags, errors marked
  qa              the passage with the predicted answer span (and gold) highlighted, its score

Predictions come from the run's predictions.json (written by the worker); typed input goes
through core.api.predict_text, a short inference on the run's saved parameters.
"""
from __future__ import annotations

import gradio as gr

from app import lab as lab_state
from app import plots
from app import strings as S
from app import visitors
from app.errors import INPUT_ERRORS, error_box, message_of
from app.render import (QA_COLORS, family_of, is_correct, number, pick_examples, qa_segments, run_choice,
                        tag_colors, tag_table_html, tag_values, task_label)
from core.api import confusion_matrix, predict_text

FAMILIES = ("classification", "tagging", "qa")


# -- handlers ------------------------------------------------------------------------------------
def finished_choices(owner: str | None = None) -> list[tuple[str, str]]:
    return [run_choice(r) for r in lab_state.current().runs(owner, status="finished")]


def _predictions(run_id: str, owner: str | None) -> list[dict]:
    """The run's dev predictions; KeyError saying why when the run is unknown, hidden or damaged."""
    run = lab_state.current().run(run_id, owner)
    predictions = run.predictions()
    if not predictions and (run.path / "predictions.json").exists():
        raise KeyError(S.DAMAGED.format(run=run_id, damage="predictions.json cannot be read"))
    return predictions


def labels_of(predictions: list[dict]) -> list[str]:
    """The label set in the task's order: classification rows carry every label's probability."""
    family = family_of(predictions)
    if family == "classification":
        return list(predictions[0]["probabilities"])
    if family == "tagging":
        return sorted({tag for row in predictions for tag in (row.get("gold") or []) + row["predicted"]})
    return []


def class_rows(predictions: list[dict], only_errors: bool) -> list[list]:
    return [[i, row["text"] + (f"  ‖  {row['text_b']}" if row.get("text_b") else ""), row.get("gold") or "",
             row["predicted"], number(row["probabilities"][row["predicted"]]), "✓" if row.get("correct") else "✗"]
            for i, row in enumerate(predictions) if not (only_errors and row.get("correct"))]


def qa_rows(predictions: list[dict], only_errors: bool) -> list[list]:
    return [[i, row["question"], row["predicted"] or S.NO_ANSWER, number(row["score"]),
             " | ".join(row["gold"]) or S.NO_ANSWER, "✓" if row.get("correct") else "✗"]
            for i, row in enumerate(predictions) if not (only_errors and row.get("correct"))]


def load_run(run_id: str | None, only_errors: bool = False, owner: str | None = None) -> dict:
    """-> {"family", "summary", "figure", "table", "examples", "colors", "error", "second"} for the run's dev
    predictions ("second": the typed input needs a second box, for a question or a sentence pair)."""
    out = {"family": None, "summary": "", "figure": None, "table": [], "examples": [], "colors": {}, "error": "",
           "second": False}
    if not run_id:
        return out
    lab = lab_state.current()
    try:
        predictions = _predictions(run_id, owner)
        row = lab.row(run_id, owner)
    except INPUT_ERRORS as error:
        out["error"] = error_box(message_of(error))
        return out
    if not predictions:
        out["error"] = error_box(S.NO_PREDICTIONS)
        return out
    family = out["family"] = family_of(predictions)
    out["second"] = family == "qa" or any(p.get("text_b") for p in predictions)  # a question or a sentence pair
    wrong = sum(1 for p in predictions if is_correct(p) is False)
    out["summary"] = S.SUMMARY.format(task=task_label(row.get("task")), backbone=row.get("backbone"),
                                      method=row.get("method"), metric=row.get("metric_name") or "metric",
                                      best=number(row.get("best_metric")), share=row.get("share") or "",
                                      n=len(predictions), wrong=wrong)
    labels = labels_of(predictions)
    if family == "classification":
        out["figure"] = plots.confusion(confusion_matrix(predictions, labels), labels)
        out["table"] = class_rows(predictions, only_errors)
    elif family == "qa":
        out["table"] = qa_rows(predictions, only_errors)
    out["examples"] = pick_examples(predictions, only_errors) if family != "classification" else []
    out["colors"] = tag_colors(labels) if family == "tagging" else QA_COLORS
    return out


def show_example(run_id: str | None, index: int | None, owner: str | None = None) -> dict:
    """One tagging sentence or QA question: {"predicted", "gold", "table", "passage", "detail"}."""
    out = {"predicted": None, "gold": None, "table": "", "passage": None, "detail": ""}
    if not run_id or index is None:
        return out
    try:
        predictions = _predictions(run_id, owner)
        row = predictions[int(index)]
    except (*INPUT_ERRORS, IndexError):
        return out
    if family_of(predictions) == "tagging":
        out["predicted"], out["gold"] = tag_values(row)
        out["table"] = tag_table_html(row, tag_colors(labels_of(predictions)))
    elif family_of(predictions) == "qa":
        out["passage"] = qa_segments(row)
        out["detail"] = S.QA_DETAIL.format(question=row["question"], predicted=row["predicted"] or S.NO_ANSWER,
                                           score=number(row["score"]), gold=" | ".join(row["gold"]) or S.NO_ANSWER,
                                           verdict=S.RIGHT if row.get("correct") else S.WRONG)
    return out


def predict(run_id: str | None, text: str, second: str = "", owner: str | None = None) -> dict:
    """Typed input -> {"family", "label" (probabilities), "highlight", "answer", "error"}. The model runs
    in the web process, so only for runs on a backbone this lab offers (never a name a visitor typed)."""
    out = {"family": None, "label": None, "highlight": None, "answer": "", "error": ""}
    if not run_id:
        out["error"] = error_box(S.PICK_RUN)
        return out
    lab = lab_state.current()
    try:
        run = lab.run(run_id, owner)
        backbone = lab.row(run_id, owner).get("backbone")
        if backbone not in lab.in_process_backbones():
            raise ValueError(S.NOT_IN_PROCESS.format(backbone=backbone, offered=", ".join(sorted(lab.in_process_backbones()))))
        result = predict_text(str(run.path), text, second or "")
    except INPUT_ERRORS as error:
        out["error"] = error_box(message_of(error))
        return out
    family = out["family"] = family_of([result])
    if family == "classification":
        out["label"] = result["probabilities"]
    elif family == "tagging":
        out["highlight"] = {"text": result["text"], "entities": result["entities"]}
    else:
        out["highlight"] = qa_segments(result)
        out["answer"] = S.ANSWER.format(answer=result["predicted"] or S.NO_ANSWER, score=number(result["score"]))
    return out


# -- Gradio wiring -----------------------------------------------------------------------------
def build() -> dict[str, gr.components.Component]:
    c: dict = {}
    with gr.Row():
        c["run"] = gr.Dropdown([], value=None, label=S.INSPECT_RUN, scale=4, elem_id="inspect-run",
                               allow_custom_value=True)
        c["refresh"] = gr.Button(S.REFRESH, scale=0, min_width=100)
        c["only_errors"] = gr.Checkbox(False, label=S.ONLY_ERRORS, scale=1)
    c["summary"] = gr.Markdown(elem_id="inspect-summary")
    with gr.Group(visible=False) as c["classification"]:
        with gr.Row():
            c["confusion"] = gr.Plot(label=S.CONFUSION, scale=1)
            c["class_table"] = gr.Dataframe(headers=S.EXAMPLE_COLUMNS, interactive=False, wrap=True, scale=2,
                                            max_height=420, column_widths=["7%", "51%", "12%", "12%", "11%", "7%"])
    with gr.Group(visible=False) as c["examples_group"]:
        c["example"] = gr.Dropdown([], label=S.EXAMPLE, elem_id="inspect-example", allow_custom_value=True)
        with gr.Row(visible=False) as c["tagging"]:
            with gr.Column():
                c["pred_tags"] = gr.HighlightedText(label=S.PREDICTED, show_legend=True, elem_id="inspect-predicted")
                c["gold_tags"] = gr.HighlightedText(label=S.GOLD, show_legend=True, elem_id="inspect-gold")
            c["tag_table"] = gr.HTML()
        with gr.Column(visible=False) as c["qa"]:
            c["qa_detail"] = gr.Markdown()
            c["passage"] = gr.HighlightedText(label=S.PASSAGE, color_map=QA_COLORS, show_legend=True,
                                              elem_id="inspect-passage")
            c["qa_table"] = gr.Dataframe(headers=S.QA_COLUMNS, interactive=False, wrap=True, max_height=360,
                                         column_widths=["5%", "40%", "22%", "8%", "18%", "7%"])
    with gr.Accordion(S.TRY_IT, open=True):
        with gr.Row():
            c["text"] = gr.Textbox(label=S.TRY_TEXT, lines=2, scale=3)
            c["second"] = gr.Textbox(label=S.TRY_SECOND["classification"], lines=2, scale=2)
        c["predict"] = gr.Button(S.PREDICT)
        c["try_error"] = gr.Markdown()
        c["label"] = gr.Label(label=S.PREDICTION, visible=False)
        c["highlight"] = gr.HighlightedText(label=S.PREDICTION, show_legend=True, visible=False)
        c["answer"] = gr.Markdown()
    c["error"] = gr.Markdown()

    example_outputs = [c["pred_tags"], c["gold_tags"], c["tag_table"], c["passage"], c["qa_detail"]]
    load_outputs = [c["summary"], c["error"], c["classification"], c["examples_group"], c["tagging"], c["qa"],
                    c["confusion"], c["class_table"], c["qa_table"], c["example"], c["text"], c["second"],
                    c["highlight"], *example_outputs]

    def on_load(run_id, only_errors, request: gr.Request):
        owner = visitors.owner(request)
        view = load_run(run_id, only_errors, owner)
        family, colors = view["family"], view["colors"]
        first = view["examples"][0][1] if view["examples"] else None
        example = show_example(run_id, first, owner)
        return [view["summary"], view["error"], gr.update(visible=family == "classification"),
                gr.update(visible=family in ("tagging", "qa")), gr.update(visible=family == "tagging"),
                gr.update(visible=family == "qa"), view["figure"], view["table"] if family == "classification" else [],
                view["table"] if family == "qa" else [], gr.update(choices=view["examples"], value=first),
                gr.update(label=S.TRY_TEXT_LABEL.get(family, S.TRY_TEXT)),
                gr.update(visible=view["second"], label=S.TRY_SECOND.get(family, "")),
                gr.update(color_map=colors, value=None),
                gr.update(value=example["predicted"], color_map=colors),
                gr.update(value=example["gold"], color_map=colors), example["table"], example["passage"],
                example["detail"]]

    def on_tab(current, request: gr.Request):
        """Entering the tab: fresh choices, and the newest finished run unless one is picked."""
        choices = finished_choices(visitors.owner(request))
        ids = [value for _, value in choices]
        return gr.update(choices=choices, value=current if current in ids else (ids[0] if ids else None))

    def on_example(run_id, index, request: gr.Request):
        example = show_example(run_id, index, visitors.owner(request))
        return [example["predicted"], example["gold"], example["table"], example["passage"], example["detail"]]

    def on_predict(run_id, text, second, request: gr.Request):
        out = predict(run_id, text, second, visitors.owner(request))
        return [out["error"], gr.update(value=out["label"], visible=out["label"] is not None),
                gr.update(value=out["highlight"], visible=out["highlight"] is not None), out["answer"]]

    c["run"].change(on_load, [c["run"], c["only_errors"]], load_outputs, concurrency_limit=None, api_name="inspect")
    c["only_errors"].input(on_load, [c["run"], c["only_errors"]], load_outputs, concurrency_limit=None,
                           api_visibility="undocumented")
    c["example"].input(on_example, [c["run"], c["example"]], example_outputs, concurrency_limit=None,
                       api_name="inspect_example")
    def on_refresh(request: gr.Request):
        return gr.update(choices=finished_choices(visitors.owner(request)))

    c["refresh"].click(on_refresh, None, c["run"], concurrency_limit=None, api_visibility="undocumented")
    c["predict"].click(on_predict, [c["run"], c["text"], c["second"]],
                       [c["try_error"], c["label"], c["highlight"], c["answer"]], concurrency_id="model",
                       concurrency_limit=1, api_name="predict")
    c["text"].submit(on_predict, [c["run"], c["text"], c["second"]],
                     [c["try_error"], c["label"], c["highlight"], c["answer"]], concurrency_id="model",
                     concurrency_limit=1, api_visibility="undocumented")
    c["refresh_choices"] = on_tab
    return c
