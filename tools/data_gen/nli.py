"""Natural language inference pairs built from scene descriptions.

A scene (who, doing what, where, when) is rendered as the premise. Each premise
gets one hypothesis per label, made by a rule that really produces that label:

* entailment: generalise (woman -> person, violin -> instrument, park ->
  outdoors), drop modifiers, swap in a synonym, or state something the scene
  rules out ("the woman is not indoors");
* contradiction: an incompatible action, object, place, time or person,
  negation of the event, or "alone" for a group;
* neutral: add what the scene cannot confirm (purpose, emotion, relation,
  companion, occasion, profession, an unstated place).

Negations appear under all three labels so "not" is no shortcut. Dev scenes
never share (person, action, object, place) with a train scene.
"""

import random

from .nli_rules import RULES
from .nli_scene import Scene, draw_scene, premise

SEED = 2202
N_TRAIN_PREMISES = 270
N_DEV_PREMISES = 80
LABELS = ("entailment", "neutral", "contradiction")


def _hypothesis(rng: random.Random, s: Scene, label: str) -> str:
    rules = RULES[label]
    while True:
        rule = rng.choices([r for r, _ in rules], weights=[w for _, w in rules])[0]
        text = rule(rng, s)
        if text and text != premise(s):
            return text


def _rows(rng: random.Random, n: int, banned: set) -> list[dict]:
    rows, premises = [], set()
    while len(premises) < n:
        scene = draw_scene(rng)
        text = premise(scene)
        if scene.key in banned or text in premises:
            continue
        premises.add(text)
        banned.add(scene.key)
        for label in LABELS:
            rows.append({"text": text, "text_b": _hypothesis(rng, scene, label),
                         "label": label})
    return rows


def build(seed: int = SEED) -> dict[str, list[dict]]:
    """Return {"train": rows, "dev": rows}; rows are {"text", "text_b", "label"}."""
    rng = random.Random(seed)
    used_keys: set = set()
    train = _rows(rng, N_TRAIN_PREMISES, used_keys)
    dev = _rows(rng, N_DEV_PREMISES, used_keys)
    rng.shuffle(train)
    rng.shuffle(dev)
    return {"train": train, "dev": dev}
