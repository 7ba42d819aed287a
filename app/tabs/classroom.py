"""Classroom tab: every hand-written template of a classification preset scored zero-shot, side by
side; edit a template and re-score it live; then train a continuous prompt (P-tuning) in the
background and watch its dev accuracy appear beside the templates.

A probing preset (facts) is shown relation by relation: the relation's templates by P@1 on its dev
facts, and P-tuning's P@1 on that relation (one prompt a relation, all relations in one run).

Zero-shot scoring is a short inference inside the callback (bounded by max_examples, cached per
template); the P-tuning run is an ordinary background run evaluated on the same dev examples.
"""
from __future__ import annotations

from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder

from app import lab as lab_state
from app import plots
from app import strings as S
from app import visitors
from app.errors import INPUT_ERRORS, error_box, info_box, message_of
from app.render import task_label
from app.uploads import UPLOAD_SUFFIXES, checked_upload, stable_upload
from core.api import (ACTIVE, catalog, check_visitor_config, classroom_prompt_run, parse_label_words, score_templates,
                      task_info)
from core.classroom import prompt_run_config

DEFAULT_EXAMPLES, DEFAULT_STEPS = 100, 150
TICK_SECONDS = 3.0


# -- handlers ------------------------------------------------------------------------------------
def classroom_presets() -> list[str]:
    """Presets whose family scores label words (hand-written templates): from the catalog, no data read."""
    cat = catalog()
    return [name for name, family in cat["task_families"].items() if cat["families"][family]["cloze"]]


def score_entries(task: str, backbone: str, entries: list[dict], max_examples: int) -> list[dict]:
    """Zero-shot scores (cached by core for every visitor). Scoring runs in the web process, so only on
    a backbone this lab offers, never on a name a visitor typed."""
    lab = lab_state.current()
    if backbone not in lab.in_process_backbones():
        raise ValueError(S.NOT_IN_PROCESS.format(backbone=backbone, offered=", ".join(sorted(lab.in_process_backbones()))))
    return score_templates(task, backbone, entries, int(max_examples))


def is_probing(task: str | None) -> bool:
    return bool(task) and catalog()["task_families"].get(task) == "probing"


def relations_of(task: str | None) -> list[str]:
    """A probing preset's relations, in the order its templates list them."""
    if not is_probing(task):
        return []
    return list(dict.fromkeys(t["relation"] for t in task_info(task)["templates"]))


def score_all(task: str, backbone: str, max_examples: int, relation: str | None = None) -> list[dict]:
    """-> [{name, template, verbalizer, accuracy, macro_f1, kind, source}] in the preset's order
    (one-word variants are written next to each other there); a probing preset's for one relation."""
    info = task_info(task)
    if not catalog()["families"][info["family"]]["cloze"]:
        raise ValueError(S.NOT_CLASSIFICATION.format(task=task_label(task), family=info["family"]))
    if not info["templates"]:
        raise ValueError(S.FILE_HAS_NO_TEMPLATES)
    if info["family"] == "probing" and not relation:
        raise ValueError(S.NO_RELATION)
    keep = [i for i, t in enumerate(info["templates"]) if info["family"] != "probing" or t["relation"] == relation]
    entries = [{"name": t.get("name", t["template"]), "template": t["template"],
                **({"relation": t["relation"]} if "relation" in t else {"verbalizer": t["verbalizer"]})}
               for t in (info["templates"][i] for i in keep)]
    scores = score_entries(task, backbone, entries, max_examples)
    return [{**score, "kind": S.KIND_ZERO_SHOT, "source": i} for i, score in zip(keep, scores)]


def parse_verbalizer(text: str, labels: list[str]) -> dict[str, str]:
    """'negative: terrible, positive: great' (or a JSON object) -> {label: word}, every label covered."""
    try:
        mapping = parse_label_words(text or "")
    except ValueError:
        raise ValueError(S.BAD_VERBALIZER.format(text=text)) from None
    if set(mapping) != set(labels):
        raise ValueError(S.BAD_VERBALIZER.format(text=text) + f" (labels: {', '.join(labels)})")
    return mapping


def verbalizer_text(verbalizer: dict[str, str]) -> str:
    return ", ".join(f"{label}: {word}" for label, word in verbalizer.items())


