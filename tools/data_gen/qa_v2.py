"""SQuAD 2.0-style reading comprehension: about a third of questions have no answer.

Uses the qa passage machinery. Unanswerable questions ask about a fact the
passage's entity has but the passage never states (the year of a move told
without a year, a founder left out) or about a similar entity the passage does
not mention. They are worded exactly like answerable questions, and the
passage usually holds a plausible wrong span (another year, another name), so
the model has to check the passage rather than the question.
"""

import random

from .qa import build_splits, row
from .qa_passages import Passage, answer, answerable_slots, ask, missing_slots

SEED = 5505
N_TRAIN = 600
N_DEV = 220
NO_ANSWER = {"text": [], "answer_start": []}


def _unanswerable(rng: random.Random, passage: Passage, n: int) -> list[str]:
    """Up to ``n`` questions the passage cannot answer."""
    out: list[str] = []
    missing = missing_slots(passage)
    rng.shuffle(missing)
    for _ in range(4 * n):
        if len(out) == n:
            break
        if missing and rng.random() < 0.7:
            question = ask(rng, passage, missing.pop())
        else:
            question = ask(rng, passage, rng.choice(answerable_slots(passage)), swap=True)
        if question and question not in out:
            out.append(question)
    return out


def _passage_rows(rng: random.Random, passage: Passage, pid: str) -> list[dict]:
    slots = answerable_slots(passage)
    rng.shuffle(slots)
    n_answerable = min(len(slots), rng.randint(2, 4))
    n_impossible = {2: 1, 3: rng.choice([1, 2]), 4: 2}.get(n_answerable, 1)
    items = [(ask(rng, passage, s), answer(passage, s)) for s in slots[:n_answerable]]
    items += [(q, NO_ANSWER) for q in _unanswerable(rng, passage, n_impossible)]
    rng.shuffle(items)
    return [dict(row(f"{pid}-q{j}", passage, q, a), is_impossible=not a["text"])
            for j, (q, a) in enumerate(items)]


def build(seed: int = SEED) -> dict[str, list[dict]]:
    """Return {"train": rows, "dev": rows}; SQuAD 2.0 layout plus "is_impossible"."""
    return build_splits(seed, "qa2", _passage_rows, {"train": N_TRAIN, "dev": N_DEV})
