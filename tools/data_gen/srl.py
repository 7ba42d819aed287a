"""Semantic role labelling sentences in PropBank style, one example per predicate (the srl family).

Each sentence is built from verb frames (tools/data_gen/srl_lexicon.py: 60 verbs with their A0, A1
and A2 classes) in one of several shapes: active "A0 V A1", A2 recipients with their preposition
("gave a book to the boy") or without ("gave the boy a book"), passives ("The soup was eaten by
the children": A1 first, A0 with its "by"), the causative alternation ("The window broke": A1 as
subject), intransitives, modals (AM-MOD) and negation (AM-NEG), and AM-TMP / AM-LOC / AM-MNR at
the start or the end. A third of the sentences have two predicates, so give two examples:
coordinated verbs sharing their A0, a subordinate clause ("after the guests arrived": AM-TMP of
the main verb, and a clause with its own roles) or a reported clause ("said that ...": A1).

Dev holds out combinations: every fourth noun, name and adjunct of each pool is dev-only (half of
dev's draws), and every fourth transitive verb is passive only in dev, so dev has passives of
verbs train only saw active.
"""

import random

from . import srl_lexicon as lex
from .names import FEMALE, MALE, SURNAMES, holdout

SEED = 2005
N_TRAIN = 800  # predicate instances (examples), not sentences
N_DEV = 250
DEV_FRESH = 0.5  # chance a dev draw comes from the held-out part of its pool
TWO_VERBS = 0.35  # share of sentences with two predicates
PASSIVE = 0.25


class Frame:
    def __init__(self, base, past, participle, a0, a1, a2, kinds):
        self.base, self.past, self.participle = base, past, participle
        self.a0, self.a1 = (a0 or "").split(), (a1 or "").split()
        self.a2 = (a2[0], a2[1].split()) if a2 else None
        self.kinds = set(kinds.split())


FRAMES = [Frame(*v) for v in lex.VERBS]
TRANSITIVE = [f for f in FRAMES if "tr" in f.kinds]
PASSIVE_DEV_ONLY = {f.base for f in holdout(TRANSITIVE, every=4)[1]}
AGENTIVE = [f for f in FRAMES if "PERSON" in f.a0]  # can share a person subject when coordinated
ADVERBS = [m.strip() for m in lex.MNR if " " not in m.strip()]  # one word: may stand before the verb


class Sentence:
    """Tokens and, per predicate, its labelled spans (role, first, end)."""

    def __init__(self):
        self.tokens: list[str] = []
        self.spans: dict[int, list[tuple[str, int, int]]] = {}

    def add(self, text: str, pred: int | None = None, role: str | None = None) -> int:
        start = len(self.tokens)
        self.tokens += text.split()
        if role:
            self.mark(pred, role, start)
        return start

    def mark(self, pred: int, role: str, start: int) -> None:
        self.spans.setdefault(pred, []).append((role, start, len(self.tokens)))

    def rows(self) -> list[dict]:
        tokens = _articles(self.tokens)
        tokens[0] = tokens[0][0].upper() + tokens[0][1:]
        rows = []
        for pred in sorted(self.spans):
            tags = ["O"] * len(tokens)
            for role, first, end in self.spans[pred]:
                assert all(t == "O" for t in tags[first:end]), (tokens, self.spans[pred])
                tags[first:end] = [f"B-{role}"] + [f"I-{role}"] * (end - first - 1)
            rows.append({"tokens": tokens, "verb_index": tags.index("B-V"), "tags": tags})
        return rows


def _articles(tokens: list[str]) -> list[str]:
    return [("an" if w == "a" else "An") if w in ("a", "A") and i + 1 < len(tokens) and tokens[i + 1][0] in "aeiou"
            else w for i, w in enumerate(tokens)]