def rescore(task: str, backbone: str, max_examples: int, source: int | None, template: str, words: str,
            results: list[dict] | None, relation: str | None = None) -> list[dict]:
    """Score an edited template and place it right after the template it was edited from (a probing
    template: on the chosen relation's facts; it has no label words)."""
    info = task_info(task)
    entry = {"name": S.EDITED.format(template=template.strip()), "template": template.strip()}
    if info["family"] == "probing":
        if not relation:
            raise ValueError(S.NO_RELATION)
        entry["relation"] = relation
    else:
        entry["verbalizer"] = parse_verbalizer(words, info["labels"])
    score = score_entries(task, backbone, [entry], max_examples)[0]
    results = [r for r in (results or []) if r["template"] != entry["template"] or r["kind"] != S.KIND_EDITED]
    source = source if source is not None else len(info["templates"]) - 1
    at = max((i for i, r in enumerate(results) if r.get("source") == source), default=len(results) - 1) + 1
    return [*results[:at], {**score, "name": entry["name"], "kind": S.KIND_EDITED, "source": source}, *results[at:]]


def ptuning_result(task: str, backbone: str, owner: str | None = None, relation: str | None = None) -> dict | None:
    """The newest P-tuning run for this task and backbone as one more bar: best dev accuracy so far (a probing
    run: P@1 on `relation` at the checkpoint with the best macro P@1 so far)."""
    lab = lab_state.current()
    runs = [r for r in lab.runs(owner, task=task, backbone=backbone, method="p-tuning")
            if r["status"] in (*ACTIVE, "finished")]
    if not runs:
        return None
    row = runs[0]
    try:
        metrics = lab.store.get(row["id"]).metrics()
    except KeyError:
        metrics = []
    accuracies = [m["dev_accuracy"] for m in metrics if m.get("dev_accuracy") is not None]
    best = row["best_metric"] if row.get("best_metric") is not None else max(accuracies, default=0.0)
    if relation:
        points = [m for m in metrics if m.get(f"dev_p@1/{relation}") is not None]
        accuracies = [m[f"dev_p@1/{relation}"] for m in points]
        best = max(points, key=lambda m: m["dev_p@1"])[f"dev_p@1/{relation}"] if points else 0.0
    state = row["status"]
    if state == "running":
        state = f"step {row.get('step') or 0}/{row.get('total_steps') or '?'}"
    return {"name": S.PTUNING_BAR.format(state=state), "template": row["id"], "verbalizer": {},
            "accuracy": best, "macro_f1": None, "kind": S.KIND_PTUNING, "run": row["id"], "status": row["status"],
            "points": len(accuracies)}


def chart(task: str, backbone: str, results: list[dict] | None, owner: str | None = None,
          relation: str | None = None) -> tuple[object, list[list], tuple]:
    """-> (bar figure, table rows, signature of the P-tuning bar)."""
    bars = list(results or [])
    ptuning = ptuning_result(task, backbone, owner, relation if is_probing(task) else None)
    if ptuning:
        bars.append(ptuning)
    if not bars:
        return None, [], ()
    try:
        chance = None if is_probing(task) else 1 / len(task_info(task)["labels"])
    except INPUT_ERRORS:
        chance = None
    table = [[r["name"] if r["kind"] == S.KIND_PTUNING else r["template"], verbalizer_text(r["verbalizer"]),
              f"{r['accuracy']:.3f}", "" if r.get("macro_f1") is None else f"{r['macro_f1']:.3f}", r["kind"]]
             for r in bars]
    signature = (ptuning["run"], ptuning["status"], ptuning["points"]) if ptuning else ()
    return plots.template_bars(bars, chance), table, signature


