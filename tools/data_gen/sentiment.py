"""Movie-review sentiment: short reviews built from clauses of known polarity.

A review is one of several shapes (plain verdict, negated phrase, "X, but Y"
contrast, two-sentence review, comparison, expectation twist) and the shape
decides the label. Negations ("never boring", "hardly worth it") and contrasts
put words of the opposite polarity into many reviews, so counting sentiment
words is not enough: a model has to read the structure. A quarter of every
word list (adjectives, stock phrases, verdicts, film types) is held out of
train, and dev draws on it about half the time.
"""

import random

from .names import holdout

SEED = 1101
N_TRAIN_PER_LABEL = 500
N_DEV_PER_LABEL = 125
DEV_FRESH = 0.5  # chance a dev vocabulary draw comes from the held-out slice
LABELS = ("negative", "positive")

FILMS = [
    "this film", "the movie", "this sequel", "the remake", "this thriller",
    "this comedy", "this drama", "the documentary", "this horror film",
    "this animated feature", "this biopic", "this western", "the new war epic",
    "this romantic comedy", "this musical", "this heist movie", "the adaptation",
    "this indie drama", "this space opera", "the latest superhero movie",
    "this mystery", "this family film", "the director's debut",
    "this costume drama", "this crime saga", "the reboot", "this road movie",
    "this courtroom drama", "this coming-of-age story", "this disaster movie",
]

# aspect: (noun phrases with plural flag, positive predicates, negative predicates)
ASPECTS = {
    "acting": (
        [("the acting", 0), ("the performances", 1), ("the cast", 0), ("the lead actor", 0),
         ("the lead actress", 0), ("the supporting cast", 0), ("the two leads", 1),
         ("the young star", 0)],
        ["convincing", "superb", "natural", "magnetic", "nuanced", "heartfelt", "committed",
         "terrific", "believable", "excellent"],
        ["wooden", "stiff", "flat", "overdone", "unconvincing", "hammy", "awkward",
         "lifeless", "miscast", "painfully theatrical"],
    ),
    "plot": (
        [("the plot", 0), ("the story", 0), ("the storyline", 0), ("the premise", 0),
         ("the twist", 0), ("the mystery at its centre", 0), ("the subplots", 1)],
        ["gripping", "clever", "original", "surprising", "tightly constructed", "absorbing",
         "inventive", "unpredictable", "engaging", "well thought out"],
        ["predictable", "convoluted", "thin", "nonsensical", "full of holes", "derivative",
         "muddled", "far-fetched", "paper thin", "stale"],
    ),
    "pacing": (
        [("the pacing", 0), ("the editing", 0), ("the first hour", 0), ("the middle section", 0),
         ("the second half", 0)],
        ["brisk", "tight", "well judged", "lean", "perfectly measured", "snappy"],
        ["sluggish", "draggy", "uneven", "painfully slow", "bloated", "choppy", "plodding"],
    ),
    "music": (
        [("the soundtrack", 0), ("the score", 0), ("the music", 0), ("the songs", 1),
         ("the sound design", 0)],
        ["haunting", "stirring", "beautiful", "memorable", "catchy", "lovely", "rousing"],
        ["forgettable", "intrusive", "grating", "generic", "overbearing", "annoying", "cheesy"],
    ),
    "visuals": (
        [("the visuals", 1), ("the cinematography", 0), ("the special effects", 1),
         ("the camera work", 0), ("the production design", 0), ("the costumes", 1),
         ("the animation", 0), ("the action scenes", 1)],
        ["stunning", "gorgeous", "breathtaking", "inventive", "striking", "lush", "dazzling",
         "vivid"],
        ["cheap", "murky", "dated", "ugly", "incoherent", "washed out", "cartoonish",
         "hard to follow"],
    ),
    "dialogue": (
        [("the dialogue", 0), ("the writing", 0), ("the script", 0), ("the jokes", 1),
         ("the screenplay", 0), ("the banter", 0)],
        ["sharp", "witty", "funny", "smart", "hilarious", "crisp", "quotable", "sparkling"],
        ["clunky", "cringeworthy", "stilted", "lifeless", "corny", "tone-deaf", "lazy",
         "unfunny"],
    ),
    "directing": (
        [("the direction", 0), ("the directing", 0), ("the director's approach", 0),
         ("the filmmaking", 0), ("the tone", 0)],
        ["confident", "assured", "bold", "masterful", "precise", "thoughtful", "stylish"],
        ["clumsy", "aimless", "heavy-handed", "unfocused", "timid", "messy", "confused"],
    ),
    "ending": (
        [("the ending", 0), ("the final act", 0), ("the climax", 0), ("the last scene", 0),
         ("the finale", 0)],
        ["satisfying", "moving", "powerful", "perfect", "unforgettable", "earned"],
        ["rushed", "unsatisfying", "baffling", "limp", "abrupt", "silly", "ridiculous"],
    ),
}

