"""The tabs' handlers, called as plain functions (no Gradio server): form -> config, bad input ->
a message with nothing lost, run list and detail, abort/delete rules, inspect views, the
fine-tuning baseline and the classroom's template bookkeeping; generation runs: the decoding
settings' visibility and round trip, the generations view and its sorting, streamed typed input."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from app import strings as S
from app.render import runs_table
from app.tabs import classroom, compare, inspect, runs, train
from core.api import RunConfig, resolved
from labtools import TINY_FORM, gradio_upload


# -- helpers -------------------------------------------------------------------------------------
def fake_run(lab, status="finished", task="sentiment", method="p-tuning-v2", backbone="tiny-encoder", rows=(),
             predictions=None, final=None, **config):
    """A run folder written the way a worker writes it, without training."""
    run = lab.store.create(RunConfig(task=task, method=method, backbone=backbone, **config))
    for row in rows:
        run.log_metrics(row)
    if predictions is not None:
        run.write_predictions(predictions)
    if final:
        run.write_final(final)
    run.set_status(status, step=len(rows), total_steps=10)
    return run


ROWS = [{"step": 1, "loss": 0.9, "elapsed": 2.0}, {"step": 2, "loss": 0.7, "elapsed": 3.0, "dev_accuracy": 0.6},
        {"step": 3, "loss": 0.5, "elapsed": 4.0}]
CLASS_PREDICTIONS = [
    {"text": "great film", "text_b": None, "gold": "positive", "predicted": "positive",
     "probabilities": {"negative": 0.2, "positive": 0.8}, "correct": True},
    {"text": "dull", "text_b": None, "gold": "negative", "predicted": "positive",
     "probabilities": {"negative": 0.4, "positive": 0.6}, "correct": False}]
TAG_PREDICTIONS = [{"tokens": ["Angela", "Merkel", "visited", "Paris"], "gold": ["B-PER", "I-PER", "O", "B-LOC"],
                    "predicted": ["B-PER", "I-PER", "O", "O"], "errors": [3], "text": "Angela Merkel visited Paris",
                    "entities": [{"entity": "PER", "start": 0, "end": 13}],
                    "gold_entities": [{"entity": "PER", "start": 0, "end": 13},
                                      {"entity": "LOC", "start": 22, "end": 27}]}]
QA_PREDICTIONS = [{"context": "Ada was born in London in 1815.", "question": "Where?", "predicted": "London in 1815",
                   "start": 16, "end": 30, "score": 3.2, "gold": ["London"], "correct": False,
                   "entities": [{"entity": "predicted", "start": 16, "end": 30},
                                {"entity": "gold", "start": 16, "end": 22}]}]


# -- train ----------------------------------------------------------------------------------------
def test_form_becomes_the_run_config_with_only_the_methods_knobs(lab):
    config = train.config_from_form({**TINY_FORM, "method": "fine-tuning", "prompt_length": 7, "template": 3})
    assert (config.task, config.backbone, config.method, config.max_steps) == ("sentiment", "tiny-encoder",
                                                                               "fine-tuning", 4)
    assert config.prompt_length is None and config.template == 0  # fine-tuning reads neither
    assert config.out == str(lab.root)
    config = train.config_from_form({**TINY_FORM, "method": "p-tuning", "prompt_encoder": "mlp", "max_steps": 0})
    assert config.prompt_encoder == "mlp" and config.prompt_length == 4
    assert config.max_steps is None  # 0 in an optional count = not set: epochs decide


def test_method_knobs_follow_the_catalog():
    assert train.method_knobs("p-tuning-v2") == {"prompt_length": True, "reparameterize": True, "prompt_encoder": False,
                                                 "tune_backbone": False, "template": True, "prompt_init": False,
                                                 "lora_rank": False, "verbalizer": True, "prompt_layers": True,
                                                 "head": True, "layout": True}  # template + label words: head 'verbalizer'
    assert not train.method_knobs("prompt-tuning")["prompt_layers"] and not train.method_knobs("lora")["head"]
    assert train.method_knobs("p-tuning")["prompt_encoder"] and not train.method_knobs("p-tuning")["reparameterize"]
    assert not train.method_knobs("fine-tuning")["prompt_length"]
    assert train.method_knobs("lora")["lora_rank"] and train.method_knobs("manual-prompt")["template"]
    assert all(train.method_knobs(m)["verbalizer"] for m in ("manual-prompt", "p-tuning", "bitfit"))


def test_deep_prompt_depth_and_head_reach_the_config_and_the_preview(lab):
    out = train.refill(TINY_FORM)
    assert (out["knobs"]["prompt_layers"], out["knobs"]["head"]) == ("all", "cls")  # methods.yaml's defaults
    config = train.config_from_form({**TINY_FORM, "prompt_layers": " top:1 ", "head": "verbalizer"})
    assert (config.prompt_layers, config.head) == ("top:1", "verbalizer")
    assert "--prompt-layers top:1 --head verbalizer" in train.preview_view({**TINY_FORM, "prompt_layers": "top:1",
                                                                             "head": "verbalizer"})[2]
    share = {spec: train.preview_view({**TINY_FORM, "prompt_layers": spec})[1] for spec in ("all", "top:1")}
    assert share["all"] != share["top:1"]  # fewer layers, fewer trainable parameters
    assert "top:5" in train.preview_view({**TINY_FORM, "prompt_layers": "top:5"})[0]  # tiny-encoder has 2 layers
    assert train.config_from_form({**TINY_FORM, "method": "lora", "prompt_layers": "top:1"}).prompt_layers is None


def test_the_peft_layout_reaches_the_config_only_for_methods_with_a_peft_format(lab):
    config = train.config_from_form({**TINY_FORM, "layout": "peft"})
    assert config.layout == "peft"
    assert "--layout peft" in train.preview_view({**TINY_FORM, "layout": "peft"})[2]
    assert not train.method_knobs("p-tuning")["layout"] and not train.method_knobs("fine-tuning")["layout"]
    assert train.config_from_form({**TINY_FORM, "method": "fine-tuning", "layout": "peft"}).layout == "lab"


def test_the_speed_checkboxes_reach_the_config_and_the_command(lab):
    plain = train.config_from_form(TINY_FORM)
    assert (plain.group_by_length, plain.gradient_checkpointing) == (False, False)  # the defaults
    for method in ("fine-tuning", "p-tuning-v2"):  # every method reads them
        form = {**TINY_FORM, "method": method, "group_by_length": True, "gradient_checkpointing": True}
        config = train.config_from_form(form)
        assert config.group_by_length and config.gradient_checkpointing
        assert "--group-by-length true --gradient-checkpointing true" in train.preview_view(form)[2]


def test_refill_takes_the_presets_defaults_for_the_method_and_previews(lab):
    out = train.refill({**TINY_FORM, "lr": 123.0, "epochs": 99})
    assert out["knobs"]["lr"] == pytest.approx(1e-2) and out["knobs"]["epochs"] == 8  # sentiment's p-tuning-v2
    assert out["knobs"]["reparameterize"] is False  # p-tuning-v2: no reparameterisation by default
    assert out["message"] == "" and "Trainable parameters" in out["share"] and "% of" in out["share"]
    assert out["cli"].startswith("python -m core.train --task sentiment") and "method: p-tuning-v2" in out["yaml"]
    manual = train.refill({**TINY_FORM, "method": "manual-prompt"})
    assert manual["shown"]["template"] and len(manual["templates"]) >= 2


@pytest.mark.parametrize("change,expected", [
    ({"prompt_length": 0}, "prompt_length must be a whole number from 1 to 512"),
    ({"prompt_length": 10_000}, "prompt_length must be a whole number from 1 to 512"),
    ({"preset": "ner", "method": "p-tuning"}, "p-tuning does not fit a tagging task"),
    ({"backbone": "no-such-org/no-such-model-xyz"}, "Cannot load backbone"),
    ({"source": "hub", "hub_id": "glue/sst2"}, "glue/sst2"),
    ({"source": "hub", "hub_id": ""}, S.NEED_HUB_ID),
    ({"source": "upload", "upload": None}, S.NEED_UPLOAD),
    ({"lr": -1.0}, "lr must be positive"),
])
def test_bad_input_gets_a_message_and_no_run(lab, change, expected):
    form = {**TINY_FORM, **change}
    message, share, cli, _ = train.preview_view(form)
    assert expected in message.replace("&#x27;", "'") and "lab-error" in message and share == cli == ""
    with pytest.raises(Exception) as error:
        train.launch(form, None)
    assert expected in str(error.value)
    assert lab.store.list() == []


def test_uploads_are_checked_and_kept_in_the_runs_folder(lab):
    bad = gradio_upload("reviews.csv", "text,label\ngreat film,positive\nbroken row\n")
    message, *_ = train.preview_view({**TINY_FORM, "source": "upload", "upload": str(bad)})
    assert "reviews.csv line 3" in message
    good = gradio_upload("good.csv", "text,label\n" + "".join(f"film number {i} was {w},{label}\n" for i in range(20)
                                                              for w, label in (("great", "pos"), ("awful", "neg"))))
    form = {**TINY_FORM, "source": "upload", "upload": str(good)}
    message, share, *_ = train.preview_view(form)
    assert message == "" and "classification" in share
    assert not lab.uploads.exists()  # copied only when a run is launched
    _, run_id = train.launch(form, None)
    task = lab.store.get(run_id).config()["task"]
    assert task.startswith(str(lab.uploads)) and task.endswith("good.csv")
    good.unlink()  # Gradio's temp copy may vanish; the run still has its data
    assert train.preview_view({**form, "upload": task})[0] == ""


def test_launch_queues_a_run_and_returns_at_once(lab):
    message, run_id = train.launch(TINY_FORM, None)
    assert run_id in message
    assert lab.store.list()[0]["status"] == "queued"
    assert lab.store.get(run_id).config()["max_steps"] == 4


# -- runs -----------------------------------------------------------------------------------------
def test_refresh_sends_only_what_changed(lab):
    out, seen = runs.refresh(None, {})
    assert out["table"] == [] and out["status"] == S.NO_RUNS and out["plot"] is None
    run = fake_run(lab, status="running", rows=ROWS)
    fake_run(lab, status="queued")  # newer, but the running run is the one to watch
    out, seen = runs.refresh(None, seen)
    assert {row[0] for row in out["table"]} == {r["id"] for r in lab.store.list()}
    assert out["picker"]["value"] == run.id
    assert out["plot"] is not None and "step 3 / 10" in out["progress"]
    assert "about" in out["progress"]  # an ETA from the metrics rows' timing
    again, seen = runs.refresh(run.id, seen)
    assert set(again) == {"progress"}  # nothing new: only the ETA is sent again
    run.log_metrics({"step": 4, "loss": 0.4, "elapsed": 5.0})
    again, seen = runs.refresh(run.id, seen)
    assert again["plot"] is not None and "table" not in again and "files" not in again
    other, _ = runs.refresh(lab.store.list()[0]["id"], seen)  # picking a run without metrics clears the plot
    assert other["plot"] is None and other["files"] == []


def test_run_view_shows_why_a_run_failed_and_offers_downloads_when_finished(lab):
    failed = fake_run(lab, status="failed")
    failed.set_status("failed", error="out of memory: CUDA. Try a smaller batch size")
    view = runs.run_view(failed.id)
    assert "Why it stopped" in view["status"] and "out of memory" in view["status"] and view["files"] == []
    done = fake_run(lab, rows=ROWS)
    done.weights.write_bytes(b"weights")
    view = runs.run_view(done.id)
    assert [f.split("/")[-1] for f in view["files"]] == ["config.yaml", "trained.safetensors", "metrics.jsonl"]
    assert not any(f.startswith(str(lab.root)) for f in view["files"])  # copies: the runs folder is never served
    assert "lab-finished" in view["progress"]


def test_queue_positions_are_shown_oldest_first(lab):
    first, second = fake_run(lab, status="queued"), fake_run(lab, status="queued")
    table = {row[0]: row[1] for row in runs_table(lab.store.list())}
    assert table[first.id] == "queued (#1)" and table[second.id] == "queued (#2)"


def test_abort_and_delete_rules(lab, monkeypatch):
    queued = fake_run(lab, status="queued")
    assert "aborted" in runs.abort(queued.id, None)
    assert queued.status()["status"] == "aborted"
    assert "only queued or running" in runs.abort(queued.id, None)
    assert "lab-error" in runs.abort(None, None)
    monkeypatch.setattr(lab, "shared", True)  # a Space: only the browser that started a run may change it
    other = lab.jobs.submit(RunConfig(task="sentiment", backbone="tiny-encoder"), owner="owner-a")
    assert "another browser session" in runs.delete(other, "owner-b")
    assert "another browser session" in runs.abort(other, None)
    assert "deleted" in runs.delete(other, "owner-a")
    assert [r["id"] for r in lab.store.list()] == [queued.id]
    assert "no run" in runs.run_view(other)["status"]


def test_api_endpoints_return_plain_json(lab):
    run = fake_run(lab, rows=ROWS, final={"best_metric": 0.6, "metric_name": "accuracy"})
    summary = runs.run_summary(run.id, None)
    assert summary["status"] == "finished" and len(summary["metrics"]) == 3 and summary["final"]["best_metric"] == 0.6
    json.dumps(summary)
    assert "error" in runs.run_summary("nope", None)
    assert runs.list_runs(None)[0]["id"] == run.id


# -- inspect --------------------------------------------------------------------------------------
def test_inspect_classification_confusion_and_probabilities(lab):
    run = fake_run(lab, predictions=CLASS_PREDICTIONS, final={"best_metric": 0.5, "metric_name": "accuracy"})
    view = inspect.load_run(run.id)
    assert view["view"] == "classes" and view["figure"] is not None
    assert list(view["figure"].data[0].z) == [[0, 1], [0, 1]]  # rows gold, columns predicted
    assert [row[3] for row in view["table"]] == ["positive", "positive"]
    assert len(inspect.load_run(run.id, only_errors=True)["table"]) == 1
    assert "1 wrong" in view["summary"]


def test_inspect_tagging_shows_predicted_beside_gold_with_errors(lab):
    run = fake_run(lab, task="ner", predictions=TAG_PREDICTIONS)
    view = inspect.load_run(run.id)
    assert view["view"] == "tags" and view["examples"][0][0].startswith("#0 ✗")
    example = inspect.show_example(run.id, 0)
    assert example["predicted"]["entities"] == [{"entity": "PER", "start": 0, "end": 13}]
    assert {e["entity"] for e in example["gold"]["entities"]} == {"PER", "LOC"}
    assert "lab-wrong" in example["table"] and "Paris ✗" in example["table"]


def test_inspect_qa_highlights_the_predicted_and_gold_spans(lab):
    run = fake_run(lab, task="qa", predictions=QA_PREDICTIONS)
    assert inspect.load_run(run.id)["view"] == "spans"
    example = inspect.show_example(run.id, 0)
    assert ("London", "predicted = gold") in example["passage"] and (" in 1815", "predicted") in example["passage"]
    assert "3.200" in example["detail"] and "✗ wrong" in example["detail"]


def test_inspect_without_predictions_says_so(lab):
    run = fake_run(lab, status="running")
    assert S.NO_PREDICTIONS in inspect.load_run(run.id)["error"]
    assert "no run" in inspect.load_run("gone")["error"]
    assert "lab-error" in inspect.predict(None, "text")["error"]


def test_typed_input_goes_through_the_trained_model(lab, monkeypatch):
    run = fake_run(lab)
    monkeypatch.setattr(inspect, "predict_text", lambda path, text, second: {**CLASS_PREDICTIONS[0], "text": text})
    assert inspect.predict(run.id, "what a film")["label"] == {"negative": 0.2, "positive": 0.8}
    monkeypatch.setattr(inspect, "predict_text", lambda path, text, second: TAG_PREDICTIONS[0])
    ner = fake_run(lab, task="ner")  # the run's recorded family picks the view, not the prediction's keys
    assert inspect.predict(ner.id, "Angela Merkel")["highlight"]["entities"][0]["entity"] == "PER"

    def refuse(*_):
        raise ValueError("type some text first")
    monkeypatch.setattr(inspect, "predict_text", refuse)
    assert "type some text first" in inspect.predict(run.id, "")["error"]


# -- compare --------------------------------------------------------------------------------------
def test_compare_table_and_overlaid_curves(lab):
    a = fake_run(lab, rows=ROWS, final={"best_metric": 0.6, "metric_name": "accuracy", "trainable": 10, "total": 1000,
                                        "wall_time": 65.0, "peak_memory_mb": 512.0})
    b = fake_run(lab, method="fine-tuning", rows=ROWS[:2])
    table, figure, _, problems, seeds, _ = compare.compare_view([a.id, b.id])
    assert seeds == ""  # two different methods: no group over seeds
    assert problems == ""
    assert table[0][5] == "1.00" and table[0][6] == "accuracy 0.600" and table[0][7] == "1m 05s"
    assert table[0][8] == "512 MB"
    assert len(figure.data) == 4  # loss and dev curve per run


def test_baseline_starts_fine_tuning_once_with_the_same_data_budget(lab):
    prompt = fake_run(lab, max_train_examples=32, max_steps=4, max_eval_examples=16)
    message, chosen = compare.baseline([prompt.id], "visitor")
    baseline_id = chosen[-1]
    config = lab.store.get(baseline_id).config()
    assert "Started the fine-tuning baseline" in message and lab.store.get(baseline_id).owner() == "visitor"
    assert (config["method"], config["task"], config["backbone"]) == ("fine-tuning", "sentiment", "tiny-encoder")
    assert (config["max_train_examples"], config["max_steps"], config["max_eval_examples"]) == (32, 4, 16)
    message, chosen = compare.baseline([prompt.id])
    assert "already covers" in message and chosen == [prompt.id, baseline_id]
    assert len(lab.store.list(method="fine-tuning")) == 1
    assert "itself fine-tuning" in compare.baseline([baseline_id])[0]
    assert "lab-error" in compare.baseline([])[0]


# -- classroom ------------------------------------------------------------------------------------
def test_classroom_offers_classification_presets_only():
    presets = classroom.classroom_presets()
    assert "sentiment" in presets and "nli" in presets and "ner" not in presets and "qa" not in presets


def test_verbalizer_parsing():
    labels = ["negative", "positive"]
    assert classroom.parse_verbalizer("negative: bad, positive: good", labels) == {"negative": "bad",
                                                                                  "positive": "good"}
    assert classroom.parse_verbalizer('{"negative": "no", "positive": "yes"}', labels)["positive"] == "yes"
    for bad in ("negative bad", "negative: bad", "negative: bad, positive: good, neutral: meh", ""):
        with pytest.raises(ValueError, match="Label words"):
            classroom.parse_verbalizer(bad, labels)


def test_scores_keep_the_presets_order_and_edits_sit_beside_their_source(monkeypatch):
    def fake_scores(task, backbone, entries, max_examples):
        return [{"name": e["name"], "template": e["template"], "verbalizer": e["verbalizer"],
                 "accuracy": 0.5 + 0.01 * i, "macro_f1": 0.5} for i, e in enumerate(entries)]
    monkeypatch.setattr(classroom, "score_entries", fake_scores)
    results = classroom.score_all("sentiment", "tiny-decoder", 20)
    names = [r["name"] for r in results]
    assert names.index("The movie was") + 1 == names.index("The film was")  # one-word variants side by side
    edited = classroom.rescore("sentiment", "tiny-decoder", 20, 1, "{text} The show was {mask}.",
                               "negative: terrible, positive: great", results)
    assert edited[2]["kind"] == S.KIND_EDITED and edited[2]["template"] == "{text} The show was {mask}."
    assert len(edited) == len(results) + 1
    with pytest.raises(ValueError, match="classification"):
        classroom.score_all("ner", "tiny-decoder", 20)


def test_classroom_template_edit_errors_are_messages(monkeypatch):
    with pytest.raises(ValueError, match="Label words"):
        classroom.rescore("sentiment", "tiny-decoder", 20, 0, "{text} It was {mask}.", "oops", [])


def test_ptuning_bar_comes_from_the_newest_ptuning_run(lab):
    assert classroom.ptuning_result("sentiment", "tiny-decoder") is None
    fake_run(lab, status="running", method="p-tuning", backbone="tiny-decoder",
             rows=[{"step": 5, "loss": 0.6, "dev_accuracy": 0.7}, {"step": 10, "loss": 0.5, "dev_accuracy": 0.65}])
    bar = classroom.ptuning_result("sentiment", "tiny-decoder")
    assert bar["accuracy"] == 0.7 and bar["kind"] == S.KIND_PTUNING and "step" in bar["name"]
    figure, table, signature = classroom.chart("sentiment", "tiny-decoder", [])
    assert figure is not None and table[0][-1] == S.KIND_PTUNING and signature[2] == 2


def test_train_prompt_queues_ptuning_on_the_same_dev_examples(lab):
    message = classroom.train_prompt("sentiment", "tiny-decoder", 30, 40)
    config = lab.store.list()[0]
    config = lab.store.get(config["id"]).config()
    assert (config["method"], config["max_steps"], config["max_eval_examples"]) == ("p-tuning", 30, 40)
    assert "queued" in message


def test_the_preview_shows_the_budget_and_warns_about_few_epochs_for_prompts(lab):
    _, share, *_ = train.preview_view({**TINY_FORM, "max_steps": 4})
    assert "**Budget:** 4 optimizer steps" in share and "no earlier run" in share and "20-100 epochs" in share
    _, share, *_ = train.preview_view({**TINY_FORM, "method": "fine-tuning", "max_steps": 4})
    assert "20-100 epochs" not in share


def test_compare_groups_runs_that_differ_only_in_their_seed(lab):
    runs = [fake_run(lab, method="p-tuning-v2", seed=seed, final={"best_metric": best, "metric_name": "accuracy"})
            for seed, best in ((1, 0.6), (2, 0.8), (3, 0.7))]
    other = fake_run(lab, method="p-tuning-v2", seed=4, lr=0.5, final={"best_metric": 0.1, "metric_name": "accuracy"})
    *_, seeds, _ = compare.compare_view([r.id for r in runs] + [other.id])
    assert "3 seeds (1, 2, 3)" in seeds and "accuracy 0.700 ± 0.100 (min 0.600, max 0.800)" in seeds


def test_launch_over_seeds_queues_one_run_per_seed(lab):
    message, first = train.launch({**TINY_FORM, "seeds": "1, 2, 3"}, None)
    seeds = sorted(lab.store.get(row["id"]).config()["seed"] for row in lab.store.list())
    assert seeds == [1, 2, 3] and "3 runs (one per seed)" in message and first in message
    with pytest.raises(ValueError, match="seeds must be 1 to 20 different whole numbers"):
        train.launch({**TINY_FORM, "seeds": "1, 1"}, None)


def test_the_classroom_takes_a_users_classification_file(lab):
    path = str(gradio_upload("mine.csv", "text,label\n" + "".join(
        f"film {i} was {w},{label}\n" for i in range(15) for w, label in (("great", "pos"), ("awful", "neg")))))
    with pytest.raises(ValueError, match="no hand-written templates"):
        classroom.score_all(path, "tiny-decoder", 20)
    results = classroom.rescore(path, "tiny-decoder", 20, None, "{text} It was {mask}", "neg: bad, pos: good", [])
    assert results[0]["kind"] == S.KIND_EDITED and 0 <= results[0]["accuracy"] <= 1
    with pytest.raises(ValueError, match="labels: neg, pos"):
        classroom.train_prompt(path, "tiny-decoder", 30, 20, None, "negative: bad")
    assert "queued" in classroom.train_prompt(path, "tiny-decoder", 30, 20, None, "neg: bad, pos: good")
    config = lab.store.get(lab.store.list()[0]["id"]).config()
    assert config["verbalizer"] == {"neg": "bad", "pos": "good"} and config["task"].startswith(str(lab.uploads))


def test_changing_the_method_refills_its_defaults_even_while_label_words_are_missing(lab):
    path = str(gradio_upload("r.csv", "text,label\n" + "".join(f"film {i} was {w},{label}\n" for i in range(10)
                                                              for w, label in (("great", "pos"), ("awful", "neg")))))
    out = train.refill({**TINY_FORM, "source": "upload", "upload": path, "method": "manual-prompt", "epochs": 10})
    assert out["knobs"]["epochs"] == 0 and "--verbalizer" in out["message"]  # zero-shot, and what is missing
    assert "--prompt-length" not in RunConfig(method="manual-prompt", prompt_length=16).cli_command()


# -- generation -----------------------------------------------------------------------------------
GEN_FORM = {**TINY_FORM, "preset": "table-to-text", "backbone": "tiny-decoder", "method": "prefix-tuning",
            "max_length": 128}
GEN_PREDICTIONS = [
    {"input": "name[A], food[Thai]", "generated": "A serves Thai food.", "references": ["A serves Thai food."],
     "bleu": 1.0, "rougeL": 1.0},
    {"input": "name[B], area[riverside]", "generated": "B B B", "references": ["B is by the river.", "B, riverside."],
     "bleu": 0.05, "rougeL": 0.4},
    {"input": "name[C]", "generated": "C is a pub.", "references": [], "bleu": None, "rougeL": None},
    {"input": "name[D], food[French]", "generated": "D serves food.", "references": ["D serves French food."],
     "bleu": 0.3, "rougeL": 0.8}]
GEN_FINAL = {"metric_name": "bleu", "best_metric": 0.31, "dev": {"bleu": 0.31, "rougeL": 0.55},
             "dev_sample": {"examples": 2, "bleu": 0.52},
             "splits": {"unseen": {"bleu": 0.12, "rouge1": 0.3, "rouge2": 0.1, "rougeL": 0.25}},
             "evaluation": "checkpoint chosen on the first 2 dev examples, reported on all 4 (optimistic)"}


@pytest.mark.parametrize("form, shown", [
    (TINY_FORM, False),
    (GEN_FORM, True),
    ({**GEN_FORM, "preset": "summarization"}, True),
    ({**TINY_FORM, "source": "hub", "hub_id": "xsum"}, True),
    ({**TINY_FORM, "source": "hub", "hub_id": "glue/sst2"}, False),
    ({**TINY_FORM, "source": "hub", "hub_id": "/etc/passwd"}, False),  # refused before anything reads it
])
def test_decoding_settings_show_only_for_generation_tasks(lab, form, shown):
    assert train.refill(form)["shown"]["decoding"] is shown
    assert (train.form_family(form) == "generation") is shown


def test_decoding_settings_follow_an_uploaded_file_and_the_family_picker(lab):
    rows = "".join(json.dumps({"input": f"name[P{i}]", "output": f"P{i} is a pub."}) + "\n" for i in range(20))
    generation = str(gradio_upload("tables.jsonl", rows))
    assert train.refill({**TINY_FORM, "source": "upload", "upload": generation})["shown"]["decoding"]
    reviews = str(gradio_upload("r.csv", "text,label\n" + "".join(
        f"film {i} was {w},{label}\n" for i in range(10) for w, label in (("great", "pos"), ("awful", "neg")))))
    assert not train.refill({**TINY_FORM, "source": "upload", "upload": reviews})["shown"]["decoding"]
    pairs = str(gradio_upload("pairs.csv", "input,output\n" + "".join(f"a{i},b{i}\n" for i in range(20))))
    assert train.refill({**TINY_FORM, "source": "upload", "upload": pairs, "family": "generation"})["shown"]["decoding"]


def test_refill_gives_the_presets_decoding_defaults(lab):
    out = train.refill(GEN_FORM)
    assert out["knobs"]["max_new_tokens"] == 64 and out["knobs"]["eval_sample"] == 64  # table-to-text: 64 and 64
    assert train.refill({**GEN_FORM, "preset": "summarization"})["knobs"]["max_new_tokens"] == 48
    assert "max_new_tokens" not in train.refill(TINY_FORM)["knobs"]  # hidden boxes keep their values


def test_decoding_settings_round_trip_into_the_config_and_its_yaml(lab):
    form = {**GEN_FORM, "max_length": 96, "max_new_tokens": 24, "num_beams": 3, "repetition_penalty": 1.2,
            "eval_sample": 5}
    config = train.config_from_form(form)
    assert (config.max_new_tokens, config.num_beams, config.repetition_penalty, config.eval_sample) == (24, 3, 1.2, 5)
    message, _, cli, text = train.preview_view(form)
    assert message == ""
    assert "--max-new-tokens 24 --num-beams 3 --repetition-penalty 1.2" in cli and "--eval-sample 5" in cli
    assert RunConfig.from_dict(yaml.safe_load(text)) == resolved(config)  # the YAML repeats this very run
    _, run_id = train.launch(form, None)
    saved = RunConfig.from_yaml(lab.store.get(run_id).path / "config.yaml")
    assert (saved.max_new_tokens, saved.num_beams, saved.repetition_penalty, saved.eval_sample) == (24, 3, 1.2, 5)
    # a whole-number penalty arrives as an int from the browser; transformers refuses anything but a float
    assert isinstance(train.config_from_form({**GEN_FORM, "repetition_penalty": 2}).repetition_penalty, float)
    # empty optional boxes (0) leave the task's defaults to core
    assert train.config_from_form({**GEN_FORM, "max_new_tokens": 0, "eval_sample": 0}).max_new_tokens is None


def test_other_tasks_ignore_the_hidden_decoding_boxes(lab):
    config = train.config_from_form({**TINY_FORM, "max_new_tokens": 24, "num_beams": 3, "repetition_penalty": 1.2,
                                     "eval_sample": 5})
    defaults = RunConfig()
    assert (config.max_new_tokens, config.num_beams, config.repetition_penalty, config.eval_sample) == \
        (defaults.max_new_tokens, defaults.num_beams, defaults.repetition_penalty, defaults.eval_sample)
    assert "--num-beams" not in train.preview_view({**TINY_FORM, "num_beams": 3})[2]


@pytest.mark.parametrize("change, expected", [
    ({"num_beams": 0}, "num_beams must be a whole number from 1 (greedy) to 16"),
    ({"num_beams": 2.5}, "num_beams must be a whole number"),
    ({"repetition_penalty": 0.5}, "repetition_penalty must be a number from 1 (off) to 10"),
    ({"max_new_tokens": 2000}, "max_new_tokens must be a whole number from 1 to 1024"),
    ({"eval_sample": -3}, "eval_sample must be a whole number, at least 1"),
    ({"max_new_tokens": 100, "max_length": 64}, "max_new_tokens (100) must be under max_length (64)"),
    ({"method": "p-tuning"}, "p-tuning does not fit a generation task"),
    ({"backbone": "tiny-encoder"}, "needs a decoder or an encoder-decoder backbone"),
])
def test_bad_decoding_settings_get_runconfigs_message_and_no_run(lab, change, expected):
    form = {**GEN_FORM, **change}
    message, share, *_ = train.preview_view(form)
    assert expected in message.replace("&#x27;", "'") and share == ""
    with pytest.raises(Exception, match=re.escape(expected)):
        train.launch(form, None)
    assert lab.store.list() == []


def test_the_offered_backbones_include_gemma_and_hide_the_tiny_seq2seq(lab, monkeypatch):
    assert {"gemma3-270m", "smollm2-135m", "tiny-seq2seq"} <= set(lab.backbones())
    monkeypatch.setattr(lab, "test_backbones", False)
    assert "gemma3-270m" in lab.backbones() and "tiny-seq2seq" not in lab.backbones()


def test_inspect_generations_lists_each_input_with_its_scores(lab):
    run = fake_run(lab, task="table-to-text", backbone="tiny-decoder", predictions=GEN_PREDICTIONS, final=GEN_FINAL)
    lab.store.update_index(run.id, metric_name="bleu", best_metric=0.31)
    view = inspect.load_run(run.id)
    assert view["view"] == "generations" and view["error"] == ""
    assert view["table"][1] == [1, "name[B], area[riverside]", "B B B", "1. B is by the river.\n2. B, riverside.",
                                0.05, 0.4]
    assert [row[0] for row in view["table"]] == [0, 1, 2, 3]  # dev order first
    assert "best dev bleu **0.310**" in view["summary"] and "4 dev inputs, 4 references" in view["summary"]
    assert "unseen (bleu 0.120 · rouge1 0.300" in view["summary"]  # the further split, its main metric first
    assert "first 2 dev inputs, scored during training to choose the checkpoint): bleu 0.520" in view["summary"]
    assert view["placeholder"] == "name[A], food[Thai]"


@pytest.mark.parametrize("sort, order", [("order", [0, 1, 2, 3]), ("bleu-desc", [0, 3, 1, 2]),
                                         ("bleu-asc", [1, 3, 0, 2]), ("rougeL-desc", [0, 3, 1, 2]),
                                         ("rougeL-asc", [1, 3, 0, 2])])
def test_inspect_generations_sort_by_score_unscored_last(lab, sort, order):
    run = fake_run(lab, task="table-to-text", backbone="tiny-decoder", predictions=GEN_PREDICTIONS, final=GEN_FINAL)
    assert [row[0] for row in inspect.sorted_generations(run.id, sort)] == order
    assert [row[0] for row in inspect.load_run(run.id, sort=sort)["table"]] == order


def test_inspect_generation_detail_and_bad_ids(lab):
    run = fake_run(lab, task="table-to-text", backbone="tiny-decoder", predictions=GEN_PREDICTIONS, final=GEN_FINAL)
    detail = inspect.show_generation(run.id, 1)
    assert "**Generated:** B B B" in detail and "2. B, riverside." in detail and "ROUGE-L 0.400" in detail
    assert inspect.show_generation(run.id, 99) == "" and inspect.show_generation("../elsewhere", 0) == ""
    assert inspect.sorted_generations("../elsewhere", "bleu-desc") == []


def test_runs_detail_shows_the_further_splits_and_the_dev_sample(lab):
    run = fake_run(lab, task="table-to-text", backbone="tiny-decoder", rows=[{"step": 1, "loss": 2.0, "dev_bleu": 0.1}],
                   final=GEN_FINAL)
    status = runs.run_view(run.id)["status"]
    assert "Further dev splits" in status and "unseen (bleu 0.120" in status and "first 2 dev inputs" in status


def test_typed_input_streams_the_generated_text(lab, monkeypatch):
    run = fake_run(lab, task="table-to-text", backbone="tiny-decoder", predictions=GEN_PREDICTIONS)
    seen = []

    def fake_stream(path, text):
        seen.append((path, text))
        yield from ("The", "The Eagle", "The Eagle is a pub.")
    monkeypatch.setattr(inspect, "stream_text", fake_stream)
    outs = list(inspect.predict_stream(run.id, "name[The Eagle]"))
    assert [o["generated"] for o in outs] == ["The", "The Eagle", "The Eagle is a pub."]
    assert all(o["error"] == "" and o["view"] == "generations" for o in outs)
    assert seen == [(str(run.path), "name[The Eagle]")]  # the run's folder from the server's store, by id
    # a run on a backbone this lab does not offer never loads in the web process; nor does a path
    hub = fake_run(lab, task="table-to-text", backbone="someone/huge-model-70b", predictions=GEN_PREDICTIONS)
    for bad in (hub.id, "../elsewhere", str(run.path), None):
        outs = list(inspect.predict_stream(bad, "name[The Eagle]"))
        assert len(outs) == 1 and "lab-error" in outs[0]["error"], bad
    assert len(seen) == 1

    def refuse(path, text):
        raise ValueError("type an input first")
        yield
    monkeypatch.setattr(inspect, "stream_text", refuse)
    assert "type an input first" in list(inspect.predict_stream(run.id, " "))[-1]["error"]


def test_typed_input_for_other_runs_is_one_prediction(lab, monkeypatch):
    run = fake_run(lab)
    monkeypatch.setattr(inspect, "predict_text", lambda path, text, second: {**CLASS_PREDICTIONS[0], "text": text})
    monkeypatch.setattr(inspect, "stream_text", lambda *a: pytest.fail("streamed a classification run"))
    outs = list(inspect.predict_stream(run.id, "what a film"))
    assert len(outs) == 1 and outs[0]["label"] == {"negative": 0.2, "positive": 0.8} and outs[0]["generated"] is None


def test_typed_input_streams_through_a_trained_generation_run(lab):
    from core.runs import RunRecorder
    from core.train import train as train_run
    run = lab.store.create(RunConfig(task="table-to-text", backbone="tiny-decoder", method="fine-tuning", lr=1e-5,
                                     max_steps=1, batch_size=4, max_length=64, max_new_tokens=12,
                                     repetition_penalty=2.0, max_train_examples=4, max_eval_examples=3,
                                     out=str(lab.root)))
    train_run(RunConfig.from_yaml(run.path / "config.yaml"), RunRecorder(run), show_progress=False)
    view = inspect.load_run(run.id)
    assert view["view"] == "generations" and len(view["table"]) == 3
    assert "unseen (bleu" in view["summary"]  # table-to-text's unseen split, from the real final.json
    outs = list(inspect.predict_stream(run.id, view["placeholder"]))
    assert len(outs) >= 2 and all(b["generated"].startswith(a["generated"]) for a, b in zip(outs, outs[1:]))
    assert outs[-1]["generated"] == inspect.predict(run.id, view["placeholder"])["generated"]


def test_compare_plots_generation_runs_on_their_own_metric(lab):
    rows = [{"step": 1, "loss": 3.0}, {"step": 2, "loss": 2.0, "dev_bleu": 0.1, "dev_rougeL": 0.3}]
    a = fake_run(lab, task="table-to-text", backbone="tiny-decoder", rows=rows, final=GEN_FINAL)
    lab.store.update_index(a.id, metric_name="bleu", best_metric=0.31)
    b = fake_run(lab, task="table-to-text", method="fine-tuning", backbone="tiny-decoder", rows=rows)
    table, figure, _, problems, _, _ = compare.compare_view([a.id, b.id])
    assert problems == "" and table[0][6] == "bleu 0.310"
    assert figure.layout.annotations[1].text == "dev bleu" and list(figure.data[1].y) == [0.1]
    # a summary run still training plots its preset's metric (ROUGE-L), not the first dev_ key
    running = fake_run(lab, status="running", task="summarization", backbone="tiny-decoder", rows=rows)
    assert runs.metric_name(lab.store.row(running.id)) == "rougeL"
    assert runs.refresh(running.id, {})[0]["plot"].layout.annotations[1].text == "dev rougeL"
