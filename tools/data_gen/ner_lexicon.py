"""Entity pools for the NER generator, one list per slot kind.

Pools mix real, well-known names (countries, cities, events, products) with
compositional ones ("Bank of Chile", "Lisbon Rovers", "Halvorsen Logistics")
so there are far more entity strings than sentences. Slot kinds are finer than
the four tags (a club, a university and a newspaper are all ORG) only so that
templates read naturally.
"""


def _bar(text: str) -> list[str]:
    """Split a '|'-separated block (newlines count as separators) into names."""
    return text.replace("\n", "|").strip("|").split("|")


CITIES = _bar("""
London|Paris|Berlin|Madrid|Rome|Lisbon|Vienna|Prague|Warsaw|Budapest|Athens|Oslo|Stockholm
Helsinki|Copenhagen|Dublin|Edinburgh|Brussels|Amsterdam|Zurich|Geneva|Munich|Hamburg|Milan
Naples|Barcelona|Seville|Porto|Lyon|Marseille|Krakow|Bucharest|Sofia|Belgrade|Zagreb|Kiev
Moscow|Istanbul|Ankara|Cairo|Lagos|Nairobi|Accra|Dakar|Addis Ababa|Johannesburg|Cape Town
Casablanca|Tunis|Kampala|Harare|Lusaka|Tehran|Baghdad|Beirut|Amman|Riyadh|Doha|Dubai
Abu Dhabi|Tel Aviv|Karachi|Lahore|Mumbai|Delhi|Chennai|Kolkata|Bangalore|Dhaka|Colombo
Kathmandu|Bangkok|Hanoi|Jakarta|Manila|Kuala Lumpur|Singapore|Hong Kong|Shanghai|Beijing
Seoul|Busan|Tokyo|Osaka|Sydney|Melbourne|Perth|Auckland|Wellington|New York|Los Angeles
Chicago|Boston|Houston|Toronto|Montreal|Vancouver|Mexico City|Bogota|Lima|Santiago|Quito
Buenos Aires|Sao Paulo|Rio de Janeiro|Caracas|Havana|Panama City|San Francisco|Seattle
Glasgow|Manchester|Liverpool|Leeds|Cardiff|Belfast|Frankfurt|Cologne|Rotterdam|Antwerp
Gothenburg|Bergen|Tampere|Valencia|Bilbao|Turin|Florence|Gdansk|Brno|Debrecen|Thessaloniki
""")

AREAS = _bar("""
Siberia|Patagonia|Scandinavia|Bavaria|Tuscany|Kashmir|Tasmania|Catalonia|Anatolia|Provence
Silesia|Andalusia|Normandy|Lapland|Darfur|Punjab|Kurdistan|Crimea|Flanders|Galicia|Quebec
Alaska|Texas|California|Yorkshire|Sicily|Sardinia|Corsica|Borneo|Sumatra|Mindanao|Hokkaido
""")

COUNTRIES = _bar("""
Germany|France|Spain|Italy|Portugal|Britain|Ireland|Norway|Sweden|Finland|Denmark|Poland
Austria|Switzerland|Belgium|Mongolia|Greece|Turkey|Russia|Ukraine|Romania|Bulgaria|Serbia
Croatia|Hungary|Czechia|Egypt|Morocco|Algeria|Tunisia|Nigeria|Ghana|Kenya|Ethiopia
Uganda|Tanzania|South Africa|Zimbabwe|Senegal|Ivory Coast|Iran|Iraq|Israel|Jordan|Lebanon
Saudi Arabia|Qatar|Laos|Pakistan|India|Bangladesh|Sri Lanka|Nepal|China
Japan|South Korea|North Korea|Vietnam|Thailand|Indonesia|Malaysia|Cambodia|Australia
New Zealand|Canada|Kazakhstan|Mexico|Brazil|Argentina|Chile|Peru|Colombia|Venezuela
Ecuador|Cuba|Uruguay|Bolivia|Iceland|Estonia|Latvia|Lithuania|Slovakia|Slovenia|Georgia
""")

