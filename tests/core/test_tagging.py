"""core/tasks/tagging.py on the real offline tokenizers: label alignment, round trip, seqeval, IOB repair."""
import numpy as np
import pytest
import torch

from core.backbones import load_tokenizer
from core.tasks import Task, collate
from core.tasks.base import IGNORE
from core.tasks.tagging import Tagging, entity_f1

LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
EXAMPLES = [
    {"tokens": ["Arnold", "Schwarzenegger", "visited", "Kraków", "and", "New", "York", "."],
     "tags": ["B-PER", "I-PER", "O", "B-LOC", "O", "B-LOC", "I-LOC", "O"]},
    {"tokens": ["Unbelievably", ",", "Volkswagenwerk", "hired", "Zbigniew", "."],
     "tags": ["O", "O", "B-ORG", "O", "B-PER", "O"]},
]
TASK = Task("ner-test", "tagging", train=EXAMPLES, dev=EXAMPLES, labels=LABELS)
FAMILY = Tagging()


@pytest.fixture(scope="module", params=["minilm-l6", "smollm2-135m"])
def tokenizer(request):
    return load_tokenizer(request.param)


def gold_logits(features):
    """Logits that put the gold tag first at every labelled position, noise elsewhere."""
    rng = np.random.default_rng(0)
    outputs = []
    for feature in features:
        logits = rng.normal(size=(len(feature["input_ids"]), len(LABELS)))
        for position, label in enumerate(feature["labels"]):
            if label != IGNORE:
                logits[position, label] = 10.0
        outputs.append({"logits": logits})
    return outputs


def test_only_first_sub_token_is_labelled(tokenizer):
    features = FAMILY.encode(TASK, EXAMPLES, tokenizer, max_length=64)
    for feature, example in zip(features, EXAMPLES):
        word_ids = feature["word_ids"]
        assert len(word_ids) == len(feature["labels"]) == len(feature["input_ids"])
        assert any(word_ids.count(w) > 1 for w in set(word_ids) if w is not None)  # some words do split
        for position, (word, label) in enumerate(zip(word_ids, feature["labels"])):
            first = word is not None and (position == 0 or word_ids[position - 1] != word)
            assert label == (LABELS.index(example["tags"][word]) if first else IGNORE)
        assert sorted({w for w in word_ids if w is not None}) == list(range(len(example["tokens"])))


def test_decoder_words_are_encoded_as_running_text():
    tokenizer = load_tokenizer("smollm2-135m")
    feature = FAMILY.encode(TASK, EXAMPLES[:1], tokenizer, max_length=64)[0]
    assert feature["input_ids"] == tokenizer(" ".join(EXAMPLES[0]["tokens"]))["input_ids"]


def test_gold_logits_round_trip_to_f1_one(tokenizer):
    features = FAMILY.encode(TASK, EXAMPLES, tokenizer, max_length=64)
    predictions = FAMILY.predict(TASK, gold_logits(features), features, EXAMPLES)
    assert [p["tags"] for p in predictions] == [e["tags"] for e in EXAMPLES]
    assert FAMILY.compute_metrics(TASK, predictions, EXAMPLES) == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0, "accuracy": 1.0}


def test_truncated_words_are_predicted_o(tokenizer):
    features = FAMILY.encode(TASK, EXAMPLES[:1], tokenizer, max_length=5)
    assert len(features[0]["input_ids"]) == 5
    tags = FAMILY.predict(TASK, gold_logits(features), features, EXAMPLES[:1])[0]["tags"]
    kept = {w for w in features[0]["word_ids"] if w is not None}
    assert len(tags) == len(EXAMPLES[0]["tokens"])
    assert all(tag == "O" for w, tag in enumerate(tags) if w not in kept)


def test_examples_without_tags_and_loss(tokenizer):
    unlabelled = [{"tokens": EXAMPLES[0]["tokens"]}]
    feature = FAMILY.encode(TASK, unlabelled, tokenizer, max_length=64)[0]
    assert set(feature["labels"]) == {IGNORE}
    features = FAMILY.encode(TASK, EXAMPLES, tokenizer, max_length=64)
    batch = collate(features, tokenizer.pad_token_id)
    logits = torch.zeros(*batch["input_ids"].shape, len(LABELS))  # (B, T, C): uniform
    loss = FAMILY.loss({"logits": logits}, batch)
    assert loss.item() == pytest.approx(np.log(len(LABELS)), rel=1e-5)


def test_seqeval_on_a_hand_made_case():
    gold = [["B-PER", "I-PER", "O", "B-LOC", "O"], ["B-ORG", "O"]]
    pred = [["B-PER", "I-PER", "O", "B-ORG", "O"], ["O", "O"]]  # 1 of 2 predicted is right, 1 of 3 gold found
    scores = entity_f1(gold, pred)
    assert scores["precision"] == pytest.approx(0.5)
    assert scores["recall"] == pytest.approx(1 / 3)
    assert scores["f1"] == pytest.approx(0.4)
    assert scores["accuracy"] == pytest.approx(5 / 7)
    partial = entity_f1([["B-PER", "I-PER"]], [["B-PER", "O"]])  # a half-found entity counts as wrong
    assert partial["f1"] == 0.0


def test_invalid_iob_is_repaired():
    tokens = ["in", "New", "York", "Smith"]
    features = [{"word_ids": [None, 0, 1, 2, 3, None], "example_index": 0}]
    wanted = ["O", "O", "I-LOC", "I-LOC", "I-PER", "O"]  # I- after O, and I-PER after I-LOC
    logits = np.stack([np.eye(len(LABELS))[LABELS.index(t)] for t in wanted])
    tags = FAMILY.predict(TASK, [{"logits": logits}], features, [{"tokens": tokens}])[0]["tags"]
    assert tags == ["O", "B-LOC", "I-LOC", "B-PER"]


def test_display_marks_errors_and_character_spans():
    example = EXAMPLES[0]
    predicted = ["B-PER", "I-PER", "O", "B-ORG", "O", "B-LOC", "I-LOC", "O"]
    row = FAMILY.display(TASK, [example], [{"tokens": example["tokens"], "tags": predicted}])[0]
    assert row["errors"] == [3]
    text = row["text"]
    assert [(e["entity"], text[e["start"]:e["end"]]) for e in row["entities"]] == [
        ("PER", "Arnold Schwarzenegger"), ("ORG", "Kraków"), ("LOC", "New York")]
    assert [text[e["start"]:e["end"]] for e in row["gold_entities"]] == ["Arnold Schwarzenegger", "Kraków", "New York"]
