"""People-and-discovery stories for the summarization preset: fundraisers, science, festivals, arts.

Same contract as ``summarization_sport_business``: one invented event in, one ``Story`` out.
"""

from . import summarization_lexicon as lex
from .summarization_world import News, Story, article, capital, pronouns


def charity(w: News) -> Story:
    """Someone completes a sponsored challenge for a good cause."""
    rng = w.rng
    person, gender = w.person()
    his, first = pronouns(gender), person.split()[0]
    town, other = w.towns(2)
    age, amount = rng.randint(16, 75), w.money(800, 60_000)
    fill = {"k": rng.randint(3, 12), "a": town, "b": other, "lake": rng.choice(lex.LAKES)}
    verb, feat = (text.format(**fill) for text in rng.choice(lex.FEATS))
    cause = rng.choice(lex.CAUSES)[0].format(town=town, his=his["his"])
    who = {("m", True): "man", ("f", True): "woman", ("m", False): "boy", ("f", False): "girl"}[gender, age >= 18]
    lead = rng.choice([f"{person}, {age}, from {town}, {verb} to raise money for {cause}.",
                       f"{capital(article(str(age)))} {age}-year-old {who} from {town} has raised {amount} "
                       f"for {cause} after {his['he']} {verb}.",
                       f"{person} has completed {feat}, raising {amount} for {cause}."])
    name = first if person in lead else person
    body = [(f"{name} decided to take on the challenge after "
             + rng.choice(["a close friend was helped by the charity", f"{his['his']} mother needed its help last year",
                           f"seeing its work for {his['him']}self"]) + ".", person not in lead),
            (f"{capital(his['he'])} trained for {rng.randint(2, 10)} months and said the hardest part was "
             + rng.choice(["the weather", "the blisters", "getting up early every day"]) + ".", False),
            (f"Friends and family cheered {his['him']} over the finish line in {town}.", False),
            (f"A spokesperson for the charity said the money would pay for {rng.choice(lex.CAUSE_USES)}.", False),
            (f"{first} says {his['he']} is already planning {his['his']} next challenge.", False)]
    if amount not in lead:
        body.insert(1, (f"So far {first} has raised {amount}, more than twice {his['his']} original target.", True))
    summaries = [f"{capital(cause)} is {amount} better off after {person} from {town} completed {feat}.",
                 f"{capital(cause)} has received {amount} thanks to {feat} by {person}."]
    return Story(lead, body, summaries, [person, amount])


def species(w: News) -> Story:
    """A university team names a new species."""
    rng = w.rng
    town, area, animal = w.town(), w.area(), rng.choice(lex.ANIMALS)
    habitat, honouree = rng.choice(lex.HABITATS), w.person()[0]
    latin = f"{rng.choice(lex.GENERA)} {honouree.split()[-1].lower()}i"
    lead = rng.choice([f"Scientists from the University of {town} have identified a new species of {animal} "
                       f"in the {area}.",
                       f"{capital(article(animal))} {animal} found in the {area} has been confirmed as a species new "
                       f"to science, researchers at the University of {town} say.",
                       f"Researchers at the University of {town} say {article(animal)} {animal} discovered in "
                       f"{habitat} in the {area} is a previously unknown species."])
    size = f"grows to about {rng.randint(5, 60)} centimetres tall" if animal in ("orchid", "fern") \
        else f"is about {rng.randint(8, 90)} millimetres long"
    survey = "a survey" if habitat in lead else f"a survey of {habitat}"
    body = [(f"The {animal}, which {size}, was first spotted during {survey} in {rng.randint(2016, 2023)}.", False),
            (f"It has been named {latin} in honour of {honouree}, a local naturalist.", True),
            (f"The findings are published in {rng.choice(lex.JOURNALS[:4])}.", False),
            (f'Dr {w.person()[0]} said: "'
             + rng.choice(["We were amazed to find something new so close to a town",
                           "It shows how much we still do not know about our own countryside",
                           "Now we need to find out how many of them are left"]) + '."', False),
            (f"Only {rng.randint(3, 40)} have been found so far, and the team has asked for the site to be protected.",
             False)]
    summaries = [f"{capital(article(animal))} {animal} never before described by science has been discovered "
                 f"in the {area}.",
                 f"Researchers in {town} say they have found a new kind of {animal} living in the {area}.",
                 f"A previously unknown species of {animal}, named {latin}, has been recorded in the {area}."]
    return Story(lead, body, summaries, [animal, area])


