"""Word pools for the invented news reports of the summarization preset.

Places, people and companies come from the QA generator's invented pools (``qa_lexicon``,
``names``); the lists here are what each kind of story talks about: sports and their scores,
council schemes, business sites, weather, discoveries, fundraising feats, festivals.
"""

from .qa_lexicon import FESTIVALS, MONTHS, REGION_NAMES, TITLE_ADJECTIVES, TITLE_NOUNS, WEEKDAYS

__all__ = ["FESTIVALS", "MONTHS", "REGION_NAMES", "TITLE_ADJECTIVES", "TITLE_NOUNS", "WEEKDAYS"]

AREA_NAMES = REGION_NAMES
AREA_KINDS = ["Valley", "Hills", "Forest", "Marshes", "Uplands", "Moors"]

# sport: team suffixes, (winner's lowest, highest score), the loser's largest margin, star's feat
SPORTS = {
    "football": {"suffixes": ["United", "Rovers", "Athletic", "Town", "Wanderers", "Albion"],
                 "win": (1, 5), "margin": 3, "feat": ("scored twice", "double"), "unit": "goal"},
    "hockey": {"suffixes": ["Hockey Club", "Hawks", "Strikers"], "win": (1, 6), "margin": 4,
               "feat": ("scored twice", "double"), "unit": "goal"},
    "rugby": {"suffixes": ["RFC", "Warriors", "Raiders"], "win": (15, 45), "margin": 20,
              "feat": ("scored two tries", "two tries"), "unit": "try"},
    "netball": {"suffixes": ["Netball Club", "Flyers", "Phoenix"], "win": (38, 70), "margin": 15,
                "feat": ("scored {k} goals", "{k} goals"), "unit": "goal"},
    "basketball": {"suffixes": ["Giants", "Comets", "Titans"], "win": (68, 110), "margin": 25,
                   "feat": ("scored {k} points", "{k} points"), "unit": "basket"},
}
CUP_KINDS = ["Cup", "Shield", "Trophy", "Challenge Cup"]
VENUE_KINDS = ["Park", "Road", "Lane", "Stadium", "Meadow", "Arena"]
WIN_QUOTES = ["I am so proud of the players", "We showed real character today",
              "It was not pretty, but we got the job done", "The players deserved that",
              "That is the best we have played all season", "The fans carried us through the last ten minutes"]
LOSS_QUOTES = ["We made too many mistakes", "We were second best for most of the game",
               "We have to learn from this quickly", "The better side won today",
               "We gave away two soft goals and you cannot do that", "I cannot fault the effort"]

# council schemes: (noun phrase, key phrase a summary must keep, a benefit, a worry)
SCHEMES = [
    ("a skate park", "skate park", "give teenagers somewhere safe to meet", "noise late at night"),
    ("a new library", "library", "replace a building that is no longer safe", "the cost"),
    ("a cycle lane", "cycle lane", "make the school run safer", "the loss of parking spaces"),
    ("a wind turbine", "wind turbine", "cut the council's energy bills", "the view from the hills"),
    ("a multi-storey car park", "car park", "ease parking in the town centre", "extra traffic"),
    ("a community centre", "community centre", "give local groups a permanent home", "the cost"),
    ("an outdoor swimming pool", "swimming pool", "bring visitors to the town in summer",
     "the running costs"),
    ("a solar farm", "solar farm", "power thousands of homes", "the loss of farmland"),
    ("a new primary school", "primary school", "end overcrowding in local classrooms",
     "traffic at the school gates"),
    ("a supermarket", "supermarket", "bring new jobs to the area", "the effect on small shops"),
    ("a park-and-ride scheme", "park-and-ride", "cut congestion on the main road", "the cost"),
    ("a bus station", "bus station", "replace the shelters on the high street",
     "the loss of a green space"),
    ("a climbing wall", "climbing wall", "get more young people into sport", "the building's height"),
    ("a food market hall", "market hall", "support local farmers", "competition with existing traders"),
]
SCHEME_SITES = ["land off {street}", "the old {old} site", "{name} Fields", "the former {old}",
                "a field next to {street}"]
STREETS = ["Mill Lane", "Station Road", "Church Street", "Water Lane", "Bridge Street", "Park Road",
           "Quarry Lane", "Market Street", "Orchard Way", "School Lane"]
