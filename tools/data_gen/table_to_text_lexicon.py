"""Attribute values and their phrasings for the E2E-style restaurant descriptions.

Every attribute value has several phrasings for each slot of a sentence it can
fill: ``adj`` (before the noun: "a cheap pub"), ``with`` (a noun phrase after
"with" or "has": "moderate prices"), ``post`` (after the noun: "near The Bell"),
``pred`` (a verb phrase: "is rated 3 out of 5 by customers"), ``front`` (a fronted
place: "By the riverside") and ``sent`` (a sentence of its own, "Children are
welcome."). ``MENTIONS`` holds one pattern per value that every phrasing of it
matches, so a test can check that a reference says what its input says.
Values in the ``UNSEEN_*`` lists occur only in the dev_unseen split.
"""

import re

ORDER = ("name", "eatType", "food", "priceRange", "customer rating", "area", "familyFriendly",
         "near")

EAT_TYPES = ["restaurant", "coffee shop", "pub"]
UNSEEN_EAT_TYPES = ["bistro", "food truck", "wine bar"]
FOODS = ["French", "Italian", "English", "Chinese", "Indian", "Japanese", "Fast food", "Thai",
         "Spanish"]
UNSEEN_FOODS = ["Korean", "Greek", "Mexican", "Vietnamese", "Lebanese"]
PRICES = ["cheap", "moderate", "high", "less than £20", "£20-25", "more than £30"]
RATINGS = ["low", "average", "high", "1 out of 5", "3 out of 5", "5 out of 5"]
AREAS = ["city centre", "riverside"]
UNSEEN_AREAS = ["harbour", "old town"]
FAMILY = ["yes", "no"]

# nouns for a venue whose eatType the input does not give
GENERIC_NOUNS = ["place", "venue", "spot", "eatery"]
EAT_NOUNS = {"restaurant": ["restaurant"], "coffee shop": ["coffee shop", "coffee house"],
             "pub": ["pub"], "bistro": ["bistro"], "food truck": ["food truck"],
             "wine bar": ["wine bar"]}

# name pools: "The Golden Kettle", "Copper Spoon", "The Fox and Fiddle", "Marlowe's"
NAME_ADJECTIVES = """Golden Blue Red Green Silver Copper Little Wild Crooked Jolly Black White
Royal Lucky Hidden Rusty Velvet Olive Amber Scarlet Merry Quiet Hungry Sleepy Brass Iron Painted
Twisted Salty Sunny Honey Wandering Dancing Laughing Stone Crimson Gentle Bright""".split()
NAME_NOUNS = """Eagle Lion Kettle Lantern Anchor Fox Swan Oak Mill Spoon Plough Crown Bell Harp
Wheel Compass Feather Pepper Ladle Barrel Otter Heron Pelican Teapot Fiddle Goose Hare Badger
Stag Raven Sparrow Lemon Fig Plum Thimble Kite Lamb Bear Wren Acorn""".split()
HOUSE_NAMES = """Marlowe Bellamy Fitzroy Albertine Corvino Delancey Esposito Fennimore Gallo
Hargreave Ivanka Jessop Kowalczyk Lorenzo Mancini Nakamura Oduya Prentice Quigley Rosales
Sorensen Tremaine Umberto Valdez Winslow Yardley Zanetti Abernathy Beaumont Calloway""".split()

PRICE = {
    "cheap": {
        "adj": ["cheap", "inexpensive", "low-priced", "budget"],
        "with": ["low prices", "cheap prices", "a cheap price range"],
        "pred": ["is cheap", "is inexpensive", "has low prices", "offers food at low prices",
                 "is in the cheap price range"],
        "sent": ["Prices there are low.", "The prices are cheap.", "Eating there is cheap."]},
    "moderate": {
        "adj": ["moderately priced", "mid-priced", "mid-range"],
        "with": ["moderate prices", "a moderate price range", "mid-range prices"],
        "pred": ["is moderately priced", "has moderate prices", "charges moderate prices",
                 "is in the moderate price range"],
        "sent": ["Prices are moderate.", "The prices are moderate.",
                 "Its prices are in the mid-range."]},
    "high": {
        "adj": ["expensive", "high-priced", "pricey", "upmarket"],
        "with": ["high prices", "a high price range"],
        "pred": ["is expensive", "has high prices", "is in the high price range",
                 "is on the expensive side", "charges high prices"],
        "sent": ["Prices are high.", "It is expensive.", "The prices are on the high side."]},
    "less than £20": {
        "with": ["prices under £20", "prices of less than £20", "a price range of less than £20",
                 "meals for less than £20"],
        "pred": ["costs less than £20 per person", "has prices under £20", "charges less than £20",
                 "has a price range of less than £20", "serves meals for under £20"],
        "sent": ["Meals cost less than £20.", "Prices are under £20.",
                 "You can eat there for less than £20."]},
    "£20-25": {
        "with": ["prices of £20-25", "a price range of £20-25", "meals for £20-25"],
        "pred": ["costs £20-25 per person", "has a price range of £20-25",
                 "charges between £20 and £25", "has prices between £20 and £25"],
        "sent": ["Meals cost £20-25.", "Prices range from £20 to £25.",
                 "Expect to pay £20-25 per person."]},
    "more than £30": {
        "with": ["prices over £30", "a price range of more than £30", "meals costing more than £30"],
        "pred": ["costs more than £30 per person", "charges over £30",
                 "has a price range of more than £30", "has prices above £30"],
        "sent": ["Meals cost more than £30.", "Prices are above £30.",
                 "Expect to pay over £30 per person."]},
}

