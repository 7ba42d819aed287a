"""Verb frames, noun classes and adjuncts for the SRL sentences (tools/data_gen/srl.py).

Roles follow PropBank's frames: A0 the agent or causer, A1 the thing affected, A2 the recipient
or source (with its preposition, "to the boy", as PropBank's span includes it). A verb of the
causative alternation ("open", "break", "melt") has its A1 as subject when it has no agent:
"The window broke" tags "The window" A1, not A0, which is what a tagger must learn from the verb.
"""

# Nouns: "singular/plural" (plural optional); a class draws a determiner, maybe an adjective, a noun.
NOUNS = {
    "PERSON": """teacher/teachers farmer/farmers nurse/nurses doctor/doctors student/students child/children
        neighbour/neighbours baker/bakers pilot/pilots driver/drivers manager/managers waiter/waiters
        artist/artists engineer/engineers mechanic/mechanics lawyer/lawyers tourist/tourists chef/chefs
        gardener/gardeners journalist/journalists librarian/librarians fisherman/fishermen captain/captains
        singer/singers boy/boys girl/girls woman/women man/men visitor/visitors plumber/plumbers
        scientist/scientists shopkeeper/shopkeepers""",
    "GROUP": """council committee company government board team club school hospital bank museum
        ministry union charity agency""",
    "FOOD": """soup bread apple/apples cake/cakes sandwich/sandwiches pie/pies cheese fish rice salad
        pizza/pizzas orange/oranges carrot/carrots egg/eggs pancake/pancakes pear/pears stew dumpling/dumplings
        biscuit/biscuits""",
    "OBJECT": """book/books letter/letters key/keys umbrella/umbrellas bag/bags wallet/wallets phone/phones
        lamp/lamps map/maps gift/gifts box/boxes ticket/tickets watch/watches camera/cameras coat/coats
        ring/rings hat/hats bottle/bottles basket/baskets painting/paintings parcel/parcels
        guitar/guitars suitcase/suitcases""",
    "VEHICLE": """car/cars bicycle/bicycles truck/trucks boat/boats bus/buses engine/engines
        motorbike/motorbikes tractor/tractors van/vans printer/printers radio/radios clock/clocks
        heater/heaters""",
    "BUILDING": """bridge/bridges house/houses school/schools library tower/towers wall/walls
        fence/fences barn/barns shed/sheds museum road/roads station/stations cottage/cottages
        hotel/hotels""",
    "DOCUMENT": """report/reports contract/contracts letter/letters plan/plans budget proposal/proposals
        petition invoice/invoices application/applications agreement note/notes poem/poems""",
    "ANIMAL": """dog/dogs cat/cats horse/horses goat/goats sheep rabbit/rabbits fox/foxes bird/birds
        cow/cows duck/ducks pony/ponies""",
    "INFO": """warning/warnings truth story/stories answer/answers rumour/rumours result/results secret/secrets
        joke/jokes idea/ideas decision/decisions""",
    "ROOM": """kitchen/kitchens floor/floors window/windows bathroom/bathrooms garage/garages
        staircase/staircases hall/halls""",
    "CLOTHES": """shirt/shirts coat/coats dress/dresses scarf/scarves blanket/blankets towel/towels""",
    "SUBJECT": """mathematics history music chemistry geography biology""",
    "MONEY": """bill/bills rent fine/fines fee/fees""",
    "PLANT": """tree/trees rose/roses tomato/tomatoes potato/potatoes flower/flowers bush/bushes""",
    "BALL": """ball/balls stone/stones frisbee snowball/snowballs""",
    "PRIZE": """race match prize election contest trophy""",
    "CONTAINER": """door/doors window/windows box/boxes gate/gates drawer/drawers jar/jars""",
    "FRAGILE": """window/windows vase/vases glass/glasses plate/plates cup/cups mirror/mirrors""",
    "SOLID": """ice snow butter chocolate candle/candles""",
    "PAPER": """letter/letters wood toast paper/papers""",
    "PLACE": """castle zoo museum market harbour village farm island cathedral gallery""",
    "SONG": """song/songs hymn/hymns ballad/ballads""",
    "FALLER": """leaf/leaves tree/trees price/prices vase/vases rock/rocks""",
}
ADJECTIVES = {
    "PERSON": "old young tired new local famous friendly quiet clever busy".split(),
    "FOOD": "fresh warm cold spicy sweet last".split(),
    "OBJECT": "old new small heavy blue lost".split(),
    "VEHICLE": "old broken red new rusty".split(),
    "BUILDING": "old new wooden small stone".split(),
    "DOCUMENT": "new long final annual".split(),
    "ANIMAL": "old hungry small brown lazy".split(),
}
FIXED_DET = {"GROUP", "SUBJECT", "PLACE", "PRIZE", "MONEY"}  # "the council", "music": no "a"/"some"
BARE = {"SUBJECT"}  # taught music
# mass nouns: never "a"
MASS = set("soup bread cheese fish rice salad stew truth rent ice snow butter chocolate wood toast paper".split())
SINGULAR_DET = "the the the a my our her his their this that".split()
PLURAL_DET = "the the some two three these their our".split()

