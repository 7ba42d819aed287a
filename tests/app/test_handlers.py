"""The tabs' handlers, called as plain functions (no Gradio server): form -> config, bad input ->
a message with nothing lost, run list and detail, abort/delete rules, inspect views, the
fine-tuning baseline and the classroom's template bookkeeping."""
from __future__ import annotations

import json

import pytest

from app import strings as S
from app.render import runs_table
from app.tabs import classroom, compare, inspect, runs, train
from core.api import RunConfig
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
                                                 "tune_backbone": False, "template": False, "prompt_init": False,
                                                 "lora_rank": False, "verbalizer": False}
    assert train.method_knobs("p-tuning")["prompt_encoder"] and not train.method_knobs("p-tuning")["reparameterize"]
    assert not train.method_knobs("fine-tuning")["prompt_length"]
    assert train.method_knobs("lora")["lora_rank"] and train.method_knobs("manual-prompt")["template"]
    assert all(train.method_knobs(m)["verbalizer"] for m in ("manual-prompt", "p-tuning", "bitfit"))


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
    table, figure, _, problems, seeds = compare.compare_view([a.id, b.id])
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
    *_, seeds = compare.compare_view([r.id for r in runs] + [other.id])
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
