"""Semantic role labelling as P-tuning v2 runs it: one example per predicate, BIO argument tags.

    {"tokens": ["The", "cat", "ate", "the", "fish"], "verb_index": 2,
     "tags": ["B-A0", "I-A0", "B-V", "B-A1", "I-A1"]}

A sentence with several verbs is several examples, one per predicate (CoNLL-2005: one proposition
column each). The predicate is marked by giving the model the verb as a second segment, as P-tuning
v2 does (Liu et al., 2022; THUDM/P-tuning-v2 tasks/srl/dataset.py appends "[SEP] verb" to the words):
  - encoders: "[CLS] sentence [SEP] verb [SEP]" as a tokenizer pair, so the verb has token_type_ids 1
    and truncation cuts only the sentence (P-tuning v2's single sequence could cut the verb itself);
  - decoders: "verb : sentence". The verb goes FIRST: under causal attention a sentence word cannot
    see tokens after it, so a verb appended at the end would be invisible to the token head.
Only the sentence's words are labelled (each at its first sub-token, as tagging does); the verb
segment, the separator and special tokens get IGNORE, so the token head tags the sentence only.
Everything else (loss, prediction, IOB repair) is tagging's.

Metric: argument span P/R/F1 (seqeval, micro, IOB2) with the predicate's own span (V) removed from
gold and prediction, as the CoNLL-2005 scorer (srl-eval.pl) leaves V unscored; per-type F1 as
"f1/A0", ... Continuation and reference arguments (C-A1, R-A0) count as their own spans, as seqeval
sees them (srl-eval.pl joins a C-X with its X). P-tuning v2 scores with V included, which is higher.
"""
from __future__ import annotations

from seqeval.metrics.sequence_labeling import get_entities

from core.tasks.base import CONLL, JSONL, DataError, Task
from core.tasks.tagging import Tagging, _needs_space, entity_f1, first_subtoken_labels, tagging_example

VERB_KEYS = ("verb_index", "predicate_index", "verb")  # the predicate's 0-based position ("verb": or its word)
VERB = "V"  # the predicate's own tag type, never scored
SEPARATOR = ":"  # decoders: "verb : sentence"


# -- metric (pure) ------------------------------------------------------------------------------
def without_verb(tags: list[str]) -> list[str]:
    return ["O" if tag[2:] == VERB else tag for tag in tags]


def argument_f1(gold_tags: list[list[str]], pred_tags: list[list[str]]) -> dict[str, float]:
    """Micro P/R/F1 (and token accuracy) over argument spans, V excluded; F1 per argument type in gold."""
    gold = [without_verb(tags) for tags in gold_tags]
    pred = [without_verb(tags) for tags in pred_tags]
    scores = entity_f1(gold, pred)
    spans = {name: {(i, *span) for i, tags in enumerate(sentences) for span in get_entities(list(tags))}
             for name, sentences in (("gold", gold), ("pred", pred))}
    for kind in sorted({kind for _, kind, _, _ in spans["gold"]}):
        g = {s for s in spans["gold"] if s[1] == kind}
        p = {s for s in spans["pred"] if s[1] == kind}
        scores[f"f1/{kind}"] = 2 * len(g & p) / (len(g) + len(p))
    return scores


# -- data ---------------------------------------------------------------------------------------
def find_predicate(tokens: list[str], word: str) -> int | None:
    """The position of `word` in the sentence (its first occurrence; case-insensitive if no exact match)."""
    for same in (lambda t: t == word, lambda t: t.lower() == word.lower()):
        found = next((i for i, token in enumerate(tokens) if same(token)), None)
        if found is not None:
            return found
    return None


def srl_example(row: dict, where: str, _default_id: str = "") -> dict:
    """{"tokens", "verb_index", "tags"}: tagging's checks (tokens, one IOB tag each, IOB1 -> IOB2), then
    the predicate: `verb_index` (or `predicate_index`) 0-based, or `verb` as a position or a word of the
    sentence; when the tags mark V, the predicate must be on it."""
    example = tagging_example(row, where)
    tokens, tags = example["tokens"], example["tags"]
    key = next((k for k in VERB_KEYS if k in row), None)
    if key is None:
        raise DataError(f"{where}: no 'verb_index' field (the predicate's 0-based position in 'tokens'); "
                        f"found: {', '.join(k for k in row if k != 'token_where')}")
    index = row[key]
    if key == "verb" and isinstance(index, str):
        index = find_predicate(tokens, index.strip())
        if index is None:
            raise DataError(f"{where}: 'verb' {row[key]!r} is not one of the tokens")
    if isinstance(index, bool) or not isinstance(index, int):
        raise DataError(f"{where}: '{key}' must be a whole number (the predicate's 0-based position in "
                        f"'tokens'), got {index!r}")
    if not 0 <= index < len(tokens):
        raise DataError(f"{where}: '{key}' {index} is out of range: {len(tokens)} tokens, so 0 to {len(tokens) - 1}")
    verbs = [(first, last) for kind, first, last in get_entities(tags) if kind == VERB]
    if len(verbs) > 1:
        raise DataError(f"{where}: the tags mark {len(verbs)} V spans (tokens {', '.join(str(f) for f, _ in verbs)}); "
                        "one example has one predicate: give each verb its own record")
    if verbs and not verbs[0][0] <= index <= verbs[0][1]:
        at = row["token_where"][index] if row.get("token_where") else f"{where}, token {index + 1}"
        raise DataError(f"{at}: '{key}' {index} points to {tokens[index]!r}, tagged {tags[index]}, but the V tag "
                        f"is on {tokens[verbs[0][0]]!r} (position {verbs[0][0]})")
    return {"tokens": tokens, "verb_index": index, "tags": tags}


