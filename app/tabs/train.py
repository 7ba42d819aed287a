"""Train tab: the run form (task, backbone, method and its knobs), a preview of the trainable share
and the equivalent CLI/YAML before launching, and Train, which queues a background run.
The decoding settings (max new tokens, beams, repetition penalty, eval sample) show, and reach the
config, only when the task is a generation task.

The form's values travel as one dict keyed by FIELDS (the handlers below take and return plain
values, so tests call them without Gradio). Training never runs here: Train submits to the job
manager and returns at once.
"""
from __future__ import annotations

from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder

from app import lab as lab_state
from app import strings as S
from app.uploads import checked_upload, stable_upload
from app.errors import INPUT_ERRORS, error_box, info_box, message_of
from app.render import seconds, task_label
from core.api import (RunConfig, budget, catalog, check_visitor_config, over_seeds, parse_seeds, preview, resolved,
                      task_family, task_info)


FIELDS = ["source", "preset", "upload", "family", "hub_id", "backbone", "method", "prompt_length",
          "reparameterize", "prompt_encoder", "tune_backbone", "template", "prompt_init", "lora_rank", "lr",
          "epochs", "max_steps", "batch_size", "seed", "max_length", "max_train_examples", "max_eval_examples",
          "eval_every", "doc_stride", "precision", "warmup_ratio", "weight_decay", "verbalizer", "like", "seeds",
          "max_new_tokens", "num_beams", "repetition_penalty", "eval_sample", "prompt_layers", "head",
          "layout", "report_to", "group_by_length", "gradient_checkpointing"]
# optional counts: 0 (what an empty gr.Number shows) means "not set"
OPTIONAL = ("max_steps", "max_train_examples", "max_eval_examples", "eval_every", "max_new_tokens", "eval_sample")
INTEGERS = ("prompt_length", "lora_rank", "max_steps", "batch_size", "seed", "max_length", "max_train_examples",
            "max_eval_examples", "eval_every", "doc_stride", "max_new_tokens", "num_beams", "eval_sample")
# The form's widgets for settings only some methods read; each method's `knobs` (core) say which it reads.
KNOB_FIELDS = ("prompt_length", "reparameterize", "prompt_encoder", "tune_backbone", "template", "prompt_init",
               "lora_rank", "verbalizer", "prompt_layers", "head", "layout")
# Settings only a generation task reads (core.methods.base.COMMON_FIELDS: every method passes them on).
DECODING = ("max_new_tokens", "num_beams", "repetition_penalty", "eval_sample")
# Knobs the task preset and the method have defaults for: refilled when the task or method changes.
RESOLVED = ("prompt_length", "reparameterize", "lr", "epochs", "batch_size", "max_length", "max_new_tokens",
            "eval_sample", "prompt_layers", "head")
# The form's first values: where the data comes from, then RunConfig's own defaults (core's one place).
SOURCE_FORM = {"source": "preset", "preset": "sentiment", "upload": None, "family": "auto", "hub_id": "", "like": "",
               "seeds": ""}
FALLBACK_FORM = {**{name: 0 if name in OPTIONAL and value is None else value
                    for name, value in catalog()["defaults"].items() if name in FIELDS}, **SOURCE_FORM}

# -- handlers (plain values in, plain values out) --------------------------------------------
def task_source(values: dict) -> tuple[str, str | None]:
    """-> (task for RunConfig, family override) from the source picker."""
    source = values.get("source") or "preset"
    if source == "upload":
        upload = values.get("upload")
        if not upload:
            raise ValueError(S.NEED_UPLOAD)
        upload = upload if isinstance(upload, str) else upload.get("path") if isinstance(upload, dict) else upload.name
        family = values.get("family")
        return str(checked_upload(upload)), None if family in (None, "", "auto") else family
    if source == "hub":
        hub_id = (values.get("hub_id") or "").strip()
        if not hub_id:
            raise ValueError(S.NEED_HUB_ID)
        return hub_id, None
    return values.get("preset") or "sentiment", None


def _integer(name: str, value):
    if value is None or value == "" or (name in OPTIONAL and value == 0):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(S.BAD_NUMBER.format(field=name, value=value))
        return int(value)
    return value


