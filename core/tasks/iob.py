"""IOB tag checks and the IOB1 -> IOB2 conversion.

Metrics (seqeval) and the tagging head expect IOB2: every entity starts with B-. CoNLL-2003 as
released uses IOB1, where I- may start an entity and B- only separates two adjacent entities of
the same type. Converting is safe on data that is already IOB2 (it changes nothing), so every
tag sequence goes through `to_iob2`.
"""
from __future__ import annotations

import re

from core.tasks.base import DataError

_TAG = re.compile(r"[BI]-\S+")


def check_tag(tag: str, where: str) -> None:
    """Raise a DataError unless `tag` is O, B-TYPE or I-TYPE."""
    if not isinstance(tag, str):
        raise DataError(f"{where}: tag {tag!r} is not a string; expected tag names such as B-PER, not ids")
    if tag != "O" and not _TAG.fullmatch(tag):
        raise DataError(f"{where}: tag '{tag}' is not IOB2 (O, B-TYPE or I-TYPE)")


def to_iob2(tags: list[str]) -> list[str]:
    """An I-X that does not continue an entity of type X starts one, so it becomes B-X."""
    out = []
    for i, tag in enumerate(tags):
        previous = out[i - 1] if i else "O"
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def entity_types(tags: list[str]) -> set[str]:
    return {tag[2:] for tag in tags if tag != "O"}


def tag_names(types) -> list[str]:
    """The tag set of a tagging task: O first, then B-/I- for each entity type in sorted order."""
    return ["O"] + [f"{prefix}-{kind}" for kind in sorted(types) for prefix in ("B", "I")]