class Pools:
    """Draws words; on dev, each draw may come from the held-out part of its pool."""

    def __init__(self, rng: random.Random, dev: bool):
        self.rng, self.dev = rng, dev

    def pick(self, items: list):
        train_part, dev_part = holdout(items, every=4)
        fresh = self.dev and dev_part and self.rng.random() < DEV_FRESH
        return self.rng.choice(dev_part if fresh else train_part)

    def np(self, classes: list[str]) -> tuple[str, bool]:
        """(noun phrase, plural) of one of the classes."""
        cls = self.rng.choice(classes)
        if cls == "PERSON" and self.rng.random() < 0.4:
            first = self.pick(FEMALE + MALE)
            return (first if self.rng.random() < 0.5 else f"{first} {self.pick(SURNAMES)}"), False
        noun = self.pick(lex.NOUNS[cls].split())
        singular, _, plural = noun.partition("/")
        many = bool(plural) and cls not in lex.FIXED_DET and self.rng.random() < 0.3
        if cls in lex.BARE:
            return singular, False
        dets = lex.PLURAL_DET if many else [d for d in lex.SINGULAR_DET if d != "a" or singular not in lex.MASS]
        det = "the" if cls in lex.FIXED_DET else self.rng.choice(dets)
        adjective = ""
        if cls in lex.ADJECTIVES and self.rng.random() < 0.3:
            adjective = self.pick(lex.ADJECTIVES[cls]) + " "
        return f"{det} {adjective}{plural if many else singular}", many

    def adjunct(self, role: str) -> str:
        return self.pick({"AM-TMP": lex.TMP, "AM-LOC": lex.LOC, "AM-MNR": lex.MNR}[role]).strip()


def _verb_group(s: Sentence, pred: int, frame: Frame, plural: bool, rng: random.Random, simple: bool) -> None:
    """The active verb with its auxiliaries: modals are AM-MOD, "not"/"never" AM-NEG, "did"/"has" O."""
    r = 0.0 if simple else rng.random()  # simple: the plain past
    if r < 0.55:
        s.add(frame.past, pred, "V")
    elif r < 0.67:
        s.add(rng.choice(["will", "could", "should", "must", "might", "would"]), pred, "AM-MOD")
        s.add(frame.base, pred, "V")
    elif r < 0.77:
        s.add("did")
        s.add(rng.choice(["not", "n't"]), pred, "AM-NEG")
        s.add(frame.base, pred, "V")
    elif r < 0.87:
        s.add("have" if plural else "has")
        s.add(frame.participle, pred, "V")
    elif r < 0.94:
        s.add("never", pred, "AM-NEG")
        s.add(frame.past, pred, "V")
    else:
        s.add("will", pred, "AM-MOD")
        s.add("not", pred, "AM-NEG")
        s.add(frame.base, pred, "V")


def _clause(s: Sentence, pred: int, frame: Frame, pools: Pools, rng: random.Random, simple: bool = False,
            subject: tuple[str, bool] | None = None) -> None:
    """Subject, verb group and objects of one predicate (adjuncts are added by the caller).
    subject: an A0 already written (coordination), so the clause starts at its verb."""
    passive_ok = "tr" in frame.kinds and (pools.dev or frame.base not in PASSIVE_DEV_ONLY)
    passive_p = 0.5 if pools.dev and frame.base in PASSIVE_DEV_ONLY else PASSIVE
    if subject is None and ("unacc" in frame.kinds or ("alt" in frame.kinds and rng.random() < 0.4)):
        text, plural = pools.np(frame.a1)
        s.add(text, pred, "A1")
        _verb_group(s, pred, frame, plural, rng, simple)
        return
    if subject is None and passive_ok and not simple and rng.random() < passive_p:
        text, plural = pools.np(frame.a1)
        s.add(text, pred, "A1")
        r = rng.random()
        if r < 0.6:
            s.add("were" if plural else "was")
        elif r < 0.75:
            s.add("were" if plural else "was")
            s.add("not", pred, "AM-NEG")
        elif r < 0.9:
            s.add("will", pred, "AM-MOD")
            s.add("be")
        else:
            s.add("have been" if plural else "has been")
        s.add(frame.participle, pred, "V")
        if frame.a2 and rng.random() < 0.4:
            s.add(f"{frame.a2[0]} {pools.np(frame.a2[1])[0]}", pred, "A2")
        if rng.random() < 0.65:
            s.add(f"by {pools.np(frame.a0)[0]}", pred, "A0")
        return
    if subject is None:
        text, plural = pools.np(frame.a0)
        s.add(text, pred, "A0")
    else:
        plural = subject[1]
    if "intr" in frame.kinds:
        _verb_group(s, pred, frame, plural, rng, simple or subject is not None)
        return
    if subject is None and not simple and rng.random() < 0.12:  # "the mechanic carefully repaired ..."
        s.add(pools.pick(ADVERBS), pred, "AM-MNR")
        s.add(frame.past, pred, "V")
    else:
        _verb_group(s, pred, frame, plural, rng, simple or subject is not None)
    if "opt" in frame.kinds and rng.random() < 0.25:
        return
    if frame.a2 and "dat" in frame.kinds and rng.random() < 0.3:
        s.add(pools.np(frame.a2[1])[0], pred, "A2")
        s.add(pools.np(frame.a1)[0], pred, "A1")
        return
    s.add(pools.np(frame.a1)[0], pred, "A1")
    if frame.a2 and rng.random() < 0.5:
        s.add(f"{frame.a2[0]} {pools.np(frame.a2[1])[0]}", pred, "A2")