def method_knobs(method: str) -> dict[str, bool]:
    """Which method-specific knobs the form shows for `method`: the fields the method reads."""
    knobs = set(catalog()["methods"].get(method, {}).get("knobs", ()))
    return {name: name in knobs for name in KNOB_FIELDS}


def _checked(config: RunConfig) -> RunConfig:
    """A config from the web may only name presets, hub ids and uploads (core.guard)."""
    lab = lab_state.current()
    check_visitor_config(config, lab.root, (lab.uploads, Path(get_upload_folder())), lab.allow_local_paths)
    return config


def form_family(values: dict) -> str | None:
    """The task family the form names, as far as it is known without loading the task (a preset's, the
    family picker's, an uploaded file's from its first records); None when unknown or not usable yet."""
    try:
        task, family = task_source(values)
        return task_family(_checked(RunConfig(task=task, family=family, out=lab_state.current().out())))
    except INPUT_ERRORS:
        return None


def decoding_fields(values: dict) -> dict:
    """The decoding settings from the form; RunConfig judges them (an empty box: the default)."""
    defaults = catalog()["defaults"]
    ints = {name: _integer(name, values.get(name)) for name in ("max_new_tokens", "num_beams", "eval_sample")}
    penalty = values.get("repetition_penalty")
    if isinstance(penalty, int) and not isinstance(penalty, bool):
        penalty = float(penalty)  # gr.Number sends 2 for 2.0; transformers takes only a float penalty
    return {**ints, "num_beams": defaults["num_beams"] if ints["num_beams"] is None else ints["num_beams"],
            "repetition_penalty": defaults["repetition_penalty"] if penalty in (None, "") else penalty}


def config_from_form(values: dict, resolve_defaults: bool = False) -> RunConfig:
    """The form -> RunConfig. Knobs the method does not read are left at their defaults, and so are the
    decoding settings unless the task is a generation task; with resolve_defaults, the preset/method
    defaults are left to core (None) instead of the form's."""
    values, defaults = {**FALLBACK_FORM, **values}, catalog()["defaults"]
    task, family = task_source(values)
    ints = {name: _integer(name, values.get(name)) for name in INTEGERS}
    fields = dict(task=task, family=family, backbone=(values["backbone"] or "").strip(), method=values["method"],
                  lr=values["lr"], epochs=values["epochs"], batch_size=ints["batch_size"],
                  max_length=ints["max_length"], max_steps=ints["max_steps"], seed=ints["seed"] or 0,
                  max_train_examples=ints["max_train_examples"], max_eval_examples=ints["max_eval_examples"],
                  eval_every=ints["eval_every"], doc_stride=ints["doc_stride"] or defaults["doc_stride"],
                  precision=values["precision"] or defaults["precision"],
                  warmup_ratio=values["warmup_ratio"] or 0.0, weight_decay=values["weight_decay"] or 0.0,
                  like=(values.get("like") or None) if values.get("source") in ("upload", "hub") else None,
                  report_to=values.get("report_to") or [], out=lab_state.current().out(),
                  group_by_length=bool(values.get("group_by_length")),
                  gradient_checkpointing=bool(values.get("gradient_checkpointing")))
    for name, shown in method_knobs(values["method"]).items():
        if not shown:
            continue
        if name in INTEGERS:
            fields[name] = ints[name] if ints[name] is not None or name in RESOLVED else defaults[name]
        elif name in ("reparameterize", "tune_backbone"):
            fields[name] = bool(values[name])
        elif name == "template":
            fields[name] = template_value(values[name])
        elif name == "verbalizer":
            fields[name] = (values[name] or "").strip() or None
        else:
            fields[name] = values[name] or defaults[name]
    if resolve_defaults:
        fields.update({name: None for name in RESOLVED if name in fields})
    config = _checked(RunConfig(**fields))
    if task_family(config) != "generation":
        return config
    decoding = decoding_fields(values)
    if resolve_defaults:
        decoding.update({name: None for name in RESOLVED if name in decoding})
    return config.replace(**decoding)


