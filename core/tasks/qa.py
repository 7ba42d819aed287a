"""Extractive question answering, SQuAD 1.1 and 2.0 (unanswerable questions).

The standard Hugging Face recipe (run_qa.py / the course's question-answering chapter):
question first, context second, truncated "only_second" into overlapping windows
(`doc_stride` tokens shared), so one example can give several features. Each feature marks
the answer's first and last token, or position 0 when the answer is not in its window or the
question has none. Position 0 is [CLS] on encoders; decoders (SmolLM2 adds no special tokens)
use their first question token the same way. With causal attention that position cannot see
the context, so a decoder's "no answer" score is learned more as a bias than as a judgement.

Prediction searches the best span over all windows of an example (top-20 starts × ends,
at most 30 tokens, context tokens only) and, on SQuAD 2.0, answers "" when the null score
beats it by more than a threshold. Metrics: the official SQuAD EM/F1 (core.tasks.squad_metric).
"""
from __future__ import annotations

import numpy as np
import torch.nn.functional as F

from core.config import ConfigError
from core.tasks.base import JSONL, DataError, Task, text_field
from core.tasks.squad_metric import compute_exact, max_over_gold, squad_scores

DOC_STRIDE = 64  # tokens shared by consecutive windows of a long context
N_BEST = 20  # start and end candidates per window
MAX_ANSWER_LENGTH = 30  # tokens
NULL_THRESHOLD = 0.0  # answer "" when null_score - best_span_score > this (SQuAD 2.0 only)


def answer_positions(offsets: list, start_char: int, end_char: int) -> tuple[int, int]:
    """(first, last) token of the answer characters [start_char, end_char) in one window,
    or (0, 0) when the window does not hold the whole answer. `offsets` is None off the context."""
    context = [i for i, o in enumerate(offsets) if o is not None]
    if not context or offsets[context[0]][0] > start_char or offsets[context[-1]][1] < end_char:
        return 0, 0
    first = max(i for i in context if offsets[i][0] <= start_char)
    last = min(i for i in context if offsets[i][1] >= end_char)
    return first, last


def _fit_question(question: str, tokenizer, max_length: int) -> tuple[str, int]:
    """-> (question, its length in tokens); a question longer than half the input is cut there,
    so every window keeps room for the context ("only_second" truncation never cuts it)."""
    encoding = tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)
    limit = max_length // 2
    if len(encoding["input_ids"]) <= limit:
        return question, len(encoding["input_ids"])
    question = question[:encoding["offset_mapping"][limit - 1][1]]
    return question, len(tokenizer(question, add_special_tokens=False)["input_ids"])


def best_span(starts: np.ndarray, ends: np.ndarray, offsets: list, n_best: int, max_answer_length: int):
    """-> (score, first token, last token) of the best valid span in one window, or None."""
    context = np.array([o is not None for o in offsets])
    starts, ends = np.where(context, starts, -np.inf), np.where(context, ends, -np.inf)
    top_starts = [i for i in np.argsort(starts)[::-1][:n_best] if context[i]]
    top_ends = [i for i in np.argsort(ends)[::-1][:n_best] if context[i]]
    spans = [(float(starts[s] + ends[e]), int(s), int(e)) for s in top_starts for e in top_ends
             if s <= e < s + max_answer_length]
    return max(spans, default=None)


def char_span(context: str, offsets: list, first: int, last: int) -> tuple[int, int]:
    """Context characters of tokens first..last, without the space that byte-level BPE
    offsets include before a word ("Ġcat" covers " cat")."""
    start, end = offsets[first][0], offsets[last][1]
    while start < end and context[start].isspace():
        start += 1
    while end > start and context[end - 1].isspace():
        end -= 1
    return start, end


def qa_example(row: dict, where: str, default_id: str) -> dict:
    """SQuAD record; every answer must sit at its answer_start in the context (empty = unanswerable)."""
    context, question = row.get("context"), text_field(row, "question", where)
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


