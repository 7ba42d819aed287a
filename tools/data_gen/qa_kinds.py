"""Passage kinds for the QA generators: people, towns, companies, inventions, events.

Each builder draws every fact of one invented entity, lists alternative
sentences per fact (some state a fact without its year, so "when" can be
left open), and lists several wordings of the question each fact answers.
Questions name the facts they presuppose in ``needs``; no fact can be
derived from another (no ages next to birth years), which keeps qa-v2's
unanswerable questions truly unanswerable.
"""

import random

from . import qa_lexicon as lex
from .qa_passages import Draft
from .qa_world import World

WORK_EVENT = {"novelist": "published", "painter": "finished", "composer": "first performed",
              "architect": "opened", "photographer": "published", "sculptor": "unveiled",
              "poet": "published", "film director": "released"}


def _pronouns(gender: str) -> dict:
    if gender == "f":
        return {"s": "she", "poss": "her", "Poss": "Her"}
    return {"s": "he", "poss": "his", "Poss": "His"}


def _a(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _life_years(rng: random.Random) -> list[str]:
    """Distinct years: born, married, moved, best-known work, award, died."""
    while True:
        born = rng.randint(1760, 1920)
        work = born + rng.randint(26, 50)
        award = work + rng.randint(1, 10)
        years = [born, born + rng.randint(21, 35), born + rng.randint(18, 40), work, award,
                 award + rng.randint(3, 30)]
        if len(set(years)) == len(years):
            return [str(y) for y in years]


def _title(rng: random.Random) -> str:
    return f"The {rng.choice(lex.TITLE_ADJECTIVES)} {rng.choice(lex.TITLE_NOUNS)}"


def person(rng: random.Random, w: World) -> Draft:
    name, gender = w.person()
    mentor, spouse = w.people(2)
    birthplace, moved, died_in, uni_town, work_town = w.towns(5)
    prof = rng.choice(sorted(lex.PROFESSIONS))
    fields, work_kind, count_noun, past, base = lex.PROFESSIONS[prof]
    born, married, moved_year, work_year, award_year, died = _life_years(rng)
    first_work = _title(rng)
    if prof == "architect":
        work = f"{work_town} {rng.choice(lex.BUILDING_NOUNS)}"
        work_ref = f"the {work}"
    else:
        work = work_ref = _title(rng)
        while work == first_work:
            work = work_ref = _title(rng)
    v = {"name": name, "last": name.split()[-1], "prof": prof,
         "a_prof": _a(prof), "birthplace": birthplace,
         "birth_year": born, "field": rng.choice(fields),
         "university": rng.choice([f"University of {uni_town}", f"{uni_town} Academy"]),
         "mentor": mentor, "moved_city": moved, "move_year": moved_year, "spouse": spouse,
         "spouse_job": rng.choice(lex.JOBS), "marriage_year": married,
         "n_children": w.small(2, 6), "work": work, "work_ref": work_ref,
         "work_kind": work_kind, "work_event": WORK_EVENT[prof], "work_year": work_year,
         "n_works": w.small(4, 40), "count_noun": count_noun, "past": past, "base": base,
         "award": rng.choice(["{} Prize", "{} Medal", "{} Award"]).format(
             w.pick(lex.REGION_NAMES)),
         "award_year": award_year, "death_year": died, "death_place": died_in,
         "father_job": rng.choice(lex.JOBS), "first_work": first_work,
         "quality": rng.choice(lex.QUALITIES), **_pronouns(gender)}
    if prof == "architect":
        work_sentences = ["{S} is best remembered for the {work}, which {work_event} in {work_year}.",
                          "{Poss} best-known building is the {work}."]
    else:
        work_sentences = ["{Poss} best-known {work_kind}, {work}, was {work_event} in {work_year}.",
                          "{S} is best remembered for the {work_kind} {work}."]
    work_sentences.append("{S} {past} {n_works} {count_noun}, the best known of which is {work_ref}.")
    groups = [
        (1.0, ["{name} was {a_prof} {prof} born in {birthplace} in {birth_year}.",
               "Born in {birthplace} in {birth_year}, {name} became a celebrated {prof}.",
               "{name} was {a_prof} {prof} born in {birthplace}.",
               "{name}, {a_prof} {prof}, was born in {birth_year}."]),
        (0.6, ["{Poss} father was a {father_job}, and the family had little money.",
               "{S} was the youngest child of a {father_job}."]),
        (0.8, ["{S} studied {field} at the {university}.",
               "After studying {field} at the {university}, {s} trained under {mentor}.",
               "{S} studied {field} under {mentor}.",
               "As a student at the {university}, {s} was taught by {mentor}."]),
        (0.6, ["In {marriage_year}, {s} married {spouse}, a {spouse_job}.",
               "{S} married the {spouse_job} {spouse}, and they had {n_children} children.",
               "{S} married {spouse} in {marriage_year}."]),
        (0.7, ["In {move_year}, {s} moved to {moved_city}, where {s} opened a small studio.",
               "{S} later moved to {moved_city}.",
               "{S} settled in {moved_city} in {move_year}."]),
        (0.6, ["{Poss} first {work_kind}, {first_work}, received little attention at the time.",
               "Critics ignored {poss} first {work_kind}, {first_work}."]),
        (0.85, work_sentences),
        (0.5, ["Critics admired {poss} work for {quality}."]),
        (0.5, ["Over {poss} career, {s} {past} {n_works} {count_noun}."]),
        (0.75, ["In {award_year}, {s} won the {award} for {work_ref}.",
               "{S} received the {award} in {award_year}.",
               "{S} was awarded the {award}."]),
        (0.75, ["{S} died in {death_place} in {death_year}.",
               "{S} spent {poss} last years in {death_place}, where {s} died in {death_year}.",
               "{S} died in {death_year}.",
               "{S} died in {death_place}."]),
    ]
    q = {
        "birthplace": ["Where was {name} born?", "In which town was {last} born?",
                       "What is the birthplace of {name}?"],
        "birth_year": ["When was {name} born?", "In what year was {last} born?",
                       "What year was {name} born in?"],
        "prof": ["What was {name}'s profession?", "What did {last} work as?"],
        "field": ["What did {name} study?", "Which subject did {last} study?"],
        "university": [("Where did {name} study {field}?", ("field",)),
                       "Which institution did {last} attend?", "At which school did {name} study?"],
        "mentor": ["Who taught {name}?", "Under whom did {last} train?",
                   "Who was {name}'s teacher?"],
        "moved_city": ["Where did {name} move to?", "Which town did {last} move to?"],
        "move_year": [("When did {name} move to {moved_city}?", ("moved_city",)),
                      ("In what year did {last} settle in {moved_city}?", ("moved_city",))],
        "spouse": ["Who did {name} marry?", "Who was {last}'s spouse?"],
        "spouse_job": [("What did {spouse} do for a living?", ("spouse",))],
        "marriage_year": [("When did {name} marry {spouse}?", ("spouse",)),
                          "In what year did {last} get married?"],
        "n_children": ["How many children did {name} have?"],
        "work": ["What is {name}'s best-known {work_kind}?",
                 "Which {work_kind} is {last} best remembered for?"],
        "work_year": [("When was {work_ref} {work_event}?", ("work",)),
                      ("In what year was {work_ref} {work_event}?", ("work",))],
        "n_works": ["How many {count_noun} did {name} {base}?"],
        "father_job": ["What did {name}'s father do?", "What was the job of {last}'s father?"],
        "first_work": ["What was {name}'s first {work_kind}?",
                       "Which {work_kind} by {last} received little attention?"],
        "quality": ["What did critics admire in {name}'s work?"],
        "award": ["What award did {name} win?", "Which prize did {last} receive?"],
        "award_year": [("When did {name} win the {award}?", ("award",)),
                       ("In what year was {last} given the {award}?", ("award",))],
        "death_year": ["When did {name} die?", "In what year did {last} die?"],
        "death_place": ["Where did {name} die?", "In which town did {last} die?"],
    }
    other, _ = w.person(gender)
    return Draft("person", name, v, groups, _norm(q),
                 [name, "She" if gender == "f" else "He", v["last"]], ("name", other))


def town(rng: random.Random, w: World) -> Draft:
    name, nearby = w.towns(2)
    founder, mayor = w.people(2)
    founded, landmark_year, rail_year = _distinct_years(
        rng, [(1050, 1500), (1510, 1800), (1830, 1910)])
    v = {"town": name, "region": w.region(), "river": w.river(), "nearby": nearby,
         "distance": f"{rng.randint(4, 90)} kilometres", "founded_year": founded,
         "founder": founder, "founder_job": rng.choice(lex.JOBS),
         "industry": rng.choice(lex.INDUSTRIES), "population": w.count(1200, 60000, 100),
         "landmark": rng.choice(lex.LANDMARK_FORMS).format(
             rng.choice([name, w.pick(lex.REGION_NAMES)])),
         "landmark_year": landmark_year,
         "festival": f"{rng.choice(lex.FESTIVALS)} festival",

         "festival_month": rng.choice(lex.MONTHS), "mayor": mayor,
         "mayor_year": str(rng.randint(1995, 2023)), "rail_year": rail_year,
         "market_day": rng.choice(lex.WEEKDAYS), "n_schools": w.small(2, 9)}
    v["a_festival"] = _a(v["festival"])
    v["A_festival"] = v["a_festival"].capitalize()
    groups = [
        (1.0, ["{town} is a small town in the {region}.",
               "{town} is a market town on the {river}, in the {region}.",
               "{town} is a town on the {river}, about {distance} from {nearby}.",
               "{town} is a small town about {distance} north of {nearby}."]),
        (0.85, ["It was founded in {founded_year} by {founder}, a {founder_job}.",
               "The town was founded by {founder}, a local {founder_job}.",
               "The town was founded in {founded_year}."]),
        (0.6, ["The {river} runs through the centre of the town."]),
        (0.75, ["In the past, the town grew rich from the {industry} trade.",
               "For centuries its wealth came from the {industry} trade."]),
        (0.6, ["The railway reached {town} in {rail_year}, bringing new trade.",
               "A railway line to the town was opened in {rail_year}."]),
        (0.8, ["Today it has about {population} inhabitants.",
               "Around {population} people live there today.",
               "Its population is about {population}."]),
        (0.75, ["Its best-known building is the {landmark}, built in {landmark_year}.",
               "Visitors come to see the {landmark}, which dates from {landmark_year}.",
               "The town is famous for the {landmark}."]),
        (0.7, ["Every {festival_month}, {town} holds {a_festival} {festival}.",
               "{A_festival} {festival} takes place there each {festival_month}.",
               "The town also holds {a_festival} {festival}."]),
        (0.7, ["The current mayor, {mayor}, was elected in {mayor_year}.",
               "Since {mayor_year}, the mayor has been {mayor}.",
               "The town's mayor is {mayor}."]),
        (0.6, ["A market is held in the main square every {market_day}.",
               "The town has {n_schools} schools and a small hospital.",
               "The town has {n_schools} schools, and a market is held every {market_day}."]),
    ]
    q = {
        "region": ["In which region is {town}?", "What region is {town} part of?"],
        "river": ["Which river is {town} on?", "What river flows through {town}?"],
        "distance": [("How far is {town} from {nearby}?", ("nearby",))],
        "nearby": ["Which town is {town} near?", "What is the nearest larger town to {town}?"],
        "founded_year": ["When was {town} founded?", "In what year was {town} founded?"],
        "founder": ["Who founded {town}?", "Who was the founder of {town}?"],
        "founder_job": ["What was the profession of the founder of {town}?",
                        ("What did {founder} do for a living?", ("founder",))],
        "industry": ["What trade made {town} rich?", "The wealth of {town} came from which trade?"],
        "population": ["How many people live in {town}?", "What is the population of {town}?"],
        "landmark": ["What is the best-known building in {town}?",
                     "What landmark is {town} famous for?"],
        "landmark_year": [("When was the {landmark} built?", ("landmark",)),
                          ("What year does the {landmark} date from?", ("landmark",))],
        "festival": ["What festival does {town} hold?", "Which festival takes place in {town}?"],
        "festival_month": [("When is the {festival} held in {town}?", ("festival",)),
                           ("In which month does {town} hold its {festival}?", ("festival",))],
        "mayor": ["Who is the mayor of {town}?", "Who is the current mayor of {town}?"],
        "rail_year": ["When did the railway reach {town}?",
                      "In what year was the railway line to {town} opened?"],
        "market_day": ["On which day is the market held in {town}?"],
        "n_schools": ["How many schools does {town} have?"],
        "mayor_year": [("When was {mayor} elected?", ("mayor",)),
                       ("Since what year has {mayor} been mayor of {town}?", ("mayor",))],
    }
    return Draft("town", name, v, groups, _norm(q), [name, "It", "The town"],
                 ("town", w.town()))


def company(rng: random.Random, w: World) -> Draft:
    name, rival = w.company(), w.company()
    while rival == name:
        rival = w.company()
    founder, ceo = w.people(2)
    founded, acq_year, strike_year = _distinct_years(
        rng, [(1850, 1930), (1935, 1985), (1935, 1990)])
    ceo_year = str(rng.randint(1995, 2023))
    v = {"company": name, "company_s": name + ("'" if name.endswith("s") else "'s"), "hq_city": w.town(), "product": rng.choice(lex.PRODUCTS),
         "region": w.region(), "founded_year": founded, "founder": founder,
         "first_product": rng.choice(lex.FIRST_PRODUCTS),
         "employees": w.count(150, 40000, 50), "n_countries": w.small(3, 19), "ceo": ceo,
         "ceo_year": ceo_year, "rival": rival, "acq_year": acq_year,
         "acq_price": rng.choice(lex.PRICES), "strike_year": strike_year,
         "weeks": f"{w.small(2, 12)} weeks",
         "model": f"{w.pick(lex.COMPANY_HEADS)} {rng.choice(lex.MODEL_NAMES)}"}
    groups = [
        (1.0, ["{company} is a company based in {hq_city} that makes {product}.",
               "{company} is a maker of {product} with its headquarters in {hq_city}.",
               "{company} is one of the largest makers of {product} in the {region}."]),
        (0.9, ["It was founded in {founded_year} by {founder}.",
               "It was founded by the engineer {founder}.",
               "The business was started in {founded_year}."]),
        (0.7, ["Its first product was a {first_product}.",
               "The firm's first product was a {first_product}, sold from a small shop."]),
        (0.75, ["The company now employs about {employees} people.",
               "Today it has about {employees} employees and factories in {n_countries} countries.",
               "It has factories in {n_countries} countries."]),
        (0.6, ["Its best-selling product is the {model}.",
               "The {model} has been its best-selling product for many years."]),
        (0.5, ["In {strike_year}, a strike closed its main factory for {weeks}.",
               "A long strike once closed its main factory for {weeks}."]),
        (0.7, ["In {acq_year}, it bought its rival {rival} for {acq_price}.",
               "It later bought the smaller firm {rival}.",
               "In {acq_year}, it paid {acq_price} for {rival}."]),
        (0.7, ["Since {ceo_year}, it has been run by {ceo}.",
               "Its current chief executive is {ceo}.",
               "{ceo} became chief executive in {ceo_year}."]),
    ]
    q = {
        "hq_city": ["Where is {company} based?",
                    "In which town does {company} have its headquarters?"],
        "product": ["What does {company} make?", "What kind of products does {company} produce?"],
        "region": ["In which region is {company} one of the largest makers of its products?"],
        "founded_year": ["When was {company} founded?", "In what year was {company} started?"],
        "founder": ["Who founded {company}?", "Who started {company}?"],
        "first_product": ["What was {company_s} first product?", "What did {company} sell first?"],
        "employees": ["How many people does {company} employ?",
                      "How many employees does {company} have?"],
        "n_countries": ["In how many countries does {company} have factories?"],
        "ceo": ["Who runs {company}?", "Who is the chief executive of {company}?"],
        "ceo_year": [("When did {ceo} become chief executive?", ("ceo",)),
                     ("Since what year has {ceo} run {company}?", ("ceo",))],
        "rival": ["Which company did {company} buy?", "What firm did {company} take over?"],
        "model": ["What is {company_s} best-selling product?"],
        "weeks": ["For how long did a strike close the main factory of {company}?"],
        "strike_year": ["When did a strike close the main factory of {company}?",
                        "In what year was {company_s} main factory closed by a strike?"],
        "acq_year": [("When did {company} buy {rival}?", ("rival",))],
        "acq_price": [("How much did {company} pay for {rival}?", ("rival",)),
                      ("What did {company} pay to buy {rival}?", ("rival",))],
    }
    return Draft("company", name, v, groups, _norm(q), [name, "It", "The company"],
                 ("company", w.company()))


def invention(rng: random.Random, w: World) -> Draft:
    noun = rng.choice(sorted(lex.DEVICES))
    plural, dkind, purposes, replaced = lex.DEVICES[noun]
    inventor, gender = w.person()
    last = inventor.split()[-1]
    named = rng.random() < 0.5
    device = f"{last} {noun}" if named else f"{rng.choice(lex.DEVICE_ADJECTIVES)} {noun}"
    device_pl = f"{last} {plural}" if named else device[:-len(noun)] + plural
    home, workshop = w.towns(2)
    invented, patented, sold_by = w.years(1700, 1950, 3, 1, 12)
    v = {"device": device, "device_pl": device_pl, "dkind": dkind, "a_dkind": _a(dkind),
         "inventor": inventor,
         "last": last, "inventor_town": home, "workshop_town": workshop, "inv_year": invented,
         "purpose": rng.choice(purposes), "material": rng.choice(lex.MATERIALS),
         "weight": f"{rng.randint(2, 90)} kilograms", "patent_year": patented,
         "replaced": rng.choice(replaced), "units": w.count(500, 90000, 100),
         "units_year": sold_by, "fair": rng.choice(lex.FAIRS),
         "show_city": w.town(), "price": rng.choice(lex.OLD_PRICES),
         "complaint": rng.choice(lex.COMPLAINTS)}
    groups = [
        (1.0, ["The {device} is {a_dkind} {dkind} invented by {inventor} in {inv_year}.",
               "The {device} was invented in {inv_year} by {inventor}, an engineer from {inventor_town}.",
               "The {device} is {a_dkind} {dkind} first built by {inventor} in a workshop in {workshop_town}.",
               "In {inv_year}, {inventor} built the first {device} in a workshop in {workshop_town}."]),
        (0.85, ["It was designed to {purpose}.", "{last} created it to {purpose}."]),
        (0.6, ["It was first shown to the public at the {fair} in {show_city}.",
               "The public first saw it at the {fair}."]),
        (0.6, ["When it went on sale, it cost {price}.",
               "Early users complained that it was {complaint}.",
               "It cost {price}, and early users complained that it was {complaint}."]),
        (0.7, ["The first model was made of {material} and weighed {weight}.",
               "The first model was made of {material}.",
               "The original version weighed {weight}."]),
        (0.7, ["{last} received a patent for the design in {patent_year}.",
               "The design was patented in {patent_year}."]),
        (0.7, ["It soon replaced the {replaced}, which had been used for centuries.",
               "It replaced the older {replaced}."]),
        (0.7, ["By {units_year}, more than {units} had been sold.",
               "More than {units} were eventually sold.",
               "Over {units} were sold in the first ten years."]),
    ]
    q = {
        "inventor": ["Who invented the {device}?", "Who built the first {device}?",
                     "Who created the {device}?"],
        "inv_year": ["When was the {device} invented?", "In what year was the {device} invented?"],
        "inventor_town": [("Where was {inventor} from?", ("inventor",)),
                          ("Which town did {inventor} come from?", ("inventor",))],
        "workshop_town": ["Where was the first {device} built?",
                          "In which town was the {device} first built?"],
        "purpose": ["What was the {device} designed to do?", "What was the purpose of the {device}?"],
        "material": ["What was the first {device} made of?",
                     "What material was the first {device} made from?"],
        "weight": ["How much did the original {device} weigh?",
                   "What was the weight of the first {device}?"],
        "patent_year": ["When was the {device} patented?",
                        ("In what year did {inventor} receive a patent?", ("inventor",))],
        "replaced": ["What did the {device} replace?", "Which older device did the {device} replace?"],
        "fair": ["Where was the {device} first shown to the public?",
                 "At which event did the public first see the {device}?"],
        "show_city": [("In which town was the {fair} held?", ("fair",))],
        "price": ["How much did the {device} cost when it went on sale?"],
        "complaint": ["What did early users of the {device} complain about?"],
        "units": ["How many {device_pl} were sold?",
                  ("How many {device_pl} had been sold by {units_year}?", ("units_year",))],
        "units_year": [("By what year had more than {units} {device_pl} been sold?", ("units",))],
    }
    other = f"{rng.choice(lex.DEVICE_ADJECTIVES)} {rng.choice(sorted(lex.DEVICES))}"
    return Draft("invention", device[0].upper() + device[1:], v, groups, _norm(q), ["The " + device, "It"],
                 ("device", other))


def festival(rng: random.Random, w: World) -> Draft:
    kind = rng.choice(lex.FESTIVALS)
    event = f"{w.pick(lex.REGION_NAMES)} {kind.title()} Festival"
    organiser, = w.people(1)
    v = {"event": event, "month": rng.choice(lex.MONTHS), "host_town": w.town(),
         "first_year": str(rng.randint(1820, 1995)), "organiser": organiser,
         "organiser_job": rng.choice(lex.JOBS), "visitors": w.count(2000, 90000, 500),
         "days": rng.choice(["three days", "two days", "a week", "five days", "ten days"]),
         "venue": rng.choice(lex.VENUES), "parade": rng.choice(lex.PARADES),
         "food": rng.choice(lex.STALL_FOODS), "reason": rng.choice(lex.REASONS)}
    v["cancel_year"] = str(int(v["first_year"]) + rng.randint(3, 25))
    groups = [
        (1.0, ["The {event} is held every {month} in the town of {host_town}.",
               "The {event} takes place each year in {host_town}.",
               "The {event} is an annual celebration held every {month}."]),
        (0.85, ["It was first held in {first_year}.",
               "It was started in {first_year} by {organiser}, a local {organiser_job}.",
               "It was started by {organiser}, a local {organiser_job}."]),
        (0.75, ["It now attracts about {visitors} visitors.",
               "About {visitors} people attend each year."]),
        (0.7, ["The festival lasts {days}.", "Celebrations go on for {days}."]),
        (0.7, ["Most events take place in {venue}.",
               "Most events take place in {venue}, where stalls sell {food}."]),
        (0.5, ["Food stalls along the streets sell {food}."]),
        (0.6, ["In {cancel_year}, the festival was cancelled because of {reason}.",
               "The festival was cancelled once, because of {reason}."]),
        (0.75, ["The highlight is a parade of {parade}.", "It ends with a parade of {parade}."]),
    ]
    q = {
        "month": ["When is the {event} held?", "In which month does the {event} take place?"],
        "host_town": ["In which town does the {event} take place?"],
        "first_year": ["When was the {event} first held?", "In what year did the {event} begin?"],
        "organiser": ["Who started the {event}?", "Who founded the {event}?"],
        "organiser_job": [("What was {organiser}'s job?", ("organiser",))],
        "visitors": ["How many visitors does the {event} attract?",
                     "How many people attend the {event} each year?"],
        "days": ["How long does the {event} last?"],
        "venue": ["Where in town do most events of the {event} take place?"],
        "food": ["What do the stalls at the {event} sell?"],
        "reason": ["Why was the {event} cancelled?",
                   ("Why was the {event} cancelled in {cancel_year}?", ("cancel_year",))],
        "cancel_year": ["When was the {event} cancelled?",
                        "In what year was the {event} cancelled?"],
        "parade": ["What does the parade at the {event} feature?",
                   "The {event} has a parade of what?"],
    }
    other = f"{w.pick(lex.REGION_NAMES)} {rng.choice(lex.FESTIVALS).title()} Festival"
    return Draft("festival", event, v, groups, _norm(q), ["The " + event, "It"],
                 ("event", other))


def race(rng: random.Random, w: World) -> Draft:
    race_type = rng.choice(lex.RACE_TYPES)
    start, end = w.towns(2)
    event = f"{start} {race_type.title()} Race"
    organiser, winner = w.people(2)
    first_year, win_year = w.years(1850, 1990, 2, 5, 30)
    v = {"event": event, "race_type": race_type, "start_town": start, "end_town": end,
         "month": rng.choice(lex.MONTHS), "first_year": first_year, "organiser": organiser,
         "organiser_job": rng.choice(lex.JOBS), "distance": f"{rng.randint(8, 160)} kilometres",
         "entrants": w.count(40, 4000, 10), "winner": winner, "win_year": win_year,
         "win_time": rng.choice(lex.WIN_TIMES), "prize": rng.choice(lex.RACE_PRIZES),
         "sight": rng.choice(lex.ROUTE_SIGHTS), "reason": rng.choice(lex.REASONS)}
    v["cancel_year"] = str(int(win_year) + rng.randint(2, 20))
    groups = [
        (1.0, ["The {event} is a {race_type} race held every {month}.",
               "The {event} is a {race_type} race from {start_town} to {end_town}.",
               "Every {month}, the {event} runs from {start_town} to {end_town}."]),
        (0.85, ["It was first run in {first_year}.",
               "It was first organised in {first_year} by {organiser}.",
               "The race was started by {organiser}, a {organiser_job}."]),
        (0.75, ["The course is {distance} long.", "Competitors cover {distance}.",
                "The course is {distance} long and passes {sight}."]),
        (0.5, ["On the way, the route passes {sight}."]),
        (0.6, ["In {cancel_year}, the race was cancelled because of {reason}.",
               "The race has been cancelled only once, because of {reason}."]),
        (0.7, ["About {entrants} competitors take part each year."]),
        (0.75, ["The {win_year} race was won by {winner} in {win_time}.",
               "In {win_year}, {winner} won in a record time of {win_time}."]),
        (0.7, ["The winner receives {prize}.", "The winner is given {prize}."]),
    ]
    q = {
        "month": ["When is the {event} held?", "In which month is the {event} held?"],
        "start_town": ["Where does the {event} start?", "From which town does the {event} start?"],
        "end_town": ["Where does the {event} finish?", "In which town does the {event} end?"],
        "first_year": ["When was the {event} first run?", "In what year did the {event} begin?"],
        "organiser": ["Who organised the first {event}?", "Who started the {event}?"],
        "organiser_job": [("What was {organiser}'s job?", ("organiser",))],
        "distance": ["How long is the course of the {event}?",
                     "What distance do competitors in the {event} cover?"],
        "entrants": ["How many competitors take part in the {event}?"],
        "winner": [("Who won the {event} in {win_year}?", ("win_year",))],
        "win_year": [("In what year did {winner} win the {event}?", ("winner",))],
        "win_time": [("What was {winner}'s winning time?", ("winner",)),
                     ("How long did {winner} take to finish the {event}?", ("winner",))],
        "sight": ["What does the route of the {event} pass?"],
        "reason": ["Why was the {event} cancelled?",
                   ("Why was the {event} cancelled in {cancel_year}?", ("cancel_year",))],
        "cancel_year": ["When was the {event} cancelled?",
                        "In what year was the {event} cancelled?"],
        "prize": ["What does the winner of the {event} receive?",
                  "What prize is given to the winner of the {event}?"],
    }
    other = f"{w.town()} {rng.choice(lex.RACE_TYPES).title()} Race"
    return Draft("race", event, v, groups, _norm(q), ["The " + event, "It", "The race"],
                 ("event", other))


def _distinct_years(rng: random.Random, ranges: list[tuple[int, int]]) -> list[str]:
    """One year from each (low, high) range, all different."""
    while True:
        years = [rng.randint(low, high) for low, high in ranges]
        if len(set(years)) == len(years):
            return [str(y) for y in years]


def _norm(questions: dict) -> dict:
    """Allow bare strings for questions that presuppose nothing."""
    return {slot: [(q, ()) if isinstance(q, str) else q for q in qs]
            for slot, qs in questions.items()}


KINDS = [person, town, company, invention, festival, race]
