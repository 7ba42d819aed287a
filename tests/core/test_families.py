"""The family registry: every family implements the whole Family interface, a record's keys pick its
family, and typed text becomes an example of the family's schema."""
from __future__ import annotations

import pytest

from core.tasks import FAMILIES, all_families, get_family, infer_family
from core.tasks.base import CONLL, JSONL, TABLE, DataError, Family

ATTRIBUTES = [name for name in Family.__annotations__] + [
    name for name in vars(Family) if not name.startswith("_") and callable(vars(Family)[name])]


@pytest.mark.parametrize("name", list(FAMILIES))
def test_every_family_implements_the_interface(name):
    family = get_family(name)
    missing = [attribute for attribute in ATTRIBUTES if not hasattr(family, attribute)]
    assert not missing and family.name == name
    assert family.head in ("sequence", "token", "span", "lm", "vocab") and set(family.formats) <= {TABLE, JSONL, CONLL}


@pytest.mark.parametrize("columns, family", [
    ({"text", "label"}, "classification"), ({"sentence1", "sentence2", "label"}, "classification"),
    ({"tokens", "tags"}, "tagging"), ({"tokens", "ner_tags"}, "tagging"),
    ({"id", "context", "question", "answers"}, "qa"), ({"question", "context", "label"}, "qa"),
    ({"subject", "relation", "object"}, "probing"), ({"sub_label", "obj_label", "predicate_id"}, "probing"),
    ({"something"}, "classification"),  # none claims it: the default family's reader names what is missing
])
def test_a_records_keys_pick_its_family(columns, family):
    assert infer_family(columns) == family


def test_typed_text_becomes_an_example_of_each_family():
    assert get_family("classification").from_text(" a film ", "") == {"text": "a film"}
    assert get_family("tagging").from_text("Angela Merkel visited Paris.") == \
        {"tokens": ["Angela", "Merkel", "visited", "Paris", "."]}
    qa = get_family("qa").from_text("Ada was born in London.", "Where was Ada born?")
    assert qa["context"].startswith("Ada") and qa["answers"] == {"text": [], "answer_start": []}
    with pytest.raises(ValueError, match="passage and a question"):
        get_family("qa").from_text("a passage", "")
    assert get_family("probing").from_text("France", "capital") == \
        {"id": "typed", "subject": "France", "relation": "capital"}
    for family in all_families():
        with pytest.raises(ValueError):
            family.from_text("   ", "")


def test_unknown_family_is_a_clear_error():
    with pytest.raises(DataError, match=f"family 'images' is not one of {', '.join(FAMILIES)}"):
        get_family("images")
