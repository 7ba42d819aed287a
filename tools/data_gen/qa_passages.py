"""Passage machinery shared by the qa and qa-v2 generators.

A passage kind (see ``qa_kinds``) returns a ``Draft``: the values of every
fact slot, groups of alternative sentence templates, and question templates
keyed by the slot that answers them. ``render`` picks sentences and records
the character span of every slot it writes, so answers are exact spans by
construction. A slot's questions are answerable only if the slot was
rendered; facts that were drawn but left out are what qa-v2 asks about when
it needs an unanswerable question.
"""

import random
import re
from dataclasses import dataclass, field

SLOT = re.compile(r"\{(\w+)\}")
MIN_WORDS, MAX_WORDS = 45, 120


@dataclass
class Draft:
    kind: str
    title: str
    values: dict[str, str]
    groups: list[tuple[float, list[str]]]      # (chance, alternative sentences); first = intro
    questions: dict[str, list[tuple[str, tuple[str, ...]]]]  # slot -> [(question, needs)]
    refs: list[str]                            # sentence openers for the subject ("She")
    swap: tuple[str, str] = ("", "")           # (slot, other value) for entity-swap questions


@dataclass
class Passage:
    draft: Draft
    context: str
    spans: dict[str, int] = field(default_factory=dict)  # slot -> answer_start


def _fill(template: str, values: dict, offset: int, spans: dict) -> str:
    """Fill one sentence, recording where each slot's value starts."""
    out, pos = [], 0
    for m in SLOT.finditer(template):
        out.append(template[pos:m.start()])
        start = offset + sum(len(p) for p in out)
        value = values[m.group(1)]
        spans.setdefault(m.group(1), start)
        out.append(value)
        pos = m.end()
    out.append(template[pos:])
    return "".join(out)


def _answer_slots(template: str, draft: Draft) -> set[str]:
    return {s for s in SLOT.findall(template) if s in draft.questions}


def render(rng: random.Random, draft: Draft) -> Passage | None:
    """Pick one sentence per included group; None if the length is out of range."""
    sentences, spans, shown = [], {}, set()
    offset = 0
    for i, (chance, variants) in enumerate(draft.groups):
        if i and rng.random() >= chance:
            continue
        fresh = [v for v in variants if not _answer_slots(v, draft) & shown]
        if not fresh:
            continue
        template = rng.choice(fresh)
        values = dict(draft.values, S=rng.choice(draft.refs) if i else draft.refs[0])
        text = _fill(template, values, offset, spans)
        shown |= _answer_slots(template, draft)
        sentences.append(text)
        offset += len(text) + 1
    context = " ".join(sentences)
    if not MIN_WORDS <= len(context.split()) <= MAX_WORDS:
        return None
    answer_spans = {s: spans[s] for s in shown}
    return Passage(draft, context, answer_spans)


def ask(rng: random.Random, passage: Passage, slot: str, swap: bool = False) -> str | None:
    """A question for ``slot``; with ``swap`` the subject is replaced by another entity."""
    draft = passage.draft
    options = [(q, needs) for q, needs in draft.questions[slot]
               if swap or slot not in passage.spans or all(n in passage.spans for n in needs)]
    if swap:
        key, other = draft.swap
        options = [(q, n) for q, n in options if "{" + key + "}" in q]
        if not options or other in passage.context:
            return None
    if not options:
        return None
    question, _ = rng.choice(options)
    values = dict(draft.values)
    if swap:
        values[draft.swap[0]] = draft.swap[1]
    return SLOT.sub(lambda m: values[m.group(1)], question)


def answerable_slots(passage: Passage) -> list[str]:
    """Rendered slots that have at least one question whose needs are all rendered."""
    return [s for s in passage.draft.questions if s in passage.spans
            and any(all(n in passage.spans for n in needs)
                    for _, needs in passage.draft.questions[s])]


def missing_slots(passage: Passage) -> list[str]:
    """Slots the draft knows but the passage never states."""
    return [s for s in passage.draft.questions if s not in passage.spans]


def answer(passage: Passage, slot: str) -> dict:
    start = passage.spans[slot]
    text = passage.draft.values[slot]
    assert passage.context[start:start + len(text)] == text
    return {"text": [text], "answer_start": [start]}
