"""Local-news stories for the summarization preset: council votes, weather, transport.

Same contract as ``summarization_sport_business``: one invented event in, one ``Story`` out.
"""

from . import summarization_lexicon as lex
from .summarization_world import News, Story


def council(w: News) -> Story:
    """A town council approves or rejects a building scheme."""
    rng = w.rng
    town = w.town()
    scheme, key, benefit, worry = rng.choice(lex.SCHEMES)
    site = rng.choice(lex.SCHEME_SITES).format(street=rng.choice(lex.STREETS), old=rng.choice(lex.OLD_USES),
                                               name=w.pick(lex.AREA_NAMES))
    approved = rng.random() < 0.55
    big = rng.randint(6, 12)
    small = rng.randint(1, big - 1)
    lead = rng.choice([f"Councillors in {town} have voted {big} to {small} "
                       f"{'in favour of' if approved else 'against'} plans for {scheme} on {site}.",
                       f"Plans for {scheme} on {site} in {town} have been {'approved' if approved else 'rejected'} "
                       f"by the town council.",
                       f"A proposal to build {scheme} on {site} was {'backed' if approved else 'thrown out'} "
                       f"at a meeting of {town} Town Council on {w.day()}."])
    body = [(f"The scheme is expected to cost {w.money(150_000, 9_000_000)}.", False),
            (f"The council received {rng.randint(12, 300)} letters of objection, most of them about {worry}.",
             False),
            (f"Supporters say the {key} would {benefit}.", False),
            (f'Councillor {w.person()[0]} said: '
             f'"{rng.choice(lex.COUNCIL_QUOTES["approved" if approved else "rejected"])}."', False),
            (f"Work is due to start in {w.month()} and should take about {rng.randint(4, 18)} months."
             if approved else "The applicants have six months to appeal against the decision.", False)]
    if "voted" not in lead:
        body.insert(0, (f"The decision was made by {big} votes to {small}.", False))
    summaries = ([f"{town} is to get {scheme} after councillors backed the plans.",
                  f"Councillors have given the go-ahead for {scheme} in {town}.",
                  f"Work on {scheme} in {town} can go ahead after a council vote."] if approved else
                 [f"A bid to build {scheme} in {town} has been turned down.",
                  f"{town} will not get {scheme} after councillors voted against the scheme.",
                  f"Permission for {scheme} in {town} has been refused by councillors."])
    return Story(lead, body, summaries, [town, key])


def storm(w: News) -> Story:
    """A named storm: gusts, power cuts, closed roads."""
    rng = w.rng
    town, other = w.towns(2)
    name, area, gust = f"Storm {rng.choice(lex.STORM_NAMES)}", w.area(), rng.randint(60, 100)
    homes = w.count(1000, 20000, 100)
    lead = rng.choice([f"{name} brought gusts of up to {gust}mph to {town} on {w.day()}, bringing down trees "
                       f"and power lines.",
                       f"Trees were uprooted and roofs damaged as {name} swept across {town} and the {area} "
                       f"on {w.day()}.",
                       f"Thousands of homes in and around {town} were left without power after {name} struck "
                       f"on {w.day()}."])
    body = [(f"At the height of the storm about {homes} homes had no electricity, the network operator said.",
             True),
            (f"The main road between {town} and {other} was closed for several hours after a tree fell across it.",
             False),
            (f"Forecasters had issued an amber warning for wind across the {area}.", False),
            ("No one was seriously hurt, police said.", False),
            (f'{w.person()[0]}, who lives in {town}, said: "'
             + rng.choice(["I have never heard wind like it", "Half of our garden fence ended up in the road",
                           "We sat in the dark with candles all evening"]) + '."', False)]
    if f"{gust}mph" not in lead:
        body.insert(1, (f"Gusts reached {gust}mph on high ground.", True))
    summaries = [f"Gusts of {gust}mph from {name} caused damage across {town}.",
                 f"About {homes} homes around {town} lost their electricity supply during {name}.",
                 f"{name} has left a trail of fallen trees and power cuts in {town}."]
    return Story(lead, body, summaries, [name, town])


