"""Scenes for the NLI generator: who is doing what, where and when.

A ``Scene`` is drawn from the lexicon with a few realism constraints (groups
only for shareable actions, weather only outdoors) and rendered as the
premise sentence. The label rules in ``nli_rules`` read the same scene.
"""

import random
from dataclasses import dataclass

from .nli_lexicon import (ACTIONS, BACKGROUNDS, PEOPLE, PLACES, PLURAL_MODS, SINGULAR_MODS, TIMES,
                          Action, Person, Place, Thing, Time)


@dataclass(frozen=True)
class Scene:
    who: Person
    mod: str
    action: Action
    thing: Thing | None
    place_key: str
    time: Time | None
    background: str

    @property
    def place(self) -> Place | None:
        return PLACES[self.place_key] if self.place_key else None

    @property
    def be(self) -> str:
        return "are" if self.who.plural else "is"

    @property
    def pron(self) -> str:
        return {"f": "she", "m": "he"}.get(self.who.gender, "they")

    @property
    def poss(self) -> str:
        return {"f": "her", "m": "his"}.get(self.who.gender, "their")

    @property
    def act(self) -> str:
        return act_phrase(self.action.ing, self.thing)

    @property
    def key(self) -> tuple:
        return (self.who.np, self.action.ing, self.thing.np if self.thing else "", self.place_key)


def act_phrase(verb: str, thing: Thing | None) -> str:
    return f"{verb} {thing.np}" if thing else verb


def cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _an(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def with_adj(np: str, adj: str) -> str:
    """'a violin' + 'old' -> 'an old violin'; other noun phrases get the adjective inline."""
    head, _, rest = np.partition(" ")
    if head in ("a", "an"):
        return f"{_an(adj)} {adj} {rest}"
    if head in ("some", "the", "two"):
        return f"{head} {adj} {rest}"
    return f"{adj} {np}"


def fill_slots(text: str, scene: Scene) -> str:
    return text.format(pron=scene.pron, poss=scene.poss, be=scene.be)


def draw_scene(rng: random.Random) -> Scene:
    action = rng.choice(ACTIONS)
    thing = rng.choice(action.things) if action.things else None
    places = (thing.places if thing and thing.places else action.places)
    place_key = rng.choice(places) if rng.random() < 0.85 else ""
    who = rng.choice([p for p in PEOPLE if action.group or not p.plural])
    mod = ""
    if action.mode not in ("water", "rest") and rng.random() < 0.4:
        if who.plural:
            mod = rng.choice(PLURAL_MODS)
        else:
            mod = rng.choice([m for m, g in SINGULAR_MODS if g in ("", who.gender)])
    outdoors = place_key and PLACES[place_key].kind == "out"
    times = [t for t in TIMES if outdoors or not t.outdoor_only]
    time = rng.choice(times) if rng.random() < 0.35 else None
    background = rng.choice(BACKGROUNDS) if outdoors and rng.random() < 0.12 else ""
    return Scene(who, mod, action, thing, place_key, time, background)


def premise(s: Scene) -> str:
    parts = [s.who.np + (f" {s.mod}" if s.mod else ""), s.be, s.act]
    if s.place:
        parts.append(s.place.phrase)
    if s.time:
        parts.append(s.time.phrase)
    text = " ".join(parts)
    if s.background:
        text += f", {s.background}"
    return cap(text) + "."
