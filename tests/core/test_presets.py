"""Every shipped preset is valid data: templates parse, verbalizers work on both offline
tokenizers, defaults name real methods and config fields, and each backbone preset declares a
known kind and source. Loading is not checked here: tests/security/test_preview.py loads
minilm-l6 and the tiny backbones, and reads smollm2-135m's GGUF header without loading it."""
import dataclasses

import pytest

from core.backbones import backbone_presets, load_tokenizer
from core.config import RunConfig, resolve
from core.data import list_presets, load_task
from core.methods import METHODS
from core.tasks.cloze import Cloze

PRESETS = list(list_presets())
FIELDS = {f.name for f in dataclasses.fields(RunConfig)}


def test_sentiment_nli_ner_qa_and_qa_v2_are_shipped():
    assert set(PRESETS) >= {"sentiment", "nli", "ner", "qa", "qa-v2"}


@pytest.mark.parametrize("name", PRESETS)
def test_preset_defaults_name_real_methods_and_fields(name):
    task = load_task(name)
    for method, values in task.defaults.items():
        assert method == "all" or method in METHODS, method
        assert set(values) <= FIELDS, set(values) - FIELDS
    for method, spec in METHODS.items():
        if task.family in spec.families:
            config = resolve(RunConfig(task=name, method=method), task.defaults)
            assert config.lr and config.batch_size and config.max_length and config.epochs is not None


@pytest.mark.parametrize("name", [n for n in PRESETS if load_task(n).family == "classification"])
@pytest.mark.parametrize("tokenizer_name,kind", [("minilm-l6", "encoder"), ("smollm2-135m", "decoder")])
def test_classification_templates_work_on_both_tokenizers(name, tokenizer_name, kind):
    task = load_task(name)
    assert len(task.templates) >= 4
    tokenizer = load_tokenizer(tokenizer_name)
    for entry in task.templates:
        cloze = Cloze(entry["template"], entry["verbalizer"], kind)
        assert len(set(cloze.label_word_ids(task.labels, tokenizer))) == len(task.labels)
        feature = cloze.encode(task.dev[0], tokenizer, 128)
        assert 0 <= feature["mask_pos"] < len(feature["input_ids"])
    ptuning = Cloze(task.ptuning_template, task.templates[0]["verbalizer"], kind, prompt_length=8)
    assert sum(ptuning.encode(task.dev[0], tokenizer, 128)["prompt_mask"]) == 8


def test_near_duplicate_templates_differ_by_one_word():
    for name in ("sentiment", "nli"):
        words = [entry["template"].split() for entry in load_task(name).templates]
        assert any(len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1
                   for i, a in enumerate(words) for b in words[i + 1:]), name


def test_backbone_presets_declare_kind_and_source():
    for name, spec in backbone_presets().items():
        assert spec["kind"] in ("encoder", "decoder", "encoder-decoder") and spec["source"] in ("package", "gguf", "config"), name
