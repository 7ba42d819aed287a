"""Hypothesis rules for the NLI generator, one function per way of making a label.

Each rule takes a scene and returns a hypothesis whose label follows from the
scene's semantics (or None when it does not apply). Entailments generalise or
state what the scene fixes, contradictions change something incompatible,
neutrals add what the scene cannot confirm.
"""

import random

from .nli_lexicon import (COMPANIONS_PL, COMPANIONS_SG, CONTRA_ACTIONS, EMOTIONS, OCCASIONS,
                          PLACE_CONTRA, PLACES, THING_ADJECTIVES, TIMES, Thing)
from .nli_scene import Scene, act_phrase, cap, fill_slots, premise, with_adj

# ---------------------------------------------------------------- shared pieces
# Rules for all three labels draw subjects, actions and extras from the same
# helpers, so words like "someone", "not", "alone" or "indoors" occur under
# every label and only the premise decides which one applies.

VAGUE = ("a person", "someone", "someone young", "people", "some people", "several people",
         "two people", "a group of people", "a group of young people")


def _general_acts(s: Scene) -> list[str]:
    acts = list(s.action.general)
    if s.thing:
        acts.append(f"{s.action.ing} {s.thing.hyper}")
        acts += list(s.thing.also)
    if s.action.synonym:
        acts.append(act_phrase(s.action.synonym, s.thing))
    return acts


def _subject(rng: random.Random, s: Scene, vague: bool = True) -> tuple[str, str]:
    """(subject, 'is'/'are') for the premise's people; ``vague`` allows 'someone' etc.

    Contradictions keep a specific subject: "someone is asleep" could be someone else.
    """
    r = rng.random()
    if r < 0.45:
        return s.who.np, s.be
    if r < 0.7:
        return s.who.the, s.be
    hypers = [h for h in s.who.hyper if vague or h not in VAGUE] or [s.who.np]
    hyper = rng.choice(hypers)
    return hyper, "are" if s.who.plural and not hyper.startswith("a ") else "is"


def _any_act(rng: random.Random, s: Scene) -> str:
    return s.act if rng.random() < 0.6 else rng.choice(_general_acts(s))


def _is_a(s: Scene) -> list[str]:
    """Predicate nouns that are true of the premise's people."""
    if not s.who.plural:
        return [s.who.np] + [h for h in s.who.hyper if h not in VAGUE]
    out = []
    for h in s.who.hyper:
        for lead in ("some ", "several ", "two ", "three ", "a group of "):
            h = h.removeprefix(lead)
        out.append(h)
    return [h for h in out if h != "people"]


def _bare_plural(phrase: str) -> str:
    """'two old friends' -> 'old friends'; '' for phrases that do not reduce."""
    for lead in ("some ", "several ", "two ", "three ", "a group of "):
        if phrase.startswith(lead):
            return phrase.removeprefix(lead)
    return ""


def _extra(rng: random.Random, s: Scene) -> str:
    """An unverifiable addition: purpose, reason, company or occasion."""
    r = rng.random()
    if r < 0.4:
        return fill_slots(rng.choice(s.action.purposes), s)
    if r < 0.6:
        return f"because {s.pron} {s.be} {rng.choice(EMOTIONS)}"
    if r < 0.8:
        pool = COMPANIONS_PL if s.who.plural else COMPANIONS_SG
        return f"with {s.poss} {rng.choice(pool)}"
    return fill_slots(rng.choice(OCCASIONS), s)


def _state(s: Scene, true: bool) -> str:
    """'asleep' or 'awake', whichever is ``true`` (or false) of the scene's people."""
    asleep = s.action.mode == "rest"
    return "asleep" if asleep == true else "awake"


def _where_word(rng: random.Random, s: Scene, true: bool) -> str:
    """'indoors'/'outside' style word that is true or false of the scene's place."""
    inside = s.place.kind == "in"
    return rng.choice(("indoors", "inside") if inside == true else ("outdoors", "outside"))


