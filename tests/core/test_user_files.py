"""Every method on a user's own file: label words and templates for any classification file
(--template/--verbalizer, or the YAML/UI equivalents), checked before a backbone loads; and the
defaults a file gets from its family (or from a preset with --like)."""
from __future__ import annotations

import json

import pytest

from core import cli
from core.config import RunConfig, family_defaults
from core.methods import MethodError
from core.preview import preview
from core.runs import RunStore
from core.setup import resolved

TINY = ["--backbone", "tiny-encoder", "--max-steps", "2", "--batch-size", "8", "--max-length", "32", "--quiet"]


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    return str(path)


@pytest.fixture
def reviews(tmp_path):
    return write_jsonl(tmp_path / "reviews.jsonl", [{"text": f"film {i} was {'great fun' if i % 2 else 'dull'}",
                                                     "label": "pos" if i % 2 else "neg"} for i in range(40)])


@pytest.fixture
def questions(tmp_path):
    context = "Ada Lovelace was born in London in 1815."
    return write_jsonl(tmp_path / "questions.jsonl", [
        {"id": str(i), "context": context, "question": "Where was Ada born?",
         "answers": {"text": ["London"], "answer_start": [context.index("London")]}} for i in range(20)])


@pytest.mark.parametrize("method", ["manual-prompt", "p-tuning"])
def test_a_file_without_label_words_says_how_to_give_them(reviews, method, capsys, tmp_path, monkeypatch):
    def no_backbone(*args, **kwargs):
        raise AssertionError("the backbone loaded before the label words were checked")
    monkeypatch.setattr("core.setup.load_backbone", no_backbone)
    with pytest.raises(MethodError, match=r"--verbalizer 'neg: <word>, pos: <word>'"):
        preview(RunConfig(task=reviews, backbone="tiny-encoder", method=method))
    out = tmp_path / "runs"
    assert cli.main(["--task", reviews, "--method", method, "--out", str(out), *TINY]) == 2
    assert "--verbalizer" in capsys.readouterr().err and not out.exists()


def test_manual_prompt_template_must_be_given_for_a_file(reviews):
    with pytest.raises(MethodError, match="has no hand-written templates: give one with --template"):
        preview(RunConfig(task=reviews, backbone="tiny-encoder", method="manual-prompt", verbalizer="neg: bad, pos: good"))


def test_label_words_must_cover_the_labels(reviews):
    with pytest.raises(MethodError, match="no word for pos; positive is not a label"):
        preview(RunConfig(task=reviews, backbone="tiny-encoder", method="p-tuning", verbalizer="neg: bad, positive: good"))


@pytest.mark.parametrize("method, extra", [
    ("manual-prompt", ["--template", "{text} It was {mask}.", "--epochs", "0", "--max-steps", "0"]),
    ("manual-prompt", ["--template", "{text} It was {mask}."]),
    ("p-tuning", ["--prompt-length", "4"]),
    ("bitfit", []),
])
def test_every_cloze_method_trains_on_a_file_with_label_words(reviews, tmp_path, method, extra, capsys):
    out = tmp_path / "runs"
    code = cli.main(["--task", reviews, "--method", method, "--verbalizer", "neg: terrible, pos: great", *TINY,
                     *extra, "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    final = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert final["family"] == "classification" and 0 <= final["best_metric"] <= 1
    run = RunStore(out).get(RunStore(out).list()[0]["id"])
    assert run.config()["verbalizer"] == {"neg": "terrible", "pos": "great"}  # repeatable from config.yaml


def test_bitfit_reads_label_words_through_the_null_prompt_only_when_given(reviews):
    with_words = preview(RunConfig(task=reviews, backbone="tiny-encoder", method="bitfit", verbalizer="neg: a, pos: b"))
    without = preview(RunConfig(task=reviews, backbone="tiny-encoder", method="bitfit"))
    assert with_words["trainable"] != without["trainable"]  # the fresh LM head (MiniLM-style) vs a [CLS] head


def test_a_yaml_config_takes_label_words_as_a_mapping(reviews, tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(f"task: {reviews}\nmethod: p-tuning\nverbalizer: {{neg: terrible, pos: great}}\n")
    assert RunConfig.from_yaml(path).verbalizer == {"neg": "terrible", "pos": "great"}
    config = RunConfig(verbalizer="neg: terrible, pos: great", method="p-tuning")
    assert "--verbalizer 'neg: terrible, pos: great'" in config.cli_command()
    args = cli.parse_args(["--method", "p-tuning", "--verbalizer", "neg: terrible, pos: great"])
    assert cli.config_from_args(args).verbalizer == config.verbalizer


def test_a_qa_file_gets_the_qa_defaults_that_work_together(questions):
    config = resolved(RunConfig(task=questions, backbone="tiny-encoder", method="p-tuning-v2"))
    assert config.max_length == family_defaults("qa")["all"]["max_length"] == 384
    assert config.doc_stride < config.max_length // 2  # the old lab-wide 128 tokens failed here
    assert (config.lr, config.epochs) == (1.0e-2, 20)
    assert preview(RunConfig(task=questions, backbone="tiny-encoder", method="p-tuning-v2"))["resolved"]["max_length"] == 384


def test_a_tagging_file_gets_the_tagging_defaults(tmp_path):
    ner = write_jsonl(tmp_path / "ner.jsonl", [{"tokens": ["Ada", "met", "Bob"], "tags": ["B-PER", "O", "B-PER"]}] * 10)
    config = resolved(RunConfig(task=ner, method="p-tuning-v2"))
    assert (config.epochs, config.max_length) == (20, 128)
    assert resolved(RunConfig(task=ner, method="fine-tuning")).epochs == 3  # methods.yaml where the family says nothing


def test_like_takes_a_presets_hyperparameters(reviews):
    config = resolved(RunConfig(task=reviews, method="p-tuning-v2", like="sentiment"))
    assert (config.epochs, config.max_length) == (8, 96)  # presets/tasks/sentiment.yaml
    assert preview(RunConfig(task=reviews, backbone="tiny-encoder", method="p-tuning-v2", like="sentiment"))[
        "resolved"]["max_length"] == 96
    with pytest.raises(ValueError, match="like: 'sentimnt' is not a preset; choose one of"):
        resolved(RunConfig(task=reviews, like="sentimnt"))
