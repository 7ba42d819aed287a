"""SQuAD exact match and F1, a pure port of the official evaluation script.

Ported from the official SQuAD v2.0 script (evaluate-v2.0.py, https://rajpurkar.github.io/SQuAD-explorer/;
also in huggingface/evaluate as metrics/squad_v2/compute_score.py). On SQuAD 1.1 data (every
question answered) it gives the same numbers as evaluate-v1.1.py. No torch, no UI.
"""
from __future__ import annotations

import collections
import re
import string

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)


def normalize_answer(s: str) -> str:
    """Lower text and remove punctuation, articles and extra whitespace (official order)."""
    s = "".join(ch for ch in s.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", s).split())


def get_tokens(s: str) -> list[str]:
    return normalize_answer(s).split() if s else []


def compute_exact(a_gold: str, a_pred: str) -> int:
    return int(normalize_answer(a_gold) == normalize_answer(a_pred))


def compute_f1(a_gold: str, a_pred: str) -> float:
    gold_toks, pred_toks = get_tokens(a_gold), get_tokens(a_pred)
    if not gold_toks or not pred_toks:
        return float(gold_toks == pred_toks)  # no-answer: 1 if both are empty, else 0
    num_same = sum((collections.Counter(gold_toks) & collections.Counter(pred_toks)).values())
    if num_same == 0:
        return 0.0
    precision, recall = num_same / len(pred_toks), num_same / len(gold_toks)
    return 2 * precision * recall / (precision + recall)


def gold_texts(answers: list[str]) -> list[str]:
    """Gold answers that survive normalisation; [""] when none do (an unanswerable question)."""
    return [a for a in answers if normalize_answer(a)] or [""]


def max_over_gold(metric, answers: list[str], prediction: str) -> float:
    return max(metric(gold, prediction) for gold in gold_texts(answers))


def squad_scores(predictions: list[str], answers: list[list[str]], by_answerability: bool = False) -> dict[str, float]:
    """EM and F1 (×100, best over each question's gold answers). `answers[i]` lists question i's
    gold texts, empty when unanswerable. With `by_answerability` also HasAns_* and NoAns_* as
    the v2 script reports them (each group only when it has questions)."""
    exact = [max_over_gold(compute_exact, a, p) for p, a in zip(predictions, answers)]
    f1 = [max_over_gold(compute_f1, a, p) for p, a in zip(predictions, answers)]

    def scores(rows: list[int], prefix: str = "") -> dict[str, float]:
        return {f"{prefix}exact": 100.0 * sum(exact[i] for i in rows) / len(rows),
                f"{prefix}f1": 100.0 * sum(f1[i] for i in rows) / len(rows),
                f"{prefix}total": float(len(rows))}

    result = scores(list(range(len(predictions)))) if predictions else {"exact": 0.0, "f1": 0.0, "total": 0.0}
    if by_answerability:
        for prefix, rows in (("HasAns_", [i for i, a in enumerate(answers) if a]),
                             ("NoAns_", [i for i, a in enumerate(answers) if not a])):
            if rows:
                result.update(scores(rows, prefix))
    return result
