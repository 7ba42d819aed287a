"""Inspect tab: a finished run's dev predictions in the form its task family reads best, and a box
to type new input for the trained model. The run's family (recorded by the run) names its view:

  classes  confusion matrix + per-example probabilities (classification)
  tags     a sentence's tokens coloured by predicted tag beside the gold tags, errors marked (tagging)
  spans    the passage with the predicted answer span (and gold) highlighted, its score (qa)
  generations  each dev input with its generated text, references and per-input BLEU / ROUGE-L,
           sortable by score; the run's further dev splits and eval-sample note (generation)
  other    the predictions as they are (a family without a view of its own yet)

Predictions come from the run's predictions.json (written by the worker); typed input goes
through core.api.predict_text, a short inference on the run's saved parameters, or for a
generation run core.api.stream_text, whose growing text the handler yields as it is decoded.
"""
from __future__ import annotations

from collections.abc import Iterator

import gradio as gr

from app import lab as lab_state
from app import plots
from app import strings as S
from app import visitors
from app.errors import INPUT_ERRORS, error_box, message_of
from app.render import (QA_COLORS, fact_rows, generation_detail, generation_rows, is_correct, number, pick_examples,
                        relation_rows,
                        qa_segments, run_choice, sample_text, splits_text, tag_colors, tag_table_html, tag_values,
                        task_label)
from core.api import catalog, confusion_matrix, predict_text, stream_text



RAW_ROWS = 50  # predictions shown as they are, for a family without a view of its own


def view_of(family: str | None) -> str | None:
    """How predictions of this family are shown: its `view` in the catalog (None: a plain table)."""
    return catalog()["families"].get(family or "", {}).get("view")


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


def labels_of(predictions: list[dict], view: str | None) -> list[str]:
    """The label set in the task's order: classification rows carry every label's probability."""
    if view == "classes":
        return list(predictions[0]["probabilities"])
    if view == "tags":
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


def generation_summary(row: dict, final: dict, predictions: list[dict]) -> str:
    """The header of a generation run: its dev metric, then its further splits and eval-sample note."""
    head = S.GEN_SUMMARY.format(task=task_label(row.get("task")), backbone=row.get("backbone"),
                                method=row.get("method"), metric=row.get("metric_name") or "metric",
                                best=number(row.get("best_metric")), share=row.get("share") or "",
                                n=len(predictions), refs=sum(len(p["references"]) for p in predictions))
    return "\n\n".join(line for line in (head, splits_text(final), sample_text(final)) if line)


def load_run(run_id: str | None, only_errors: bool = False, owner: str | None = None, sort: str = "order") -> dict:
    """-> {"view", "summary", "figure", "table", "raw", "examples", "colors", "error", "second", "placeholder"} for
    the run's dev predictions ("second": the typed input needs a second box, for a question or a sentence pair;
    "placeholder": an input to show in the typed-input box). `sort` orders a generation run's table."""
    out = {"view": None, "summary": "", "figure": None, "table": [], "raw": None, "examples": [], "colors": {},
           "error": "", "second": False, "placeholder": "", "relations": []}
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
    view = out["view"] = view_of(row.get("family"))
    # a question, a sentence pair or an SRL predicate
    out["second"] = view == "spans" or any(p.get("text_b") or p.get("predicate") is not None for p in predictions)
    wrong = sum(1 for p in predictions if is_correct(p) is False)
    out["summary"] = S.SUMMARY.format(task=task_label(row.get("task")), backbone=row.get("backbone"),
                                      method=row.get("method"), metric=row.get("metric_name") or "metric",
                                      best=number(row.get("best_metric")), share=row.get("share") or "",
                                      n=len(predictions), wrong=wrong)
    labels = labels_of(predictions, view)
    if view == "classes":
        out["figure"] = plots.confusion(confusion_matrix(predictions, labels), labels)
        out["table"] = class_rows(predictions, only_errors)
    elif view == "spans":
        out["table"] = qa_rows(predictions, only_errors)
    elif view == "facts":
        final = lab.run(run_id, owner).final()
        kept = sum(1 for p in predictions if not p.get("dropped"))
        out["summary"] = S.FACT_SUMMARY.format(task=task_label(row.get("task")), backbone=row.get("backbone"),
                                               method=row.get("method"), metric=row.get("metric_name") or "p@1",
                                               best=number(row.get("best_metric")), share=row.get("share") or "",
                                               kept=kept, n=len(predictions), dropped=len(predictions) - kept)
        out["table"] = fact_rows(predictions, only_errors)
        out["relations"] = relation_rows(final)
        out["second"] = True
        out["placeholder"] = predictions[0]["subject"]
    elif view == "generations":
        out["summary"] = generation_summary(row, lab.run(run_id, owner).final(), predictions)
        out["table"] = generation_rows(predictions, sort)
        out["placeholder"] = predictions[0]["input"]
    elif view != "tags":
        out["raw"] = predictions[:RAW_ROWS]
    out["examples"] = pick_examples(predictions, only_errors) if view in ("tags", "spans") else []
    out["colors"] = tag_colors(labels) if view == "tags" else QA_COLORS
    return out