def flood(w: News) -> Story:
    """A river bursts its banks after heavy rain."""
    rng = w.rng
    town, river = w.town(), w.river()
    homes, rescued, rain = rng.randint(12, 300), rng.randint(3, 40), rng.randint(40, 120)
    lead = rng.choice([f"Heavy rain caused flooding in {town} on {w.day()} after the {river} burst its banks.",
                       f"About {homes} homes in {town} were flooded on {w.day()} when the {river} rose after a "
                       f"night of heavy rain.",
                       f"Residents of {town} spent {w.day()} clearing up after the {river} flooded parts of the town."])
    body = [(f"More than {rain}mm of rain fell in 24 hours, the local weather station said.", False),
            (f"Firefighters used boats to rescue {rescued} people from their homes.", True),
            (f"A rest centre was opened at {town} Leisure Centre for people who could not stay at home.", False),
            (f"Flood warnings remain in place along the {river}.", False),
            (f'{w.person()[0]}, whose kitchen was under water, said: "'
             + rng.choice(["It came up through the floor in minutes", "We have lost almost everything downstairs",
                           "This is the third time in five years"]) + '."', False)]
    summaries = [f"Homes in {town} have been flooded after the {river} overflowed.",
                 f"Firefighters had to rescue {rescued} people by boat when the {river} flooded {town}.",
                 f"A night of heavy rain left streets in {town} under water as the {river} rose."]
    return Story(lead, body, summaries, [town, river])


def snow(w: News) -> Story:
    """Heavy snow shuts schools and roads."""
    rng = w.rng
    town, other = w.towns(2)
    depth, schools, area = rng.randint(10, 40), rng.randint(8, 80), w.area()
    lead = rng.choice([f"Up to {depth}cm of snow fell on {town} overnight, closing {schools} schools and causing "
                       f"long delays on the roads.",
                       f"Heavy snow brought {town} to a standstill on {w.day()}, with {schools} schools closed.",
                       f"Drivers were stranded and {schools} schools shut in and around {town} as snow swept "
                       f"across the {area} on {w.day()}."])
    body = [(f"Some parts of the {area} saw {depth}cm of snow." if f"{depth}cm" not in lead
             else f"It was the heaviest snowfall in the area since {w.year()}.", False),
            (f"Gritters worked through the night, but the road to {other} remained closed.", False),
            ("Several bus services were cancelled and trains ran at reduced speed.", False),
            (f"More snow is forecast for {w.day()}.", False),
            (f'Head teacher {w.person()[0]} said: "'
             + rng.choice(["The safety of the children has to come first",
                           "Most of our staff simply could not get in",
                           "We hope to reopen as soon as the roads are clear"]) + '."', False)]
    summaries = [f"Snow has forced {schools} schools in {town} to close.",
                 f"Heavy snow has caused travel chaos and school closures in {town}.",
                 f"Pupils in {town} had an unexpected day off as snow closed {schools} schools."]
    return Story(lead, body, summaries, [town, "snow"])


def heat(w: News) -> Story:
    """A record temperature."""
    rng = w.rng
    town, temp = w.town(), rng.randint(33, 39)
    lead = rng.choice([f"Temperatures in {town} reached {temp}C on {w.day()}, the highest ever recorded in the town.",
                       f"{town} sweltered on {w.day()} as the thermometer hit {temp}C, breaking the town's record.",
                       f"A new record temperature of {temp}C was set in {town} on {w.day()}."])
    body = [(f"The previous record of {temp - 1}.{rng.randint(1, 9)}C was set in {w.year()}.", False),
            ("Parks and beaches were packed, and some shops ran out of fans.", False),
            ("The water company asked customers not to use hosepipes or sprinklers.", False),
            ("Doctors urged people to stay in the shade during the hottest part of the day.", False),
            (f'Ice-cream seller {w.person()[0]} said: "'
             + rng.choice(["I have never been so busy", "We sold out by lunchtime",
                           "The queue went right round the block"]) + '."', False),
            ("Forecasters say cooler air should arrive by the weekend.", False)]
    summaries = [f"{town} has had its hottest day on record, at {temp}C.",
                 f"A record-breaking {temp}C was measured in {town}.",
                 f"{town} has never been hotter: the temperature climbed to {temp}C."]
    return Story(lead, body, summaries, [town, f"{temp}C"])