def _sentence(*parts: str) -> str:
    return cap(" ".join(p for p in parts if p)) + "."


def _passive(s: Scene, thing: Thing, by: str) -> str | None:
    if not (s.action.participle and thing.np.split()[0] in ("a", "an")):
        return None
    return _sentence(thing.np, "is being", s.action.participle, "by", by)


# ---------------------------------------------------------------- entailment rules

def _entail_weaker(rng: random.Random, s: Scene) -> str | None:
    """Drop and generalise parts of the scene; every step keeps the hypothesis true."""
    subject = rng.choice([s.who.np] + list(s.who.hyper))
    if s.mod and rng.random() < 0.3:
        subject += f" {s.mod}"
    be = "are" if s.who.plural and not subject.startswith("a ") else "is"
    parts = [subject, be, _any_act(rng, s)]
    if s.place and rng.random() < 0.5:
        parts.append(rng.choice([s.place.phrase] + list(s.place.hyper)))
    if s.time and rng.random() < 0.3:
        parts.append(rng.choice((s.time.phrase,) + s.time.hyper))
    text = _sentence(*parts)
    if s.background and rng.random() < 0.3:
        text = text[:-1] + f", {s.background}."
    return None if text == premise(s) else text


def _entail_state(rng: random.Random, s: Scene) -> str | None:
    """Say (or deny) something the scene fixes: awake/asleep, inside/outside, alone."""
    subject, be = _subject(rng, s)
    options = [(f"not {_state(s, False)}",), (_state(s, True),)]
    if s.place and s.place.kind in ("in", "out"):
        options += [(f"not {_where_word(rng, s, False)}",), (_where_word(rng, s, True),)]
    if s.who.plural:
        options.append(("not alone",))
    if rng.random() < 0.2:
        return _sentence("not everyone is", _state(s, False))
    return _sentence(subject, be, *rng.choice(options))


def _entail_there(rng: random.Random, s: Scene) -> str | None:
    hyper = rng.choice(s.who.hyper)
    be = "are" if s.who.plural and not hyper.startswith("a ") else "is"
    where = rng.choice(s.place.hyper) if s.place else ""
    return _sentence("there", be, hyper, rng.choice(_general_acts(s)), where)


def _entail_passive(rng: random.Random, s: Scene) -> str | None:
    if not s.thing:
        return None
    thing = s.thing
    if rng.random() < 0.5 and s.thing.hyper.split()[0] in ("a", "an"):
        thing = Thing(s.thing.hyper, s.thing.hyper)
    return _passive(s, thing, rng.choice([s.who.np] + list(s.who.hyper)))


def _entail_group(rng: random.Random, s: Scene) -> str | None:
    if not s.who.plural:
        return None
    subject = rng.choice(["more than one person is", "at least two people are"])
    return _sentence(subject, _any_act(rng, s))


def _entail_person(rng: random.Random, s: Scene) -> str | None:
    preds = _is_a(s)
    if not preds:
        return None
    if s.who.plural:
        are = rng.choice(["are", "are all"])
        return _sentence("the people", _any_act(rng, s), are, rng.choice(preds))
    return _sentence("the person", _any_act(rng, s), "is", rng.choice(preds))


ENTAIL_RULES = [(_entail_weaker, 5), (_entail_state, 3), (_entail_there, 1),
                (_entail_passive, 1), (_entail_group, 1), (_entail_person, 2)]


# ---------------------------------------------------------------- contradiction rules

def _maybe_extra(rng: random.Random, s: Scene) -> str:
    return _extra(rng, s) if rng.random() < 0.3 else ""


def _contra_negate(rng: random.Random, s: Scene) -> str | None:
    general = rng.choice(_general_acts(s)).replace("something", "anything")
    options = [_sentence(s.who.the, s.be, "not", _any_act(rng, s)),
               _sentence("nobody is", general)]
    if s.place and s.place.empty:
        options.append(s.place.empty)
    return rng.choice(options)