def show_example(run_id: str | None, index: int | None, owner: str | None = None) -> dict:
    """One tagging sentence or QA question: {"predicted", "gold", "table", "passage", "detail"}."""
    out = {"predicted": None, "gold": None, "table": "", "passage": None, "detail": ""}
    if not run_id or index is None:
        return out
    try:
        predictions = _predictions(run_id, owner)
        row = predictions[int(index)]
        view = view_of(lab_state.current().row(run_id, owner).get("family"))
    except (*INPUT_ERRORS, IndexError):
        return out
    if view == "tags":
        out["predicted"], out["gold"] = tag_values(row)
        out["table"] = tag_table_html(row, tag_colors(labels_of(predictions, view)))
    elif view == "spans":
        out["passage"] = qa_segments(row)
        out["detail"] = S.QA_DETAIL.format(question=row["question"], predicted=row["predicted"] or S.NO_ANSWER,
                                           score=number(row["score"]), gold=" | ".join(row["gold"]) or S.NO_ANSWER,
                                           verdict=S.RIGHT if row.get("correct") else S.WRONG)
    return out


def sorted_generations(run_id: str | None, sort: str, owner: str | None = None) -> list[list]:
    """A generation run's table in another order (the Sort-by choice)."""
    if not run_id:
        return []
    try:
        return generation_rows(_predictions(run_id, owner), sort)
    except INPUT_ERRORS:
        return []


def show_generation(run_id: str | None, index: int | None, owner: str | None = None) -> str:
    """One dev input of a generation run in full, by its dev index (the table's # column)."""
    try:
        return generation_detail(_predictions(run_id, owner)[int(index)]) if run_id and index is not None else ""
    except (*INPUT_ERRORS, IndexError, TypeError):
        return ""


def _typed_run(run_id: str | None, owner: str | None):
    """The run a visitor types input for, and its index row: one this visitor may see, on a backbone this
    lab offers (the model runs in the web process; never a name a visitor typed). Raises INPUT_ERRORS."""
    if not run_id:
        raise ValueError(S.PICK_RUN)
    lab = lab_state.current()
    run, row = lab.run(run_id, owner), lab.row(run_id, owner)
    backbone = row.get("backbone")
    offered = lab.in_process_backbones()
    if backbone not in offered:
        raise ValueError(S.NOT_IN_PROCESS.format(backbone=backbone, offered=", ".join(sorted(offered))))
    return run, row


def _typed_out() -> dict:
    return {"view": None, "label": None, "highlight": None, "answer": "", "generated": None, "raw": None, "error": ""}


def predict(run_id: str | None, text: str, second: str = "", owner: str | None = None) -> dict:
    """Typed input -> {"view", "label" (probabilities), "highlight", "answer", "generated", "raw", "error"}. The
    model runs in the web process, so only for runs on a backbone this lab offers (never a name a visitor typed)."""
    out = _typed_out()
    try:
        run, row = _typed_run(run_id, owner)
        result = predict_text(str(run.path), text, second or "")
    except INPUT_ERRORS as error:
        out["error"] = error_box(message_of(error))
        return out
    view = out["view"] = view_of(row.get("family"))
    if view == "generations":
        out["generated"] = result["generated"]
    elif view == "classes":
        out["label"] = result["probabilities"]
    elif view == "facts":  # the top objects the model fills in, with their probabilities
        out["label"] = dict(result["top"])
    elif view == "tags":
        out["highlight"] = tag_values(result)[0]
    elif view == "spans":
        out["highlight"] = qa_segments(result)
        out["answer"] = S.ANSWER.format(answer=result["predicted"] or S.NO_ANSWER, score=number(result["score"]))
    else:
        out["raw"] = result
    return out


def predict_stream(run_id: str | None, text: str, second: str = "", owner: str | None = None) -> Iterator[dict]:
    """Typed input -> `predict`'s dicts, as a stream: for a generation run one per decoded word, "generated"
    growing (greedy decoding, core.api.stream_text); for any other run the one prediction."""
    try:
        run, row = _typed_run(run_id, owner)
    except INPUT_ERRORS as error:
        yield {**_typed_out(), "error": error_box(message_of(error))}
        return
    view = view_of(row.get("family"))
    if view != "generations":
        yield predict(run_id, text, second, owner)
        return
    out = {**_typed_out(), "view": view, "generated": ""}
    try:
        for generated in stream_text(str(run.path), text):
            out["generated"] = generated
            yield dict(out)
    except INPUT_ERRORS as error:
        yield {**out, "error": error_box(message_of(error))}


