"""Turn one raw row (a CSV row, a JSON object, a hub record) into an example of the Task schema.

The schemas are those of `core.tasks.base`. Every check raises a DataError that starts with
`where` (e.g. "train.csv line 7"), so the user can go straight to the offending line.
"""
from __future__ import annotations

from core.data.errors import DataError
from core.data.iob import check_tag, to_iob2

TEXT_COLUMNS = ("text", "sentence", "sentence1", "premise", "question")
PAIR_COLUMNS = ("text_b", "sentence2", "hypothesis", "passage")
TAG_COLUMNS = ("tags", "ner_tags")


def infer_family(columns) -> str:
    columns = set(columns)
    if "tokens" in columns and columns & set(TAG_COLUMNS):
        return "tagging"
    if {"context", "question"} <= columns:
        return "qa"
    return "classification"


def classification_columns(columns: list[str], source: str) -> tuple[str, str | None]:
    """(text column, optional pair column) of a classification table, or a DataError naming what is missing."""
    text = next((c for c in TEXT_COLUMNS if c in columns), None)
    pair = next((c for c in PAIR_COLUMNS if c in columns and c != text), None)
    expected = f"expected one of {'/'.join(TEXT_COLUMNS)} and label"
    found = ", ".join(columns) or "none"
    if "label" not in columns:
        raise DataError(f"{source}: no 'label' column; found columns: {found}; {expected}")
    if text is None:
        raise DataError(f"{source}: no text column; found columns: {found}; {expected}")
    return text, pair


def _text(row: dict, column: str, where: str) -> str:
    if column not in row:
        raise DataError(f"{where}: no '{column}' field; found: {', '.join(row) or 'none'}")
    value = row[column]
    if not isinstance(value, str):
        raise DataError(f"{where}, column '{column}': expected text, got {type(value).__name__} {value!r}")
    if not value.strip():
        raise DataError(f"{where}, column '{column}': empty text")
    return value.strip()


def classification_example(row: dict, text: str, pair: str | None, where: str) -> dict:
    """{"text", "text_b"?, "label"}; labels stay strings (an integer label becomes its string form)."""
    example = {"text": _text(row, text, where)}
    if pair is not None:
        example["text_b"] = _text(row, pair, where)
    label = row.get("label")
    if isinstance(label, bool | int):
        label = str(label)
    if not isinstance(label, str) or not label.strip():
        raise DataError(f"{where}, column 'label': expected a label (text or integer), got {label!r}")
    example["label"] = label.strip()
    return example


def tagging_example(row: dict, where: str) -> dict:
    """{"tokens", "tags"} with tags checked and converted to IOB2; `ner_tags` is accepted for `tags`."""
    tokens = row.get("tokens")
    tags = next((row[c] for c in TAG_COLUMNS if c in row), None)
    if not isinstance(tokens, list) or not tokens:
        raise DataError(f"{where}: 'tokens' must be a non-empty list of words, got {tokens!r}")
    if not isinstance(tags, list):
        raise DataError(f"{where}: 'tags' must be a list of tags (one per token), got {tags!r}")
    if len(tokens) != len(tags):
        raise DataError(f"{where}: {len(tokens)} tokens but {len(tags)} tags")
    for i, (token, tag) in enumerate(zip(tokens, tags), start=1):
        if not isinstance(token, str) or not token.strip():
            raise DataError(f"{where}: token {i} is {token!r}; expected a non-empty word")
        check_tag(tag, f"{where}, token {i}")
    return {"tokens": list(tokens), "tags": to_iob2(tags)}


def qa_example(row: dict, where: str, default_id: str) -> dict:
    """SQuAD record; every answer must sit at its answer_start in the context (empty = unanswerable)."""
    context, question = row.get("context"), _text(row, "question", where)
    if not isinstance(context, str) or not context.strip():
        raise DataError(f"{where}, column 'context': expected the passage text, got {context!r}")
    if "answers" not in row:
        raise DataError(f"{where}: no 'answers' field; expected {{\"text\": [...], \"answer_start\": [...]}} "
                        "(empty lists for an unanswerable question)")
    answers = row["answers"]
    texts = answers.get("text") if isinstance(answers, dict) else None
    starts = answers.get("answer_start") if isinstance(answers, dict) else None
    if not isinstance(texts, list) or not isinstance(starts, list) or len(texts) != len(starts):
        raise DataError(f"{where}: 'answers' must be {{\"text\": [...], \"answer_start\": [...]}} "
                        f"with one start per answer, got {answers!r}")
    for text, start in zip(texts, starts):
        if not isinstance(text, str) or not text or not isinstance(start, int) or isinstance(start, bool) \
                or start < 0:
            raise DataError(f"{where}: answer {text!r} at {start!r}; expected non-empty text and a character "
                            "offset (0 or more); an unanswerable question has empty lists")
        if context[start:start + len(text)] != text:
            raise DataError(f"{where}: answer '{text}' not found at character {start} of the context")
    return {"id": str(row.get("id", default_id)), "context": context, "question": question,
            "answers": {"text": list(texts), "answer_start": list(starts)}}
