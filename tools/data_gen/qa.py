"""SQuAD 1.1-style reading comprehension over short invented passages.

Passages describe invented people, towns, companies, inventions, festivals and
races (``qa_kinds``), so answers cannot come from world knowledge. Every
question asks about a fact the passage states, and the answer is the exact
span recorded while the passage was written. Dev passages use held-out names
and never repeat a train passage.
"""

import random
from collections.abc import Callable, Iterator

from .qa_kinds import KINDS
from .qa_passages import Passage, answer, answerable_slots, ask, render
from .qa_world import World

SEED = 4404
N_TRAIN = 600
N_DEV = 220
PassageRows = Callable[[random.Random, Passage, str], list[dict]]  # (rng, passage, pid) -> rows


def passages(rng: random.Random, world: World, seen: set) -> Iterator[Passage]:
    """Endless stream of new passages, cycling through the kinds in random order."""
    while True:
        kinds = list(KINDS)
        rng.shuffle(kinds)
        for kind in kinds:
            passage = None
            while passage is None or passage.context in seen:
                passage = render(rng, kind(rng, world))
            seen.add(passage.context)
            yield passage


def row(qid: str, passage: Passage, question: str, answers: dict) -> dict:
    return {"id": qid, "title": passage.draft.title, "context": passage.context,
            "question": question, "answers": answers}


def _passage_rows(rng: random.Random, passage: Passage, pid: str) -> list[dict]:
    slots = answerable_slots(passage)
    rng.shuffle(slots)
    rows = []
    for slot in slots[:rng.randint(3, 5)]:
        question = ask(rng, passage, slot)
        rows.append(row(f"{pid}-q{len(rows)}", passage, question, answer(passage, slot)))
    return rows


def build_splits(seed: int, prefix: str, passage_rows: PassageRows,
                 sizes: dict[str, int]) -> dict[str, list[dict]]:
    """{split: rows} for each split in order, from one seeded stream of passages never seen before.

    `passage_rows(rng, passage, pid)` writes the questions of one passage (qa and qa-v2 differ
    only there); a split's World is built with held-out names when the split is "dev".
    """
    rng = random.Random(seed)
    seen: set = set()
    splits = {}
    for name, n in sizes.items():
        rows: list[dict] = []
        for i, passage in enumerate(passages(rng, World(rng, dev=name == "dev"), seen)):
            rows += passage_rows(rng, passage, f"{prefix}-{name}-{i:04d}")
            if len(rows) >= n:
                break
        splits[name] = rows[:n]
    return splits


def build(seed: int = SEED) -> dict[str, list[dict]]:
    """Return {"train": rows, "dev": rows} in the SQuAD 1.1 field layout."""
    return build_splits(seed, "qa", _passage_rows, {"train": N_TRAIN, "dev": N_DEV})
