"""News-style NER sentences in IOB2 with PER, ORG, LOC and MISC entities.

Sentences come from 70 hand-written news templates (markets, sport, politics,
culture, tech) whose slots are filled from large entity pools. Every pool, and
every component of a compositional name ("{city} Rovers"), is split with a
fixed holdout: train only ever sees the train part, while about half of the
dev entities come from the held-out part. A fifth of the templates are also
dev-only. Dev therefore has many entity strings and sentence frames never
seen in training, and the tagger has to generalise from context.
"""

import random

from . import ner_lexicon as lex
from .names import FEMALE, MALE, SURNAMES, holdout

SEED = 3303
N_TRAIN = 800
N_DEV = 250
DEV_FRESH = 0.5  # chance a dev slot (or dev template) comes from the held-out part

TEMPLATES = [
    "{PER} , chief executive of {ORG_CO} , said on {DAY} that the company would open a new plant in {LOC_CITY} .",
    "Shares in {ORG_CO} rose {PCT} percent in {LOC_CITY} after the firm reported higher profits .",
    "{ORG_CLUB} beat {ORG_CLUB} {SCORE} on {DAY} , with {PER} scoring twice .",
    "{NAT} striker {PER} has joined {ORG_CLUB} on a three-year contract .",
    "{PER} won the gold medal at the {EVENT_SPORT} in {LOC_CITY} .",
    "The {EVENT_SPORT} will be held in {LOC_CITY} in {YEAR} , organisers said on {DAY} .",
    "{ORG_CO} said it would launch a new version of {PRODUCT} in {MONTH} .",
    "Police in {LOC_PLACE} arrested two men on {DAY} , a spokesman for {ORG_INST} said .",
    "{NAT} Prime Minister {PER} arrived in {LOC_COUNTRY} for talks with President {PER} .",
    "{ORG_INST} warned that growth in {LOC_COUNTRY} would slow to {PCT} percent next year .",
    "{PER} , who was born in {LOC_CITY} , speaks fluent {LANG} and {LANG} .",
    "Floods along the {LOC_WATER} forced thousands of people to leave their homes in {LOC_COUNTRY} .",
    "In an interview with {ORG_MEDIA} , {PER} said the {NAT} team was ready for the {EVENT_SPORT} .",
    "{ORG_CO} agreed to buy {ORG_CO} for {MONEY} , the companies said in a statement .",
    "The {NAT} film , shot in {LANG} , won the {AWARD} at the {EVENT_FEST} .",
    "{PER} of {ORG_PARTY} called for early elections in {LOC_COUNTRY} .",
    "Talks between {LOC_COUNTRY} and {LOC_COUNTRY} ended without agreement in {LOC_CITY} on {DAY} .",
    "{PER} ( {LOC_COUNTRY} ) beat {PER} ( {LOC_COUNTRY} ) {TENNIS} .",
    "{LOC_CITY} , {MONTH} {DATE} - Inspectors from {ORG_INST} arrived in {LOC_PLACE} to examine the site .",
    "Results of {NAT} league matches on {DAY} : {ORG_CLUB} {NUM1} {ORG_CLUB} {NUM1} .",
    "{PER} has been appointed head of {ORG_INST} , replacing {PER} .",
    "{ORG_MEDIA} reported that {ORG_CO} plans to cut {NUM} jobs in {LOC_COUNTRY} .",
    "{PER} finished third in the {EVENT_SPORT} behind {PER} and {PER} .",
    "More than {NUM} {NAT} fans travelled to {LOC_CITY} for the {EVENT_SPORT} final .",
    "{ORG_CO} will stop selling {PRODUCT} in {LOC_COUNTRY} from next year .",
    "The {NAT} government said {PER} would visit {LOC_CITY} and {LOC_CITY} next week .",
    "{PER} , a spokesperson for {ORG_INST} , declined to comment on the report .",
    "A {NAT} climber was rescued in the {LOC_REGION} after three days , officials said .",
    "{PER} will face {PER} in the second round of the {EVENT_SPORT} on {DAY} .",
    "The {LANG} edition of the book sold {NUM} copies in its first week , according to {ORG_CO} .",
    "{ORG_INST} and {ORG_UNI} signed an agreement in {LOC_CITY} to share research data .",
    "Fighting broke out near the border between {LOC_COUNTRY} and {LOC_COUNTRY} , {ORG_MEDIA} reported .",
    "{PER} told reporters in {LOC_CITY} that {ORG_PARTY} would win the election .",
    "Storms over the {LOC_WATER} delayed shipping to {LOC_CITY} for a second day .",
    "{PER} 's new novel , written in {LANG} , will be published by {ORG_CO} in {MONTH} .",
    "The {NAT} central bank kept interest rates unchanged on {DAY} , {ORG_MEDIA} said .",
    "Users in {LOC_COUNTRY} reported problems with {PRODUCT} after an update on {DAY} .",
    "{ORG_CLUB} manager {PER} said the team was happy with the draw against {ORG_CLUB} .",
    "{PER} and {PER} are expected to meet in {LOC_CITY} later this month .",
    "{NAT} and {NAT} officials met in {LOC_CITY} on {DAY} to discuss trade .",
    "According to {ORG_INST} , {NUM} people have been displaced in {LOC_PLACE} .",
    "{ORG_CO} , based in {LOC_CITY} , employs about {NUM} people in {LOC_COUNTRY} .",
    "{PER} became the first {NAT} writer to win the {AWARD} .",
    "Organisers of the {EVENT_FEST} said ticket sales had doubled since last year .",
    "{PER} , the {NAT} ambassador to {LOC_COUNTRY} , was recalled on {DAY} .",
    "{ORG_MEDIA} said {PER} had resigned from the board of {ORG_CO} .",
    "{LOC_CITY} airport was closed on {DAY} after a snowstorm swept across the {LOC_REGION} .",
    "{PER} led {LOC_COUNTRY} to a {SCORE} win over {LOC_COUNTRY} at the {EVENT_SPORT} .",
    "Engineers at {ORG_CO} are building a {LANG} voice assistant for {PRODUCT} .",
    "Ticket prices for the {EVENT_SPORT} in {LOC_CITY} have angered {NAT} supporters .",
    "\" We are very happy with the result , \" said {PER} of {ORG_CLUB} .",
    "{ORG_INST} sent a team of experts to {LOC_PLACE} on {DAY} .",
    "{PER} , {AGE} , has lived in {LOC_CITY} since moving from {LOC_COUNTRY} in {YEAR} .",
    "The deal was signed by {PER} on behalf of {ORG_CO} and by {PER} for {ORG_INST} .",
    "{DAY} 's match between {LOC_COUNTRY} and {LOC_COUNTRY} in {LOC_CITY} was postponed because of rain .",
    "Sales of {PRODUCT} fell {PCT} percent in {LOC_COUNTRY} , {ORG_CO} said on {DAY} .",
    "{PER} , a professor at {ORG_UNI} , said the {LANG} dialect spoken in {LOC_PLACE} is disappearing .",
    "{NAT} cyclist {PER} took the lead in the {EVENT_SPORT} after a long climb through the {LOC_REGION} .",
    "{ORG_CO} chairman {PER} dismissed reports that the group would leave {LOC_COUNTRY} .",
    "The {EVENT_FEST} opened in {LOC_CITY} on {DAY} with a new {NAT} film by {PER} .",
    "Thousands of {NAT} workers marched through {LOC_CITY} , {ORG_MEDIA} reported on {DAY} .",
    "{PER} , a former {ORG_CLUB} player , now coaches in {LOC_PLACE} .",
    "{ORG_PARTY} leader {PER} promised to raise spending on schools in {LOC_PLACE} .",
    "Tourism in {LOC_PLACE} has grown since {ORG_CO} began direct flights from {LOC_CITY} .",
    "Researchers at {ORG_UNI} translated the letters from {LANG} into {LANG} .",
    "{PER} said {ORG_CO} would invest {MONEY} in a new factory near {LOC_CITY} .",
    "{ORG_CO} 's chief executive {PER} said sales in {LOC_COUNTRY} had doubled .",
    "{LOC_COUNTRY} 's foreign minister {PER} arrived in {LOC_CITY} on {DAY} for two days of talks .",
    "{PER} , a {NAT} engineer , designed the new terminal at {LOC_CITY} airport for {ORG_CO} .",
    "Fans of {ORG_CLUB} celebrated in the streets of {LOC_CITY} after the {EVENT_SPORT} final .",
]

