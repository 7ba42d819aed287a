"""Shared pieces of the news stories: the ``Story`` record and ``News``, the name and number drawer.

``News`` extends the QA generator's ``World`` (invented people, towns and companies with a
train/dev holdout) with what news reports need: teams, weekdays, sums of money, named areas.
"""

from dataclasses import dataclass

from . import summarization_lexicon as lex
from .qa_world import World


@dataclass
class Story:
    """One report before assembly.

    ``body`` sentences are (text, essential): essential ones state a fact some summary uses, so
    the assembler never drops them. Every summary and the article contain each of ``keys``.
    """

    lead: str
    body: list[tuple[str, bool]]
    summaries: list[str]
    keys: list[str]


class News(World):
    """Draws names and numbers for one split (``dev=True`` prefers held-out names)."""

    def day(self) -> str:
        return self.rng.choice(lex.WEEKDAYS)

    def month(self) -> str:
        return self.rng.choice(lex.MONTHS)

    def teams(self, towns: list[str], sport: str) -> list[str]:
        """One club per town, no two with the same suffix ('Brackford Rovers', 'Elmby Athletic')."""
        suffixes = self.rng.sample(lex.SPORTS[sport]["suffixes"], len(towns))
        return [f"{town} {suffix}" for town, suffix in zip(towns, suffixes)]

    def area(self) -> str:
        """A named area without its article: 'Varden Hills' (say 'the Varden Hills')."""
        return f"{self.pick(lex.AREA_NAMES)} {self.rng.choice(lex.AREA_KINDS)}"

    def money(self, low: int, high: int) -> str:
        """A sum between ``low`` and ``high`` pounds, written as '£2.4m' or '£350,000'."""
        value = self.rng.randint(low, high)
        if value >= 1_000_000:
            return f"£{value / 1_000_000:.1f}m".replace(".0m", "m")
        return f"£{value // 1000 * 1000:,}" if value >= 10_000 else f"£{value // 10 * 10:,}"

    def year(self) -> int:
        return self.rng.randint(1950, 2015)


def pronouns(gender: str) -> dict[str, str]:
    """{'he': ..., 'his': ..., 'him': ...} for 'f' or 'm'."""
    return {"he": "she", "his": "her", "him": "her"} if gender == "f" else \
        {"he": "he", "his": "his", "him": "him"}


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def capital(text: str) -> str:
    return text[0].upper() + text[1:]


def article(word: str) -> str:
    """'a' or 'an' before ``word``: by its first letter, or by its sound for numbers ('an 18')."""
    if word[:1].isdigit():
        return "an" if word.startswith("8") or word.split("-")[0] in ("11", "18") else "a"
    return "an" if word[:1].lower() in "aeiou" else "a"