def template_value(value) -> int | str:
    """The template box: a preset template's index (from the picker), or a template the visitor typed."""
    if value in (None, ""):
        return 0
    if isinstance(value, (int, float)) or str(value).strip().isdigit():
        return int(float(value))
    return str(value).strip()


def preview_view(values: dict) -> tuple[str, str, str, str]:
    """-> (message, share line, CLI command, YAML) for the preview panel; a bad form shows why."""
    try:
        info = preview(config_from_form(values))
    except INPUT_ERRORS as error:
        return error_box(message_of(error)), "", "", ""
    cost = budget(lab_state.current().store, info)
    time_text = (S.BUDGET_TIME.format(duration=seconds(cost["seconds"]), runs=cost["measured_runs"])
                 if cost["seconds"] is not None else S.BUDGET_UNKNOWN)
    few = (S.FEW_EPOCHS.format(epochs=cost["epochs"])
           if "prompt_length" in catalog()["methods"][info["resolved"]["method"]]["knobs"] and cost["epochs"] < 5 else "")
    notes = "".join(f"\n\n{note}" for note in (S.BUDGET.format(steps=cost["steps"], epochs=cost["epochs"],
                                                                time=time_text), few, info.get("data_note"),
                                                 info.get("warning")) if note)
    return "", S.SHARE.format(**info) + notes, info["cli"], info["yaml"]


def task_note(values: dict) -> str:
    source = values.get("source") or "preset"
    try:
        if source == "preset":
            info = task_info(values.get("preset") or "sentiment")
            return S.TASK_NOTE.format(name=info["name"], family=info["family"], description=info["description"])
        task, _ = task_source(values)
        return S.UPLOAD_NOTE.format(name=task_label(task), family=values.get("family") or "auto") \
            if source == "upload" else S.HUB_NOTE.format(name=task)
    except INPUT_ERRORS:
        return ""


def template_choices(values: dict) -> list[tuple[str, int]]:
    if (values.get("source") or "preset") != "preset":
        return []
    try:
        templates = task_info(values.get("preset") or "sentiment")["templates"]
    except INPUT_ERRORS:
        return []
    if templates and all("relation" in t for t in templates):  # probing: index i is each relation's i-th template
        by_relation: dict[str, list[str]] = {}
        for t in templates:
            by_relation.setdefault(t["relation"], []).append(t["template"])
        return [(S.RELATION_TEMPLATE.format(n=i + 1, example=next(ts[i] for ts in by_relation.values() if len(ts) > i)), i)
                for i in range(max(len(ts) for ts in by_relation.values()))]
    return [(f"{t.get('name', t['template'])}: {t['template']}", i) for i, t in enumerate(templates)]


def refill(values: dict, keep: tuple[str, ...] = ()) -> dict:
    """Task or method changed: the preset's defaults for this method (except the knobs in `keep`), which
    knobs show, and the preview.
    -> {"knobs": {field: value}, "shown": {field: bool, "decoding": bool}, "templates": [...], "note", "message",
    "share", "cli", "yaml"}. A form that cannot run keeps its values and says why."""
    generation = form_family(values) == "generation"
    shown = {**method_knobs(values.get("method") or ""), "decoding": generation}
    out = {"knobs": {}, "shown": shown, "templates": template_choices(values) if shown["template"] else [],
           "note": task_note(values), "message": "", "share": "", "cli": "", "yaml": ""}
    try:  # the defaults come without the preview's checks: a form that still misses something gets them too
        filled = resolved(config_from_form(values, resolve_defaults=True)).to_dict()
    except INPUT_ERRORS as error:
        out["message"] = error_box(message_of(error))
        return out
    knobs = {name: filled.get(name) for name in RESOLVED if generation or name not in DECODING}
    knobs["reparameterize"] = bool(knobs["reparameterize"])
    knobs.update({name: 0 for name in OPTIONAL if name in knobs and knobs[name] is None})  # what the box shows
    knobs.update({name: values[name] for name in keep if name in knobs})
    out["knobs"] = knobs
    out["message"], out["share"], out["cli"], out["yaml"] = preview_view({**values, **knobs})
    return out