REGIONS_THE = _bar("""
Alps|Andes|Sahara|Himalayas|Balkans|Middle East|Amazon|Caribbean|Gobi Desert
Rocky Mountains|Pyrenees|Carpathians|Atacama Desert|Arctic|Horn of Africa|Persian Gulf
Baltic states|Sinai Peninsula|Iberian Peninsula|Great Lakes|Ural Mountains|Kalahari
""")

WATERS = _bar("""
Rhine|Danube|Nile|Mekong|Thames|Seine|Volga|Yangtze|Ganges|Zambezi|Niger|Amazon River
Mississippi|Rio Grande|Baltic Sea|Black Sea|North Sea|Red Sea|Mediterranean|Caspian Sea
Gulf of Mexico|Suez Canal|Panama Canal|Bay of Bengal|Strait of Hormuz|English Channel
""")

NATIONALITIES = _bar("""
German|French|Spanish|Italian|Portuguese|British|Irish|Norwegian|Swedish|Finnish|Danish
Polish|Austrian|Swiss|Belgian|Dutch|Greek|Turkish|Russian|Ukrainian|Romanian|Bulgarian
Serbian|Croatian|Hungarian|Czech|Egyptian|Moroccan|Nigerian|Ghanaian|Kenyan|Ethiopian
Ugandan|South African|Zimbabwean|Senegalese|Iranian|Iraqi|Israeli|Jordanian|Lebanese|Saudi
Pakistani|Indian|Bangladeshi|Sri Lankan|Nepalese|Chinese|Japanese|South Korean|Vietnamese
Thai|Indonesian|Malaysian|Filipino|Australian|New Zealand|Canadian|American|Mexican
Brazilian|Argentine|Chilean|Peruvian|Colombian|Venezuelan|Cuban|Icelandic|Estonian|Scottish
Welsh|Slovak|Georgian|Uruguayan|Bolivian|Costa Rican|Tunisian|Algerian|Lithuanian|Latvian
""")

LANGUAGES = _bar("""
English|French|Spanish|Arabic|Mandarin|Cantonese|Hindi|Swahili|Portuguese|Russian|Japanese
German|Italian|Dutch|Welsh|Basque|Catalan|Tamil|Bengali|Urdu|Yoruba|Zulu|Korean|Turkish
Polish|Finnish|Hebrew|Persian|Amharic|Tagalog|Malay|Greek|Hungarian|Icelandic|Gaelic|Hausa
""")

SPORT_EVENTS = _bar("""
Olympics|Olympic Games|World Cup|Tour de France|Champions League|Davis Cup|Ryder Cup
Super Bowl|Paralympics|Australian Open|Asian Games|Commonwealth Games|Africa Cup of Nations
Copa America|US Open|Boston Marathon|Six Nations|Rugby World Cup|Winter Olympics
Giro d'Italia|Europa League|Cricket World Cup|Stanley Cup|Tour of Flanders|French Open
""")

SPORT_EVENT_SUFFIXES = ["Marathon", "Open", "Grand Prix", "Half Marathon", "Masters"]

FESTIVALS = _bar("""
Cannes Film Festival|Eurovision Song Contest|Venice Biennale|Berlin Film Festival
Edinburgh Festival|Frankfurt Book Fair|Glastonbury Festival|Sundance Film Festival
Toronto International Film Festival|Montreux Jazz Festival|Salzburg Festival|Hay Festival
""")

FESTIVAL_SUFFIXES = ["Film Festival", "Jazz Festival", "Book Fair", "Motor Show",
                     "Arts Festival", "Music Festival"]

AWARDS = _bar("""
Nobel Peace Prize|Nobel Prize in Literature|Booker Prize|Pulitzer Prize|Golden Globe
Palme d'Or|Golden Bear|International Booker Prize|Ballon d'Or|Prix Goncourt|Turner Prize
Golden Lion|Fields Medal|Pritzker Prize|Abel Prize|Wolf Prize in Physics|Kyoto Prize
""")

