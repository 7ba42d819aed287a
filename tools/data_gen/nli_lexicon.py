"""Scene vocabulary for the NLI generator: people, actions, places and times.

Every entry carries the semantic relations the rules need: hypernyms (woman ->
person, violin -> instrument) for entailment, incompatible alternatives (park
vs kitchen, night vs noon) for contradiction, and unverifiable extras
(purposes, relations, professions) for neutral. Keeping those relations next
to the words is what makes each generated label actually true.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    np: str                      # "a woman"
    the: str                     # "the woman"
    plural: bool
    gender: str                  # "f", "m" or "x" (mixed / unknown)
    hyper: tuple[str, ...]       # entailed descriptions
    contra: tuple[str, ...]      # predicate nouns that cannot describe them
    relations: tuple[str, ...]   # plausible but unstated descriptions (neutral)
    alone: str = ""              # one member of a plural subject


def _sg(np, the, gender, hyper, contra, relations):
    return Person(np, the, False, gender, tuple(hyper), tuple(contra), tuple(relations))


def _pl(np, the, hyper, contra, relations, alone):
    return Person(np, the, True, "x", tuple(hyper), tuple(contra), tuple(relations), alone)


PEOPLE = [
    _sg("a woman", "the woman", "f", ["a person", "someone", "an adult"],
        ["a man", "a young boy"], ["a mother", "a teacher", "a tourist", "a nurse"]),
    _sg("a man", "the man", "m", ["a person", "someone", "an adult"],
        ["a woman", "a little girl"], ["a father", "a teacher", "a tourist", "a doctor"]),
    _sg("a young girl", "the girl", "f", ["a child", "a girl", "a kid", "someone young"],
        ["an old man", "an adult"], ["a student", "a big sister", "a schoolgirl"]),
    _sg("a little boy", "the boy", "m", ["a child", "a boy", "a kid"],
        ["an elderly woman", "a grown man"], ["a schoolboy", "a big brother"]),
    _sg("an old man", "the old man", "m", ["a man", "an elderly person", "someone"],
        ["a young girl", "a teenager"], ["a grandfather", "a retired teacher"]),
    _sg("an elderly woman", "the elderly woman", "f", ["a woman", "an old person", "someone"],
        ["a little boy", "a young man"], ["a grandmother", "a retired nurse"]),
    _sg("a teenage boy", "the teenager", "m", ["a teenager", "a young person", "a boy"],
        ["an old woman", "a little girl"], ["a high school student", "a football player"]),
    _sg("a teenage girl", "the teenager", "f", ["a teenager", "a young person", "a girl"],
        ["an old man", "a little boy"], ["a high school student", "a volunteer"]),
    _sg("a young man", "the young man", "m", ["a man", "a person", "someone"],
        ["an elderly woman", "a little girl"], ["a university student", "a new father"]),
    _sg("a middle-aged woman", "the woman", "f", ["a woman", "an adult", "someone"],
        ["a teenage boy", "a little girl"], ["a mother of three", "a doctor"]),
    _pl("two men", "the two men", ["two people", "some men", "people"], ["women", "children"],
        ["two brothers", "a father and his son", "two old friends", "two coworkers"], "a man"),
    _pl("two women", "the two women", ["two people", "some women", "people"], ["men", "children"],
        ["two sisters", "a mother and her daughter", "two old friends"], "a woman"),
    _pl("a group of children", "the children", ["some children", "kids", "several children",
        "a group of young people"], ["adults", "elderly people"],
        ["a group of classmates", "some siblings", "a school class"], "a child"),
    _pl("three teenagers", "the teenagers", ["some teenagers", "a group of young people",
        "several people"], ["elderly people", "small children"],
        ["three friends", "three cousins", "three classmates"], "a teenager"),
    _pl("two elderly men", "the two men", ["two old men", "two people", "some men"],
        ["young women", "children"], ["two retired friends", "two brothers"], "an old man"),
    _pl("several tourists", "the tourists", ["some people", "a group of people",
        "several people", "some visitors"], ["small children", "police officers"],
        ["a family on holiday", "a group of students on a trip"], "a tourist"),
]

# (text, gender it suits or "" for any); plural subjects use PLURAL_MODS
SINGULAR_MODS = [("in a red coat", ""), ("wearing sunglasses", ""), ("with a backpack", ""),
                 ("in a blue shirt", ""), ("with curly hair", ""), ("in a yellow raincoat", ""),
                 ("wearing a straw hat", ""), ("in a grey suit", "m"), ("with a long beard", "m"),
                 ("in a green dress", "f"), ("with a ponytail", "f"), ("in a striped sweater", "")]
PLURAL_MODS = ["in matching jackets", "wearing helmets", "with backpacks", "wearing sunglasses",
               "in bright orange vests", "in winter coats"]


@dataclass(frozen=True)
class Place:
    phrase: str                  # "in a park"
    kind: str                    # "out", "in" or "water"
    hyper: tuple[str, ...]       # entailed location phrases
    empty: str = ""              # sentence that contradicts anyone being there


def _place(phrase, kind, hyper, empty=""):
    return Place(phrase, kind, tuple(hyper), empty)


PLACES = {
    "park": _place("in a park", "out", ["outdoors", "outside"], "The park is empty."),
    "beach": _place("on a beach", "out", ["outdoors", "near the water"],
                    "The beach is deserted."),
    "street": _place("on a busy street", "out", ["outdoors", "on a street"],
                     "The street is completely empty."),
    "garden": _place("in a garden", "out", ["outdoors", "outside"]),
    "field": _place("in a field", "out", ["outdoors", "outside"]),
    "market": _place("at an outdoor market", "out", ["outdoors", "at a market"]),
    "trail": _place("on a mountain trail", "out", ["outdoors", "in the mountains"]),
    "river": _place("by a river", "out", ["outdoors", "near the water"]),
    "square": _place("in a town square", "out", ["outdoors", "in a town"],
                     "The town square is empty."),
    "bridge": _place("on a bridge", "out", ["outdoors", "outside"]),
    "pier": _place("on a wooden pier", "out", ["on a pier", "near the water"]),
    "campsite": _place("at a campsite", "out", ["outdoors", "outside"]),
    "kitchen": _place("in a kitchen", "in", ["indoors", "inside"], "The kitchen is empty."),
    "library": _place("in a library", "in", ["indoors", "inside a building"],
                      "The library is empty."),
    "office": _place("in an office", "in", ["indoors", "inside a building"]),
    "living_room": _place("in a living room", "in", ["indoors", "inside"]),
    "classroom": _place("in a classroom", "in", ["indoors", "inside a building"],
                        "The classroom is empty."),
    "restaurant": _place("in a crowded restaurant", "in", ["indoors", "in a restaurant"]),
    "garage": _place("in a garage", "in", ["indoors", "inside"]),
    "cafe": _place("in a small cafe", "in", ["indoors", "in a cafe"]),
    "studio": _place("in a studio", "in", ["indoors", "inside"]),
    "lake": _place("in a lake", "water", ["in the water", "outdoors"]),
    "sea": _place("in the sea", "water", ["in the water", "outdoors"]),
    "pool": _place("in a swimming pool", "water", ["in the water", "in a pool"]),
}

# where the opposite kind of place is certain to be incompatible
PLACE_CONTRA = {"out": ["indoors", "inside a building"], "in": ["outdoors", "outside"],
                "water": ["in a library", "in an office", "sitting at a desk"]}


@dataclass(frozen=True)
class Time:
    phrase: str
    hyper: tuple[str, ...]
    contra: tuple[str, ...]
    outdoor_only: bool = False


TIMES = [
    Time("in the morning", ("early in the day", "during the day"),
         ("at night", "at midnight", "in the evening")),
    Time("in the afternoon", ("during the day",), ("at night", "at midnight", "at dawn")),
    Time("at night", ("after dark",), ("at noon", "in the morning", "during the day")),
    Time("in the evening", ("late in the day",), ("at dawn", "in the morning")),
    Time("at sunset", ("in the evening",), ("at midnight", "at noon"), True),
    Time("in the rain", ("in wet weather", "while it rains"),
         ("under a clear sky", "on a dry sunny day"), True),
    Time("in the snow", ("in cold weather", "in winter weather"), ("on a hot summer day",), True),
]

BACKGROUNDS = ["while a dog sleeps nearby", "as people walk past", "while a crowd watches",
               "as the wind picks up", "while music plays in the background"]


@dataclass(frozen=True)
class Thing:
    np: str                      # "a violin"
    hyper: str                   # "an instrument"
    places: tuple[str, ...] = () # overrides the action's places when set
    also: tuple[str, ...] = ()   # extra entailed action phrases ("cycling")


@dataclass(frozen=True)
class Action:
    ing: str                     # "playing"
    things: tuple[Thing, ...]    # empty for intransitive actions
    general: tuple[str, ...]     # entailed descriptions of the whole action
    places: tuple[str, ...]
    mode: str                    # "still", "moving", "water", "rest", "eat"
    purposes: tuple[str, ...]    # unverifiable reasons (neutral)
    exclusive: bool = False      # two different things cannot be done at once
    synonym: str = ""            # "fixing" for "repairing"
    participle: str = ""         # "played", for "a violin is being played"
    pro: tuple[str, str] = ("", "")  # ("a professional musician", "professional musicians")
    group: bool = True           # natural with a plural subject ("two men are carrying a box")


def T(np, hyper, places=(), also=()):
    return Thing(np, hyper, tuple(places), tuple(also))


def A(ing, things, general, places, mode, purposes, **kw):
    return Action(ing, tuple(things), tuple(general), tuple(places), mode, tuple(purposes), **kw)


OUT_BUSY = ("park", "street", "square", "market", "bridge", "river")
INDOOR = ("kitchen", "library", "office", "living_room", "classroom", "cafe")

ACTIONS = [
    A("playing", [T("a violin", "an instrument"), T("a guitar", "an instrument"),
                  T("a piano", "an instrument", ["living_room", "studio", "cafe", "classroom"]),
                  T("a flute", "an instrument"), T("a cello", "an instrument"),
                  T("a trumpet", "an instrument"), T("a drum", "an instrument")],
      ["making music", "playing music"], ["park", "street", "square", "bridge", "studio",
                                          "living_room", "cafe", "classroom"], "still",
      ["to earn some money", "to practise for a concert", "for {poss} family",
       "for a birthday party"], exclusive=True, participle="played",
      pro=("a professional musician", "professional musicians"), group=False),
    A("reading", [T("a newspaper", "something"), T("a novel", "a book"),
                  T("a magazine", "something"), T("a letter", "something"),
                  T("a map", "something"), T("a cookbook", "a book")],
      ["reading something"], ["park", "garden", "library", "office", "living_room", "cafe",
                              "square", "pier"], "still",
      ["to pass the time", "for a class", "to prepare for an exam"], exclusive=True,
      participle="read", pro=("a literature student", "literature students"), group=False),
    A("eating", [T("an apple", "a piece of fruit"), T("a sandwich", "some food"),
                 T("a bowl of soup", "some food"), T("a slice of pizza", "some food"),
                 T("a banana", "a piece of fruit"), T("an ice cream", "something sweet"),
                 T("a plate of noodles", "some food")],
      ["eating something", "having something to eat"], ["park", "beach", "street", "garden",
                                                         "kitchen", "restaurant", "cafe",
                                                         "office", "living_room"], "eat",
      ["for lunch", "during a short break", "because {pron} {be} hungry"], participle="eaten", group=False),
    A("drinking", [T("a cup of coffee", "a drink"), T("a glass of water", "a drink"),
                   T("a cup of tea", "a drink"), T("a glass of orange juice", "a drink"),
                   T("a bottle of lemonade", "a drink")],
      ["drinking something", "having a drink"], ["cafe", "restaurant", "kitchen", "office",
                                                 "park", "beach", "living_room"], "eat",
      ["to stay awake", "to cool down", "while waiting for a friend"], group=False),
    A("riding", [T("a bicycle", "a bike", also=["cycling"]), T("a horse", "an animal"),
                 T("a motorcycle", "a vehicle"), T("a scooter", "a vehicle"),
                 T("a skateboard", "a board")],
      ["riding something"], ["park", "street", "trail", "field", "beach", "bridge"], "moving",
      ["to get to work", "for fun", "to get some exercise"], exclusive=True,
      participle="ridden", group=False),
    A("repairing", [T("a bicycle", "something", ["garage", "street", "park"]),
                    T("a car", "a vehicle", ["garage", "street"]),
                    T("a broken chair", "a chair", ["garage", "living_room", "garden"]),
                    T("a wooden fence", "a fence", ["garden", "field"]),
                    T("a leaking tap", "something", ["kitchen"])],
      ["fixing something", "working on something"], ["garage"], "still",
      ["to save money", "for a neighbour", "before the weekend"], synonym="fixing",
      participle="repaired", pro=("a trained mechanic", "trained mechanics")),
    A("carrying", [T("a heavy box", "a box"), T("a suitcase", "a bag"),
                   T("a ladder", "something"), T("a basket of apples", "a basket"),
                   T("a stack of books", "some books"), T("a large plant", "a plant")],
      ["carrying something", "holding something"], ["street", "park", "market", "office",
                                                     "library", "square", "bridge"], "moving",
      ["to help a friend move house", "to a waiting car", "for a neighbour"],
      participle="carried"),
    A("painting", [T("a fence", "something", ["garden", "field"]),
                   T("a portrait", "a picture", ["studio", "living_room", "park"],
                     ["making a picture"]),
                   T("a wall", "something", ["kitchen", "living_room", "street", "garage"]),
                   T("a landscape", "a picture", ["field", "trail", "river", "park"],
                     ["making a picture"])],
      ["painting something"], ["studio"], "still",
      ["for an art class", "to sell at a fair", "as a gift for a friend"], exclusive=True,
      participle="painted", pro=("a professional painter", "professional painters")),
    A("cooking", [T("pasta", "food"), T("a pot of soup", "some soup"), T("eggs", "food"),
                  T("dinner", "a meal"), T("rice", "food"), T("a large pot of stew", "a stew")],
      ["preparing food", "cooking something", "making food"], ["kitchen", "restaurant",
                                                               "campsite"], "still",
      ["for {poss} family", "for a party", "to win a cooking contest"],
      pro=("a professional chef", "professional chefs")),
    A("walking", [T("a dog", "an animal", also=["walking a pet"]),
                  T("two small dogs", "some animals", also=["walking some pets"])],
      ["walking an animal"], ["park", "street", "beach", "trail", "river", "bridge", "field"],
      "moving", ["for a neighbour", "to get some fresh air", "while talking on the phone"]),
    A("jogging", [], ["running", "exercising", "moving"], ["park", "beach", "street", "trail",
                                                           "river", "bridge", "field"], "moving",
      ["to train for a marathon", "to get fit", "to clear {poss} head"], synonym="running",
      pro=("a professional athlete", "professional athletes")),
    A("swimming", [], ["in the water", "getting wet"], ["lake", "sea", "pool"], "water",
      ["to cool off", "to train for a race", "for exercise"],
      pro=("a competitive swimmer", "competitive swimmers")),
    A("sleeping on a bench", [], ["resting", "asleep"], ["park", "square", "river", "pier"],
      "rest", ["because {pron} {be} exhausted", "after a long night", "while waiting for a bus"], group=False),
    A("sleeping on a couch", [], ["resting", "asleep"], ["living_room"], "rest",
      ["because {pron} {be} exhausted", "after a long day", "after a long week"], group=False),
    A("dancing", [], ["moving"], ["street", "square", "beach", "living_room", "studio",
                                  "restaurant", "park"], "moving",
      ["to celebrate a birthday", "for a music video", "to practise for a competition"],
      pro=("a professional dancer", "professional dancers")),
    A("singing", [T("a song", "a song")], ["singing", "making music"],
      ["street", "square", "studio", "living_room", "kitchen", "park"], "still",
      ["for {poss} grandmother", "to practise for a choir concert", "to earn some money"],
      pro=("a professional singer", "professional singers")),
    A("climbing", [T("a tree", "something", ["park", "garden", "field"]),
                   T("a rock wall", "a wall", ["trail"]),
                   T("a ladder", "something", ["garage", "garden", "street"])],
      ["climbing something"], ["park"], "moving",
      ["to get a better view", "to rescue a cat", "for fun"], exclusive=True,
      participle="climbed"),
    A("taking a photo of", [T("a building", "something"), T("a statue", "something"),
                            T("a bridge", "something", ["river", "street"]),
                            T("a flower", "a plant", ["garden", "park", "field"]),
                            T("a crowd", "some people")],
      ["taking a picture", "taking a photo"], ["street", "square", "park", "market"], "still",
      ["for a newspaper", "for a school project", "to post online"],
      synonym="photographing", pro=("a professional photographer",
                                    "professional photographers")),
    A("selling", [T("fresh vegetables", "food"), T("flowers", "something"),
                  T("fish", "food", ["market", "pier"]), T("fresh bread", "food"),
                  T("handmade jewellery", "jewellery"), T("newspapers", "something")],
      ["selling something"], ["market", "street", "square"], "still",
      ["to support {poss} family", "to pay for school", "to raise money for charity"]),
    A("washing", [T("a car", "a vehicle", ["street", "garage"]),
                  T("the dishes", "some dishes", ["kitchen", "restaurant"]),
                  T("a dog", "an animal", ["garden"]),
                  T("a window", "something", ["office", "living_room", "kitchen", "cafe"])],
      ["cleaning something"], ["garage"], "still",
      ["before guests arrive", "to earn some pocket money", "for a neighbour"],
      synonym="cleaning", participle="washed"),
    A("throwing", [T("a ball", "something"), T("a frisbee", "something"),
                   T("a stick", "something")],
      ["throwing something"], ["park", "beach", "field", "garden"], "moving",
      ["for a dog", "to a friend", "for fun"], participle="thrown"),
    A("kicking", [T("a football", "a ball", also=["playing with a ball"])],
      ["kicking something"], ["park", "field", "street", "beach", "square", "garden"], "moving",
      ["to practise for a match", "to a friend", "for fun"], participle="kicked"),
    A("writing", [T("a letter", "something"), T("a shopping list", "a list"),
                  T("a poem", "something"), T("an essay", "something")],
      ["writing something"], ["library", "cafe", "office", "living_room", "classroom", "park",
                              "garden"], "still",
      ["for {poss} grandmother", "for a competition", "for a class"],
      participle="written", pro=("a published author", "published authors"), group=False),
    A("typing on", [T("a laptop", "a computer", also=["using a computer"]),
                    T("an old typewriter", "a typewriter")],
      ["typing"], ["office", "cafe", "library", "classroom", "living_room"], "still",
      ["to finish a report", "to meet a deadline", "for a class"], exclusive=True, group=False),
    A("fishing", [], ["trying to catch fish"], ["river", "pier"], "still",
      ["to catch dinner", "for fun", "to relax"]),
    A("pushing", [T("a stroller", "something", ["park", "street"]),
                  T("a shopping cart", "a cart", ["market", "street"]),
                  T("a wheelbarrow", "something", ["garden", "field"])],
      ["pushing something"], ["street"], "moving",
      ["to help a neighbour", "on the way home", "for {poss} sister"], exclusive=True,
      participle="pushed"),
    A("knitting", [T("a scarf", "something"), T("a sweater", "a piece of clothing"),
                   T("a pair of socks", "something")],
      ["knitting something", "making something"], ["living_room", "cafe", "park", "garden"],
      "still", ["as a gift for a friend", "to sell at a fair", "for {poss} grandson"],
      exclusive=True, participle="knitted", group=False),
    A("building", [T("a sandcastle", "something", ["beach"]),
                   T("a snowman", "something", ["park", "garden", "field"]),
                   T("a birdhouse", "something", ["garage", "garden"])],
      ["building something", "making something"], ["beach"], "still",
      ["for a competition", "for fun", "with help from a friend"], participle="built"),
    A("buying", [T("some apples", "some fruit"), T("a newspaper", "something"),
                 T("fresh flowers", "some flowers"), T("a loaf of bread", "some bread"),
                 T("a train ticket", "a ticket", ["street"])],
      ["buying something", "shopping"], ["market", "street", "square"], "still",
      ["for {poss} mother", "for a party", "on the way home"], synonym="purchasing"),
]

# actions that cannot be happening at the same moment as an action of the given mode
CONTRA_ACTIONS = {
    "still": ["sleeping", "swimming", "riding a horse", "jogging", "climbing a tree",
              "taking a nap"],
    "eat": ["sleeping", "taking a nap", "swimming underwater", "fast asleep in bed"],
    "moving": ["sleeping", "sitting at a desk", "lying in bed", "taking a nap",
               "sitting perfectly still"],
    "water": ["sleeping in bed", "riding a bicycle", "sitting at a desk", "cooking dinner"],
    "rest": ["jogging", "playing a guitar", "reading a newspaper", "dancing", "cooking dinner"],
}

EMOTIONS = ["happy", "tired", "nervous", "bored", "excited", "sad", "proud", "relaxed",
            "frustrated", "worried"]
COMPANIONS_SG = ["best friend", "brother", "sister", "grandfather", "cousin", "neighbour"]
COMPANIONS_PL = ["parents", "teacher", "friends", "coach"]
OCCASIONS = ["on a Sunday", "on a holiday", "during the weekend", "for the first time",
             "on a day off", "on {poss} birthday"]
# unverifiable properties of the thing, per action (neutral)
THING_ADJECTIVES = {
    "playing": ["expensive", "old", "borrowed", "second-hand"],
    "reading": ["borrowed", "second-hand", "library"],
    "riding": ["borrowed", "rented"],
    "repairing": ["neighbour's", "second-hand"],
    "typing on": ["borrowed", "brand new"],
    "knitting": ["woollen", "colourful"],
    "eating": ["homemade", "cheap"],
    "painting": ["famous", "borrowed"],
}