RATING = {
    "low": {
        "adj": ["low-rated", "poorly rated"],
        "with": ["a low customer rating", "low ratings", "a low rating"],
        "post": ["rated poorly by customers"],
        "pred": ["has a low customer rating", "is poorly rated by customers",
                 "gets low ratings from customers", "has low customer ratings"],
        "sent": ["Customers give it low ratings.", "Its customer rating is low.",
                 "Its customer ratings are low."]},
    "average": {
        "with": ["an average customer rating", "average ratings", "an average rating"],
        "post": ["rated average by customers"],
        "pred": ["has an average customer rating", "is rated average by customers",
                 "gets average ratings", "has average customer reviews"],
        "sent": ["Its customer rating is average.", "Customers rate it as average.",
                 "Customer reviews are average."]},
    "high": {
        "adj": ["highly rated"],
        "with": ["a high customer rating", "high ratings", "a high rating"],
        "post": ["rated highly by customers"],
        "pred": ["has a high customer rating", "is highly rated by customers", "gets high ratings",
                 "is rated highly by customers"],
        "sent": ["Its customer rating is high.", "Customers rate it highly.",
                 "Customers give it high ratings."]},
}
RATING_OUT_OF_5 = {  # for "1 out of 5" etc.; {v} is the value
    "with": ["a customer rating of {v}", "a {v} rating", "a rating of {v}"],
    "post": ["rated {v} by customers", "rated {v}"],
    "pred": ["has a customer rating of {v}", "is rated {v} by customers",
             "has a {v} customer rating", "scores {v} with customers"],
    "sent": ["Customers rate it {v}.", "Its customer rating is {v}.",
             "It has been rated {v} by customers."]}

AREA = {
    "city centre": {
        "post": ["in the city centre", "in the centre of the city", "in the centre of town"],
        "pred": ["is in the city centre", "is located in the city centre",
                 "can be found in the centre of the city", "is situated in the city centre"],
        "front": ["In the city centre", "In the centre of the city", "Located in the city centre"]},
    "riverside": {
        "post": ["by the riverside", "on the riverside", "in the riverside area", "by the river"],
        "pred": ["is by the riverside", "is located on the riverside", "is in the riverside area",
                 "sits by the river"],
        "front": ["By the riverside", "On the riverside", "In the riverside area",
                  "Down by the river"]},
    "harbour": {
        "post": ["by the harbour", "in the harbour area", "on the harbour front"],
        "pred": ["is by the harbour", "is located in the harbour area", "sits on the harbour front"],
        "front": ["By the harbour", "In the harbour area", "Down by the harbour"]},
    "old town": {
        "post": ["in the old town", "in the historic old town", "in the old part of town"],
        "pred": ["is in the old town", "is located in the historic old town",
                 "can be found in the old part of town"],
        "front": ["In the old town", "In the historic old town"]},
}

FAMILY_PHRASES = {
    "yes": {
        "adj": ["family-friendly", "child-friendly", "kid-friendly"],
        "with": ["a family-friendly atmosphere"],
        "post": ["where children are welcome"],
        "pred": ["is family-friendly", "is child-friendly", "welcomes children", "is kid-friendly",
                 "is good for families", "is suitable for families"],
        "sent": ["Children are welcome.", "It is family-friendly.", "Families are welcome.",
                 "Kids are welcome there."]},
    "no": {
        "adj": ["adults-only"],
        "with": ["an adults-only policy"],
        "post": ["where children are not welcome"],
        "pred": ["is not family-friendly", "is not child-friendly", "does not welcome children",
                 "is not suitable for children", "isn't kid-friendly", "is not good for families"],
        "sent": ["Children are not welcome.", "It is not family-friendly.",
                 "It is not suitable for children.", "It is an adults-only venue."]},
}

