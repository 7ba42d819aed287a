"""XSum-style summarization: short invented news reports, each with one or two one-sentence summaries.

A report is built from one invented event (a match, a council vote, a storm, a new species, a
fundraiser; 19 kinds in ``summarization_sport_business``, ``summarization_local`` and
``summarization_people``): a lead sentence in one of several shapes, then body sentences picked
at random so reports of one kind differ in what they say. Summaries state the key fact (who,
what, the result) in words of their own, never the lead copied, as in XSum (Narayan et al.
2018), the summarization set Prefix-tuning (Li & Liang 2021) used. Dev draws mostly on names
held out of train and never repeats a train report.
"""

import random

from .summarization_local import bridge, bus, council, flood, heat, rail, snow, storm
from .summarization_people import charity, device, festival, painting, prize, sky, species
from .summarization_sport_business import closure, expansion, match, profits
from .summarization_world import News, Story

SEED = 6606
SIZES = {"train": 800, "dev": 200}
WORDS = (60, 150)  # words per report
SENTENCES = (3, 6)  # sentences per report, lead included
N_SUMMARIES = ([1, 2], [45, 55])
KINDS = {match: 3, expansion: 1, closure: 1, profits: 1, council: 2, storm: 1, flood: 1, snow: 0.7,
         heat: 0.7, rail: 1, bridge: 0.7, bus: 0.7, charity: 1.5, species: 1, device: 1, sky: 0.6,
         festival: 1, prize: 0.8, painting: 0.8}


def assemble(rng: random.Random, story: Story) -> str | None:
    """The lead, every essential body sentence and a random few others, in order; None if no
    choice fits the length limits (the caller then draws a new story)."""
    essential = [i for i, (_, needed) in enumerate(story.body) if needed]
    optional = [i for i, (_, needed) in enumerate(story.body) if not needed]
    for _ in range(10):
        n = rng.randint(SENTENCES[0] - 1, SENTENCES[1] - 1) - len(essential)
        keep = essential + rng.sample(optional, max(0, min(n, len(optional))))
        text = " ".join([story.lead] + [story.body[i][0] for i in sorted(keep)])
        if SENTENCES[0] <= 1 + len(keep) <= SENTENCES[1] and WORDS[0] <= len(text.split()) <= WORDS[1]:
            return text
    return None


def build(seed: int = SEED) -> dict[str, list[dict]]:
    """Return {"train": rows, "dev": rows}; rows are {"input": report, "output": [summaries]}."""
    rng = random.Random(seed)
    seen: set = set()
    splits = {}
    for split, n in SIZES.items():
        world, rows = News(rng, dev=split == "dev"), []
        while len(rows) < n:
            story = rng.choices(list(KINDS), list(KINDS.values()))[0](world)
            text = assemble(rng, story)
            if text is None or text in seen:
                continue
            seen.add(text)
            rows.append({"input": text, "output": rng.sample(story.summaries, rng.choices(*N_SUMMARIES)[0])})
        splits[split] = rows
    return splits