INTENSIFIERS = {
    "positive": ["", "", "", "really ", "genuinely ", "quite ", "incredibly ", "truly ",
                 "surprisingly ", "utterly ", "remarkably ", "consistently "],
    "negative": ["", "", "", "really ", "quite ", "incredibly ", "truly ", "utterly ",
                 "a bit ", "rather ", "frustratingly ", "oddly ", "far too "],
}

FILM_PRED = {
    "positive": ["a delight", "a triumph", "a small gem", "an absolute joy", "a masterpiece",
                 "a real crowd-pleaser", "one of the best films of the year",
                 "a welcome surprise", "wonderful", "charming", "gripping", "moving",
                 "delightful", "brilliant", "thrilling", "funny", "heartfelt", "engrossing",
                 "a treat from start to finish", "smart and touching"],
    "negative": ["a mess", "a chore", "a letdown", "a complete waste of time", "a dull slog",
                 "one of the worst films of the year", "an empty spectacle",
                 "a missed opportunity", "dull", "tedious", "boring", "disappointing",
                 "forgettable", "exhausting", "lifeless", "pointless", "tiresome", "bland",
                 "a cynical cash grab", "loud and hollow"],
}

STOCK = {
    "positive": [
        "the cast clearly had fun", "every frame looks like a painting", "the jokes land",
        "the two leads have real chemistry", "the story kept me guessing",
        "the final twist made the whole theater gasp", "the soundtrack stays with you for days",
        "it earns every one of its tears", "the audience applauded at the end",
        "the characters feel like real people", "I laughed more than I have in years",
        "the action is staged with real flair", "it has a big warm heart",
        "the villain is genuinely scary", "it says something true about growing up",
        "the time flew by", "I was on the edge of my seat",
    ],
    "negative": [
        "the script sinks it", "the jokes fall flat", "nothing happens for an hour",
        "the villain is a cardboard cutout", "the twist is obvious from the first scene",
        "the story goes nowhere", "the dialogue sounds like a first draft",
        "the effects look unfinished", "it overstays its welcome", "the plot holes pile up",
        "the characters are impossible to care about", "half the audience left early",
        "I checked my watch every ten minutes", "the tone lurches all over the place",
        "the romance has no spark", "the big finale is a noisy blur",
        "it borrows every idea from better films",
    ],
}