def device(w: News) -> Story:
    """Engineers build a cheap device."""
    rng = w.rng
    town, other = w.towns(2)
    thing, key, purpose = rng.choice(lex.DEVICES)
    lead = rng.choice([f"Engineers at the University of {town} have built {thing} that can {purpose}.",
                       f"{capital(thing)} that can {purpose} has been developed by a team at the University of {town}.",
                       f"A team at the University of {town} says its new {key} could make it far cheaper to "
                       f"{purpose}."])
    body = [(f"Each one costs about {w.money(20, 400)} to make, far less than existing equipment.", False),
            (f"It is being tested at {rng.randint(3, 20)} sites around {other} this year.", False),
            (f'Project leader Professor {w.person()[0]} said: "'
             + rng.choice(["We wanted something any small business could afford",
                           "The first results are better than we hoped",
                           "It started as a student project in a garden shed"]) + '."', False),
            (f"Details of the design appear in {rng.choice(lex.JOURNALS[4:])}.", False),
            (f"The work was funded by a {w.money(50_000, 900_000)} grant.", False),
            ("Several companies have already asked about making it.", False)]
    summaries = [f"A cheap {key} designed in {town} could help to {purpose}.",
                 f"Engineers in {town} have come up with a cheap {key} to {purpose}."]
    return Story(lead, body, summaries, [key, town])


def sky(w: News) -> Story:
    """A small observatory finds something new in the sky."""
    rng = w.rng
    town, obj = w.town(), rng.choice(lex.SKY_OBJECTS)
    lead = rng.choice([f"Astronomers at the {town} Observatory have spotted a previously unknown {obj}.",
                       f"{capital(article(obj))} {obj} never seen before has been found by astronomers at the "
                       f"{town} Observatory.",
                       f"A student working at the {town} Observatory has discovered a new {obj}."])
    body = [(f"It was first noticed by {w.person()[0]}, a "
             + rng.choice(["first-year", "second-year", "PhD"]) + f" student, on images taken on {w.day()}.", False),
            ("Other observatories have since confirmed the sighting.", False),
            (f"It has been given the provisional name {town[:2].upper()}{rng.randint(100, 999)}.", False),
            (f'Observatory director {w.person()[0]} said: "'
             + rng.choice(["This is a wonderful find for a small observatory",
                           "It shows you do not need a giant telescope to make discoveries",
                           "We will be watching it closely over the coming months"]) + '."', False),
            (f"Amateur astronomers should be able to see it with a small telescope in {w.month()}.", False)]
    summaries = [f"A new {obj} has been discovered by a team in {town}.",
                 f"Astronomers in {town} have added {article(obj)} {obj} to the list of known objects in the sky."]
    return Story(lead, body, summaries, [obj, town])


def festival(w: News) -> Story:
    """A town festival breaks its attendance record."""
    rng = w.rng
    town = w.town()
    name = f"{town} {rng.choice(lex.FESTIVALS).title()} Festival"
    crowd = rng.randint(50, 600) * 100
    lead = rng.choice([f"A record {crowd:,} people attended the {name} over the weekend, organisers have said.",
                       f"The {name} drew {crowd:,} visitors this year, the most in its "
                       f"{rng.randint(5, 60)}-year history.",
                       f"Crowds at this year's {name} were the biggest ever, with {crowd:,} people passing through "
                       f"the gates."])
    body = [(f"The previous record, set in {w.year()}, was {crowd * rng.randint(70, 95) // 10000 * 100:,}.", False),
            ("Highlights included " + rng.choice(["a parade of giant puppets", "a night-time procession of lanterns",
                                                  "a competition for the best home-made kite",
                                                  "live music on three stages"]) + ".", False),
            (f"Organisers estimate the festival brought {w.money(200_000, 5_000_000)} into the local economy.", False),
            ("Dry, sunny weather helped to swell the crowds.", False),
            (f'Festival director {w.person()[0]} said: "'
             + rng.choice(["We are overwhelmed by the support", "The whole town came together this weekend",
                           "We will need a bigger field next year"]) + '."', False),
            (f"Next year's festival will take place in {w.month()}.", False)]
    summaries = [f"The {name} has had its biggest ever attendance, with {crowd:,} visitors.",
                 f"Organisers say this year's {name} broke its attendance record.",
                 f"More people than ever before went to the {name} this year."]
    return Story(lead, body, summaries, [name])


