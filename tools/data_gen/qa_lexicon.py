"""Word pools for the fictional world the QA passages describe.

Town, region and company names are compositional and invented, so a reader
model cannot answer from memorised world knowledge: the answer has to come
from the passage. Each pool is split by ``names.holdout`` in the passage
builder, so dev passages use names that never occur in train.
"""

TOWN_HEADS = """Brack Elm Marl Ash Thorn Wil Hal Ferr Gold Ister Kel Lang Mor North Oak Pen
Quen Ros Stan Tarr Ul Ven Wex Yar Zel Cal Dun Fen Glen Hart Bex Cor Dray Eas Ful Grim
Hol Ing Kirk Lud Mill Nether Ott Pike Red Sil Tun Up Wal Whit Alder Bram Cold Dover""".split()
TOWN_TAILS = """ford wick by ton mere stead bury dale holm haven field bridge moor port ham ley
worth combe thorpe minster""".split()

REGION_NAMES = """Varden Ostrel Calmark Sorrel Tessaly Morvin Kester Lorne Averly Duskmoor
Hallow Brenn Corvel Dalmere Estwold Farrow Galen Harth Ivel Jorvale Kelda Lusk Maddow
Norrin Pelham Quarry Rothe Selby Tamsin Umber Veld Wyvern""".split()
REGION_FORMS = ["the {} Valley", "the {} Hills", "the province of {}", "the {} coast",
                "the {} lowlands", "the district of {}"]
RIVER_NAMES = """Aven Brisk Cael Dorran Esk Fenn Garron Holle Idle Jessa Kennet Lune Marrow
Nidd Orwen Perry Rill Sallow Tamar Ure Vessey Wenning Yarrow Zeal""".split()

PROFESSIONS = {
    # profession: (field studied, work kind, count noun, past verb, base verb)
    "novelist": (["literature", "history", "philosophy", "law"], "novel", "novels", "wrote",
                 "write"),
    "painter": (["fine art", "drawing", "art history"], "painting", "paintings", "painted",
                "paint"),
    "composer": (["music", "piano", "violin"], "work", "symphonies", "composed", "compose"),
    "architect": (["architecture", "engineering", "mathematics"], "building", "buildings",
                  "designed", "design"),
    "photographer": (["chemistry", "journalism", "fine art"], "photograph", "photo books",
                     "published", "publish"),
    "sculptor": (["fine art", "stone carving", "metalwork"], "sculpture", "statues", "carved",
                 "carve"),
    "poet": (["classics", "languages", "literature"], "poem", "poetry collections",
             "published", "publish"),
    "film director": (["drama", "photography", "literature"], "film", "feature films", "made",
                      "make"),
}

TITLE_ADJECTIVES = """Silent Hollow Crimson Northern Quiet Broken Golden Distant Winter Burning
Last Salt Glass Iron Wandering Paper Sleeping Amber Patient Lantern""".split()
TITLE_NOUNS = """Harbour Orchard River Lantern Garden Bridge Tide Mirror Meadow Station Lighthouse
Window Valley Orchestra Shore Letters Crossing Ferry Clock Season""".split()
BUILDING_NOUNS = ["Concert Hall", "Public Library", "Glass Pavilion", "Railway Station",
                  "Art Museum", "Observatory", "Town Hall", "Covered Market"]

AWARD_FORMS = ["the {} Prize", "the {} Medal", "the {} Award", "the Grand Prize of {}"]

INDUSTRIES = ["wool", "salt", "glass", "timber", "silver", "copper", "linen", "cider", "tin",
              "leather", "clock", "pottery", "cheese", "spice", "silk", "coal"]
LANDMARK_FORMS = ["{} Clock Tower", "{} Stone Bridge", "Old {} Chapel", "{} Corn Exchange",
                  "{} Lighthouse", "{} Castle", "{} Abbey", "{} Windmill"]
