"""Sentence and sentence-pair classification (SST-2, RTE, BoolQ, CB, MNLI style).

Metrics: accuracy, and macro F1 (which matters where labels are imbalanced, as in CB).
Inputs are either plain ("[CLS] text [SEP] text_b [SEP]", read by a [CLS] / last-token head)
or a cloze template read by a verbalizer (hand-written prompts, P-tuning).
"""
from __future__ import annotations

import numpy as np
import torch.nn.functional as F

from core.tasks.base import IGNORE, JSONL, TABLE, DataError, Task, text_field
from core.tasks.cloze import Cloze

TEXT_COLUMNS = ("text", "sentence", "sentence1", "premise", "question")
PAIR_COLUMNS = ("text_b", "sentence2", "hypothesis", "passage")


def accuracy_and_f1(gold: list[str], predicted: list[str], labels: list[str]) -> dict[str, float]:
    """Pure metric: accuracy and macro F1 over the label set (absent classes are skipped)."""
    gold, predicted = np.array(gold), np.array(predicted)
    f1s = []
    for label in labels:
        tp = np.sum((predicted == label) & (gold == label))
        support, guessed = np.sum(gold == label), np.sum(predicted == label)
        if support == 0 and guessed == 0:
            continue
        f1s.append(2 * tp / (support + guessed))
    return {"accuracy": float(np.mean(gold == predicted)) if len(gold) else 0.0,
            "macro_f1": float(np.mean(f1s)) if f1s else 0.0}


def confusion_matrix(gold: list[str], predicted: list[str], labels: list[str]) -> list[list[int]]:
    """rows = gold label, columns = predicted label, in the order of `labels`."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted):
        if g in index and p in index:
            matrix[index[g]][index[p]] += 1
    return matrix


def text_columns(columns: list[str], source: str) -> tuple[str, str | None]:
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


def classification_example(row: dict, text: str, pair: str | None, where: str) -> dict:
    """{"text", "text_b"?, "label"}; labels stay strings (an integer label becomes its string form,
    a JSON boolean "true" / "false", as SuperGLUE's BoolQ, WiC and WSC labels)."""
    example = {"text": text_field(row, text, where)}
    if pair is not None:
        example["text_b"] = text_field(row, pair, where)
    label = row.get("label")
    if isinstance(label, bool):
        label = "true" if label else "false"
    elif isinstance(label, int):
        label = str(label)
    if not isinstance(label, str) or not label.strip():
        raise DataError(f"{where}, column 'label': expected a label (text or integer), got {label!r}")
    example["label"] = label.strip()
    return example


class Classification:
    name = "classification"
    head = "sequence"
    main_metric = "accuracy"
    view = "classes"
    formats = (TABLE, JSONL)
    cloze = True
    label_noun = "label"
    label_fields = ("label",)  # a record without it is unlabelled (a test file as published)
    record_shapes = {  # one valid record per file format, for messages
        TABLE: 'a header row "text,label" (a pair: "text,text_b,label"), then rows like "a great film,positive"',
        JSONL: '{"text": "a great film", "label": "positive"} (a pair adds "text_b")'}

    # -- data ---------------------------------------------------------------------------------
    def matches(self, columns: set[str]) -> bool:
        return "label" in columns and bool(columns & set(TEXT_COLUMNS))

    def reader(self, columns: list[str], source: str):
        text, pair = text_columns(list(columns), source)
        return lambda row, where, _default_id: classification_example(row, text, pair, where)

    def label_keys(self, example: dict) -> set[str]:
        return {example["label"]}

    def labels_from(self, keys: set[str]) -> list[str]:
        return sorted(keys)

    def keys_of(self, labels: list[str]) -> set[str]:
        return set(labels)

    def check_labels(self, name: str, labels: list[str]) -> None:
        if len(labels) < 2:
            raise DataError(f"{name}: every training example has the label '{labels[0] if labels else ''}'; "
                            "classification needs at least 2 labels")

    def task_extras(self, examples: list[dict]) -> dict:
        return {}

    def from_text(self, text: str, second: str = "") -> dict:
        text, second = text.strip(), second.strip()
        if not text:
            raise ValueError("type some text first")
        return {"text": text, **({"text_b": second} if second else {})}

    def check_config(self, config) -> None:
        pass

    # -- model --------------------------------------------------------------------------------

    def encode(self, task: Task, examples: list[dict], tokenizer, max_length: int,
               cloze: Cloze | None = None, **_) -> list[dict]:
        label_ids = {label: i for i, label in enumerate(task.labels)}
        features = []
        for index, example in enumerate(examples):
            if cloze is not None:
                feature = cloze.encode(example, tokenizer, max_length)
            else:
                pair = [example["text"]] + ([example["text_b"]] if example.get("text_b") else [])
                feature = dict(tokenizer(*pair, truncation=True, max_length=max_length))
            feature["labels"] = label_ids.get(example.get("label"), IGNORE)
            feature["example_index"] = index
            features.append(feature)
        return features

    def loss(self, outputs, batch):
        return F.cross_entropy(outputs["logits"].float(), batch["labels"], ignore_index=IGNORE)

    def predict(self, task: Task, outputs, features, examples) -> list[dict]:
        predictions = []
        for output in outputs:
            logits = output["logits"].astype(np.float64)
            probs = np.exp(logits - logits.max())
            probs /= probs.sum()
            predictions.append({"label": task.labels[int(probs.argmax())],
                                "probabilities": {label: float(p) for label, p in zip(task.labels, probs)}})
        return predictions

    def compute_metrics(self, task: Task, predictions, examples) -> dict[str, float]:
        return accuracy_and_f1([e["label"] for e in examples], [p["label"] for p in predictions], task.labels)

    def display(self, task: Task, examples, predictions) -> list[dict]:
        return [{"text": e["text"], "text_b": e.get("text_b"), "gold": e.get("label"),
                 "predicted": p["label"], "probabilities": p["probabilities"],
                 "correct": e.get("label") == p["label"]}
                for e, p in zip(examples, predictions)]