NEAR = {
    "post": ["near {v}", "close to {v}", "not far from {v}", "next to {v}",
             "just a short walk from {v}"],
    "pred": ["is near {v}", "is located near {v}", "is close to {v}", "is not far from {v}",
             "sits next to {v}", "can be found near {v}"],
    "front": ["Near {v}", "Close to {v}", "Not far from {v}", "Next to {v}"],
}

# values a reader hears as good or bad news: two predicates of opposite tone may join with "but"
POSITIVE = {("priceRange", "cheap"), ("priceRange", "less than £20"), ("customer rating", "high"),
            ("customer rating", "5 out of 5"), ("familyFriendly", "yes")}
NEGATIVE = {("priceRange", "high"), ("priceRange", "more than £30"), ("customer rating", "low"),
            ("customer rating", "1 out of 5"), ("familyFriendly", "no")}

_NOT_FAMILY = r"not family|not child|n't kid|not suitable for|not good for families|not welcome|adults-only"
MENTIONS = {
    ("priceRange", "cheap"): r"cheap|inexpensive|low[- ]price|budget|prices there are low",
    ("priceRange", "moderate"): r"moderate|mid-(priced|range)",
    ("priceRange", "high"): r"expensive|high[- ]price|pricey|upmarket|prices are high|on the high side",
    ("priceRange", "less than £20"): r"(less than|under) £20",
    ("priceRange", "£20-25"): r"£20-25|£20 (and|to) £25",
    ("priceRange", "more than £30"): r"(more than|over|above) £30",
    ("customer rating", "low"): r"low[- ](customer )?rat|(poorly rated|rated poorly)|rating is low"
                                r"|ratings are low",
    ("customer rating", "average"): r"average",
    ("customer rating", "high"): r"high(ly)? rated|rated highly|rate it highly|high (customer )?rating"
                                 r"|rating is high",
    ("familyFriendly", "no"): _NOT_FAMILY,
}


def phrases(attr: str, value: str) -> dict[str, list[str]]:
    """Every phrasing of one attribute value, by slot (see the module docstring)."""
    if attr == "food":
        return _food(value)
    if attr == "near":
        return {slot: [p.format(v=value) for p in ps] for slot, ps in NEAR.items()}
    if attr == "customer rating" and value not in RATING:
        return {slot: [p.format(v=value) for p in ps] for slot, ps in RATING_OUT_OF_5.items()}
    return {"priceRange": PRICE, "customer rating": RATING, "area": AREA,
            "familyFriendly": FAMILY_PHRASES}[attr][value]


def _food(value: str) -> dict[str, list[str]]:
    """A cuisine as an adjective ("Italian"), a dish noun phrase ("Italian food") and clauses."""
    if value == "Fast food":
        adj, dishes, sent = "fast food", ["fast food"], ["Fast food is on the menu.",
                                                        "It sells fast food."]
    else:
        adj, dishes = value, [f"{value} food", f"{value} cuisine", f"{value} dishes"]
        sent = [f"The menu is {value}.", f"{value} food is on the menu.", f"It serves {value} food."]
    return {"adj": [adj],
            "post": [f"serving {d}" for d in dishes] + [f"offering {dishes[0]}"],
            "pred": [f"serves {d}" for d in dishes] + [f"offers {dishes[-1]}", f"has {article(adj)} {adj} menu"]
            + ([f"specialises in {value} cuisine"] if value != "Fast food" else []),
            "sent": sent}


def article(word: str) -> str:
    """'a' or 'an' before ``word`` (every word here that starts with a vowel letter takes 'an')."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def mentions(attr: str, value: str, text: str) -> bool:
    """Whether ``text`` states ``attr[value]``: the check the tests run on every reference."""
    low = text.lower()
    if attr in ("name", "near"):
        return value in text
    if attr == "eatType":
        return any(noun in low for noun in EAT_NOUNS[value])
    if attr == "food":
        return value.lower() in low
    if attr == "area":
        return bool(re.search({"city centre": r"centre of (the city|town)|city centre",
                               "riverside": "river", "harbour": "harbour",
                               "old town": r"old (part of )?town"}[value], low))
    if attr == "familyFriendly" and value == "yes":
        return bool(re.search("famil|child|kid", low)) and not re.search(_NOT_FAMILY, low)
    if (attr, value) in MENTIONS:
        return bool(re.search(MENTIONS[attr, value], low))
    return bool(re.search(rf"\b{re.escape(value)}", low))  # "3 out of 5"
