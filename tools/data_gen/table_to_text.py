"""E2E-style table-to-text: restaurant meaning representations and 2-4 reference descriptions.

An input is a linearised meaning representation in the E2E NLG challenge's format and attribute
order (the data set Prefix-tuning, Li & Liang 2021, used for table-to-text):
``name[The Eagle], eatType[pub], food[French], priceRange[cheap], area[riverside]``. Each
reference is written by a small sentence planner: it splits the attributes over one to three
sentences, picks a sentence shape ("X is a ...", "There is a ... called X", "Near Y, X is ...",
"X, a ..., has ..."), puts every attribute into a slot (adjective, "with" phrase, post-modifier,
predicate or a sentence of its own) and picks one of several phrasings for it, so the references
of one input differ in order, aggregation and wording. ``describe`` also returns which attributes
it realised, and the tests check each reference against ``lexicon.mentions``.

Dev uses restaurant names held out of train; ``dev_unseen`` mirrors the paper's unseen-categories
split: new names and, in every input, a food, venue type or area that train and dev never show.
"""

import random

from . import table_to_text_lexicon as lex

SEED = 5505
SIZES = {"train": 1500, "dev": 300, "dev_unseen": 200}
N_ATTRIBUTES = ([3, 4, 5, 6, 7, 8], [12, 20, 22, 20, 16, 10])  # per input, name included
ATTRIBUTE_WEIGHTS = {"eatType": 4, "food": 3, "priceRange": 2, "customer rating": 2, "area": 2,
                     "familyFriendly": 2, "near": 1.5}
N_REFERENCES = ([2, 3, 4], [35, 40, 25])
UNSEEN_SHARE = 0.5  # chance that another eatType/food/area of a dev_unseen input is also new
SEEN = {"eatType": lex.EAT_TYPES, "food": lex.FOODS, "priceRange": lex.PRICES,
        "customer rating": lex.RATINGS, "area": lex.AREAS, "familyFriendly": lex.FAMILY}
UNSEEN = {"eatType": lex.UNSEEN_EAT_TYPES, "food": lex.UNSEEN_FOODS, "area": lex.UNSEEN_AREAS}
PLACES = ("area", "near")  # attributes that can be fronted ("By the riverside, ...")
FORMS = {"is": 4, "front": 1.5, "there": 1, "appos": 1.5, "called": 1.5, "np_first": 0.7,
         "bare": 2}


def name_pools() -> dict[str, list[str]]:
    """Invented venue names, shuffled once and cut into disjoint train, dev and unseen pools."""
    rng = random.Random(SEED)
    names = [f"The {a} {n}" if rng.random() < 0.6 else f"{a} {n}"
             for a in lex.NAME_ADJECTIVES for n in lex.NAME_NOUNS]
    names += [f"The {n} and {m}" for n, m in zip(lex.NAME_NOUNS, lex.NAME_NOUNS[7:] + lex.NAME_NOUNS[:7])]
    names += [f"{h}'s" for h in lex.HOUSE_NAMES]
    names = sorted(set(names))
    rng.shuffle(names)
    cut = len(names) // 4
    return {"train": names[2 * cut:], "dev": names[:cut], "dev_unseen": names[cut:2 * cut]}


def meaning(rng: random.Random, split: str, names: list[str]) -> dict[str, str]:
    """One meaning representation {attribute: value}, keys in E2E's order."""
    k = rng.choices(*N_ATTRIBUTES)[0] - 1
    pool = dict(ATTRIBUTE_WEIGHTS)
    attrs = []
    while len(attrs) < k:
        attr = rng.choices(list(pool), list(pool.values()))[0]
        attrs.append(attr)
        del pool[attr]
    novel = None
    if split == "dev_unseen":  # every input gets at least one category train never shows
        novel = rng.choices(list(UNSEEN), [4, 5, 2])[0]
        if novel not in attrs:
            attrs[rng.randrange(len(attrs))] = novel
    mr = {"name": rng.choice(names)}
    for attr in lex.ORDER[1:]:
        if attr == "near" and attr in attrs:
            mr[attr] = rng.choice([n for n in names if n != mr["name"]])
        elif attr in attrs:
            new = attr == novel or (novel and attr in UNSEEN and rng.random() < UNSEEN_SHARE)
            mr[attr] = rng.choice(UNSEEN[attr] if new else SEEN[attr])
    return mr


