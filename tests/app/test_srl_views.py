"""The web lab on an SRL run: the predicate named in the example picker, highlighted apart from the
argument spans (gold beside predicted) and marked in the token table; typed sentences take their
predicate in the second box."""
from __future__ import annotations

import pytest

from app import strings as S
from app.render import tag_colors, tag_values
from app.tabs import inspect
from labtools import trained_run


@pytest.fixture
def srl_run(lab):
    return trained_run(lab, task="srl", backbone="tiny-encoder", method="p-tuning-v2", max_steps=2, batch_size=4,
                       max_train_examples=8, max_eval_examples=6)


def test_predicate_is_highlighted_apart_from_the_arguments(srl_run):
    view = inspect.load_run(srl_run.id)
    assert view["view"] == "tags" and view["second"] and S.PREDICATE in view["colors"]
    label, index = view["examples"][0]
    example = inspect.show_example(srl_run.id, index)
    predicted, gold = example["predicted"], example["gold"]
    for value in (predicted, gold):
        marks = [e for e in value["entities"] if e["entity"] == S.PREDICATE]
        assert len(marks) == 1 and all(e["entity"] != "V" for e in value["entities"])
        verb = value["text"][marks[0]["start"]:marks[0]["end"]]
        assert label.split("] ")[0].endswith(f"[{verb}")  # "#0 ✗ [ate] The cat ate ..."
    assert f"({S.PREDICATE})" in example["table"]


def test_a_typed_sentence_takes_its_predicate_in_the_second_box(srl_run):
    out = inspect.predict(srl_run.id, "The chef cooked dinner for the guests", "cooked")
    assert out["error"] == "" and any(e["entity"] == S.PREDICATE for e in out["highlight"]["entities"])
    assert "baked&#x27; is not a word of the sentence" in inspect.predict(srl_run.id, "The chef cooked dinner",
                                                                       "baked")["error"]


def test_ner_colours_have_no_predicate():
    assert S.PREDICATE not in tag_colors(["O", "B-PER", "I-PER"])
    row = {"text": "EU rejects", "entities": [{"entity": "ORG", "start": 0, "end": 2}], "gold_entities": []}
    assert tag_values(row)[0]["entities"] == row["entities"]