def _contra_action(rng: random.Random, s: Scene) -> str | None:
    subject, be = _subject(rng, s, vague=False)
    other = rng.choice(CONTRA_ACTIONS[s.action.mode])
    when = s.time.phrase if s.time and rng.random() < 0.3 else ""
    r = rng.random()
    if r < 0.2:
        return _sentence("there", be, s.who.np, other, when)
    if r < 0.35 and other.split()[0].endswith("ing") and other.split()[0] != "sitting":
        return _sentence(subject, be, "enjoying", other, when)
    return _sentence(subject, be, other, when, _maybe_extra(rng, s))


def _contra_thing(rng: random.Random, s: Scene) -> str | None:
    if not (s.thing and s.action.exclusive):
        return None
    others = [t for t in s.action.things if t.np != s.thing.np]
    other = rng.choice(others)
    if rng.random() < 0.3:
        passive = _passive(s, other, s.who.np)
        if passive:
            return passive
    subject, be = _subject(rng, s, vague=False)
    fits = other.places or s.action.places
    where = s.place.phrase if s.place and s.place_key in fits and rng.random() < 0.4 else ""
    return _sentence(subject, be, act_phrase(s.action.ing, other), where, _maybe_extra(rng, s))


def _contra_person(rng: random.Random, s: Scene) -> str | None:
    other = rng.choice(s.who.contra)
    if s.who.plural:
        return _sentence("the people", _any_act(rng, s), "are all", other)
    return _sentence("the person", _any_act(rng, s), "is", other)


def _contra_alone(rng: random.Random, s: Scene) -> str | None:
    if not s.who.plural:
        return None
    r = rng.random()
    if r < 0.45:
        return _sentence(s.who.alone, "is", _any_act(rng, s), "alone")
    if r < 0.75 or not s.place:
        return _sentence("only one person is", _any_act(rng, s))
    return _sentence("only one person is", s.place.hyper[0])


def _contra_state(rng: random.Random, s: Scene) -> str | None:
    subject, be = _subject(rng, s, vague=False)
    options = [(_state(s, False),), (f"not {_state(s, True)}",)]
    if s.place and s.place.kind in ("in", "out"):
        options += [(_where_word(rng, s, False),), (f"not {_where_word(rng, s, True)}",)]
    return _sentence(subject, be, *rng.choice(options))


def _contra_place(rng: random.Random, s: Scene) -> str | None:
    if not s.place:
        return None
    subject, be = _subject(rng, s, vague=False)
    if rng.random() < 0.4:
        return _sentence(subject, be, rng.choice(PLACE_CONTRA[s.place.kind]))
    kinds = {"out": ("in",), "in": ("out",), "water": ("in",)}[s.place.kind]
    others = [p for _, p in sorted(PLACES.items()) if p.kind in kinds]
    return _sentence(subject, be, _any_act(rng, s), rng.choice(others).phrase,
                     _maybe_extra(rng, s))


def _contra_time(rng: random.Random, s: Scene) -> str | None:
    if not s.time:
        return None
    subject, be = _subject(rng, s, vague=False)
    return _sentence(subject, be, _any_act(rng, s), rng.choice(s.time.contra))


CONTRA_RULES = [(_contra_negate, 2), (_contra_action, 3), (_contra_thing, 2),
                (_contra_person, 2), (_contra_alone, 2), (_contra_state, 2), (_contra_place, 2),
                (_contra_time, 2)]


# ---------------------------------------------------------------- neutral rules

def _neutral_extra(rng: random.Random, s: Scene) -> str | None:
    subject, be = _subject(rng, s)
    r = rng.random()
    if r < 0.15:
        return _sentence(s.who.the, s.be, "not", _any_act(rng, s), _extra(rng, s))
    if r < 0.3:
        who = rng.choice((s.who.np,) + s.who.hyper)
        be = "are" if s.who.plural and not who.startswith("a ") else "is"
        return _sentence("there", be, who, _any_act(rng, s), _extra(rng, s))
    return _sentence(subject, be, _any_act(rng, s), _extra(rng, s))


