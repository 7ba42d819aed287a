"""Sentence and sentence-pair classification (SST-2, RTE, BoolQ, CB, MNLI style).

Metrics: accuracy, and macro F1 (which matters where labels are imbalanced, as in CB).
Inputs are either plain ("[CLS] text [SEP] text_b [SEP]", read by a [CLS] / last-token head)
or a cloze template read by a verbalizer (hand-written prompts, P-tuning).
"""
from __future__ import annotations

import numpy as np
import torch.nn.functional as F

from core.tasks.base import IGNORE, Task
from core.tasks.cloze import Cloze


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


class Classification:
    name = "classification"
    head = "sequence"
    main_metric = "accuracy"

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