# negated phrasings: the surface words lean one way, the meaning the other
NEGATED = {
    "positive": [
        "{film} is never boring", "{film} is not bad at all", "{aspect} is never dull",
        "{film} is anything but predictable", "there is not a single dull moment",
        "I was never bored", "I did not want it to end", "I could not look away",
        "I can't find anything to complain about", "not once did I check my watch",
        "{film} is far from a disappointment", "I have no complaints about {aspect}",
        "{aspect} never feels forced", "{film} is not the disaster some critics claim",
        "{film} does not put a foot wrong", "none of the jokes fall flat",
        "{aspect} is not {neg} in the slightest", "{film} never loses its nerve",
        "you won't regret seeing {film}", "it is hard not to smile through {film}",
    ],
    "negative": [
        "{film} is hardly worth it", "{film} is not worth the ticket price",
        "{aspect} is not {pos} at all", "{film} is not nearly as clever as it thinks",
        "{aspect} is far from {pos}", "{aspect} never comes together", "I did not laugh once",
        "I can't recommend {film}", "there is nothing new here", "{film} is no masterpiece",
        "I could not wait for it to end", "nobody in the cast seems to care",
        "{aspect} is not {pos} enough to save it", "{film} never finds its footing",
        "nothing about {film} is memorable", "{aspect} does not make any sense",
        "I didn't care what happened to anyone", "{film} is not funny, not scary, not anything",
        "I would not sit through {film} again", "{aspect} hardly registers",
    ],
}

# concessions: the clause that the review then overrides
CONCEDE = {
    "positive": ["the cast tries hard", "the visuals are pretty", "it starts well",
                 "the premise is promising", "the trailer looked great",
                 "the lead gives it everything", "there are a few good laughs",
                 "the opening scene is striking", "the score is lovely"],
    "negative": ["it takes a while to get going", "the first act is slow",
                 "the budget was clearly small", "a few jokes miss", "the runtime is long",
                 "the plot has a few holes", "the ending is a little neat",
                 "some of the dialogue is clunky", "the effects look cheap"],
}

VERDICT = {
    "positive": ["I loved every minute of it", "Highly recommended", "Go see it",
                 "I will happily watch it again", "Worth every penny",
                 "It is the best thing I have seen all year", "Do not miss it",
                 "I left the cinema grinning", "Bring tissues and enjoy",
                 "I am already planning a second viewing", "A must-see",
                 "It deserves a much bigger audience"],
    "negative": ["Save your money", "I wanted my two hours back", "Skip it",
                 "I would not watch it again", "What a waste of a great cast",
                 "I nearly walked out", "Wait until it is free on television",
                 "Avoid at all costs", "I cannot believe this got made",
                 "Even the popcorn was more exciting", "Not recommended",
                 "Two hours I will never get back"],
}

OPENERS = ["", "", "", "", "Honestly, ", "Overall, ", "In short, ", "Frankly, ", "For me, ",
           "To be honest, ", "All in all, ", "Simply put, "]

COMPARE_REFS = ["the original", "the first one", "the book", "I expected",
                "the trailer suggested", "the reviews said", "its predecessor",
                "the director's last film", "anything else out this summer"]


class SplitRandom(random.Random):
    """A Random that knows the split: ``pick`` keeps a slice of each word list out of train.

    Dev reviews then use adjectives, phrasings and verdicts never seen in
    training about half the time, so dev measures more than template recall.
    """

    dev = False

    def pick(self, items: list, keep=lambda item: True):
        """Choose from ``items`` (those passing ``keep``), honouring the holdout."""
        train_part, dev_part = holdout(list(items), every=4)
        train_part = [x for x in train_part if keep(x)]
        dev_part = [x for x in dev_part if keep(x)]
        if self.dev and dev_part and self.random() < DEV_FRESH:
            return self.choice(dev_part)
        return self.choice(train_part)


def _one_word(text: str) -> bool:
    return " " not in text


def _other(label: str) -> str:
    return "negative" if label == "positive" else "positive"


def _be(plural: int, past: bool) -> str:
    return ("were" if plural else "was") if past else ("are" if plural else "is")


def _aspect_clause(rng: SplitRandom, label: str) -> str:
    """A clause like 'the pacing was painfully slow' with the given polarity."""
    nouns, pos, neg = ASPECTS[rng.choice(sorted(ASPECTS))]
    noun, plural = rng.pick(nouns)
    adj = rng.pick(pos if label == "positive" else neg)
    intens = rng.choice(INTENSIFIERS[label]) if " " not in adj else ""
    return f"{noun} {_be(plural, rng.random() < 0.5)} {intens}{adj}"