def rail(w: News) -> Story:
    """A railway line closes for engineering work."""
    rng = w.rng
    a, b = w.towns(2)
    weeks, month = rng.randint(2, 10), w.month()
    work = rng.choice(["replace a railway bridge", "renew the track", "upgrade the signals", "repair a landslip"])
    lead = rng.choice([f"Trains between {a} and {b} will not run for {weeks} weeks from {month} while engineers "
                       f"{work}.",
                       f"The railway line between {a} and {b} is to close for {weeks} weeks from {month} so that "
                       f"engineers can {work}.",
                       f"Passengers face {weeks} weeks without trains between {a} and {b} from {month}, while "
                       f"engineers {work}."])
    body = [(f"Replacement buses will run every half hour, adding about {rng.randint(15, 50)} minutes to the "
             f"journey.", True),
            (f"The work will cost {w.money(2_000_000, 40_000_000)}.", False),
            (f"About {w.count(1000, 15000, 100)} people use the line each day.", False),
            ('A spokesperson for the rail operator said: "We know this will be frustrating, but the work '
             'cannot wait."', False),
            (f"The line was last closed for repairs in {w.year()}.", False),
            (f"Campaign group {a} Rail Users said passengers should have been given more warning.", False)]
    summaries = [f"Rail passengers travelling between {a} and {b} face a {weeks}-week shutdown of the line.",
                 f"A {weeks}-week closure of the {a} to {b} railway will begin in {month}.",
                 f"Buses will replace trains between {a} and {b} for {weeks} weeks while the line is repaired."]
    return Story(lead, body, summaries, [a, b])


def bridge(w: News) -> Story:
    """A road bridge reopens after repairs."""
    rng = w.rng
    town, name = w.town(), f"{w.pick(lex.AREA_NAMES)} Bridge"
    months, cost = rng.randint(3, 18), w.money(500_000, 12_000_000)
    lead = rng.choice([f"The {name} in {town} has reopened to traffic after {months} months of repairs.",
                       f"Drivers in {town} can once again cross the {name}, which reopened on {w.day()} after a "
                       f"{months}-month closure.",
                       f"Cars are back on the {name} in {town} for the first time in {months} months."])
    body = [(f"The repairs cost {cost}.", True),
            (f"Engineers found serious cracks in the bridge during an inspection in {w.month()}.", False),
            (f"While it was closed, drivers faced a diversion of about {rng.randint(4, 15)} miles.", False),
            ("Shops near the bridge said trade fell by almost half during the closure.", False),
            (f"The bridge was built in {w.year() - 80} and carries about {w.count(5000, 30000, 100)} vehicles "
             f"a day.", False)]
    summaries = [f"Traffic is flowing over the {name} in {town} again after a {months}-month repair job.",
                 f"A {cost} repair of {town}'s {name} has been completed.",
                 f"The long closure of the {name} in {town} is over."]
    return Story(lead, body, summaries, [name, town])


def bus(w: News) -> Story:
    """A bus route is withdrawn."""
    rng = w.rng
    a, b = w.towns(2)
    route, company, month = rng.randint(2, 99), f"{w.pick(lex.AREA_NAMES)} Buses", w.month()
    lead = rng.choice([f"The number {route} bus between {a} and {b} is to be withdrawn in {month}, {company} has "
                       f"confirmed.",
                       f"{company} will stop running its number {route} service between {a} and {b} from {month}."])
    body = [(f"The company said passenger numbers had fallen by a third since {rng.randint(2015, 2021)}.", False),
            (f"About {rng.randint(150, 900)} people use the route each week.", False),
            (f"Pensioner {w.person()[0]} said: \"Without the bus I will not be able to get to the doctor.\"",
             False),
            ("The council said it could not afford to subsidise the service.", False),
            (f"A petition to save the route has been signed by {rng.randint(300, 4000):,} people.", False)]
    summaries = [f"Passengers in {a} will lose their bus link to {b} when the number {route} route ends in {month}.",
                 f"The {a} to {b} bus service is being scrapped.",
                 f"{company} is axing the number {route} route, leaving {a} without a direct bus to {b}."]
    return Story(lead, body, summaries, [a, b])