# -- Gradio wiring -----------------------------------------------------------------------------
def build() -> dict[str, gr.components.Component]:
    c: dict = {}
    with gr.Row():
        c["run"] = gr.Dropdown([], value=None, label=S.INSPECT_RUN, scale=4, elem_id="inspect-run",
                               allow_custom_value=True)
        c["refresh"] = gr.Button(S.REFRESH, scale=0, min_width=100)
        c["only_errors"] = gr.Checkbox(False, label=S.ONLY_ERRORS, scale=1)
    c["summary"] = gr.Markdown(elem_id="inspect-summary")
    with gr.Group(visible=False) as c["classes"]:
        with gr.Row():
            c["confusion"] = gr.Plot(label=S.CONFUSION, scale=1)
            c["class_table"] = gr.Dataframe(headers=S.EXAMPLE_COLUMNS, interactive=False, wrap=True, scale=2,
                                            max_height=420, column_widths=["7%", "51%", "12%", "12%", "11%", "7%"])
    with gr.Group(visible=False) as c["examples_group"]:
        c["example"] = gr.Dropdown([], label=S.EXAMPLE, elem_id="inspect-example", allow_custom_value=True)
        with gr.Row(visible=False) as c["tags"]:
            with gr.Column():
                c["pred_tags"] = gr.HighlightedText(label=S.PREDICTED, show_legend=True, elem_id="inspect-predicted")
                c["gold_tags"] = gr.HighlightedText(label=S.GOLD, show_legend=True, elem_id="inspect-gold")
            c["tag_table"] = gr.HTML()
        with gr.Column(visible=False) as c["spans"]:
            c["qa_detail"] = gr.Markdown()
            c["passage"] = gr.HighlightedText(label=S.PASSAGE, color_map=QA_COLORS, show_legend=True,
                                              elem_id="inspect-passage")
            c["qa_table"] = gr.Dataframe(headers=S.QA_COLUMNS, interactive=False, wrap=True, max_height=360,
                                         column_widths=["5%", "40%", "22%", "8%", "18%", "7%"])
    with gr.Column(visible=False, elem_id="inspect-generations") as c["generations"]:
        with gr.Row(equal_height=True):
            c["sort"] = gr.Radio(S.GEN_SORTS, value="order", label=S.GEN_SORT, scale=2, elem_id="inspect-sort")
            c["gen_note"] = gr.Markdown(S.GEN_NOTE, elem_classes="lab-muted")
        c["gen_table"] = gr.Dataframe(headers=S.GEN_COLUMNS, interactive=False, wrap=True, max_height=620,
                                      datatype=["number", "str", "str", "markdown", "number", "number"], elem_id="inspect-gen-table",
                                      column_widths=["5%", "29%", "27%", "27%", "6%", "6%"])
        c["gen_detail"] = gr.Markdown(elem_id="inspect-gen-detail")
    with gr.Column(visible=False, elem_id="inspect-facts") as c["facts"]:
        c["relation_table"] = gr.Dataframe(headers=S.RELATION_COLUMNS, interactive=False, wrap=True, max_height=360,
                                           elem_id="inspect-relations",
                                           column_widths=["9%", "27%", "7%", "7%", "7%", "7%", "7%", "29%"])
        c["fact_note"] = gr.Markdown(S.FACT_NOTE, elem_classes="lab-muted")
        c["fact_table"] = gr.Dataframe(headers=S.FACT_COLUMNS, interactive=False, wrap=True, max_height=520,
                                       elem_id="inspect-fact-table",
                                       column_widths=["5%", "20%", "10%", "12%", "39%", "7%", "7%"])
    c["raw"] = gr.JSON(label=S.RAW_PREDICTIONS, visible=False)
    with gr.Accordion(S.TRY_IT, open=True):
        with gr.Row():
            c["text"] = gr.Textbox(label=S.TRY_TEXT, lines=2, scale=3, elem_id="inspect-text")
            c["second"] = gr.Textbox(label=S.TRY_SECOND["classes"], lines=2, scale=2)
        c["predict"] = gr.Button(S.PREDICT)
        c["try_error"] = gr.Markdown()
        c["label"] = gr.Label(label=S.PREDICTION, visible=False)
        c["highlight"] = gr.HighlightedText(label=S.PREDICTION, show_legend=True, visible=False)
        c["answer"] = gr.Markdown()
        c["raw_prediction"] = gr.JSON(label=S.PREDICTION, visible=False)
        c["generated"] = gr.Textbox(label=S.GENERATED, lines=3, interactive=False, visible=False,
                                    elem_id="inspect-generated")
    c["error"] = gr.Markdown()

    example_outputs = [c["pred_tags"], c["gold_tags"], c["tag_table"], c["passage"], c["qa_detail"]]
    load_outputs = [c["summary"], c["error"], c["classes"], c["examples_group"], c["tags"], c["spans"],
                    c["confusion"], c["class_table"], c["qa_table"], c["example"], c["text"], c["second"],
                    c["highlight"], *example_outputs, c["raw"], c["generations"], c["gen_table"], c["gen_detail"],
                    c["only_errors"], c["predict"], c["generated"], c["facts"], c["relation_table"], c["fact_table"]]

    def on_load(run_id, only_errors, sort, request: gr.Request):
        owner = visitors.owner(request)
        view = load_run(run_id, only_errors, owner, sort)
        kind, colors = view["view"], view["colors"]
        first = view["examples"][0][1] if view["examples"] else None
        example = show_example(run_id, first, owner)
        return [view["summary"], view["error"], gr.update(visible=kind == "classes"),
                gr.update(visible=kind in ("tags", "spans")), gr.update(visible=kind == "tags"),
                gr.update(visible=kind == "spans"), view["figure"], view["table"] if kind == "classes" else [],
                view["table"] if kind == "spans" else [], gr.update(choices=view["examples"], value=first),
                gr.update(label=S.TRY_TEXT_LABEL.get(kind, S.TRY_TEXT), placeholder=view["placeholder"]),
                gr.update(visible=view["second"], label=S.TRY_SECOND.get(kind, "")),
                gr.update(color_map=colors, value=None),
                gr.update(value=example["predicted"], color_map=colors),
                gr.update(value=example["gold"], color_map=colors), example["table"], example["passage"],
                example["detail"], gr.update(value=view["raw"], visible=view["raw"] is not None),
                gr.update(visible=kind == "generations"), view["table"] if kind == "generations" else [], "",
                gr.update(visible=kind != "generations"), gr.update(value=S.TRY_BUTTON.get(kind, S.PREDICT)),
                gr.update(value="", visible=kind == "generations"), gr.update(visible=kind == "facts"),
                view["relations"], view["table"] if kind == "facts" else []]

    def on_tab(current, request: gr.Request):
        """Entering the tab: fresh choices, and the newest finished run unless one is picked."""
        choices = finished_choices(visitors.owner(request))
        ids = [value for _, value in choices]
        return gr.update(choices=choices, value=current if current in ids else (ids[0] if ids else None))

    def on_example(run_id, index, request: gr.Request):
        example = show_example(run_id, index, visitors.owner(request))
        return [example["predicted"], example["gold"], example["table"], example["passage"], example["detail"]]

    def on_predict(run_id, text, second, request: gr.Request):
        """A generator: Gradio sends each yield, so a generation run's text grows word by word."""
        for out in predict_stream(run_id, text, second, visitors.owner(request)):
            yield [out["error"], gr.update(value=out["label"], visible=out["label"] is not None),
                   gr.update(value=out["highlight"], visible=out["highlight"] is not None), out["answer"],
                   gr.update(value=out["raw"], visible=out["raw"] is not None),
                   gr.update(value=out["generated"] or "", visible=out["generated"] is not None)]

    def on_sort(run_id, sort, request: gr.Request):
        return sorted_generations(run_id, sort, visitors.owner(request))

    def on_generation(run_id, event: gr.SelectData, request: gr.Request):
        index = event.row_value[0] if event.row_value else None
        return show_generation(run_id, index, visitors.owner(request))

    load_inputs = [c["run"], c["only_errors"], c["sort"]]
    c["run"].change(on_load, load_inputs, load_outputs, concurrency_limit=None, api_name="inspect")
    c["only_errors"].input(on_load, load_inputs, load_outputs, concurrency_limit=None,
                           api_visibility="undocumented")
    c["sort"].input(on_sort, [c["run"], c["sort"]], c["gen_table"], concurrency_limit=None, api_name="inspect_sort")
    c["gen_table"].select(on_generation, c["run"], c["gen_detail"], concurrency_limit=None,
                          api_visibility="undocumented")
    c["example"].input(on_example, [c["run"], c["example"]], example_outputs, concurrency_limit=None,
                       api_name="inspect_example")
    def on_refresh(request: gr.Request):
        return gr.update(choices=finished_choices(visitors.owner(request)))

    c["refresh"].click(on_refresh, None, c["run"], concurrency_limit=None, api_visibility="undocumented")
    predict_outputs = [c["try_error"], c["label"], c["highlight"], c["answer"], c["raw_prediction"], c["generated"]]
    c["predict"].click(on_predict, [c["run"], c["text"], c["second"]], predict_outputs, concurrency_id="model",
                       concurrency_limit=1, api_name="predict")
    c["text"].submit(on_predict, [c["run"], c["text"], c["second"]], predict_outputs, concurrency_id="model",
                     concurrency_limit=1, api_visibility="undocumented")
    c["refresh_choices"] = on_tab
    return c
