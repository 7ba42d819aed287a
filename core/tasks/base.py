"""What every task family shares: the Task record, the Family interface and DataError.

A *Task* is data (examples, labels, templates, default hyperparameters); a *Family*
(classification, tagging, qa, ...) is one module under core/tasks/ that owns everything about
its kind of example: turning a raw row of any file format into an example (with line-precise
errors), the label keys a dev set must share with training, encoding to model features, the
head kind, the loss, prediction, metrics (pure functions), the display form, and typed text
into an example. The registry in core/tasks/__init__.py is the only place that lists families.

Example schemas (one dict per example):
  classification  {"text": str, "text_b": str (optional, sentence pairs), "label": str}
  tagging         {"tokens": [str], "tags": [str]}   tags in IOB2
  srl             {"tokens": [str], "verb_index": int, "tags": [str]}   one predicate; argument tags in IOB2
  qa              {"id": str, "context": str, "question": str,
                   "answers": {"text": [str], "answer_start": [int]}}   (SQuAD; empty = unanswerable)
  generation      {"id": str, "input": str, "references": [str]}
  probing         {"id": str, "subject": str, "relation": str, "object": str}   (a LAMA fact)

Features (one dict per model input row) hold lists of ints: input_ids, attention_mask,
token_type_ids (when the tokenizer makes them), labels (int or list), and family extras
(mask_pos, prompt_mask, start/end positions). `collate` pads them into tensors.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np
import torch

IGNORE = -100  # label value the losses skip
TABLE, JSONL, CONLL = "table", "jsonl", "conll"  # file formats: CSV/TSV, JSON lines, token-per-line


class DataError(ValueError):
    """Input data that cannot be used; the message says where (file, 1-based line as an editor
    shows it, column) and what was expected, and is shown to the user as is."""


@dataclass
class Task:
    name: str
    family: str  # a name in core.tasks.FAMILIES
    train: list[dict]
    dev: list[dict]
    labels: list[str] = field(default_factory=list)  # class names or tag names; empty for qa
    templates: list[dict] = field(default_factory=list)  # {"name", "template", "verbalizer": {label: word}}
    ptuning_template: str | None = None
    defaults: dict[str, dict] = field(default_factory=dict)  # method -> {lr, epochs, batch_size, ...}
    description: str = ""
    unanswerable: bool = False  # qa: SQuAD 2.0 style, some questions have no answer
    test_examples: list[dict] = field(default_factory=list)  # shown first in Inspect; optional
    data_note: str = ""  # e.g. a preview read only the first rows of a file
    test: list[dict] = field(default_factory=list)  # a folder's labelled test file; its labels known from train
    metric: str | None = None  # the main metric when not the family's (e.g. rougeL for summaries)
    eval_splits: dict[str, list[dict]] = field(default_factory=dict)  # more dev splits, evaluated at the end
    object_vocabulary: frozenset | None = None  # probing: only facts whose object is one of these words count


RowReader = Callable[[dict, str, str], dict]  # (raw row, where, default id) -> checked example


class Family(Protocol):
    name: str
    head: str  # "sequence" | "token" | "span" | "lm" (generation) | "vocab" (probing: the LM head at [MASK])
    main_metric: str  # key of compute_metrics' result that selects the best checkpoint
    view: str  # how the web lab shows predictions: "classes" | "tags" | "spans" (else a plain table)
    formats: tuple[str, ...]  # file formats that hold this family's data (TABLE, JSONL, CONLL)
    cloze: bool  # examples can be scored through label words at a mask (hand-written prompts, P-tuning)
    label_noun: str  # what label_keys returns, for messages: "label", "entity type"
    label_fields: tuple[str, ...]  # the record fields that carry the gold answer (absent: an unlabelled file)
    record_shapes: dict[str, str]  # format -> one valid record, shown when a file cannot be read

    # -- data: raw rows -> checked examples -------------------------------------------------
    def matches(self, columns: set[str]) -> bool: ...  # does a record with these keys hold this family?
    def reader(self, columns: list[str], source: str) -> RowReader: ...
    def label_keys(self, example: dict) -> set[str]: ...  # what must be known from training
    def labels_from(self, keys: set[str]) -> list[str]: ...  # the label set from training's keys
    def keys_of(self, labels: list[str]) -> set[str]: ...  # the keys a fixed label set allows
    def check_labels(self, name: str, labels: list[str]) -> None: ...
    def from_text(self, text: str, second: str) -> dict: ...  # typed input -> an example (no gold)
    def check_config(self, config) -> None: ...  # settings this family cannot work with

    # -- model ------------------------------------------------------------------------------
    def encode(self, task: Task, examples: list[dict], tokenizer, max_length: int, **options) -> list[dict]: ...
    def loss(self, outputs: dict[str, torch.Tensor], batch: dict[str, torch.Tensor]) -> torch.Tensor: ...
    def predict(self, task: Task, outputs: list[dict[str, np.ndarray]], features: list[dict],
                examples: list[dict]) -> list: ...
    def compute_metrics(self, task: Task, predictions: list, examples: list[dict]) -> dict[str, float]: ...
    def display(self, task: Task, examples: list[dict], predictions: list) -> list[dict]: ...


def text_field(row: dict, column: str, where: str) -> str:
    """A non-empty text cell, stripped; DataError naming the field otherwise."""
    if column not in row:
        raise DataError(f"{where}: no '{column}' field; found: {', '.join(row) or 'none'}")
    value = row[column]
    if not isinstance(value, str):
        raise DataError(f"{where}, column '{column}': expected text, got {type(value).__name__} {value!r}")
    if not value.strip():
        raise DataError(f"{where}, column '{column}': empty text")
    return value.strip()


PAD_VALUES = {"input_ids": None, "attention_mask": 0, "token_type_ids": 0, "labels": IGNORE,
              "prompt_mask": 0}
SCALAR_KEYS = ("labels", "mask_pos", "start_positions", "end_positions", "prompt_group")


def collate(features: list[dict], pad_token_id: int) -> dict[str, torch.Tensor]:
    """Pad the list-valued model inputs on the right, each to its own longest (an encoder-decoder's
    labels are not as long as its input), and stack scalars; other keys stay behind."""
    batch = {}
    for key, pad in PAD_VALUES.items():
        if key not in features[0] or not isinstance(features[0][key], list):
            continue
        pad = pad_token_id if pad is None else pad
        width = max(len(f[key]) for f in features)
        batch[key] = torch.tensor([f[key] + [pad] * (width - len(f[key])) for f in features])
    for key in SCALAR_KEYS:
        if key in features[0] and not isinstance(features[0][key], list):
            batch[key] = torch.tensor([f[key] for f in features])
    return batch