TAGS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "NAT": "MISC", "LANG": "MISC",
        "EVENT": "MISC", "AWARD": "MISC", "PRODUCT": "MISC"}

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

# ORG names that read with a definite article ("a spokesman for the United Nations")
_THE_PREFIXES = ("United ", "European ", "World ", "International ", "Red ", "Ministry ",
                 "Bank of", "Central Bank", "University of", "Federal ", "African ",
                 "Council ", "Arab ", "New York", "Financial ", "Guardian", "Washington ",
                 "Times ", "Associated ", "BBC")
_THE_SUFFIXES = tuple(lex.MEDIA_SUFFIXES) + ("Institute of Technology", "School of Economics")


class Pools:
    """Draws entity strings; on dev, each draw may come from the held-out pools."""

    def __init__(self, rng: random.Random, dev: bool):
        self.rng, self.dev = rng, dev

    def pick(self, items: list[str]) -> str:
        train_part, dev_part = holdout(items, every=3)
        fresh = self.dev and dev_part and self.rng.random() < DEV_FRESH
        return self.rng.choice(dev_part if fresh else train_part)

    def person(self) -> str:
        first = self.pick(FEMALE + MALE)
        last = self.pick(SURNAMES)
        r = self.rng.random()
        if r < 0.15:
            return last
        if r < 0.23:
            return f"{first} {self.pick(FEMALE + MALE)[0]}. {last}"
        return f"{first} {last}"

    def company(self) -> str:
        r = self.rng.random()
        if r < 0.3:
            return self.pick(lex.REAL_COMPANIES)
        if r < 0.65:
            return f"{self.pick(lex.COMPANY_WORDS)} {self.pick(lex.COMPANY_SUFFIXES)}"
        if r < 0.85:
            return f"{self.pick(SURNAMES)} {self.pick(lex.COMPANY_SUFFIXES)}"
        return f"{self.pick(lex.CITIES)} {self.pick(lex.COMPANY_SUFFIXES)}"

    def institution(self) -> str:
        r = self.rng.random()
        if r < 0.6:
            return self.pick(lex.INSTITUTIONS)
        if r < 0.8:
            return f"Ministry of {self.pick(lex.MINISTRY_TOPICS)}"
        return self.rng.choice(["Bank of ", "Central Bank of "]) + self.pick(lex.COUNTRIES)

    def media(self) -> str:
        if self.rng.random() < 0.6:
            return self.pick(lex.MEDIA)
        return f"{self.pick(lex.CITIES)} {self.pick(lex.MEDIA_SUFFIXES)}"

    def sport_event(self) -> str:
        if self.rng.random() < 0.65:
            return self.pick(lex.SPORT_EVENTS)
        return f"{self.pick(lex.CITIES)} {self.pick(lex.SPORT_EVENT_SUFFIXES)}"

    def festival(self) -> str:
        if self.rng.random() < 0.5:
            return self.pick(lex.FESTIVALS)
        return f"{self.pick(lex.CITIES)} {self.pick(lex.FESTIVAL_SUFFIXES)}"

    def product(self) -> str:
        if self.rng.random() < 0.5:
            return self.pick(lex.PRODUCTS)
        return f"{self.pick(lex.BRANDS)} {self.pick(lex.MODELS)}"

    def entity(self, slot: str) -> tuple[str, str]:
        """Return (text, tag class) for an entity slot such as 'ORG_CLUB'."""
        makers = {
            "PER": self.person,
            "ORG_CO": self.company,
            "ORG_CLUB": lambda: self.pick(lex.CLUB_PATTERNS).format(self.pick(lex.CITIES)),
            "ORG_INST": self.institution,
            "ORG_UNI": lambda: self.pick(lex.UNIVERSITY_PATTERNS).format(self.pick(lex.CITIES)),
            "ORG_MEDIA": self.media,
            "ORG_PARTY": lambda: self.pick(lex.PARTIES),
            "LOC_CITY": lambda: self.pick(lex.CITIES),
            "LOC_PLACE": lambda: self.pick(lex.CITIES + lex.AREAS),
            "LOC_COUNTRY": lambda: self.pick(lex.COUNTRIES),
            "LOC_REGION": lambda: self.pick(lex.REGIONS_THE),
            "LOC_WATER": lambda: self.pick(lex.WATERS),
            "NAT": lambda: self.pick(lex.NATIONALITIES),
            "LANG": lambda: self.pick(lex.LANGUAGES),
            "EVENT_SPORT": self.sport_event,
            "EVENT_FEST": self.festival,
            "AWARD": lambda: self.pick(lex.AWARDS),
            "PRODUCT": self.product,
        }
        return makers[slot](), TAGS[slot.split("_")[0]]