def linearise(mr: dict[str, str]) -> str:
    """E2E's input format: 'name[The Eagle], eatType[pub], ...' in its fixed attribute order."""
    return ", ".join(f"{attr}[{mr[attr]}]" for attr in lex.ORDER if attr in mr)


def _and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _tone(attr: str, value: str) -> int:
    return (attr, value) in lex.POSITIVE or -((attr, value) in lex.NEGATIVE)


def _join_predicates(rng: random.Random, mr: dict, preds: list[tuple[str, str]]) -> str:
    """'A and B' or 'A, B and C'; two predicates of opposite tone may read 'A but B'."""
    if len(preds) == 2 and _tone(preds[0][0], mr.get(preds[0][0], "")) * \
            _tone(preds[1][0], mr.get(preds[1][0], "")) < 0 and rng.random() < 0.6:
        return f"{preds[0][1]} but {preds[1][1]}"
    return _and([p for _, p in preds])


def _fresh(rng: random.Random, phrases: list[str], taken: list[str]) -> str:
    """A phrasing whose first two words no phrase in ``taken`` starts with, when there is one
    ("is located near X and is located in ..." reads badly)."""
    heads = {" ".join(p.split()[:2]) for p in taken}
    return rng.choice([p for p in phrases if " ".join(p.split()[:2]) not in heads] or phrases)


def _slots(rng: random.Random, mr: dict, attrs: list[str], pred: str,
           np_slots: tuple[str, ...] = ("adj", "with", "post"), max_preds: int = 2) -> dict:
    """attribute -> (slot, phrase), for one sentence.

    ``pred`` is "no", "may", "one" (at least one predicate) or "all" (the sentence shape decides);
    ``np_slots`` are the noun-phrase slots the shape can fill ("place": only place post-modifiers).
    At most two adjectives besides the cuisine, one post-modifier that is not a place and
    ``max_preds`` predicates keep it readable.
    """
    out: dict[str, tuple[str, str]] = {}
    for attr in attrs:
        ph = lex.phrases(attr, mr[attr])
        used = [s for s, _ in out.values()]
        allowed = {"pred"} if pred == "all" else set(np_slots) | ({"pred"} if pred != "no" else set())
        if attr != "food" and sum(s == "adj" and a != "food" for a, (s, _) in out.items()) >= 2:
            allowed.discard("adj")
        if attr in PLACES and "place" in np_slots:
            allowed.add("post")
        if attr not in PLACES and any(s == "post" and a not in PLACES for a, (s, _) in out.items()):
            allowed.discard("post")
        if used.count("pred") >= max_preds and pred != "all":
            allowed.discard("pred")
        weights = {"adj": 0.6 if attr == "food" else 0.8, "with": 1.0, "post": 1.0, "pred": 1.2}
        options = {s: w for s, w in weights.items() if s in allowed and ph.get(s)}
        if not options:  # the shape's limits are full: any slot this value has
            options = {next(s for s in ("with", "adj", "post", "pred") if ph.get(s)
                            and (s != "pred" or pred != "no")): 1.0}
        slot = rng.choices(list(options), list(options.values()))[0]
        out[attr] = (slot, _fresh(rng, ph[slot], [p for s, p in out.values() if s == slot]))
    if pred == "one" and not any(s == "pred" for s, _ in out.values()):
        attr = rng.choice(attrs)
        out[attr] = ("pred", rng.choice(lex.phrases(attr, mr[attr])["pred"]))
    return out


def _noun_phrase(rng: random.Random, mr: dict, slots: dict, capital: bool = False) -> str:
    """'a cheap, family-friendly Italian restaurant' from the adjective slots and the eatType."""
    noun = rng.choice(lex.EAT_NOUNS[mr["eatType"]] if "eatType" in mr else lex.GENERIC_NOUNS)
    adjs = [slots[a][1] for a in ("customer rating", "priceRange", "familyFriendly")
            if slots.get(a, ("",))[0] == "adj"]
    words = [rng.choice([", ", " and "]).join(adjs)] if adjs else []
    if slots.get("food", ("",))[0] == "adj":
        words.append(slots["food"][1])
    text = " ".join(words + [noun])
    text = f"{lex.article(text)} {text}"
    return text[0].upper() + text[1:] if capital else text


