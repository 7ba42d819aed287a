"""Token tagging: named entities in IOB2 (CoNLL-2003 style), and SRL-style tag sets alike.

Words are tokenised with `is_split_into_words=True`; only the FIRST sub-token of each word
carries the word's tag, the others and the special tokens get IGNORE (the BERT NER recipe).
Predictions read the tag back at each word's first sub-token via the tokenizer's `word_ids()`.
Metrics: seqeval entity-level micro precision / recall / F1 (conlleval-compatible default mode)
and token accuracy.
"""
from __future__ import annotations

import re

import numpy as np
import torch.nn.functional as F
from seqeval.metrics import accuracy_score, f1_score, precision_score, recall_score
from seqeval.metrics.sequence_labeling import get_entities

from core.tasks.base import CONLL, IGNORE, JSONL, DataError, Task
from core.tasks.iob import check_tag, entity_types, tag_names, to_iob2

TAG_COLUMNS = ("tags", "ner_tags")
WORD = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")  # typed text -> words, punctuation on its own


def entity_f1(gold_tags: list[list[str]], pred_tags: list[list[str]]) -> dict[str, float]:
    """Pure metric: seqeval entity-level micro P/R/F1 and token accuracy over IOB2 sentences."""
    if not gold_tags:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "accuracy": 0.0}
    return {"precision": float(precision_score(gold_tags, pred_tags, zero_division=0)),
            "recall": float(recall_score(gold_tags, pred_tags, zero_division=0)),
            "f1": float(f1_score(gold_tags, pred_tags, zero_division=0)),
            "accuracy": float(accuracy_score(gold_tags, pred_tags))}


def char_entities(tokens: list[str], tags: list[str]) -> list[dict]:
    """Entities as character spans of " ".join(tokens), the shape gr.HighlightedText takes."""
    starts = np.cumsum([0] + [len(t) + 1 for t in tokens])  # each word's first character
    return [{"entity": kind, "start": int(starts[first]), "end": int(starts[last] + len(tokens[last]))}
            for kind, first, last in get_entities(list(tags))]


def _needs_space(tokenizer) -> bool:
    """True for byte-level BPE tokenizers without add_prefix_space (GPT-2, SmolLM2): they encode
    each pre-split word as if it began the text ("world" instead of "Ġworld"), so words after the
    first get their space back to look like running text, as the model saw it in pre-training."""
    def ids(words):
        return tokenizer(words, is_split_into_words=True, add_special_tokens=False)["input_ids"]
    return ids(["a", "b"]) != ids(["a b"]) and ids(["a", " b"]) == ids(["a b"])


def first_subtoken_labels(word_ids: list, tags: list[str] | None, tag_ids: dict[str, int]) -> list[int]:
    """The tag id of each word at its first sub-token, IGNORE elsewhere (other sub-tokens, special
    tokens: word id None) and everywhere when the example has no tags."""
    labels, previous = [], None
    for word in word_ids:
        first = word is not None and word != previous
        labels.append(tag_ids[tags[word]] if first and tags is not None else IGNORE)
        previous = word
    return labels


def tagging_example(row: dict, where: str, _default_id: str = "") -> dict:
    """{"tokens", "tags"} with tags checked and converted to IOB2; `ner_tags` is accepted for `tags`.
    A row read from token-per-line text carries `token_where`, each token's own line, for messages."""
    tokens = row.get("tokens")
    tags = next((row[c] for c in TAG_COLUMNS if c in row), None)
    if not isinstance(tokens, list) or not tokens:
        raise DataError(f"{where}: 'tokens' must be a non-empty list of words, got {tokens!r}")
    if not isinstance(tags, list):
        raise DataError(f"{where}: 'tags' must be a list of tags (one per token), got {tags!r}")
    if len(tokens) != len(tags):
        raise DataError(f"{where}: {len(tokens)} tokens but {len(tags)} tags")
    lines = row.get("token_where")
    for i, (token, tag) in enumerate(zip(tokens, tags), start=1):
        at = lines[i - 1] if lines else f"{where}, token {i}"
        if not isinstance(token, str) or not token.strip():
            raise DataError(f"{at}: token {i} is {token!r}; expected a non-empty word")
        check_tag(tag, at)
    return {"tokens": list(tokens), "tags": to_iob2(tags)}