def _filler(rng: random.Random, slot: str) -> str:
    """Non-entity slots: days, numbers, scores."""
    return {
        "DAY": lambda: rng.choice(DAYS),
        "MONTH": lambda: rng.choice(MONTHS),
        "DATE": lambda: str(rng.randint(1, 28)),
        "YEAR": lambda: str(rng.randint(1990, 2030)),
        "NUM": lambda: rng.choice(["200", "1,500", "3,000", "12,000", "450", "80", "2,400",
                                   "600", "35,000", "9,000"]),
        "NUM1": lambda: str(rng.randint(0, 4)),
        "PCT": lambda: f"{rng.randint(1, 12)}.{rng.randint(0, 9)}",
        "SCORE": lambda: rng.choice(["1-0", "2-0", "2-1", "3-1", "3-0", "4-2", "3-2", "4-1",
                                     "5-0", "2-1"]),
        "MONEY": lambda: rng.choice(["$ 2 billion", "1.2 billion euros", "$ 450 million",
                                     "300 million pounds", "$ 85 million"]),
        "TENNIS": lambda: " ".join(f"{a}-{b}" for a, b in rng.sample(
            [(6, 4), (6, 3), (7, 5), (6, 2), (7, 6), (6, 1)], rng.choice([2, 3]))),
        "AGE": lambda: str(rng.randint(24, 71)),
    }[slot]()