class QuestionAnswering:
    name = "qa"
    head = "span"
    main_metric = "f1"
    view = "spans"
    formats = (JSONL,)
    cloze = False
    label_noun = "answer"
    label_fields = ("answers",)  # a record without it is unlabelled
    record_shapes = {  # one valid record per file format, for messages
        JSONL: '{"id": "q1", "context": "Ada was born in London.", "question": "Where was Ada born?", '
               '"answers": {"text": ["London"], "answer_start": [16]}} (empty lists: unanswerable), '
               'or SQuAD\'s own JSON ({"version", "data": [{"title", "paragraphs": [{"context", "qas": [...]}]}]})'}

    # -- data ---------------------------------------------------------------------------------
    def matches(self, columns: set[str]) -> bool:
        return {"context", "question"} <= columns

    def reader(self, columns: list[str], source: str):
        return qa_example

    def label_keys(self, example: dict) -> set[str]:
        return set()  # answers are spans of their own passage: nothing to share with training

    def labels_from(self, keys: set[str]) -> list[str]:
        return []

    def keys_of(self, labels: list[str]) -> set[str]:
        return set()

    def check_labels(self, name: str, labels: list[str]) -> None:
        pass

    def task_extras(self, examples: list[dict]) -> dict:
        return {"unanswerable": any(not e["answers"]["text"] for e in examples)}

    def from_text(self, text: str, second: str = "") -> dict:
        text, second = text.strip(), second.strip()
        if not text:
            raise ValueError("type some text first")
        if not second:
            raise ValueError("QA needs a passage and a question")
        return {"id": "input", "context": text, "question": second, "answers": {"text": [], "answer_start": []}}

    def check_config(self, config) -> None:
        if config.doc_stride >= config.max_length // 2:
            raise ConfigError(f"doc_stride ({config.doc_stride}) must be under half of max_length "
                            f"({config.max_length}): it is the overlap between windows of a long passage")

    # -- model --------------------------------------------------------------------------------

    def encode(self, task: Task, examples: list[dict], tokenizer, max_length: int,
               doc_stride: int = DOC_STRIDE, **_) -> list[dict]:
        room_taken = tokenizer.num_special_tokens_to_add(pair=True)
        features = []
        for index, example in enumerate(examples):
            question, length = _fit_question(example["question"].lstrip(), tokenizer, max_length)  # lstrip: HF recipe
            room = max_length - room_taken - length
            # the tokenizer needs stride < the context room of a window; a long question can shrink it
            encoding = tokenizer(question, example["context"], truncation="only_second", max_length=max_length,
                                 stride=doc_stride if doc_stride < room else room // 2,
                                 return_overflowing_tokens=True, return_offsets_mapping=True)
            answers = example.get("answers") or {"text": [], "answer_start": []}
            for window in range(len(encoding["input_ids"])):
                offsets = [tuple(o) if sequence == 1 else None  # sequence 1 = the context
                           for o, sequence in zip(encoding["offset_mapping"][window], encoding.sequence_ids(window))]
                start, end = 0, 0
                if answers["text"]:  # train on the first gold answer, as the recipe does
                    start_char = answers["answer_start"][0]
                    start, end = answer_positions(offsets, start_char, start_char + len(answers["text"][0]))
                feature = {key: list(encoding[key][window]) for key in tokenizer.model_input_names if key in encoding}
                feature.update(example_index=index, offset_mapping=offsets, start_positions=start, end_positions=end)
                features.append(feature)
        return features

    def loss(self, outputs, batch):
        start = F.cross_entropy(outputs["start_logits"].float(), batch["start_positions"])  # (B, T) vs (B,)
        end = F.cross_entropy(outputs["end_logits"].float(), batch["end_positions"])
        return (start + end) / 2

    def predict(self, task: Task, outputs, features, examples, null_threshold: float = NULL_THRESHOLD,
                n_best: int = N_BEST, max_answer_length: int = MAX_ANSWER_LENGTH, **_) -> list[dict]:
        """One {"text", "start", "end", "score", "null_score_diff"} per example; "start"/"end" are
        context characters (-1 when the answer is ""); null_score_diff = null score - best span score."""
        best = [None] * len(examples)  # (score, window, first, last)
        null = [np.inf] * len(examples)
        for window, (output, feature) in enumerate(zip(outputs, features)):
            i = feature["example_index"]
            starts, ends = output["start_logits"], output["end_logits"]  # (T,)
            null[i] = min(null[i], float(starts[0] + ends[0]))  # the recipe keeps the lowest null score
            span = best_span(starts, ends, feature["offset_mapping"], n_best, max_answer_length)
            if span is not None and (best[i] is None or span[0] > best[i][0]):
                best[i] = (span[0], window, span[1], span[2])
        predictions = []
        for example, candidate, null_score in zip(examples, best, null):
            if candidate is None:
                predictions.append({"text": "", "start": -1, "end": -1, "score": null_score, "null_score_diff": 0.0})
                continue
            score, window, first, last = candidate
            diff = null_score - score
            start, end = -1, -1
            if not (task.unanswerable and diff > null_threshold):
                start, end = char_span(example["context"], features[window]["offset_mapping"], first, last)
            predictions.append({"text": example["context"][start:end] if start >= 0 else "", "start": start,
                                "end": end, "score": score, "null_score_diff": diff})
        return predictions

    def compute_metrics(self, task: Task, predictions, examples) -> dict[str, float]:
        scored = [(p["text"], e["answers"]["text"]) for p, e in zip(predictions, examples) if "answers" in e]
        scores = squad_scores([p for p, _ in scored], [a for _, a in scored], by_answerability=task.unanswerable)
        # the official script's 0-100 scale -> 0-1, the scale of every other task's metric, so
        # runs compare and plot on one axis; "total" keys are counts, not scores
        return {key: value / 100 for key, value in scores.items() if not key.endswith("total")}

    def display(self, task: Task, examples, predictions) -> list[dict]:
        rows = []
        for example, prediction in zip(examples, predictions):
            answers = example.get("answers") or {"text": [], "answer_start": []}
            entities = [{"entity": "predicted", "start": prediction["start"], "end": prediction["end"]}
                        ] if prediction["text"] else []
            spans = dict.fromkeys((s, s + len(t)) for t, s in zip(answers["text"], answers["answer_start"]))
            entities += [{"entity": "gold", "start": s, "end": e} for s, e in spans]  # SQuAD dev repeats answers
            rows.append({"context": example["context"], "question": example["question"],
                         "predicted": prediction["text"], "start": prediction["start"], "end": prediction["end"],
                         "score": prediction["score"], "gold": list(answers["text"]),
                         "correct": bool(max_over_gold(compute_exact, answers["text"], prediction["text"]))
                         if "answers" in example else None,
                         "entities": entities})
        return rows
