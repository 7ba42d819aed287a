"""Sport and business stories for the summarization preset: match reports, jobs, closures, profits.

Each function draws one invented event and returns a ``Story``: a lead in one of several shapes,
body sentences the assembler picks from, and one-sentence summaries worded apart from every lead,
as XSum's summaries are (they restate the key fact, they do not copy the first sentence).
"""

from . import summarization_lexicon as lex
from .summarization_world import News, Story, ordinal, pronouns


def match(w: News) -> Story:
    """A cup final, semi-final or league game between two invented clubs."""
    rng = w.rng
    sport = rng.choice(sorted(lex.SPORTS))
    spec = lex.SPORTS[sport]
    home_town, away_town = w.towns(2)
    home, away, third = w.teams([home_town, away_town, w.town()], sport)
    top = rng.randint(*spec["win"])
    score = f"{top}-{rng.randint(max(0, top - spec['margin']), top - 1)}"
    winner, loser = (home, away) if rng.random() < 0.55 else (away, home)
    cup, stage = f"{w.pick(lex.AREA_NAMES)} {rng.choice(lex.CUP_KINDS)}", rng.choice(["final", "semi-final", "league"])
    where = f"in the {cup} {stage}" if stage != "league" else "in the league"
    star, gender = w.person()
    k = rng.randint(18, 36)
    feat, feat_noun = (f.format(k=k) for f in spec["feat"])
    venue, day, coach, rival_coach = f"{home_town} {rng.choice(lex.VENUE_KINDS)}", w.day(), *w.people(2)
    lead = rng.choice([f"{winner} beat {loser} {score} {where} at {venue} on {day}.",
                       f"{star} {feat} as {winner} defeated {loser} {score} {where} on {day}.",
                       f"{winner} {rng.choice(['claimed', 'earned', 'picked up'])} a {score} victory "
                       f"over {loser} {where} at {venue} on {day}."])
    position = rng.randint(1, 9)
    outcome = {"final": f"It is the first time {winner} have won the {cup} since {w.year()}.",
               "semi-final": f"{winner} will face {third} in the final next month.",
               "league": f"The result lifts {winner} to {ordinal(position)} in the table."}[stage]
    tail = rng.choice(["", " and was named player of the match",
                       f" in what {pronouns(gender)['his']} coach called a complete performance"])
    star_line = f"{star} {feat} for {winner}{tail}." if star not in lead else \
        f"{star.split()[-1]} was later named player of the match."
    body = [(star_line, star not in lead),
            (f"{loser} had led at half-time, but faded badly after the break.", False),
            (f"A crowd of {w.count(800, 12000, 10)} watched the game at {venue}.", False),
            (f'"{rng.choice(lex.WIN_QUOTES)}," said {winner} coach {coach}.', False),
            (f'{loser} coach {rival_coach} said: "{rng.choice(lex.LOSS_QUOTES)}."', False),
            (outcome, True)]
    result = {"final": f"{winner} are the {cup} champions after overcoming {loser} {score}.",
              "semi-final": f"{winner} will play in the {cup} final after a {score} win against {loser}.",
              "league": f"{winner} climbed to {ordinal(position)} in the table by seeing off {loser} {score}."}
    summaries = [f"{loser} were beaten {score} by {winner} {where}.",
                 f"{star}'s {feat_noun} helped {winner} to a {score} win over {loser} {where}.",
                 result[stage]]
    return Story(lead, body, summaries, [winner, loser, score])


def expansion(w: News) -> Story:
    """A firm opens a new site and creates jobs."""
    rng = w.rng
    company, town, other = w.company(), *w.towns(2)
    site, jobs, cost = rng.choice(lex.BUSINESS_SITES), rng.randrange(40, 600, 10), w.money(2_000_000, 60_000_000)
    lead = rng.choice([f"{company} is to create {jobs} jobs after announcing plans for a new {site} in {town}.",
                       f"Plans for a {cost} {site} that will bring {jobs} jobs to {town} have been "
                       f"announced by {company}.",
                       f"{company} will open a {site} in {town} next year, creating {jobs} jobs."])
    body = [(f"The firm, which makes {rng.choice(lex.PRODUCTS)}, already employs {w.count(100, 2000, 10)} "
             f"people at its base in {other}.", False),
            (f"Building work on the {cost} project is due to start in {w.month()}.", False),
            (f'Chief executive {w.person()[0]} said: "{rng.choice(lex.BUSINESS_QUOTES)}."', False),
            (f"Council leader {w.person()[0]} called the announcement "
             f"{rng.choice(['a huge boost', 'fantastic news', 'a vote of confidence'])} for {town}.", False),
            (f"The {site} will be built on the site of the former {rng.choice(lex.OLD_USES)}.", False),
            (f"Most of the new posts will be in {rng.choice(['production', 'engineering', 'logistics'])}, "
             f"and recruitment will begin in the autumn.", False)]
    summaries = [f"{town} is set to gain {jobs} jobs as {company} builds a new {site}.",
                 f"A new {site} planned by {company} will employ {jobs} people in {town}.",
                 f"Some {jobs} people will be taken on by {company} when it opens in {town}."]
    return Story(lead, body, summaries, [company, str(jobs), town])