def _adjuncts(s: Sentence, pred: int, pools: Pools, rng: random.Random, taken: set) -> None:
    roles = [role for role, p in (("AM-MNR", 0.25), ("AM-LOC", 0.3), ("AM-TMP", 0.35))
             if role not in taken and rng.random() < p]
    rng.shuffle(roles)
    for role in roles:
        s.add(pools.adjunct(role), pred, role)


def _one_verb(pools: Pools, rng: random.Random) -> Sentence:
    s, frame = Sentence(), rng.choice(FRAMES)
    taken = set()
    if rng.random() < 0.25:  # "Yesterday , ..." / "In the kitchen , ..."
        role = rng.choice(["AM-TMP", "AM-LOC"])
        s.add(pools.adjunct(role), 0, role)
        s.add(",")
        taken.add(role)
    _clause(s, 0, frame, pools, rng)
    taken |= {role for role, _, _ in s.spans[0]}
    _adjuncts(s, 0, pools, rng, taken)
    s.add(".")
    return s


def _two_verbs(pools: Pools, rng: random.Random) -> Sentence:
    s, shape = Sentence(), rng.choice(["and", "sub", "sub-first", "say"])
    first, second = rng.choice(FRAMES), rng.choice(FRAMES)
    if shape == "and":  # "Anna cooked the soup and washed the dishes": one A0 for both verbs
        first, second = rng.sample(AGENTIVE, 2)
        text, plural = pools.np(["PERSON"])
        s.add(text, 0, "A0")
        s.mark(1, "A0", 0)
        _clause(s, 0, first, pools, rng, subject=(text, plural))
        s.add("and")
        _clause(s, 1, second, pools, rng, subject=(text, plural))
        _adjuncts(s, 1, pools, rng, set())
    elif shape in ("sub", "sub-first"):  # the subordinate clause is an adjunct of the main verb
        word = rng.choice(list(lex.SUBORDINATORS))
        role = lex.SUBORDINATORS[word]
        if shape == "sub-first":
            start = s.add(word)
            _clause(s, 1, second, pools, rng, simple=True)
            s.mark(0, role, start)
            s.add(",")
            _clause(s, 0, first, pools, rng)
        else:
            _clause(s, 0, first, pools, rng)
            start = s.add(word)
            _clause(s, 1, second, pools, rng, simple=True)
            s.mark(0, role, start)
    else:  # "The mayor said that the council approved the plan": the clause is the A1 of "said"
        base, past = rng.choice(lex.CLAUSE_VERBS)
        s.add(pools.np(["PERSON", "GROUP"])[0], 0, "A0")
        s.add(past, 0, "V")
        start = s.add("that") if rng.random() < 0.6 else len(s.tokens)
        _clause(s, 1, second, pools, rng, simple=True)
        s.mark(0, "A1", start)
    s.add(".")
    return s


def _split(rng: random.Random, n: int, dev: bool, seen: set) -> list[dict]:
    pools, rows = Pools(rng, dev), []
    while len(rows) < n:
        sentence = _two_verbs(pools, rng) if rng.random() < TWO_VERBS else _one_verb(pools, rng)
        made = sentence.rows()
        text = " ".join(made[0]["tokens"])
        if text in seen or len(made[0]["tokens"]) > 40:
            continue
        seen.add(text)
        rows += made
    return rows


def build(seed: int = SEED) -> dict[str, list[dict]]:
    """Return {"train": rows, "dev": rows}; rows are {"tokens", "verb_index", "tags"} (BIO, V on the verb)."""
    rng = random.Random(seed)
    seen: set = set()
    return {"train": _split(rng, N_TRAIN, False, seen), "dev": _split(rng, N_DEV, True, seen)}