def _film_clause(rng: SplitRandom, label: str, film: str) -> str:
    verb = rng.choice(["is", "was", "is", "turns out to be", "feels like"])
    pred = rng.pick(FILM_PRED[label])
    if verb == "feels like" and not pred.startswith(("a ", "an ", "one ")):
        verb = "feels"
    return f"{film} {verb} {pred}"


def _clause(rng: SplitRandom, label: str, film: str, film_level: bool = True) -> str:
    """Any plain clause of the given polarity (about one aspect or the whole film)."""
    kind = rng.random()
    if kind < 0.5:
        return _aspect_clause(rng, label)
    if kind < 0.75 and film_level:
        return _film_clause(rng, label, film)
    return rng.pick(STOCK[label])


def _negated(rng: SplitRandom, label: str, film: str) -> str:
    nouns, pos, neg = ASPECTS[rng.choice(sorted(ASPECTS))]
    noun, plural = rng.pick(nouns)
    text = rng.pick(NEGATED[label]).format(
        film=film, aspect=noun,
        pos=rng.pick(pos, _one_word), neg=rng.pick(neg, _one_word))
    if plural:  # keep agreement for plural aspects
        for sg, pl in ((f"{noun} is", f"{noun} are"), (f"{noun} never feels", f"{noun} never feel"),
                       (f"{noun} never comes", f"{noun} never come"),
                       (f"{noun} does not", f"{noun} do not"), (f"{noun} hardly registers",
                                                                 f"{noun} hardly register")):
            text = text.replace(sg, pl)
    return text


def _open(rng: SplitRandom, body: str) -> str:
    """Prefix an optional opener ('Honestly, ') unless it would read badly."""
    opener = rng.choice(OPENERS)
    if opener == "For me, " and body.startswith("I "):
        opener = ""
    return opener + body


def _sentence(text: str, exclaim: bool = False) -> str:
    text = text[0].upper() + text[1:]
    return text + ("!" if exclaim else ".")


def _plain(rng: SplitRandom, label: str, film: str) -> str:
    text = _open(rng, _clause(rng, label, film))
    if rng.random() < 0.35:
        text += rng.choice([", and ", " and ", ", while "]) + _clause(rng, label, "it", False)
    return _sentence(text, label == "positive" and rng.random() < 0.15)


def _negation(rng: SplitRandom, label: str, film: str) -> str:
    text = _open(rng, _negated(rng, label, film))
    if rng.random() < 0.3:
        text += rng.choice([", and ", "; ", ", and frankly "]) + _clause(rng, label, "it", False)
    return _sentence(text)


def _concession(rng: SplitRandom, label: str) -> str:
    """A mild clause of the given polarity that a review can then overrule."""
    if rng.random() < 0.4:
        return rng.pick(CONCEDE[label])
    return _aspect_clause(rng, label)


def _turn(rng: SplitRandom, label: str, film: str) -> str:
    """'X, but Y' in one of several shapes; Y (the clause after the turn) decides the label."""
    x = _concession(rng, _other(label))
    y = _clause(rng, label, film) if rng.random() < 0.75 else _negated(rng, label, film)
    shape = rng.randrange(8)
    if shape == 0:
        return _sentence(f"{x}, but {y}")
    if shape == 1:
        return _sentence(f"although {x}, {y}")
    if shape == 2:
        return _sentence(f"{y}, even though {x}")
    if shape == 3:
        return _sentence(f"sure, {x}, but {y}")
    if shape == 4:
        return _sentence(f"{x}, yet {y}")
    if shape == 5:
        turn = "Thankfully" if label == "positive" else "Unfortunately"
        return f"{_sentence(x)} {turn}, {y}."
    if shape == 6:
        return _sentence(f"while {x}, {y}")
    return _sentence(f"{x}, but in the end {y}")


def _contrast(rng: SplitRandom, label: str, film: str) -> str:
    text = _turn(rng, label, film)
    if rng.random() < 0.25:
        text += f" {rng.pick(VERDICT[label])}."
    return text