def closure(w: News) -> Story:
    """A firm shuts a site and jobs go."""
    rng = w.rng
    company, town, other = w.company(), *w.towns(2)
    site, jobs = rng.choice(lex.BUSINESS_SITES), rng.randrange(30, 500, 10)
    lead = rng.choice([f"{company} is to close its {site} in {town} with the loss of {jobs} jobs.",
                       f"About {jobs} workers at the {company} {site} in {town} are set to lose their jobs "
                       f"after the firm said it would shut the site.",
                       f"{company} has announced it will shut its {town} {site}, putting {jobs} jobs at risk."])
    body = [(f"The company blamed {rng.choice(lex.CLOSE_REASONS)}.", False),
            (f"Work will move to its plant in {other}.", False),
            (f'Union representative {w.person()[0]} called the decision "{rng.choice(lex.UNION_WORDS)}" '
             f"for {town}.", False),
            (f"The {site} opened in {w.year()} and was once one of the town's biggest employers.", False),
            (f"Staff were told about the plans at a meeting on {w.day()}.", False),
            (f"The site is expected to close by the end of {w.month()}.", False)]
    summaries = [f"{town} is to lose {jobs} jobs when {company} closes its {site}.",
                 f"Around {jobs} people face redundancy as {company} prepares to shut its {site} in {town}.",
                 f"Closing the {site} in {town} will cost {jobs} jobs, {company} has confirmed."]
    return Story(lead, body, summaries, [company, str(jobs), town])


def profits(w: News) -> Story:
    """A firm's annual results: profits up or down."""
    rng = w.rng
    company, town, product = w.company(), w.town(), rng.choice(lex.PRODUCTS)
    up, pct, profit = rng.random() < 0.55, rng.randint(4, 60), w.money(1_000_000, 90_000_000)
    change = "rise" if up else "fall"
    lead = rng.choice([f"{company}, the {town}-based maker of {product}, has reported a {pct}% {change} "
                       f"in annual profits to {profit}.",
                       f"Annual profits at {company} {'rose' if up else 'fell'} by {pct}% to {profit}, "
                       f"the {town} firm said on {w.day()}.",
                       f"{company} has said its profits {'grew' if up else 'shrank'} by {pct}% last year, "
                       f"to {profit}."])
    cause = rng.choice(["strong sales abroad", "a cold winter", "cost savings", "a new range of products"] if up
                       else ["higher energy bills", "a fire at its main warehouse", "weaker demand", "a long strike"])
    body = [(f"The {town} firm said the {change} was down to {cause}.", False),
            (f"Sales {'rose' if up else 'fell'} to {w.money(20_000_000, 400_000_000)}.", False),
            (f"All {w.count(100, 3000, 10)} staff will receive a bonus of {w.money(300, 2000)}." if up
             else "The company said it had no plans to cut jobs.", False),
            (f'Finance director {w.person()[0]} said: "'
             + ("We go into the new year in good shape" if up else "It has been a difficult year for the industry")
             + '."', False),
            (f"The firm was founded in {town} in {w.year()} and is still run by the same family.", False)]
    summaries = ([f"Profits at {company} have grown by {pct}%, helped by {cause}.",
                  f"{company} has had a strong year, with profits up {pct}% to {profit}."] if up else
                 [f"Profits at {company} have dropped by {pct}%, hit by {cause}.",
                  f"{company} has had a difficult year, with profits down {pct}% to {profit}."])
    body[0] = (body[0][0], True)  # the summaries name the cause
    return Story(lead, body, summaries, [company, f"{pct}%"])
