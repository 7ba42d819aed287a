"""SQuAD's own JSON (v1.1 and v2.0, as published and as most SQuAD-style data sets ship), flattened
into one row per question for the qa family's reader:

    {"version": "v2.0", "data": [{"title": ..., "paragraphs": [{"context": ...,
        "qas": [{"id": ..., "question": ..., "answers": [{"text": ..., "answer_start": ...}],
                 "is_impossible": false, "plausible_answers": [...]}]}]}]}
 -> ("dev-v2.0.json data[3].paragraphs[1].qas[0] (id 5733be28...)",
     {"id", "title", "context", "question", "answers": {"text": [...], "answer_start": [...]}})

SQuAD 2.0: a question with "is_impossible": true has no gold answer (empty lists, the qa family's
"unanswerable"); its "plausible_answers" are a distractor's spans, not answers, and are left out.
"""
from __future__ import annotations

from typing import Iterator

from core.data.errors import DataError

SHAPE = ('{"version": "1.1", "data": [{"title": "Ada", "paragraphs": [{"context": "Ada was born in London.", '
         '"qas": [{"id": "q1", "question": "Where was Ada born?", '
         '"answers": [{"text": "London", "answer_start": 16}]}]}]}]}')


def is_squad(document) -> bool:
    """A JSON object whose "data" is a list and that has a "version" or articles with "paragraphs"."""
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        return False
    articles = document["data"]
    return "version" in document or bool(articles and isinstance(articles[0], dict) and "paragraphs" in articles[0])


def _list(value, where: str, what: str) -> list:
    if not isinstance(value, list):
        raise DataError(f"{where}: expected {what} (a list), got {type(value).__name__} {str(value)[:60]!r}")
    return value


def _object(value, where: str, keys: str) -> dict:
    if not isinstance(value, dict):
        raise DataError(f"{where}: expected an object with {keys}, got {type(value).__name__}")
    return value


def squad_rows(name: str, document: dict) -> Iterator[tuple[str, dict]]:
    """(where, flat SQuAD row) per question, in file order."""
    for a, article in enumerate(_list(document.get("data"), f"{name} data", "the articles")):
        at = f"{name} data[{a}]"
        article = _object(article, at, '"title" and "paragraphs"')
        for p, paragraph in enumerate(_list(article.get("paragraphs"), f"{at}.paragraphs", "the paragraphs")):
            here = f"{at}.paragraphs[{p}]"
            paragraph = _object(paragraph, here, '"context" and "qas"')
            for q, qa in enumerate(_list(paragraph.get("qas"), f"{here}.qas", "the questions")):
                yield _question(f"{here}.qas[{q}]", qa, paragraph.get("context"), article.get("title"))


def _question(where: str, qa, context, title) -> tuple[str, dict]:
    qa = _object(qa, where, '"id", "question" and "answers"')
    if "id" in qa:
        where = f"{where} (id {qa['id']})"
    impossible = qa.get("is_impossible", False)
    if not isinstance(impossible, bool):
        raise DataError(f"{where}, field 'is_impossible': expected true or false, got {impossible!r}")
    if "answers" not in qa:
        return where, {k: v for k, v in (("id", qa.get("id")), ("context", context),
                                         ("question", qa.get("question"))) if v is not None}  # unlabelled
    texts, starts = [], []
    for i, answer in enumerate(_list(qa["answers"], f"{where}, field 'answers'", "the answers")):
        answer = _object(answer, f"{where}, answers[{i}]", '"text" and "answer_start"')
        texts.append(answer.get("text"))
        starts.append(answer.get("answer_start"))
    if impossible:
        texts, starts = [], []
    row = {"context": context, "question": qa.get("question"), "answers": {"text": texts, "answer_start": starts}}
    if "id" in qa:
        row["id"] = str(qa["id"])
    if isinstance(title, str):
        row["title"] = title
    return where, row