# Verb frames: base, past, participle, A0 classes, A1 classes, A2 (preposition, classes), kinds.
#   tr: transitive (passive allowed); dat: the A2 may come first without its preposition ("gave the boy
#   a book"); opt: the A1 may be left out ("the children ate"); alt: the causative alternation (A1 as
#   subject); unacc: A1 subject only; intr: A0 subject only.
VERBS = [
    ("eat", "ate", "eaten", "PERSON ANIMAL", "FOOD", None, "tr opt"),
    ("cook", "cooked", "cooked", "PERSON", "FOOD", None, "tr opt"),
    ("bake", "baked", "baked", "PERSON", "FOOD", None, "tr"),
    ("buy", "bought", "bought", "PERSON GROUP", "OBJECT VEHICLE", ("from", "PERSON"), "tr"),
    ("sell", "sold", "sold", "PERSON GROUP", "OBJECT VEHICLE", ("to", "PERSON"), "tr dat"),
    ("give", "gave", "given", "PERSON", "OBJECT FOOD", ("to", "PERSON"), "tr dat"),
    ("send", "sent", "sent", "PERSON GROUP", "DOCUMENT OBJECT", ("to", "PERSON GROUP"), "tr dat"),
    ("lend", "lent", "lent", "PERSON", "OBJECT MONEY", ("to", "PERSON"), "tr dat"),
    ("borrow", "borrowed", "borrowed", "PERSON", "OBJECT VEHICLE", ("from", "PERSON"), "tr"),
    ("steal", "stole", "stolen", "PERSON", "OBJECT VEHICLE", ("from", "PERSON"), "tr"),
    ("show", "showed", "shown", "PERSON", "OBJECT DOCUMENT", ("to", "PERSON"), "tr dat"),
    ("tell", "told", "told", "PERSON", "INFO", ("to", "PERSON"), "tr dat"),
    ("teach", "taught", "taught", "PERSON", "SUBJECT", ("to", "PERSON"), "tr dat"),
    ("explain", "explained", "explained", "PERSON", "INFO DOCUMENT", ("to", "PERSON GROUP"), "tr"),
    ("write", "wrote", "written", "PERSON", "DOCUMENT", ("to", "PERSON GROUP"), "tr dat opt"),
    ("read", "read", "read", "PERSON", "DOCUMENT", None, "tr opt"),
    ("deliver", "delivered", "delivered", "PERSON", "OBJECT FOOD", ("to", "PERSON GROUP"), "tr"),
    ("throw", "threw", "thrown", "PERSON", "BALL", ("to", "PERSON ANIMAL"), "tr dat"),
    ("pay", "paid", "paid", "PERSON GROUP", "MONEY", ("to", "PERSON GROUP"), "tr dat"),
    ("repair", "repaired", "repaired", "PERSON", "VEHICLE", None, "tr"),
    ("build", "built", "built", "PERSON GROUP", "BUILDING", None, "tr"),
    ("paint", "painted", "painted", "PERSON", "BUILDING VEHICLE", None, "tr opt"),
    ("design", "designed", "designed", "PERSON", "BUILDING", None, "tr"),
    ("clean", "cleaned", "cleaned", "PERSON", "ROOM VEHICLE", None, "tr"),
    ("wash", "washed", "washed", "PERSON", "VEHICLE CLOTHES", None, "tr"),
    ("find", "found", "found", "PERSON ANIMAL", "OBJECT", None, "tr"),
    ("lose", "lost", "lost", "PERSON", "OBJECT", None, "tr"),
    ("carry", "carried", "carried", "PERSON", "OBJECT", None, "tr"),
    ("hide", "hid", "hidden", "PERSON", "OBJECT", None, "tr"),
    ("pack", "packed", "packed", "PERSON", "OBJECT CLOTHES", None, "tr"),
    ("feed", "fed", "fed", "PERSON", "ANIMAL", None, "tr"),
    ("catch", "caught", "caught", "PERSON ANIMAL", "BALL ANIMAL", None, "tr"),
    ("chase", "chased", "chased", "ANIMAL PERSON", "ANIMAL", None, "tr"),
    ("visit", "visited", "visited", "PERSON", "PLACE PERSON", None, "tr"),
    ("help", "helped", "helped", "PERSON GROUP", "PERSON", None, "tr"),
    ("hire", "hired", "hired", "GROUP", "PERSON", None, "tr"),
    ("invite", "invited", "invited", "PERSON GROUP", "PERSON", None, "tr"),
    ("praise", "praised", "praised", "PERSON GROUP", "PERSON", None, "tr"),
    ("approve", "approved", "approved", "GROUP", "DOCUMENT", None, "tr"),
    ("reject", "rejected", "rejected", "GROUP", "DOCUMENT", None, "tr"),
    ("sign", "signed", "signed", "PERSON", "DOCUMENT", None, "tr"),
    ("announce", "announced", "announced", "GROUP PERSON", "INFO", None, "tr"),
    ("plant", "planted", "planted", "PERSON", "PLANT", None, "tr"),
    ("order", "ordered", "ordered", "PERSON", "FOOD", None, "tr"),
    ("win", "won", "won", "PERSON GROUP", "PRIZE", None, "tr"),
    ("sing", "sang", "sung", "PERSON", "SONG", None, "tr opt"),
    ("open", "opened", "opened", "PERSON", "CONTAINER", None, "tr alt"),
    ("close", "closed", "closed", "PERSON", "CONTAINER", None, "tr alt"),
    ("break", "broke", "broken", "PERSON ANIMAL", "FRAGILE", None, "tr alt"),
    ("melt", "melted", "melted", "PERSON", "SOLID", None, "tr alt"),
    ("burn", "burned", "burned", "PERSON", "PAPER", None, "tr alt"),
    ("roll", "rolled", "rolled", "PERSON", "BALL", None, "tr alt"),
    ("arrive", "arrived", "arrived", None, "PERSON VEHICLE", None, "unacc"),
    ("fall", "fell", "fallen", None, "FALLER", None, "unacc"),
    ("disappear", "disappeared", "disappeared", None, "OBJECT ANIMAL", None, "unacc"),
    ("laugh", "laughed", "laughed", "PERSON", None, None, "intr"),
    ("sleep", "slept", "slept", "PERSON ANIMAL", None, None, "intr"),
    ("work", "worked", "worked", "PERSON", None, None, "intr"),
    ("smile", "smiled", "smiled", "PERSON", None, None, "intr"),
    ("wait", "waited", "waited", "PERSON", None, None, "intr"),
]
# verbs whose A1 is a clause: "said that ...", "thought that ..."
CLAUSE_VERBS = [("say", "said"), ("think", "thought"), ("believe", "believed"), ("claim", "claimed")]
SUBORDINATORS = {"after": "AM-TMP", "before": "AM-TMP", "when": "AM-TMP", "while": "AM-TMP",
                 "because": "AM-CAU", "as soon as": "AM-TMP"}

TMP = """yesterday|today|last night|last week|on Monday|on Friday morning|in the morning|in the evening|
    at noon|at midnight|two days ago|after lunch|before dinner|in 2019|in spring|every Sunday|this morning|
    at dawn|during the storm|in March|on Tuesday|after the meeting|last summer|an hour later|at six o'clock|
    on Saturday night|in the afternoon|three weeks ago|in 1998|at the weekend|in winter|on Thursday""".split("|")
LOC = """in the kitchen|at the station|in the garden|near the river|behind the house|at the market|on the farm|
    in the park|at the airport|in the village|by the lake|in the office|at school|in the city centre|
    on the beach|in the forest|at the harbour|upstairs|in Lisbon|in Cairo|near the bridge|at the hospital|
    in the hall|under the old tree|in Oslo|at the border|in the basement|on the island|in Nairobi|
    outside the bakery|in the square|in Quito""".split("|")
MNR = """carefully|quickly|slowly|quietly|with great care|by hand|without a word|in silence|happily|
    angrily|calmly|with a smile|in a hurry|patiently|gently|badly|easily|with both hands|eagerly|
    nervously|loudly|proudly|secretly|politely""".split("|")