def train_prompt(task: str, backbone: str, steps: int, max_examples: int, owner: str | None = None,
                 words: str = "") -> str:
    """Queue P-tuning (for `owner`) on the same task, backbone and dev examples; a user's file also
    takes the label words in the box (a preset's come with its templates). -> message."""
    lab = lab_state.current()
    if lab.shared and owner is None:
        raise ValueError(S.NO_VISITOR)
    verbalizer = None
    if task not in classroom_presets():  # the visitor's uploaded file: copied where the run can find it again
        verbalizer = parse_verbalizer(words, task_info(task)["labels"])
        task = stable_upload(task)
    if is_probing(task):  # every relation's dev facts: the bars are per relation
        max_examples = None
    check_visitor_config(prompt_run_config(task, backbone, steps, max_examples, lab.out(), verbalizer), lab.root,
                         (lab.uploads, Path(get_upload_folder())), lab.allow_local_paths)
    run_id = classroom_prompt_run(lab.jobs, task, backbone, steps, max_examples, owner, verbalizer)
    return info_box(S.PROMPT_STARTED.format(run=run_id))


def template_entry(task: str, index: int | None) -> tuple[str, str]:
    try:
        templates = task_info(task)["templates"]
        entry = templates[int(index or 0)]
    except (*INPUT_ERRORS, IndexError):
        return "", ""
    return entry["template"], verbalizer_text(entry.get("verbalizer") or {})


def template_choices(task: str, relation: str | None = None) -> list[tuple[str, int]]:
    """(name, index into the preset's templates); a probing preset's of one relation only."""
    try:
        return [(t.get("name", t["template"]), i) for i, t in enumerate(task_info(task)["templates"])
                if relation is None or t.get("relation") == relation]
    except INPUT_ERRORS:
        return []


