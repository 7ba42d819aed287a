"""SuperGLUE / FewGLUE JSON lines as published, turned into the classification examples the lab trains.

    task = recognise(first_record)        # "boolq", "nli" (RTE or CB), "wic", "copa", "wsc", "multirc" or None
    for where, row in rows(task, records): ...   # flat {"text", "text_b", "label"?} rows for the family's reader
    spec = prompts(name)                  # labels, PET-style templates, P-tuning template (presets/formats)

A file is recognised by its first record's fields (a record without "label" is an unlabelled test
record; its other fields decide):
  MultiRC  "passage" is an object with "questions"
  WSC      "text" and "target" (an object with span1_text, span2_text, span1_index, span2_index)
  WiC      "word", "sentence1" and "sentence2"
  COPA     "premise", "choice1" and "choice2"
  BoolQ    "question" and "passage" (a text), the label a JSON boolean
  RTE, CB  "premise" and "hypothesis", the label entailment, not_entailment, contradiction or neutral;
           RTE when every label is entailment / not_entailment, CB when they are entailment /
           contradiction / neutral (decided from all the labels read, by `pick`)
Anything else is read as ordinary records by the family's reader.

What each becomes (the family's example is a pair, so a task with more parts folds them into
text / text_b; the templates in presets/formats/superglue.yaml are written for this layout):
  BoolQ    text = passage, text_b = question, label "true" / "false"
  RTE, CB  text = premise, text_b = hypothesis, label as given
  WiC      text = sentence1, text_b = sentence2, the target word in *asterisks* in each (at the
           start/end offsets), label "true" / "false"
  COPA     text = premise + " What was the cause of this?" or " What happened as a result?",
           text_b = "(1) choice1 (2) choice2", label "choice1" / "choice2" (the published 0 / 1)
  WSC      text = the sentence with the candidate in [brackets] and the pronoun in *asterisks*
           (at their word indices), text_b = "*pronoun* refers to candidate", label "true" / "false"
  MultiRC  one example per (question, candidate answer): text = passage, text_b = "question Answer:
           candidate", label "true" / "false" (the published 1 / 0)

Errors name the line and field; MultiRC's name the question and answer as JSON paths
("train.jsonl line 3 passage.questions[1].answers[0]").
"""
from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from typing import Callable, Iterator

import yaml

from core.data.errors import DataError

PROMPTS_FILE = Path(__file__).resolve().parents[2] / "presets" / "formats" / "superglue.yaml"
NAMES = {"boolq": "BoolQ", "rte": "RTE", "cb": "CB", "wic": "WiC", "copa": "COPA", "wsc": "WSC",
         "multirc": "MultiRC", "nli": "RTE/CB"}
RTE_LABELS, CB_LABELS = {"entailment", "not_entailment"}, {"entailment", "contradiction", "neutral"}
COPA_QUESTIONS = {"cause": "What was the cause of this?", "effect": "What happened as a result?"}
SHAPES = {  # one valid record of each, for messages
    "boolq": '{"question": "is paris in france", "passage": "Paris is the capital of France.", "label": true}',
    "nli": '{"premise": "A man is asleep.", "hypothesis": "A man sleeps.", "label": "entailment"}',
    "wic": '{"word": "bank", "sentence1": "The river bank.", "sentence2": "The bank lends money.", '
           '"start1": 10, "end1": 14, "start2": 4, "end2": 8, "label": false}',
    "copa": '{"premise": "The ice melted.", "choice1": "It got warm.", "choice2": "It got cold.", '
            '"question": "cause", "label": 0}',
    "wsc": '{"text": "Ann thanked Bea because she helped.", "target": {"span1_text": "Bea", "span1_index": 2, '
           '"span2_text": "she", "span2_index": 4}, "label": true}',
    "multirc": '{"passage": {"text": "...", "questions": [{"question": "...", '
               '"answers": [{"text": "...", "label": 1}]}]}}',
}
Row = tuple[str, dict]


