"""Name and number drawing for the QA passages, with the train/dev holdout.

``World`` hands out invented people, towns, regions, rivers and companies. On
the dev side most draws come from the held-out slice of every pool, so dev
passages are about entities that never appear in train.
"""

import random

from . import qa_lexicon as lex
from .names import FEMALE, MALE, SURNAMES, holdout

DEV_FRESH = 0.75
SMALL_NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve"]


class World:
    """Draws names for one split; ``dev=True`` prefers held-out pool entries."""

    def __init__(self, rng: random.Random, dev: bool):
        self.rng, self.dev = rng, dev

    def pick(self, items: list[str]) -> str:
        train_part, dev_part = holdout(items, every=3)
        fresh = self.dev and self.rng.random() < DEV_FRESH
        return self.rng.choice(dev_part if fresh else train_part)

    def person(self, gender: str = "") -> tuple[str, str]:
        gender = gender or self.rng.choice("fm")
        first = self.pick(FEMALE if gender == "f" else MALE)
        return f"{first} {self.pick(SURNAMES)}", gender

    def people(self, n: int) -> list[str]:
        return self._distinct(lambda: self.person()[0], n)

    def town(self) -> str:
        return self.pick(lex.TOWN_HEADS) + self.pick(lex.TOWN_TAILS)

    def towns(self, n: int) -> list[str]:
        return self._distinct(self.town, n)

    def region(self) -> str:
        return self.rng.choice(lex.REGION_FORMS).replace("the ", "", 1).format(
            self.pick(lex.REGION_NAMES))

    def river(self) -> str:
        name = self.pick(lex.RIVER_NAMES)
        return f"River {name}" if self.rng.random() < 0.5 else f"{name} River"

    def company(self) -> str:
        return f"{self.pick(lex.COMPANY_HEADS)} {self.pick(lex.COMPANY_TAILS)}"

    def years(self, start: int, end: int, n: int, min_gap: int = 1, max_gap: int = 15) -> list[str]:
        """``n`` increasing, distinct years beginning somewhere in [start, end]."""
        year = self.rng.randint(start, end)
        out = [year]
        for _ in range(n - 1):
            year += self.rng.randint(min_gap, max_gap)
            out.append(year)
        return [str(y) for y in out]

    def count(self, low: int, high: int, round_to: int = 1) -> str:
        """A number such as '12,400' (digits with thousands separators)."""
        return f"{self.rng.randint(low, high) // round_to * round_to:,}"

    def small(self, low: int, high: int) -> str:
        """A small count, written as a word or as digits."""
        n = self.rng.randint(low, high)
        return SMALL_NUMBERS[n - 2] if self.rng.random() < 0.6 and 2 <= n <= 12 else str(n)

    def _distinct(self, draw, n: int) -> list[str]:
        out: list[str] = []
        while len(out) < n:
            item = draw()
            if item not in out:
                out.append(item)
        return out