FESTIVALS = ["lantern", "harvest", "folk music", "kite", "cheese", "flower", "boat", "jazz",
             "storytelling", "candle", "apple", "puppet"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
JOBS = ["merchant", "miller", "priest", "blacksmith", "shipbuilder", "farmer", "weaver",
        "sea captain", "wool trader", "brewer", "schoolteacher", "banker"]

COMPANY_HEADS = """Veltrona Norcasta Quillon Aramis Brightwell Castellan Dunmore Everstone
Granton Heliox Inverra Kestrel Lindon Meridian Northgate Oakridge Pellucid Silverline Tavistock
Umbra Vantage Westbrook Yardley Zephyr Alderney Bramwell Cresta Delmar Ellison Fairlight
Gantry Holloway Ironside Juniper Kingsley Lockhart Marlow Newbold Orchard Prestwick""".split()
COMPANY_TAILS = ["Industries", "Works", "Instruments", "Motors", "Foods", "Textiles",
                 "Electronics", "Optics", "Systems", "Cycles", "Ceramics", "Brewing"]
PRODUCTS = ["bicycles", "pianos", "sewing machines", "kitchen scales", "hearing aids",
            "telescopes", "farm tractors", "wristwatches", "radios", "typewriters",
            "electric kettles", "fishing boats", "garden tools", "printing presses",
            "solar panels", "wind turbines", "office chairs", "toy trains", "camera lenses"]
FIRST_PRODUCTS = ["wooden toy", "brass compass", "pocket lamp", "hand-cranked radio",
                  "folding chair", "copper kettle", "paper fan", "tin whistle", "spring scale",
                  "leather satchel", "clockwork mouse", "weather vane"]
PRICES = ["12 million pounds", "40 million dollars", "3 million crowns", "85 million euros",
          "900,000 pounds", "7 million dollars", "150 million euros", "2 million pounds"]

DEVICES = {
    # device noun: (plural, what kind of thing it is, purposes, what it replaced)
    "pump": ("pumps", "machine", ["drain water from flooded mines", "water crops on dry farms"],
             ["hand pump", "bucket chain"]),
    "loom": ("looms", "machine", ["weave patterned cloth", "weave carpets quickly"],
             ["hand loom", "wooden frame loom"]),
    "lamp": ("lamps", "light", ["light railway tunnels", "help miners see underground"],
             ["oil lamp", "tallow candle"]),
    "clock": ("clocks", "instrument", ["keep time at sea", "time factory shifts"],
              ["sand glass", "sundial"]),
    "plough": ("ploughs", "farm tool", ["turn heavy clay soil", "dig deeper furrows"],
               ["horse-drawn plough", "wooden plough"]),
    "kiln": ("kilns", "furnace", ["fire pottery evenly", "make stronger bricks"],
             ["open fire pit", "clay oven"]),
    "telescope": ("telescopes", "instrument", ["watch ships far out at sea",
                                               "map the surface of the moon"],
                  ["spyglass", "sighting tube"]),
    "filter": ("filters", "device", ["clean river water for drinking", "remove soot from air"],
               ["cloth sieve", "sand bed"]),
    "press": ("presses", "machine", ["print newspapers quickly", "squeeze oil from olives"],
              ["hand press", "stone mill"]),
    "pram": ("prams", "carriage", ["carry babies over rough roads", "fold flat for travel"],
             ["wicker basket", "hand cart"]),
    "stove": ("stoves", "heater", ["heat small cottages cheaply", "cook with less wood"],
              ["open fire", "iron brazier"]),
    "barometer": ("barometers", "instrument", ["warn fishermen of storms",
                                               "forecast the weather for farmers"],
                  ["weather glass", "storm bottle"]),
}
DEVICE_ADJECTIVES = ["rotary", "folding", "steam", "pocket", "double", "silent", "portable",
                     "spring-driven", "twin-wheel", "copper"]
MATERIALS = ["brass", "oak", "cast iron", "copper", "walnut", "steel", "pine", "bronze",
             "tin", "glass and brass"]
RACE_TYPES = ["rowing", "cycling", "horse", "sled-dog", "running", "sailing", "canoe"]
RACE_PRIZES = ["a silver oar", "a bronze bell", "a wreath of oak leaves", "a gold cup",
               "a carved walking stick", "a barrel of cider", "a glass trophy", "a silver plate"]
PARADES = ["paper boats", "giant puppets", "decorated carts", "lanterns on the river",
           "horses in costume", "children carrying candles", "brass bands", "painted kites"]
VENUES = ["the market square", "the old harbour", "the castle grounds", "the town park",
          "the cathedral close", "the riverside meadow", "the covered market"]
WIN_TIMES = ["2 hours and 14 minutes", "48 minutes", "3 hours and 5 minutes", "1 hour and 52 minutes",
             "57 minutes", "4 hours and 20 minutes", "1 hour and 9 minutes"]

QUALITIES = ["its quiet humour", "its bold colours", "its careful detail", "its plain language",
             "its sense of place", "its strong rhythms", "its dark mood", "its warmth"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FAIRS = ["Great Exhibition", "Spring Trade Fair", "Northern Industrial Fair",
         "International Science Fair", "Winter Craft Show", "Royal Agricultural Show"]
COMPLAINTS = ["too noisy", "too heavy to move", "hard to clean", "slow to start",
              "expensive to repair", "difficult to assemble"]
OLD_PRICES = ["12 shillings", "3 pounds", "40 dollars", "9 crowns", "25 francs", "2 guineas"]
STALL_FOODS = ["roast chestnuts", "smoked fish", "honey cakes", "apple pies",
               "grilled sausages", "spiced wine", "fresh oysters", "potato pancakes"]
REASONS = ["heavy floods", "a cholera outbreak", "a long war", "a lack of money",
           "a fire in the town hall", "heavy snow", "a strike by railway workers"]
ROUTE_SIGHTS = ["an old castle", "three stone bridges", "a ruined abbey", "the harbour wall",
                "a famous lighthouse", "a row of windmills", "the cathedral"]
MODEL_NAMES = ["100", "200", "Mark II", "Classic", "Junior", "Deluxe", "Standard", "Compact"]