def launch(values: dict, owner: str | None) -> tuple[str, str]:
    """Validate the form (the same checks the worker would meet first) and queue the run for `owner`
    (the visitor, decided by the server), once per seed when the Seeds box lists several.
    -> (message, the first new run id). Raises INPUT_ERRORS for the caller."""
    lab = lab_state.current()
    if lab.shared and owner is None:
        raise ValueError(S.NO_VISITOR)
    config = config_from_form(values)
    configs = over_seeds(config, parse_seeds(values["seeds"])) if (values.get("seeds") or "").strip() else [config]
    preview(config)  # task, backbone and method fit: else a message now, not a failed run
    if (values.get("source") or "preset") == "upload":
        configs = [c.replace(task=stable_upload(c.task)) for c in configs]
    run_ids = [lab.jobs.submit(c, owner=owner) for c in configs]
    message = S.STARTED.format(run=run_ids[0]) if len(run_ids) == 1 else \
        S.STARTED_SEEDS.format(n=len(run_ids), runs=", ".join(f"`{r}`" for r in run_ids))
    return info_box(message), run_ids[0]


# -- Gradio wiring -----------------------------------------------------------------------------
def _refill_updates(values: dict, keep: tuple[str, ...] = ()) -> list:
    out = refill(values, keep)
    updates = []
    for name in KNOB_OUTPUTS:
        update = {"visible": out["shown"].get(name, True)}
        if name in out["knobs"]:
            update["value"] = out["knobs"][name]
        if name == "template":
            update["choices"] = out["templates"]
            update["value"] = out["templates"][0][1] if out["templates"] else None
        updates.append(gr.update(**update))
    return [*updates, gr.update(visible=out["shown"]["decoding"]), out["note"], out["message"], out["share"],
            out["cli"], out["yaml"]]


KNOB_OUTPUTS = ["prompt_length", "reparameterize", "prompt_encoder", "tune_backbone", "template", "prompt_init",
                "lora_rank", "verbalizer", "prompt_layers", "head", "layout", "lr", "epochs", "batch_size",
                "max_length", "max_new_tokens", "eval_sample"]