def _verdict(rng: SplitRandom, label: str, after_other: bool) -> str:
    verdict = rng.pick(VERDICT[label])
    if after_other:
        turn = rng.choice(["Still", "Even so", "Despite that", "That said", "But honestly"])
        verdict = f"{turn}, {verdict[0].lower()}{verdict[1:]}"
    return verdict + "."


def _two_sentences(rng: SplitRandom, label: str, film: str) -> str:
    if rng.random() < 0.35:  # a complaint (or praise) the verdict then overrules
        first_sentence = _sentence(_concession(rng, _other(label)))
        return f"{first_sentence} {_verdict(rng, label, True)}"
    body = _clause(rng, label, film) if rng.random() < 0.7 else _negated(rng, label, film)
    if rng.random() < 0.3:
        body += rng.choice([", and ", " and "]) + _clause(rng, label, "it", False)
    return f"{_sentence(_open(rng, body))} {_verdict(rng, label, False)}"


def _comparison(rng: SplitRandom, label: str, film: str) -> str:
    ref = rng.choice(COMPARE_REFS)
    if label == "positive":
        pattern = rng.choice(["{f} is far better than {r}", "{f} is even better than {r}",
                              "{f} is every bit as good as {r}", "{f} is much funnier than {r}",
                              "{f} is not worse than {r}; if anything, it is better"])
    else:
        pattern = rng.choice(["{f} is much worse than {r}", "{f} is not as good as {r}",
                              "{f} is far duller than {r}", "{f} is nowhere near as good as {r}",
                              "{f} is a step down from {r}"])
    if ref in ("I expected", "the trailer suggested", "the reviews said"):
        pattern = pattern.replace("a step down from {r}", "much weaker than {r}")
    return _sentence(pattern.format(f=film, r=ref))


def _expectation(rng: SplitRandom, label: str, film: str) -> str:
    if label == "positive":
        text = rng.choice([
            "I went in with low expectations and came out {x}",
            "I expected to hate {f}, but I ended up {x}",
            "my friends dragged me to {f} and I came out {x}",
            "I almost skipped {f}, and I am glad I did not"])
        x = rng.choice(["delighted", "pleasantly surprised", "completely won over",
                        "grinning", "in tears, the good kind"])
    else:
        text = rng.choice([
            "I went in with high hopes and came out {x}",
            "I expected to love {f}, but it left me {x}",
            "everyone raved about {f}, yet I came out {x}",
            "I was so excited for {f}, and it was a letdown"])
        x = rng.choice(["disappointed", "bored", "cold", "annoyed", "confused and tired"])
    return _sentence(text.format(f=film, x=x))


SHAPES = [(_plain, 0.20), (_negation, 0.22), (_contrast, 0.26), (_two_sentences, 0.18),
          (_comparison, 0.06), (_expectation, 0.08)]


def _review(rng: SplitRandom, label: str) -> str:
    film = rng.pick(FILMS)
    r, acc = rng.random(), 0.0
    for shape, weight in SHAPES:
        acc += weight
        if r < acc:
            return shape(rng, label, film)
    return SHAPES[-1][0](rng, label, film)


def _unique_reviews(rng: SplitRandom, label: str, n: int, seen: set) -> list[str]:
    out = []
    while len(out) < n:
        text = _review(rng, label)
        if text.lower() in seen or not 6 <= len(text.split()) <= 40:
            continue
        seen.add(text.lower())
        out.append(text)
    return out


def build(seed: int = SEED) -> dict[str, list[dict]]:
    """Return {"train": rows, "dev": rows}; rows are {"text", "label"}."""
    rng = SplitRandom(seed)
    seen: set = set()
    splits = {}
    for split, n in (("train", N_TRAIN_PER_LABEL), ("dev", N_DEV_PER_LABEL)):
        rng.dev = split == "dev"
        rows = [{"text": t, "label": label} for label in LABELS
                for t in _unique_reviews(rng, label, n, seen)]
        rng.shuffle(rows)
        splits[split] = rows
    return splits