# -- Gradio wiring -----------------------------------------------------------------------------
def build() -> dict[str, gr.components.Component]:
    lab = lab_state.current()
    presets = classroom_presets()
    task0 = "sentiment" if "sentiment" in presets else (presets[0] if presets else None)
    backbones = list(lab.backbones())
    if lab.classroom_backbone not in backbones:  # e.g. a hub id on a Space
        backbones.insert(0, lab.classroom_backbone)
    c: dict = {}
    c["timer"] = gr.Timer(TICK_SECONDS)
    c["results"] = gr.State([])
    c["seen"] = gr.State(None)
    gr.Markdown(S.CLASSROOM_NOTE)
    c["file"] = gr.State(None)  # a visitor's uploaded classification file (server-side; replaces the preset)
    with gr.Row():
        c["task"] = gr.Dropdown(presets, value=task0, label=S.CLASSROOM_TASK, elem_id="classroom-task")
        c["relation"] = gr.Dropdown([], value=None, label=S.CLASSROOM_RELATION, visible=False,
                                    elem_id="classroom-relation")
        c["upload"] = gr.File(label=S.CLASSROOM_UPLOAD, file_types=list(UPLOAD_SUFFIXES), type="filepath",
                              height=90)
        c["backbone"] = gr.Dropdown(backbones, value=lab.classroom_backbone, label=S.BACKBONE, allow_custom_value=True,
                                    elem_id="classroom-backbone")
        c["max_examples"] = gr.Slider(20, 250, value=DEFAULT_EXAMPLES, step=10, label=S.MAX_EXAMPLES)
    c["score"] = gr.Button(S.SCORE, variant="primary", elem_id="classroom-score")
    c["message"] = gr.Markdown()
    with gr.Row():
        c["plot"] = gr.Plot(label=S.TEMPLATES_PLOT, scale=3, elem_id="classroom-plot")
        with gr.Column(scale=2):
            choices = template_choices(task0) if task0 else []
            c["pick"] = gr.Dropdown(choices, value=0 if choices else None, label=S.EDIT_FROM, elem_id="classroom-pick")
            first_template, first_words = template_entry(task0, 0) if task0 else ("", "")
            c["template"] = gr.Textbox(first_template, label=S.EDIT_TEMPLATE, elem_id="classroom-template")
            c["words"] = gr.Textbox(first_words, label=S.EDIT_VERBALIZER)
            c["rescore"] = gr.Button(S.RESCORE)
            with gr.Row():
                c["steps"] = gr.Slider(20, 600, value=DEFAULT_STEPS, step=10, label=S.STEPS)
            c["train"] = gr.Button(S.TRAIN_PROMPT, elem_id="classroom-train")
    c["table"] = gr.Dataframe(headers=S.TEMPLATE_COLUMNS, interactive=False, wrap=True)

    def on_score(task, file, backbone, max_examples, relation, request: gr.Request):
        task = file or task
        try:
            results = score_all(task, backbone, max_examples, relation)
        except INPUT_ERRORS as error:
            gr.Warning(message_of(error))
            return error_box(message_of(error)), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return "", results, *chart(task, backbone, results, visitors.owner(request), relation)

    def on_rescore(task, file, backbone, max_examples, source, template, words, results, relation,
                   request: gr.Request):
        task = file or task
        try:
            results = rescore(task, backbone, max_examples, source, template, words, results, relation)
        except INPUT_ERRORS as error:
            gr.Warning(message_of(error))
            return error_box(message_of(error)), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return "", results, *chart(task, backbone, results, visitors.owner(request), relation)

    def on_tick(task, file, backbone, results, seen, relation, request: gr.Request):
        task, owner = file or task, visitors.owner(request)
        ptuning = ptuning_result(task, backbone, owner, relation if is_probing(task) else None) if task else None
        signature = (ptuning["run"], ptuning["status"], ptuning["points"]) if ptuning else ()
        if signature == seen or (seen is None and not ptuning and not results):
            return gr.skip(), gr.skip(), seen
        return chart(task, backbone, results, owner, relation)

    def first_of(task, relation=None):
        choices = template_choices(task, relation)
        first = choices[0][1] if choices else None
        template, words = template_entry(task, first)
        return gr.update(choices=choices, value=first), template, words

    def on_task(task):
        relations = relations_of(task)
        relation = relations[0] if relations else None
        pick, template, words = first_of(task, relation)
        return (pick, template, gr.update(value=words, visible=not relations), [], None, [], None, None, None,
                gr.update(choices=relations, value=relation, visible=bool(relations)))

    def on_relation(task, relation):
        return *first_of(task, relation), [], None, [], None

    def on_upload(path):
        """A visitor's classification file replaces the preset: its labels prefill the label words."""
        try:
            source = str(checked_upload(path))
            info = task_info(source)
            if not catalog()["families"][info["family"]]["cloze"]:
                raise ValueError(S.NOT_CLASSIFICATION.format(task=task_label(source), family=info["family"]))
        except INPUT_ERRORS as error:
            return error_box(message_of(error)), None, gr.skip(), gr.skip(), gr.skip()
        words = ", ".join(f"{label}: " for label in info["labels"])
        return (info_box(S.FILE_LOADED.format(name=task_label(source), n=info["dev_size"])), source,
                gr.update(choices=[], value=None), "{text} It was {mask}.", words)

    score_outputs = [c["message"], c["results"], c["plot"], c["table"], c["seen"]]
    c["score"].click(on_score, [c["task"], c["file"], c["backbone"], c["max_examples"], c["relation"]], score_outputs,
                     concurrency_id="model", concurrency_limit=1, api_name="score_templates")
    rescore_inputs = [c["task"], c["file"], c["backbone"], c["max_examples"], c["pick"], c["template"], c["words"],
                      c["results"], c["relation"]]
    c["rescore"].click(on_rescore, rescore_inputs, score_outputs, concurrency_id="model", concurrency_limit=1,
                       api_name="score_template")
    c["template"].submit(on_rescore, rescore_inputs, score_outputs, concurrency_id="model",
                         concurrency_limit=1, api_visibility="undocumented")
    c["pick"].input(lambda task, i: template_entry(task, i), [c["task"], c["pick"]], [c["template"], c["words"]],
                    api_visibility="undocumented")
    c["task"].input(on_task, c["task"], [c["pick"], c["template"], c["words"], c["results"], c["plot"], c["table"],
                                         c["seen"], c["file"], c["upload"], c["relation"]], api_visibility="undocumented")
    c["relation"].input(on_relation, [c["task"], c["relation"]], [c["pick"], c["template"], c["words"], c["results"],
                                                                  c["plot"], c["table"], c["seen"]],
                        api_visibility="undocumented")
    c["upload"].upload(on_upload, c["upload"], [c["message"], c["file"], c["pick"], c["template"], c["words"]],
                       api_visibility="undocumented")
    c["timer"].tick(on_tick, [c["task"], c["file"], c["backbone"], c["results"], c["seen"], c["relation"]],
                    [c["plot"], c["table"], c["seen"]],
                    show_progress="hidden", concurrency_limit=None, api_visibility="undocumented")
    return c
