"""What every task family shares: the Task record and the Family interface.

A *Task* is data (examples, labels, templates, default hyperparameters); a *Family*
(classification, tagging, qa) is the code that turns its examples into model features,
computes the loss, decodes predictions, scores them and prepares them for display.

Example schemas (one dict per example):
  classification  {"text": str, "text_b": str (optional, sentence pairs), "label": str}
  tagging         {"tokens": [str], "tags": [str]}   tags in IOB2
  qa              {"id": str, "context": str, "question": str,
                   "answers": {"text": [str], "answer_start": [int]}}   (SQuAD; empty = unanswerable)

Features (one dict per model input row) hold lists of ints: input_ids, attention_mask,
token_type_ids (when the tokenizer makes them), labels (int or list), and family extras
(mask_pos, prompt_mask, start/end positions). `collate` pads them into tensors.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import torch

FAMILIES = ("classification", "tagging", "qa")
IGNORE = -100  # label value the losses skip


@dataclass
class Task:
    name: str
    family: str  # one of FAMILIES
    train: list[dict]
    dev: list[dict]
    labels: list[str] = field(default_factory=list)  # class names or tag names; empty for qa
    templates: list[dict] = field(default_factory=list)  # {"name", "template", "verbalizer": {label: word}}
    ptuning_template: str | None = None
    defaults: dict[str, dict] = field(default_factory=dict)  # method -> {lr, epochs, batch_size, ...}
    description: str = ""
    unanswerable: bool = False  # qa: SQuAD 2.0 style, some questions have no answer
    test_examples: list[dict] = field(default_factory=list)  # shown first in Inspect; optional


class Family(Protocol):
    name: str
    head: str  # "sequence" | "token" | "span"
    main_metric: str  # key of compute_metrics' result that selects the best checkpoint

    def encode(self, task: Task, examples: list[dict], tokenizer, max_length: int, **options) -> list[dict]: ...
    def loss(self, outputs: dict[str, torch.Tensor], batch: dict[str, torch.Tensor]) -> torch.Tensor: ...
    def predict(self, task: Task, outputs: list[dict[str, np.ndarray]], features: list[dict],
                examples: list[dict]) -> list: ...
    def compute_metrics(self, task: Task, predictions: list, examples: list[dict]) -> dict[str, float]: ...
    def display(self, task: Task, examples: list[dict], predictions: list) -> list[dict]: ...


PAD_VALUES = {"input_ids": None, "attention_mask": 0, "token_type_ids": 0, "labels": IGNORE,
              "prompt_mask": 0}
SCALAR_KEYS = ("labels", "mask_pos", "start_positions", "end_positions")


def collate(features: list[dict], pad_token_id: int) -> dict[str, torch.Tensor]:
    """Pad the list-valued model inputs on the right and stack scalars; other keys stay behind."""
    batch = {}
    width = max(len(f["input_ids"]) for f in features)
    for key, pad in PAD_VALUES.items():
        if key not in features[0] or not isinstance(features[0][key], list):
            continue
        pad = pad_token_id if pad is None else pad
        batch[key] = torch.tensor([f[key] + [pad] * (width - len(f[key])) for f in features])
    for key in SCALAR_KEYS:
        if key in features[0] and not isinstance(features[0][key], list):
            batch[key] = torch.tensor([f[key] for f in features])
    return batch