def _neutral_feeling(rng: random.Random, s: Scene) -> str | None:
    subject, be = _subject(rng, s)
    if rng.random() < 0.5:
        return _sentence(subject, be, rng.choice(EMOTIONS))
    return _sentence(subject, be, "enjoying", _any_act(rng, s))


def _neutral_relation(rng: random.Random, s: Scene) -> str | None:
    who = rng.choice(s.who.relations)
    group = _bare_plural(who) if s.who.plural else ""
    if group and rng.random() < 0.4:
        return _sentence("the people", _any_act(rng, s), "are all", group)
    if rng.random() < 0.4:
        verb = "are" if s.who.plural else "is"
        return _sentence("the", "people" if s.who.plural else "person", _any_act(rng, s),
                         verb, who)
    be = "is" if who.startswith(("a ", "an ")) and " and " not in who else "are"
    where = s.place.phrase if s.place and rng.random() < 0.5 else ""
    return _sentence(who, be, _any_act(rng, s), where)


def _neutral_place(rng: random.Random, s: Scene) -> str | None:
    """Where or when, if the premise does not say."""
    subject, be = _subject(rng, s)
    if not s.place:
        places = s.thing.places if s.thing and s.thing.places else s.action.places
        place = PLACES[rng.choice(places)]
        if rng.random() < 0.35 and place.kind in ("in", "out"):
            word = {"in": ("indoors", "inside"), "out": ("outdoors", "outside")}[place.kind]
            return _sentence(subject, be, rng.choice(word))
        return _sentence(subject, be, _any_act(rng, s), place.phrase)
    if not s.time:
        times = [t for t in TIMES if s.place.kind == "out" or not t.outdoor_only]
        return _sentence(subject, be, _any_act(rng, s), rng.choice(times).phrase)
    return None


def _neutral_pro(rng: random.Random, s: Scene) -> str | None:
    sg, pl = s.action.pro
    if not sg:
        return None
    negate = "not" if rng.random() < 0.35 else ""
    return _sentence(s.who.the, s.be, negate, pl if s.who.plural else sg)


def _neutral_thing(rng: random.Random, s: Scene) -> str | None:
    adjectives = THING_ADJECTIVES.get(s.action.ing)
    if not (s.thing and adjectives) or s.thing.np.split()[0] not in ("a", "an"):
        return None
    thing = Thing(with_adj(s.thing.np, rng.choice(adjectives)), s.thing.hyper)
    if rng.random() < 0.3:
        passive = _passive(s, thing, s.who.np)
        if passive:
            return passive
    subject, be = _subject(rng, s)
    return _sentence(subject, be, act_phrase(s.action.ing, thing))


def _neutral_alone(rng: random.Random, s: Scene) -> str | None:
    if s.who.plural:
        if s.place:
            return _sentence("more than", "two" if s.who.np.startswith("two") else "ten",
                             "people are", s.place.hyper[0])
        return None
    subject, be = _subject(rng, s)
    options = [_sentence(subject, be, "not", _any_act(rng, s), "alone"),
               _sentence(subject, be, _any_act(rng, s), "alone"),
               _sentence("someone nearby is", rng.choice(["asleep", "awake"])),
               _sentence("nobody nearby is", rng.choice(["asleep", "awake"]))]
    if s.place:
        options += [_sentence("at least two people are", s.place.hyper[0]),
                    _sentence("only one person is", s.place.hyper[0]),
                    _sentence("nobody else is", s.place.hyper[0])]
    return rng.choice(options)


NEUTRAL_RULES = [(_neutral_extra, 4), (_neutral_feeling, 2), (_neutral_relation, 2),
                 (_neutral_place, 2), (_neutral_pro, 1), (_neutral_thing, 1),
                 (_neutral_alone, 2)]

RULES = {"entailment": ENTAIL_RULES, "neutral": NEUTRAL_RULES, "contradiction": CONTRA_RULES}