def prize(w: News) -> Story:
    """A local author wins a book prize."""
    rng = w.rng
    person, gender = w.person()
    his, first, town = pronouns(gender), person.split()[0], w.town()
    title = f"The {rng.choice(lex.TITLE_ADJECTIVES)} {rng.choice(lex.TITLE_NOUNS)}"
    kind = rng.choice(lex.PRIZES)
    award = f"{w.pick(lex.AREA_NAMES)} Prize for {kind}"
    which = "debut" if kind == "First Novel" else rng.choice(["second", "third", "latest"])
    lead = rng.choice([f"{town} author {person} has won the {award} for {his['his']} novel {title}.",
                       f"{title}, the {which} novel by {town} writer {person}, has won the {award}.",
                       f"{person}, who lives in {town}, has been awarded the {award} for {title}."])
    body = [(f"The prize is worth {w.money(5_000, 50_000)}.", False),
            (f"{title} tells the story of " + rng.choice(
                ["a lighthouse keeper who finds a stranger washed up on the shore",
                 "two sisters who inherit a failing bakery", "a detective investigating a death at a village fair",
                 "a boy who runs away to join a travelling circus"]) + ".", False),
            ("The judges called it " + rng.choice(['"a quiet masterpiece"', '"funny, wise and utterly gripping"',
                                                   '"the most original book we read this year"']) + ".", False),
            (f"{first} beat {rng.randint(4, 9)} other writers on the shortlist.", False),
            (f'{first} said: "' + rng.choice(["I still cannot quite believe it",
                                              "I wrote most of it at my kitchen table",
                                              f"This is for everyone in {town} who supported me"]) + '."', False),
            ("Sales of the book have tripled since the shortlist was announced.", False)]
    summaries = [f"{person}'s novel {title} has been named winner of the {award}.",
                 f"The {award} has gone to {person} of {town} for {title}."]
    return Story(lead, body, summaries, [person, title])


def painting(w: News) -> Story:
    """A museum shows a painting that was lost for years."""
    rng = w.rng
    artist, town, other = w.person()[0], *w.towns(2)
    years = rng.randint(20, 120)
    lead = rng.choice([f"A painting by {artist} that was missing for {years} years has gone on display at the "
                       f"{town} Museum.",
                       f"The {town} Museum has put on show a long-lost painting by {artist}.",
                       f"A long-lost work by {artist} is on public view at the {town} Museum for the first time in "
                       f"{years} years."])
    body = [("The picture, which shows " + rng.choice(["a harbour at dawn", "the artist's mother", "a winter market",
                                                      "a storm over the hills"])
             + f", had not been seen in public for {years} years.", f"{years} years" not in lead),
            ("It was found " + rng.choice([f"in an attic in {other}", "at a car boot sale",
                                           f"behind a wardrobe in a house in {other}"]) + " last year.", False),
            ("Experts confirmed it was genuine after studying the paint and the canvas.", False),
            (f"The museum bought it for {w.money(20_000, 900_000)}, with help from a local trust.", False),
            (f'Curator {w.person()[0]} said: "'
             + rng.choice(["It is like welcoming home an old friend", "We never thought we would see it",
                           "People have been queuing since the doors opened"]) + '."', False),
            (f"It will be on show until {w.month()}.", False)]
    summaries = [f"A painting by {artist} that disappeared {years} years ago can now be seen in {town}.",
                 f"Visitors to the {town} Museum can now see a work by {artist} that had been lost for {years} years."]
    return Story(lead, body, summaries, [artist, town])
