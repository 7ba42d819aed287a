"""Checks on the shipped preset datasets in presets/data.

They guard what the presets promise users: enough rows, the exact field
layout each task's loader expects, balanced labels, a dev split that shares
no text with train, valid IOB2 tags, SQuAD answers that sit exactly at
answer_start. That tools/data_gen reproduces the files byte for byte is checked in
tests/tools/test_data_gen.py.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "presets" / "data"
MIN_ROWS = {  # preset: (train, dev)
    "sentiment": (800, 200),
    "nli": (600, 200),
    "ner": (600, 200),
    "srl": (600, 200),
    "qa": (500, 200),
    "qa-v2": (500, 200),
}
NER_TAGS = {"O"} | {f"{p}-{c}" for p in "BI" for c in ("PER", "ORG", "LOC", "MISC")}


def load(preset: str, split: str) -> list[dict]:
    with (DATA / preset / f"{split}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def entities(row: dict) -> list[tuple[str, str]]:
    """(class, text) for every entity span in an IOB2 row."""
    spans, current = [], None
    for token, tag in zip(row["tokens"], row["tags"]):
        if tag.startswith("B-") or tag == "O":
            if current:
                spans.append(current)
            current = (tag[2:], token) if tag != "O" else None
        else:
            current = (current[0], f"{current[1]} {token}")
    if current:
        spans.append(current)
    return spans


@pytest.mark.parametrize("preset", sorted(MIN_ROWS))
def test_files_exist_small_and_big_enough(preset):
    for split, minimum in zip(("train", "dev"), MIN_ROWS[preset]):
        path = DATA / preset / f"{split}.jsonl"
        assert path.stat().st_size < 1_000_000, f"{path} is over 1 MB"
        assert len(load(preset, split)) >= minimum, f"{path} has fewer than {minimum} rows"


def test_sentiment_schema_balance_and_no_duplicates():
    texts = []
    for split in ("train", "dev"):
        rows = load("sentiment", split)
        for r in rows:
            assert set(r) == {"text", "label"}
            assert r["label"] in ("negative", "positive")
            assert 6 <= len(r["text"].split()) <= 40, r["text"]
        share = Counter(r["label"] for r in rows)["positive"] / len(rows)
        assert 0.4 <= share <= 0.6, f"{split} positive share {share:.2f}"
        texts += [r["text"].lower() for r in rows]
    assert len(texts) == len(set(texts)), "duplicate review texts"


def test_sentiment_needs_more_than_keywords():
    """Negation and contrast must be common, so single words do not decide the label."""
    rows = load("sentiment", "train")
    cues = (" not ", "n't", " never ", " but ", "although", "hardly", " yet ", "even though")
    hard = [r for r in rows if any(c in f" {r['text'].lower()} " for c in cues)]
    assert len(hard) / len(rows) > 0.3


def test_nli_schema_balance_and_held_out_premises():
    premises = {}
    for split in ("train", "dev"):
        rows = load("nli", split)
        for r in rows:
            assert set(r) == {"text", "text_b", "label"}
            assert r["label"] in ("entailment", "neutral", "contradiction")
            assert r["text"].strip() and r["text_b"].strip() and r["text"] != r["text_b"]
        counts = Counter(r["label"] for r in rows)
        assert len(counts) == 3 and max(counts.values()) / min(counts.values()) <= 1.5, counts
        pairs = [(r["text"], r["text_b"]) for r in rows]
        assert len(pairs) == len(set(pairs)), f"duplicate pairs in {split}"
        premises[split] = {r["text"] for r in rows}
    assert not premises["train"] & premises["dev"], "dev premise also in train"


def test_ner_schema_and_iob2():
    for split in ("train", "dev"):
        for r in load("ner", split):
            assert set(r) == {"tokens", "tags"}
            assert len(r["tokens"]) == len(r["tags"]) > 0
            assert all(t and not any(c.isspace() for c in t) for t in r["tokens"])
            previous = "O"
            for tag in r["tags"]:
                assert tag in NER_TAGS, tag
                if tag.startswith("I-"):
                    assert previous[2:] == tag[2:] and previous != "O", r
                previous = tag


def test_ner_classes_split_overlap_and_novel_dev_entities():
    train, dev = load("ner", "train"), load("ner", "dev")
    for rows in (train, dev):
        classes = Counter(c for r in rows for c, _ in entities(r))
        assert set(classes) == {"PER", "ORG", "LOC", "MISC"}, classes
        assert sum(len(entities(r)) for r in rows) / len(rows) >= 2, "too few entities"
    train_sentences = {" ".join(r["tokens"]) for r in train}
    assert not any(" ".join(r["tokens"]) in train_sentences for r in dev)
    seen = {e for r in train for e in entities(r)}
    dev_entities = {e for r in dev for e in entities(r)}
    novel = len(dev_entities - seen) / len(dev_entities)
    assert novel >= 0.3, f"only {novel:.0%} of dev entity strings are unseen in train"


def test_srl_schema_one_v_per_example_and_held_out_combinations():
    """BIO tags with one V on verb_index, >= 40 verbs, sentences with two predicates, dev sentences not in
    train, and dev passives of verbs that train only has active."""
    verbs, passives, sentences = set(), {"train": set(), "dev": set()}, {}
    for split in ("train", "dev"):
        rows = load("srl", split)
        for r in rows:
            assert set(r) == {"tokens", "verb_index", "tags"} and len(r["tokens"]) == len(r["tags"])
            assert [i for i, t in enumerate(r["tags"]) if t[2:] == "V"] == [r["verb_index"]]
            previous = "O"
            for tag in r["tags"]:
                assert tag == "O" or tag[:2] in ("B-", "I-"), tag
                assert not tag.startswith("I-") or previous[2:] == tag[2:], r
                previous = tag
            verb = r["tokens"][r["verb_index"]]
            verbs.add(verb)
            if r["tokens"][r["verb_index"] - 1] in ("was", "were", "be", "been") and "B-A1" in r["tags"][:1]:
                passives[split].add(verb)
        sentences[split] = Counter(" ".join(r["tokens"]) for r in rows)
        assert sum(n == 2 for n in sentences[split].values()) >= 0.2 * len(sentences[split]), "few two-verb sentences"
    assert len(verbs) >= 40
    assert not set(sentences["train"]) & set(sentences["dev"])
    assert len(passives["dev"] - passives["train"]) >= 5, "dev has no passives of verbs train saw only active"
    roles = Counter(t[2:] for r in load("srl", "train") for t in r["tags"] if t.startswith("B-"))
    assert {"A0", "A1", "A2", "AM-TMP", "AM-LOC", "AM-MNR"} <= set(roles)


def _check_squad(preset: str, split: str) -> list[dict]:
    rows = load(preset, split)
    keys = {"id", "title", "context", "question", "answers"}
    if preset == "qa-v2":
        keys.add("is_impossible")
    for r in rows:
        assert set(r) == keys
        assert set(r["answers"]) == {"text", "answer_start"}
        assert r["question"].endswith("?")
        assert 40 <= len(r["context"].split()) <= 120
        texts, starts = r["answers"]["text"], r["answers"]["answer_start"]
        assert len(texts) == len(starts)
        for text, start in zip(texts, starts):
            assert r["context"][start:start + len(text)] == text, r["id"]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    contexts = Counter(r["context"] for r in rows)
    assert len(rows) / len(contexts) >= 3, "expected several questions per passage"
    return rows


@pytest.mark.parametrize("preset", ["qa", "qa-v2"])
def test_squad_answers_and_held_out_passages(preset):
    train, dev = _check_squad(preset, "train"), _check_squad(preset, "dev")
    assert not {r["context"] for r in train} & {r["context"] for r in dev}
    if preset == "qa":
        assert all(len(r["answers"]["text"]) == 1 for r in train + dev)


def test_squad_v2_unanswerable_share():
    for split in ("train", "dev"):
        rows = load("qa-v2", split)
        for r in rows:
            assert r["is_impossible"] == (not r["answers"]["text"])
            assert len(r["answers"]["text"]) in (0, 1)
        share = sum(r["is_impossible"] for r in rows) / len(rows)
        assert 0.25 <= share <= 0.42, f"{split} unanswerable share {share:.2f}"