def _article(slot: str, text: str) -> list[str]:
    """Tokens of a definite article some ORG names need in running text."""
    if slot == "ORG_PARTY" or (slot.startswith("ORG") and (
            text.startswith(_THE_PREFIXES) or text.endswith(_THE_SUFFIXES))):
        return ["the"]
    return []


def _sentence(template: str, pools: Pools, rng: random.Random) -> tuple[list, list] | None:
    tokens, tags, used = [], [], set()
    for piece in template.split():
        if not (piece.startswith("{") and piece.endswith("}")):
            tokens.append(piece)
            tags.append("O")
            continue
        slot = piece[1:-1]
        if slot in ("DAY", "MONTH", "DATE", "YEAR", "NUM", "NUM1", "PCT", "SCORE", "MONEY",
                    "TENNIS", "AGE"):
            words = _filler(rng, slot).split()
            tokens += words
            tags += ["O"] * len(words)
            continue
        text, tag = pools.entity(slot)
        if text in used:
            return None  # the same name twice in one sentence reads wrong
        used.add(text)
        words = text.split()
        article = _article(slot, text) if tokens[-1:] != ["the"] else []
        tokens += article + words
        tags += ["O"] * len(article) + [f"B-{tag}"] + [f"I-{tag}"] * (len(words) - 1)
    tokens[0] = tokens[0][0].upper() + tokens[0][1:]
    return _articles(tokens), tags


def _articles(tokens: list[str]) -> list[str]:
    """'a Italian' -> 'an Italian' (but 'a European', 'a Ukrainian')."""
    out = list(tokens)
    for i, (word, following) in enumerate(zip(tokens, tokens[1:])):
        if word in ("a", "A") and following[0] in "AEIOU" \
                and not following.startswith(("Eu", "Uk", "Ur", "Uni")):
            out[i] = word + "n"
    return out


def _template(rng: random.Random, dev: bool) -> str:
    """Every fifth template is dev-only, so dev also has sentence frames train never saw."""
    train_part, dev_part = holdout(TEMPLATES, every=5)
    fresh = dev and rng.random() < DEV_FRESH
    return rng.choice(dev_part if fresh else train_part)


def _split(rng: random.Random, n: int, dev: bool, seen: set) -> list[dict]:
    pools, rows = Pools(rng, dev), []
    while len(rows) < n:
        made = _sentence(_template(rng, dev), pools, rng)
        if made is None or " ".join(made[0]) in seen:
            continue
        seen.add(" ".join(made[0]))
        rows.append({"tokens": made[0], "tags": made[1]})
    return rows


def build(seed: int = SEED) -> dict[str, list[dict]]:
    """Return {"train": rows, "dev": rows}; rows are {"tokens", "tags"} in IOB2."""
    rng = random.Random(seed)
    seen: set = set()
    return {"train": _split(rng, N_TRAIN, False, seen), "dev": _split(rng, N_DEV, True, seen)}