def recognise(record: dict) -> str | None:
    """Which SuperGLUE task a record of these fields holds (see the module docstring), or None."""
    keys, label = set(record), record.get("label")
    if isinstance(record.get("passage"), dict) and "questions" in record["passage"]:
        return "multirc"
    if {"text", "target"} <= keys and isinstance(record["target"], dict):
        return "wsc"
    if {"word", "sentence1", "sentence2"} <= keys:
        return "wic"
    if {"premise", "choice1", "choice2"} <= keys:
        return "copa"
    if {"question", "passage"} <= keys and "context" not in keys and (label is None or isinstance(label, bool)):
        return "boolq"
    if {"premise", "hypothesis"} <= keys and (label is None or str(label) in RTE_LABELS | CB_LABELS):
        return "nli"
    return None


def pick(task: str, labels: set[str]) -> str | None:
    """The task whose prompts fit: RTE or CB for "nli" by its labels (None when neither), else itself."""
    if task != "nli":
        return task
    if labels and labels <= RTE_LABELS and labels != {"entailment"}:
        return "rte"
    if labels and labels <= CB_LABELS and labels != {"entailment"}:
        return "cb"
    return None


@functools.cache
def _prompts() -> dict:
    try:
        return yaml.safe_load(PROMPTS_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise DataError(f"cannot read the SuperGLUE prompts {PROMPTS_FILE.name}: {e}") from None


def prompts(name: str) -> dict:
    """{"labels", "templates", "ptuning_template"} of a SuperGLUE task (rte, cb, boolq, ...); a copy."""
    return copy.deepcopy(_prompts()[name])


def describe(task: str) -> str:
    return f"SuperGLUE {NAMES[task]} JSON lines"


def rows(task: str, located: Iterator[Row]) -> Iterator[Row]:
    """(where, published record) -> (where, flat classification row), one or more a record."""
    convert = CONVERTERS[task]
    for where, record in located:
        yield from convert(record, where)


# -- one converter per task: (record, where) -> [(where, row)] -------------------------------------

def _text(record: dict, key: str, where: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{where}, field '{key}': expected text, got {value!r}")
    return value.strip()


def _with_label(row: dict, record: dict, where: str, values: dict | None = None, types: tuple = ()) -> dict:
    """Copy the label (absent: an unlabelled test record); `values` maps published labels of `types`
    to ours ("true" / "false", "choice1" / "choice2")."""
    if "label" not in record:
        return row
    label = record["label"]
    if values is not None:
        if not isinstance(label, types) or label not in values or (bool not in types and isinstance(label, bool)):
            raise DataError(f"{where}, field 'label': expected {' or '.join(map(json.dumps, values))}, "
                            f"got {json.dumps(label)}")
        label = values[label]
    return {**row, "label": label}


BOOLEAN = {True: "true", False: "false"}, (bool,)
ZERO_ONE = {1: "true", 0: "false"}, (int, bool)  # MultiRC's answers: 0 / 1 (the hub's: booleans)


def _boolq(record, where):
    row = {"text": _text(record, "passage", where), "text_b": _text(record, "question", where)}
    return [(where, _with_label(row, record, where, *BOOLEAN))]


def _nli(record, where):
    row = {"text": _text(record, "premise", where), "text_b": _text(record, "hypothesis", where)}
    return [(where, _with_label(row, record, where))]


def _offset(record: dict, key: str, where: str, limit: int) -> int:
    value = record.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= limit:
        raise DataError(f"{where}, field '{key}': expected a character offset from 0 to {limit}, got {value!r}")
    return value


def _wic(record, where):
    _text(record, "word", where)
    marked = []
    for n in (1, 2):
        _text(record, f"sentence{n}", where)
        sentence = record[f"sentence{n}"]  # unstripped: the offsets count from its first character
        start = _offset(record, f"start{n}", where, len(sentence))
        end = _offset(record, f"end{n}", where, len(sentence))
        if end <= start:
            raise DataError(f"{where}, fields 'start{n}'/'end{n}': {start}..{end} is not a span of sentence{n}")
        marked.append(f"{sentence[:start]}*{sentence[start:end]}*{sentence[end:]}".strip())
    return [(where, _with_label({"text": marked[0], "text_b": marked[1]}, record, where, *BOOLEAN))]


def _copa(record, where):
    question = record.get("question")
    if question not in COPA_QUESTIONS:
        raise DataError(f"{where}, field 'question': expected \"cause\" or \"effect\", got {question!r}")
    row = {"text": f"{_text(record, 'premise', where)} {COPA_QUESTIONS[question]}",
           "text_b": f"(1) {_text(record, 'choice1', where)} (2) {_text(record, 'choice2', where)}"}
    return [(where, _with_label(row, record, where, {0: "choice1", 1: "choice2"}, (int,)))]


def _span(text: str, words: list, index, span: str, key: str, where: str) -> tuple[int, int]:
    """Characters of `span` at word `index` (words split at whitespace, as SuperGLUE counts them)."""
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(words):
        raise DataError(f"{where}, field 'target.{key}_index': expected a word index from 0 to "
                        f"{len(words) - 1}, got {index!r}")
    start = words[index].start()
    if text[start:start + len(span)].lower() != span.lower():
        raise DataError(f"{where}, field 'target.{key}_text': {span!r} is not at word {index} of the text "
                        f"(found {text[start:start + len(span)]!r})")
    return start, start + len(span)


def _wsc(record, where):
    text, target = _text(record, "text", where), record["target"]
    words = list(re.finditer(r"\S+", text))
    candidate, pronoun = (_text(target, f"span{n}_text", f"{where}, target") for n in (1, 2))
    (c0, c1), (p0, p1) = (_span(text, words, target.get(f"span{n}_index"), span, f"span{n}", where)
                          for n, span in ((1, candidate), (2, pronoun)))
    if c0 < p1 and p0 < c1:
        raise DataError(f"{where}, field 'target': the candidate {candidate!r} and the pronoun {pronoun!r} overlap")
    marks = sorted([(c0, c1, "[", "]"), (p0, p1, "*", "*")], reverse=True)
    for start, end, left, right in marks:  # from the end, so earlier offsets stay valid
        text = f"{text[:start]}{left}{text[start:end]}{right}{text[end:]}"
    row = {"text": text, "text_b": f"*{pronoun}* refers to {candidate}"}
    return [(where, _with_label(row, record, where, *BOOLEAN))]


def _multirc(record, where):
    passage = record["passage"]
    text, questions = _text(passage, "text", f"{where} passage"), passage.get("questions")
    if not isinstance(questions, list) or not questions:
        raise DataError(f"{where}, field 'passage.questions': expected a list of questions, got {questions!r}")
    out = []
    for i, question in enumerate(questions):
        at = f"{where} passage.questions[{i}]"
        if not isinstance(question, dict) or not isinstance(question.get("answers"), list):
            raise DataError(f"{at}: expected {{\"question\": ..., \"answers\": "
                            "[{\"text\": ..., \"label\": 0 or 1}]}")
        asked = _text(question, "question", at)
        for j, answer in enumerate(question["answers"]):
            here = f"{at}.answers[{j}]"
            if not isinstance(answer, dict):
                raise DataError(f"{here}: expected {{\"text\": ..., \"label\": 0 or 1}}, got {answer!r}")
            row = {"text": text, "text_b": f"{asked} Answer: {_text(answer, 'text', here)}"}
            out.append((here, _with_label(row, answer, here, *ZERO_ONE)))
    return out


CONVERTERS: dict[str, Callable[[dict, str], list[Row]]] = {
    "boolq": _boolq, "nli": _nli, "wic": _wic, "copa": _copa, "wsc": _wsc, "multirc": _multirc}


def from_hub(name: str, row: dict, where: str) -> list[Row]:
    """A row of the hub's super_glue/<name>, converted as the published record would be."""
    return CONVERTERS["nli" if name in ("rte", "cb") else name](hub_record(name, row), where)


def hub_record(name: str, row: dict) -> dict:
    """A row of the hub's super_glue/<name> (flat columns, class names for labels) in the published
    layout the converters read: WSC's spans nested under "target", MultiRC's one answer a row as a
    passage with one question, "True"/"False" as booleans, COPA's "choice1"/"choice2" as 0 / 1."""
    row = dict(row)
    if "label" in row:
        row["label"] = {"True": True, "False": False, "choice1": 0, "choice2": 1}.get(row["label"], row["label"])
    if name == "wsc":
        row["target"] = {key: row.pop(key) for key in ("span1_text", "span1_index", "span2_text", "span2_index")}
    elif name == "multirc":
        answer = {"text": row.get("answer"), **({"label": row["label"]} if "label" in row else {})}
        return {"passage": {"text": row.get("paragraph"),
                            "questions": [{"question": row.get("question"), "answers": [answer]}]}}
    return row