class Tagging:
    name = "tagging"
    head = "token"
    main_metric = "f1"
    view = "tags"
    formats = (JSONL, CONLL)
    cloze = False
    label_noun = "entity type"
    label_fields = TAG_COLUMNS  # a record without them is unlabelled
    record_shapes = {  # one valid record per file format, for messages
        JSONL: '{"tokens": ["EU", "rejects", "German", "call"], "tags": ["B-ORG", "O", "B-MISC", "O"]}',
        CONLL: 'one token a line, its IOB tag in the last column ("EU NNP B-ORG" or "EU B-ORG"), '
               'a blank line between sentences'}

    # -- data ---------------------------------------------------------------------------------
    def matches(self, columns: set[str]) -> bool:
        return "tokens" in columns and bool(columns & set(TAG_COLUMNS))

    def reader(self, columns: list[str], source: str):
        return tagging_example

    def label_keys(self, example: dict) -> set[str]:
        return entity_types(example["tags"])

    def labels_from(self, keys: set[str]) -> list[str]:
        return tag_names(keys)

    def keys_of(self, labels: list[str]) -> set[str]:
        return entity_types(labels)

    def check_labels(self, name: str, labels: list[str]) -> None:
        pass

    def task_extras(self, examples: list[dict]) -> dict:
        return {}

    def from_text(self, text: str, second: str = "") -> dict:
        words = WORD.findall(text)
        if not words:
            raise ValueError("type some text first")
        return {"tokens": words}

    def check_config(self, config) -> None:
        pass

    # -- model --------------------------------------------------------------------------------

    def encode(self, task: Task, examples: list[dict], tokenizer, max_length: int, **_) -> list[dict]:
        tag_ids = {tag: i for i, tag in enumerate(task.labels)}
        space = _needs_space(tokenizer)
        features = []
        for index, example in enumerate(examples):
            words = [(" " + w if space and i else w) for i, w in enumerate(example["tokens"])]
            encoding = tokenizer(words, is_split_into_words=True, truncation=True, max_length=max_length)
            word_ids = encoding.word_ids()
            feature = {key: list(encoding[key]) for key in tokenizer.model_input_names if key in encoding}
            feature.update(labels=first_subtoken_labels(word_ids, example.get("tags"), tag_ids),
                           word_ids=word_ids, example_index=index)
            features.append(feature)
        return features

    def loss(self, outputs, batch):
        logits = outputs["logits"].float()  # (B, T, C)
        return F.cross_entropy(logits.flatten(0, 1), batch["labels"].flatten(), ignore_index=IGNORE)

    def predict(self, task: Task, outputs, features, examples) -> list[dict]:
        """Each word's tag is the argmax at its first sub-token; words lost to truncation get "O".

        The tags are then repaired to valid IOB2 (an I-X that does not continue an X entity
        becomes B-X): a token classifier picks each tag on its own and can emit "O I-LOC".
        seqeval's default mode already reads such an I-X as the start of an entity, so the
        repair leaves the scores unchanged; it makes the tags a user sees, the highlighted
        spans and a strict-mode re-scoring all agree with what was counted.
        """
        tags_of = {}
        for output, feature in zip(outputs, features):
            best = output["logits"].argmax(-1)  # (T,)
            n_words = len(examples[feature["example_index"]]["tokens"])
            tags, previous = ["O"] * n_words, None
            for position, word in enumerate(feature["word_ids"]):
                if word is not None and word != previous:
                    tags[word] = task.labels[int(best[position])]
                previous = word
            tags_of[feature["example_index"]] = to_iob2(tags)
        return [{"tokens": list(e["tokens"]), "tags": tags_of.get(i, ["O"] * len(e["tokens"]))}
                for i, e in enumerate(examples)]

    def compute_metrics(self, task: Task, predictions, examples) -> dict[str, float]:
        scored = [(e["tags"], p["tags"]) for e, p in zip(examples, predictions) if e.get("tags") is not None]
        return entity_f1([g for g, _ in scored], [p for _, p in scored])

    def display(self, task: Task, examples, predictions) -> list[dict]:
        rows = []
        for example, prediction in zip(examples, predictions):
            tokens, gold, predicted = example["tokens"], example.get("tags"), prediction["tags"]
            rows.append({"tokens": tokens, "gold": gold, "predicted": predicted,
                         "errors": [i for i, (g, p) in enumerate(zip(gold, predicted)) if g != p] if gold else [],
                         "text": " ".join(tokens), "entities": char_entities(tokens, predicted),
                         "gold_entities": char_entities(tokens, gold) if gold else []})
        return rows