def build() -> dict[str, gr.components.Component]:
    lab = lab_state.current()
    cat = catalog()
    choices = cat["choices"]
    start = {**FALLBACK_FORM, **lab.form_defaults}
    backbones = lab.backbones()
    c: dict = {}
    with gr.Row():
        with gr.Column(scale=3):
            c["source"] = gr.Radio(S.SOURCES, value=start["source"], label=S.SOURCE)
            c["preset"] = gr.Dropdown([(name, name) for name in cat["tasks"]], value=start["preset"], label=S.PRESET,
                                      visible=start["source"] == "preset", elem_id="train-preset")
            c["upload"] = gr.File(label=S.UPLOAD, file_types=[".csv", ".tsv", ".jsonl", ".json", ".conll", ".txt"],
                                  type="filepath", visible=start["source"] == "upload")
            c["family"] = gr.Dropdown([S.FAMILY_AUTO, *((name, name) for name in cat["families"])],
                                      value=start["family"], label=S.FAMILY,
                                      visible=start["source"] == "upload")
            c["hub_id"] = gr.Textbox(label=S.HUB_ID, placeholder=S.HUB_PLACEHOLDER, value=start["hub_id"],
                                     visible=start["source"] == "hub")
            c["like"] = gr.Dropdown([S.LIKE_NONE, *((name, name) for name in cat["tasks"])], value=start["like"] or "",
                                    label=S.LIKE, info=S.LIKE_INFO, visible=start["source"] != "preset")
            c["task_note"] = gr.Markdown()
            with gr.Row():
                c["backbone"] = gr.Dropdown([(f"{n} — {d}", n) for n, d in backbones.items()], value=start["backbone"],
                                            label=S.BACKBONE, info=S.BACKBONE_INFO, allow_custom_value=True)
                c["method"] = gr.Dropdown([(f"{n} — {m['summary']}", n) for n, m in cat["methods"].items()],
                                          value=start["method"], label=S.METHOD)
            shown = method_knobs(start["method"])
            with gr.Row():
                c["prompt_length"] = gr.Number(start["prompt_length"], label=S.PROMPT_LENGTH, precision=0,
                                               info=S.PROMPT_LENGTH_INFO, visible=shown["prompt_length"])
                c["reparameterize"] = gr.Checkbox(bool(start["reparameterize"]), label=S.REPARAMETERIZE,
                                                  visible=shown["reparameterize"])
                c["prompt_encoder"] = gr.Radio(choices["prompt_encoder"], value=start["prompt_encoder"],
                                               label=S.PROMPT_ENCODER, visible=shown["prompt_encoder"])
                c["tune_backbone"] = gr.Checkbox(start["tune_backbone"], label=S.TUNE_BACKBONE,
                                                 visible=shown["tune_backbone"])
                # any index: the choices follow the preset, and core checks the index against it
                c["template"] = gr.Dropdown([], value=None, label=S.TEMPLATE, visible=shown["template"],
                                            allow_custom_value=True, info=S.TEMPLATE_INFO)
                c["verbalizer"] = gr.Textbox(start["verbalizer"] or "", label=S.VERBALIZER, info=S.VERBALIZER_INFO,
                                             visible=shown["verbalizer"])
                c["prompt_init"] = gr.Radio(choices["prompt_init"], value=start["prompt_init"], label=S.PROMPT_INIT,
                                            visible=shown["prompt_init"])
                c["lora_rank"] = gr.Number(start["lora_rank"], label=S.LORA_RANK, precision=0,
                                           visible=shown["lora_rank"])
                c["prompt_layers"] = gr.Textbox(start["prompt_layers"] or "", label=S.PROMPT_LAYERS,
                                                info=S.PROMPT_LAYERS_INFO, visible=shown["prompt_layers"])
                c["head"] = gr.Radio(S.HEADS, value=start["head"], label=S.HEAD, info=S.HEAD_INFO,
                                     visible=shown["head"])
                c["layout"] = gr.Radio(S.LAYOUTS, value=start["layout"], label=S.LAYOUT, info=S.LAYOUT_INFO,
                                       visible=shown["layout"])
            with gr.Accordion(S.DECODING, open=True, visible=form_family(start) == "generation",
                              elem_id="train-decoding") as c["decoding"]:
                with gr.Row():
                    c["max_new_tokens"] = gr.Number(start["max_new_tokens"], label=S.MAX_NEW_TOKENS, precision=0,
                                                    info=S.MAX_NEW_TOKENS_INFO, min_width=120,
                                                    elem_id="train-max-new-tokens")
                    c["num_beams"] = gr.Number(start["num_beams"], label=S.NUM_BEAMS, precision=0,
                                               info=S.NUM_BEAMS_INFO, min_width=100, elem_id="train-num-beams")
                    c["repetition_penalty"] = gr.Number(start["repetition_penalty"], label=S.REPETITION_PENALTY,
                                                        info=S.REPETITION_PENALTY_INFO, min_width=120,
                                                        elem_id="train-repetition-penalty")
                    c["eval_sample"] = gr.Number(start["eval_sample"], label=S.EVAL_SAMPLE, precision=0,
                                                 info=S.EVAL_SAMPLE_INFO, min_width=160, elem_id="train-eval-sample")
            with gr.Row():
                c["lr"] = gr.Number(start["lr"], label=S.LR, min_width=100)
                c["epochs"] = gr.Number(start["epochs"], label=S.EPOCHS, min_width=100)
                c["max_steps"] = gr.Number(start["max_steps"], label=S.MAX_STEPS, precision=0, min_width=100)
                c["batch_size"] = gr.Number(start["batch_size"], label=S.BATCH_SIZE, precision=0, min_width=100)
                c["seed"] = gr.Number(start["seed"], label=S.SEED, precision=0, min_width=100)
            with gr.Accordion(S.ADVANCED, open=False):
                with gr.Row():
                    c["max_length"] = gr.Number(start["max_length"], label=S.MAX_LENGTH, precision=0)
                    c["max_train_examples"] = gr.Number(start["max_train_examples"], label=S.MAX_TRAIN, precision=0)
                    c["max_eval_examples"] = gr.Number(start["max_eval_examples"], label=S.MAX_EVAL, precision=0)
                with gr.Row():
                    c["eval_every"] = gr.Number(start["eval_every"], label=S.EVAL_EVERY, precision=0)
                    c["doc_stride"] = gr.Number(start["doc_stride"], label=S.DOC_STRIDE, precision=0)
                    c["precision"] = gr.Dropdown(choices["precision"], value=start["precision"], label=S.PRECISION)
                    c["warmup_ratio"] = gr.Number(start["warmup_ratio"], label=S.WARMUP)
                    c["weight_decay"] = gr.Number(start["weight_decay"], label=S.WEIGHT_DECAY)
                    c["seeds"] = gr.Textbox(start["seeds"], label=S.SEEDS, info=S.SEEDS_INFO)
                with gr.Row():
                    c["group_by_length"] = gr.Checkbox(start["group_by_length"], label=S.GROUP_BY_LENGTH,
                                                       info=S.GROUP_BY_LENGTH_INFO)
                    c["gradient_checkpointing"] = gr.Checkbox(start["gradient_checkpointing"],
                                                              label=S.GRADIENT_CHECKPOINTING,
                                                              info=S.GRADIENT_CHECKPOINTING_INFO)
                c["report_to"] = gr.CheckboxGroup(choices["report_to"], value=start["report_to"], label=S.REPORT_TO,
                                                  info=S.REPORT_TO_INFO, visible=bool(choices["report_to"]))
            c["button"] = gr.Button(S.TRAIN_BUTTON, variant="primary", elem_id="train-button")
            c["message"] = gr.Markdown(elem_id="train-message")
        with gr.Column(scale=2):
            gr.Markdown(f"### {S.PREVIEW_TITLE}")
            c["share"] = gr.Markdown(elem_id="train-share")
            c["cli"] = gr.Code(label=S.CLI, language="shell", interactive=False, lines=3, max_lines=6,
                               wrap_lines=True)
            c["yaml"] = gr.Code(label=S.YAML, language="yaml", interactive=False, lines=12, max_lines=32,
                                wrap_lines=True)
            gr.Markdown(S.DEVICE.format(limit=lab.jobs.max_concurrent))
    form = [c[name] for name in FIELDS]
    c["form"] = form

    def values_of(*args) -> dict:
        return dict(zip(FIELDS, args))

    refill_outputs = [c[n] for n in KNOB_OUTPUTS] + [c["decoding"], c["task_note"], c["message"], c["share"], c["cli"],
                                                     c["yaml"]]
    preview_outputs = [c["message"], c["share"], c["cli"], c["yaml"]]

    def on_refill(*args):
        return _refill_updates(values_of(*args))

    def on_preview(*args):
        return preview_view(values_of(*args))

    def on_source(source):
        return [gr.update(visible=source == "preset"), gr.update(visible=source == "upload"),
                gr.update(visible=source == "upload"), gr.update(visible=source == "hub"),
                gr.update(visible=source != "preset")]

    c["source"].change(on_source, c["source"], [c["preset"], c["upload"], c["family"], c["hub_id"], c["like"]],
                       show_progress="hidden", api_visibility="undocumented")
    for trigger in (c["source"].input, c["preset"].input, c["method"].input, c["upload"].upload, c["family"].input,
                    c["hub_id"].submit, c["like"].input):
        trigger(on_refill, form, refill_outputs, show_progress="minimal", trigger_mode="always_last",
                api_visibility="undocumented")
    knob_inputs = [c[n] for n in FIELDS if n not in ("source", "preset", "method", "upload", "family", "hub_id",
                                                      "like", "seeds")]
    for component in knob_inputs:
        component.input(on_preview, form, preview_outputs, show_progress="hidden", trigger_mode="always_last",
                        api_visibility="undocumented")
    def on_page_load(*args):  # the preset's defaults, but knobs set through PROMPT_LAB_FORM stay as given
        return _refill_updates(values_of(*args), keep=tuple(lab.form_defaults))

    c["refill"] = on_page_load  # interface.py runs it on page load
    c["refill_outputs"] = refill_outputs
    return c
