"""Shared fixtures: offline hub, tiny tasks of every family, and a throwaway runs folder."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a hub id must fail at once, never retry for 30 s
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pytest  # noqa: E402

from core.tasks.base import Task  # noqa: E402

SENTIMENT_TEMPLATES = [{"name": "It was", "template": "{text} It was {mask}.",
                        "verbalizer": {"negative": "terrible", "positive": "great"}}]


def tiny_task(family: str, pair: bool = False) -> Task:
    if family == "classification" and pair:
        rows = [{"text": "A man is playing a guitar.", "text_b": "A person plays music.", "label": "entailment"},
                {"text": "A dog sleeps on the sofa.", "text_b": "The dog is running outside.",
                 "label": "contradiction"},
                {"text": "Two kids eat lunch.", "text_b": "The kids are brothers.", "label": "neutral"}] * 3
        return Task("toy-nli", family, rows, rows[:3], labels=["entailment", "neutral", "contradiction"],
                    templates=[{"name": "q", "template": "{text} Question: {text_b} Yes, No or Maybe? {mask}",
                                "verbalizer": {"entailment": "Yes", "neutral": "Maybe", "contradiction": "No"}}])
    if family == "classification":
        rows = [{"text": "a warm, funny and moving film", "label": "positive"},
                {"text": "dull, slow and far too long", "label": "negative"},
                {"text": "the cast is wonderful", "label": "positive"},
                {"text": "not worth the ticket", "label": "negative"}] * 3
        return Task("toy-sentiment", family, rows, rows[:4], labels=["negative", "positive"],
                    templates=SENTIMENT_TEMPLATES)
    if family == "generation":  # a toy table-to-text task: two references per input
        rows = [{"id": "g1", "input": "name[Aroma], food[Thai]",
                 "references": ["Aroma serves Thai food.", "Thai food is served at Aroma."]},
                {"id": "g2", "input": "name[Bibimbap], area[riverside]",
                 "references": ["Bibimbap is by the riverside.", "By the riverside is Bibimbap."]}] * 2
        return Task("toy-generation", family, rows, rows[:2])
    if family == "tagging":
        rows = [{"tokens": ["Angela", "Merkel", "visited", "New", "York", "."],
                 "tags": ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O"]},
                {"tokens": ["The", "Bank", "of", "England", "raised", "rates"],
                 "tags": ["O", "B-ORG", "I-ORG", "I-ORG", "O", "O"]}] * 4
        labels = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
        return Task("toy-ner", family, rows, rows[:2], labels=labels)
    if family == "srl":  # one example per predicate: the last sentence has two
        rows = [{"tokens": ["The", "cat", "ate", "the", "fish", "."], "verb_index": 2,
                 "tags": ["B-A0", "I-A0", "B-V", "B-A1", "I-A1", "O"]},
                {"tokens": ["Anna", "gave", "Tom", "a", "book", "yesterday", "."], "verb_index": 1,
                 "tags": ["B-A0", "B-V", "B-A2", "B-A1", "I-A1", "B-AM-TMP", "O"]},
                {"tokens": ["Tom", "cooked", "and", "Anna", "slept", "."], "verb_index": 1,
                 "tags": ["B-A0", "B-V", "O", "O", "O", "O"]},
                {"tokens": ["Tom", "cooked", "and", "Anna", "slept", "."], "verb_index": 4,
                 "tags": ["O", "O", "O", "B-A0", "B-V", "O"]}] * 2
        labels = ["O", "B-A0", "I-A0", "B-A1", "I-A1", "B-A2", "I-A2", "B-AM-TMP", "I-AM-TMP", "B-V", "I-V"]
        return Task("toy-srl", family, rows, rows[:4], labels=labels)
    context = "Ada Lovelace was born in London in 1815. She wrote the first program for a machine."
    rows = [{"id": "q1", "context": context, "question": "Where was Ada born?",
             "answers": {"text": ["London"], "answer_start": [context.index("London")]}},
            {"id": "q2", "context": context, "question": "When was Ada born?",
             "answers": {"text": ["1815"], "answer_start": [context.index("1815")]}},
            {"id": "q3", "context": context, "question": "Who was her teacher?",
             "answers": {"text": [], "answer_start": []}}] * 2
    return Task("toy-qa", "qa", rows, rows[:3], unanswerable=True)


@pytest.fixture
def runs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMPT_LAB_RUNS", str(tmp_path / "runs"))
    return tmp_path / "runs"