OLD_USES = ["bus depot", "gasworks", "cattle market", "hospital", "brewery", "tannery", "fire station"]
COUNCIL_QUOTES = {
    "approved": ["This is a good day for the town", "People have waited long enough for this",
                 "We listened to the objections, but the benefits are clear"],
    "rejected": ["The plans were simply not right for this site", "We could not ignore the strength of feeling",
                 "I hope the applicants come back with a better scheme"],
}

BUSINESS_SITES = ["factory", "warehouse", "distribution centre", "call centre", "research centre",
                  "bakery", "packaging plant", "printing works"]
PRODUCTS = ["kitchen appliances", "garden furniture", "frozen food", "car parts", "paper packaging",
            "bicycle frames", "medical gloves", "school uniforms", "solar panels", "dog food"]
CLOSE_REASONS = ["rising energy costs", "falling demand for its products", "cheaper competition from abroad",
                 "the loss of its biggest customer", "the cost of modernising the site"]
BUSINESS_QUOTES = ["The town has exactly the skills we need", "This is a long-term commitment to the area",
                   "We expect to be recruiting for the rest of the year"]
UNION_WORDS = ["a hammer blow", "a devastating day", "a betrayal of a loyal workforce", "a bitter blow"]

STORM_NAMES = ["Agnes", "Bertram", "Cora", "Dafydd", "Elspeth", "Fergus", "Greta", "Hector", "Isla",
               "Jasper", "Kitty", "Lorcan", "Maud", "Niall", "Orla", "Piers", "Rhona", "Stellan",
               "Tilda", "Ulric", "Verity", "Wendell", "Ysolde", "Zeno"]

ANIMALS = ["beetle", "frog", "moth", "snail", "spider", "lizard", "orchid", "dragonfly", "bat", "fern"]
HABITATS = ["a patch of ancient woodland", "a remote stream", "the edge of a peat bog",
            "a limestone cave", "a flooded quarry", "an old orchard"]
GENERA = ["Carabis", "Velonia", "Orthella", "Mirandus", "Pelora", "Tasmira", "Dunellia", "Quercida"]
JOURNALS = ["the Journal of Field Biology", "Natural History Letters", "the Northern Naturalist",
            "Annals of Wildlife Science", "the Review of Applied Engineering", "Sensors and Systems"]
# invented devices: (noun phrase, key word, what it does)
DEVICES = [("a sensor", "sensor", "detect leaks in water pipes"),
           ("a robot", "robot", "sort recycling by colour"),
           ("a low-cost drone", "drone", "spot disease in apple trees"),
           ("a smartphone app", "app", "measure air pollution on bus routes"),
           ("a wristband", "wristband", "warn farm workers of heatstroke"),
           ("a camera system", "camera", "count fish swimming upstream"),
           ("a battery", "battery", "store solar power for a whole week"),
           ("a floating filter", "filter", "collect plastic from rivers")]
SKY_OBJECTS = ["comet", "asteroid", "supernova", "dwarf planet"]

# fundraising feats: (as a verb phrase, as a noun phrase); {k}, {a}, {b}, {lake} filled in
FEATS = [("ran {k} marathons in {k} days", "{k} marathons in {k} days"),
         ("cycled {k}0 miles from {a} to {b}", "a {k}0-mile bike ride from {a} to {b}"),
         ("walked {k}0 miles along the coast", "a {k}0-mile coastal walk"),
         ("swam {k} miles across Lake {lake}", "a {k}-mile swim across Lake {lake}"),
         ("climbed the stairs of {a} Town Hall {k}00 times", "{k}00 climbs of the {a} Town Hall stairs"),
         ("rowed {k}0 miles down the River {lake}", "a {k}0-mile row down the River {lake}")]
CAUSES = [("the {town} children's hospice", "hospice"), ("a local food bank", "food bank"),
          ("the county air ambulance", "air ambulance"), ("the {town} mountain rescue team", "mountain rescue"),
          ("a dementia charity", "dementia"), ("the hospital where {his} daughter was treated", "hospital"),
          ("an animal sanctuary near {town}", "animal sanctuary")]
CAUSE_USES = ["new equipment", "a second minibus", "training for volunteers", "a sensory garden",
              "an extra nurse for a year"]
LAKES = ["Orwen", "Kennet", "Vessey", "Sallow", "Marrow", "Dorran", "Holle", "Brisk"]

PRIZES = ["Fiction", "First Novel", "Crime Writing", "Historical Fiction", "Children's Fiction"]