def _no_room(max_length: int, verb: str) -> DataError:
    return DataError(f"max_length {max_length} leaves no room for the sentence besides its predicate {verb!r}: "
                     "raise max_length")


class SemanticRoles(Tagging):
    name = "srl"
    label_noun = "argument type"
    # CoNLL: the CoNLL-2005 column reader (core/data/conll05.py) gives its own shape with its errors;
    # token-per-line files of tags alone hold tagging data
    record_shapes = {JSONL: '{"tokens": ["The", "cat", "ate", "the", "fish"], "verb_index": 2, '
                            '"tags": ["B-A0", "I-A0", "B-V", "B-A1", "I-A1"]}'}
    formats = (JSONL, CONLL)

    def matches(self, columns: set[str]) -> bool:
        return "tokens" in columns and bool(columns & set(VERB_KEYS))

    def reader(self, columns: list[str], source: str):
        return srl_example

    def from_text(self, text: str, second: str = "") -> dict:
        """Typed sentence; `second` names the predicate: one of its words, or its position (1 = first word)."""
        tokens = super().from_text(text)["tokens"]
        second = (second or "").strip()
        if not second:
            raise ValueError("name the predicate: one word of the sentence, or its position (1 = the first word)")
        if second.isdigit():
            index = int(second) - 1
            if not 0 <= index < len(tokens):
                raise ValueError(f"predicate position {second} is out of range: the sentence has {len(tokens)} "
                                 f"words (1 to {len(tokens)})")
        else:
            index = find_predicate(tokens, second)
            if index is None:
                raise ValueError(f"predicate '{second}' is not a word of the sentence ({' '.join(tokens)}); "
                                 "give one of its words or its position (1 = the first word)")
        return {"tokens": tokens, "verb_index": index}

    # -- model --------------------------------------------------------------------------------
    def encode(self, task: Task, examples: list[dict], tokenizer, max_length: int, kind: str | None = None,
               **_) -> list[dict]:
        """The sentence and its predicate as two segments (module docstring); `word_ids` keeps the
        sentence's word of each position (None elsewhere), so tagging's prediction reads it as is."""
        decoder = kind == "decoder" or (kind is None and tokenizer.sep_token is None)
        tag_ids = {tag: i for i, tag in enumerate(task.labels)}
        space = _needs_space(tokenizer)
        features = []
        for index, example in enumerate(examples):
            tokens, verb = example["tokens"], example["tokens"][example["verb_index"]]
            if decoder:  # truncation cuts the end: while a sentence word is left, the whole prefix is
                # every word as running text, the verb too: " slept" then has the tokens it has in the sentence
                words = [(" " + w if space else w) for w in [verb, SEPARATOR] + tokens]
                encoding = tokenizer(words, is_split_into_words=True, truncation=True, max_length=max_length)
                word_ids = [w - 2 if w is not None and w >= 2 else None for w in encoding.word_ids()]
            else:  # "only_first": the sentence is cut, never the verb
                verb_length = len(tokenizer([verb], is_split_into_words=True, add_special_tokens=False)["input_ids"])
                if max_length - tokenizer.num_special_tokens_to_add(pair=True) - verb_length < 1:
                    raise _no_room(max_length, verb)
                words = [(" " + w if space and i else w) for i, w in enumerate(tokens)]
                encoding = tokenizer(words, [verb], is_split_into_words=True, truncation="only_first",
                                     max_length=max_length)
                word_ids = [w if s == 0 else None for w, s in zip(encoding.word_ids(), encoding.sequence_ids())]
            if all(w is None for w in word_ids):
                raise _no_room(max_length, verb)
            feature = {key: list(encoding[key]) for key in tokenizer.model_input_names if key in encoding}
            feature.update(labels=first_subtoken_labels(word_ids, example.get("tags"), tag_ids),
                           word_ids=word_ids, example_index=index)
            features.append(feature)
        return features

    def compute_metrics(self, task: Task, predictions, examples) -> dict[str, float]:
        scored = [(e["tags"], p["tags"]) for e, p in zip(examples, predictions) if e.get("tags") is not None]
        return argument_f1([g for g, _ in scored], [p for _, p in scored])

    def display(self, task: Task, examples, predictions) -> list[dict]:
        """Tagging's rows plus the predicate (its token index and character span) and the argument
        spans without V ("arguments", "gold_arguments"), in the shape of "entities"."""
        rows = super().display(task, examples, predictions)
        for row, example in zip(rows, examples):
            tokens, verb = example["tokens"], example["verb_index"]
            start = sum(len(token) + 1 for token in tokens[:verb])
            row.update(predicate=verb, predicate_span={"start": start, "end": start + len(tokens[verb])},
                       arguments=[e for e in row["entities"] if e["entity"] != VERB],
                       gold_arguments=[e for e in row["gold_entities"] if e["entity"] != VERB])
        return rows