PRODUCTS = _bar("""
Windows|iPhone|PlayStation|Android|Boeing 747|Airbus A380|Xbox|Linux|Kindle|Walkman
Galaxy S|Model T|Game Boy|iPad|MacBook|Nintendo Switch|Concorde|Boeing 737|Office 365
ThinkPad|Prius|Golf GTI|Gmail|Skype|WhatsApp|Instagram|Photoshop|Excel
""")

BRANDS = _bar("""
Zentra|Orbix|Kalix|Vireo|Lumora|Quantel|Novaro|Helix|Sorento|Teraform|Aquila|Cobalt|Veyra
Strato|Pulsar|Norvik|Altair|Brisa|Corvan|Dynamo|Ember|Falcon|Glint|Halo|Ionis|Juno
""")
MODELS = ["X5", "Pro", "Air", "9", "Max", "S2", "Mini", "Ultra", "One", "Plus", "3000",
          "Note", "Go", "Lite", "Z", "Prime"]

COMPANY_WORDS = _bar("""
Veltrona|Norcasta|Quillon|Aramis|Brightwell|Castellan|Dunmore|Everstone|Fairhaven|Granton
Heliox|Inverra|Jasper|Kestrel|Lindon|Meridian|Northgate|Oakridge|Pellucid|Redcliffe|Silverline
Tavistock|Umbra|Vantage|Westbrook|Yardley|Zephyr|Alderney|Bramwell|Cresta|Delmar|Ellison
""")

COMPANY_SUFFIXES = ["Industries", "Holdings", "Group", "Motors", "Pharmaceuticals", "Airlines",
                    "Capital", "Foods", "Energy", "Systems", "Logistics", "Media", "Steel",
                    "Chemicals", "Telecom", "Partners", "Bank", "Insurance", "Mining",
                    "Shipping", "Electronics", "Textiles", "Software", "Brewery"]

REAL_COMPANIES = _bar("""
Siemens|Toyota|Microsoft|Nestle|Shell|Volkswagen|Samsung|Sony|Nokia|Ericsson|Unilever|Fiat
Renault|Boeing|Airbus|Philips|Heineken|Lufthansa|Gazprom|Petrobras|Tata Steel|Reliance
Alibaba|Huawei|Infosys|Vodafone|Barclays|HSBC|Deutsche Bank|Credit Suisse|Air France
British Airways|General Motors|Ford|Honda|Hyundai|Adidas|Puma|Ikea|Lego|Volvo|Maersk
""")

INSTITUTIONS = _bar("""
United Nations|European Union|NATO|World Bank|International Monetary Fund|Red Cross
World Health Organization|Greenpeace|FIFA|UEFA|OPEC|Interpol|UNESCO|Amnesty International
African Union|Council of Europe|European Central Bank|World Trade Organization|UNICEF
International Olympic Committee|Federal Reserve|European Commission|Arab League|ASEAN
Doctors Without Borders|Human Rights Watch|International Atomic Energy Agency|Oxfam
""")

MINISTRY_TOPICS = ["Defence", "Finance", "Health", "Agriculture", "Foreign Affairs",
                   "Education", "Transport", "Energy", "Justice", "Culture"]

MEDIA = _bar("""
Reuters|Associated Press|BBC|Al Jazeera|Financial Times|New York Times|Le Monde|Der Spiegel
El Pais|Guardian|Washington Post|Asahi Shimbun|Times of India|Bloomberg|Agence France-Presse
""")

MEDIA_SUFFIXES = ["Herald", "Times", "Gazette", "Courier", "Post", "Tribune", "Chronicle"]

PARTIES = _bar("""
Labour Party|Conservative Party|Green Party|Liberal Democrats|Social Democratic Party
Christian Democratic Union|National Party|Freedom Party|Workers' Party|Democratic Party
Republican Party|Socialist Party|People's Party|Centre Party|Left Party|Pirate Party
""")

CLUB_PATTERNS = ["{} United", "{} City", "Real {}", "{} Rovers", "FC {}", "{} Wanderers",
                 "Sporting {}", "{} Athletic", "Dynamo {}", "{} FC"]

UNIVERSITY_PATTERNS = ["University of {}", "{} University", "{} Institute of Technology",
                       "{} School of Economics"]