def _post_modifiers(rng: random.Random, slots: dict) -> tuple[str, str]:
    """(' rated 3 out of 5 serving French food near The Bell, with low prices', ending).

    'rated ...' comes right after the noun and 'where children ...' last, so neither seems to
    describe a nearby landmark. ``ending`` ("", "area", "with" or "other") says what a relative
    clause would follow.
    """
    post = {a: p for a, (s, p) in slots.items() if s == "post"}
    places = [post[a] for a in PLACES if a in post]
    rng.shuffle(places)
    food = [post["food"]] if "food" in post else []
    parts = [post[a] for a in ("customer rating",) if a in post]
    parts += (food + places if rng.random() < 0.5 else places + food)
    parts += [post[a] for a in ("familyFriendly",) if a in post]
    text = " ".join(parts)
    withs = [p for s, p in slots.values() if s == "with"]
    ending = "area" if "area" in post and text.endswith(post["area"]) else "other" if text else ""
    if withs:
        comma = text and ("familyFriendly" in post or rng.random() < 0.4)
        text += (", with " if comma else " with ") + _and(withs)
        ending = "with"
    text = text.strip()
    return (" " + text if text else ""), ending


def _predicates(rng: random.Random, mr: dict, slots: dict) -> str:
    return _join_predicates(rng, mr, [(a, p) for a, (s, p) in slots.items() if s == "pred"])


def _relative(rng: random.Random, preds: str, ending: str) -> str:
    """' that has low ratings' / ', and it is near The Bell' after a noun phrase, or ''.

    'that'/'which' and a bare 'and' only where they cannot attach to a landmark, a 'with' phrase
    or a 'rated' phrase, and 'and' only where the predicates have no 'and' of their own.
    """
    if not preds:
        return ""
    plain = ending in ("", "area") and " and " not in preds and " but " not in preds
    options = [", and it "] + ([" and "] if plain else []) \
        + ([" that ", " which "] if ending in ("", "area") else [])
    return rng.choice(options) + preds


def _first_sentence(rng: random.Random, mr: dict, attrs: list[str]) -> tuple[str, dict]:
    """The sentence that introduces the venue by name, in one of FORMS' shapes, and its slots."""
    name = mr["name"]
    forms = dict(FORMS)
    if not any(a in PLACES for a in attrs) or ("eatType" not in mr and len(attrs) < 2):
        del forms["front"]
    if not attrs:
        for form in ("appos", "called", "np_first"):
            del forms[form]
    if "eatType" in mr or not attrs:
        del forms["bare"]
    form = rng.choices(list(forms), list(forms.values()))[0]
    front, place = "", None
    if form == "front":
        place = rng.choice([a for a in attrs if a in PLACES])
        front = rng.choice(lex.phrases(place, mr[place])["front"])
        attrs = [a for a in attrs if a != place]
    pred = {"is": "may", "front": "may", "there": "no", "bare": "all"}.get(form, "one")
    np_slots = ("adj", "place") if form in ("called", "np_first") else ("adj", "with", "post")
    slots = _slots(rng, mr, attrs, pred, np_slots, max_preds=3 if form == "bare" else 2)
    if slots and all(s == "pred" for s, _ in slots.values()) and form != "there":
        # "X is a venue that ..." and "A pub, X ..." say nothing: "X ..." / "X is a pub ..."
        form = "bare" if "eatType" not in mr else "is" if form in ("appos", "np_first") else form
    np = _noun_phrase(rng, mr, slots, capital=form in ("called", "np_first"))
    posts, ending = _post_modifiers(rng, slots)
    called, preds = rng.choice(["called", "named"]), _predicates(rng, mr, slots)
    relative = _relative(rng, preds, ending)
    if form == "there":
        places_only = all(a in PLACES for a, (s, _) in slots.items() if s == "post") \
            and not any(s == "with" for s, _ in slots.values())
        text = f"There is {np}{posts} {called} {name}." if places_only and rng.random() < 0.5 \
            else f"There is {np} {called} {name}{posts}."
    else:
        text = {"is": f"{name} is {np}{posts}{relative}.",
                "front": f"{front}, {name} is {np}{posts}{relative}.",
                "bare": f"{front}, {name} {preds}." if front else f"{name} {preds}.",
                "appos": f"{name}, {np}{posts}, {preds}.",
                "called": f"{np}{posts} {called} {name} {preds}.",
                "np_first": f"{np}{posts}, {name} {preds}."}[form]
    return text, {**slots, **({place: ("front", front)} if place else {})}


def _next_sentence(rng: random.Random, mr: dict, attrs: list[str], after: str) -> tuple[str, dict]:
    """A follow-up sentence about the venue ('It has ...', 'The pub is ...', 'Children are welcome.').

    The name is a subject again only when the sentence ``after`` did not begin with it.
    """
    own = lex.phrases(attrs[0], mr[attrs[0]]).get("sent")
    if len(attrs) == 1 and own and rng.random() < 0.45:
        sentence = rng.choice(own)
        return sentence, {attrs[0]: ("sent", sentence)}
    subjects = {"It": 4} | ({} if after.startswith(mr["name"]) else {mr["name"]: 1.5})
    if "eatType" in mr:
        noun = rng.choice(lex.EAT_NOUNS[mr["eatType"]])
        subjects.update({f"The {noun}": 1.5, f"This {noun}": 0.7})
    subject = rng.choices(list(subjects), list(subjects.values()))[0]
    slots = {}
    for attr in attrs:
        ph = lex.phrases(attr, mr[attr])
        slot = "with" if ph.get("with") and rng.random() < 0.3 else "pred"
        slots[attr] = (slot, _fresh(rng, ph[slot], [p for s, p in slots.values() if s == slot]))
    preds = [(a, p) for a, (s, p) in slots.items() if s == "pred"]
    withs = [p for s, p in slots.values() if s == "with"]
    if withs:
        preds.append(("with", "has " + _and(withs)))
    return f"{subject} {_join_predicates(rng, mr, preds)}.", slots


def _sentence_groups(rng: random.Random, attrs: list[str], need_first: bool) -> list[list[str]]:
    """Split the attributes (name and eatType aside) over one to three sentences.

    The first sentence keeps at most four (its noun phrase absorbs most), a later one at most
    three; without an eatType the first sentence keeps at least one, or it would say nothing.
    """
    m = len(attrs)
    n = rng.choices([1, 2, 3], [5, 4, 1] if m <= 3 else [2, 5, 3])[0]
    n = min(max(n, 1 + (m > 4)), 1 + min(2, m - need_first))
    if n == 1:
        return [attrs]
    later = rng.randint(max(n - 1, m - 4), min(m - need_first, 3 * (n - 1)))
    first, rest = attrs[:m - later], attrs[m - later:]
    if n == 2:
        return [first, rest]
    cut = rng.randint(max(1, later - 3), min(later - 1, 3))
    return [first, rest[:cut], rest[cut:]]


def describe(rng: random.Random, mr: dict[str, str]) -> tuple[str, set[str]]:
    """One reference for ``mr`` and the attributes it realised (tests check: all of them)."""
    attrs = [a for a in lex.ORDER[2:] if a in mr]
    rng.shuffle(attrs)
    groups = _sentence_groups(rng, attrs, need_first="eatType" not in mr)
    written = [_first_sentence(rng, mr, groups[0])]
    for group in groups[1:]:
        written.append(_next_sentence(rng, mr, group, written[-1][0]))
    text = " ".join(sentence for sentence, _ in written)
    realised = {a for _, slots in written for a, (_, phrase) in slots.items() if phrase in text}
    realised |= {"name"} if mr["name"] in text else set()
    if "eatType" in mr and any(noun in text for noun in lex.EAT_NOUNS[mr["eatType"]]):
        realised.add("eatType")
    return text, realised


def references(rng: random.Random, mr: dict[str, str]) -> list[str]:
    """2 to 4 distinct references (a few retries keep them apart)."""
    n = rng.choices(*N_REFERENCES)[0]
    out: list[str] = []
    for _ in range(20 * n):
        text, _ = describe(rng, mr)
        if text not in out:
            out.append(text)
        if len(out) == n:
            break
    return out


def build(seed: int = SEED) -> dict[str, list[dict]]:
    """Return {"train", "dev", "dev_unseen": rows}; rows are {"input": MR, "output": [references]}."""
    rng = random.Random(seed)
    pools, seen = name_pools(), set()
    splits = {}
    for split, n in SIZES.items():
        rows = []
        while len(rows) < n:
            mr = meaning(rng, split, pools[split])
            source = linearise(mr)
            if source in seen:
                continue
            seen.add(source)
            rows.append({"input": source, "output": references(rng, mr)})
        splits[split] = rows
    return splits
