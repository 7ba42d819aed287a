"""World facts for knowledge probing (LAMA style), written for the lab: ``python -m tools.data_gen.facts``.

A fact is {"subject", "relation", "object"}: "France" -capital-> "Paris". The facts are general world
knowledge typed in below, one table per kind of subject; a fact is left out (None, with a comment)
wherever its answer is not single and settled: countries with several capitals or co-official
languages, transcontinental countries, currencies about to change, subjects with two readings
("Georgia" the country or the US state).

As in LAMA (Petroni et al. 2019) and the P-tuning paper, a model ranks the object over its whole
vocabulary, so only facts whose object is ONE token are kept: one token on both decoders
(smollm2-135m and gemma3-270m) as the model reads it after a space, " Paris". How many of the kept
objects are also one WordPiece on the uncased encoder (minilm-l6) is reported, not required.

Split: per relation, a seeded 25% of the facts go to dev, spread evenly over the objects (dev asks about
"won" and "rand" too, not only "euro"). A country's capital and capital-of facts
(France -> Paris, Paris -> France) land on the same side, so dev never asks the inverse of a train fact.
TEST_FACTS (the preset's test_examples) are kept out of both splits, with their inverses.
"""

import argparse
import random
from collections import Counter
from pathlib import Path

from .jsonl import write_jsonl

SEED = 1921
DEV_SHARE = 0.25
DECODERS = ("smollm2-135m", "gemma3-270m")  # the object must be one token on both
ENCODER = "minilm-l6"  # reported only
RELATIONS = ("capital", "capital-of", "country", "language", "continent", "currency", "located-in")
TEST_FACTS = [("Japan", "capital", "Tokyo"), ("Barcelona", "country", "Spain"),
              ("Taj Mahal", "located-in", "India")]
INVERSE = {"capital": "capital-of", "capital-of": "capital"}

# (country, capital, official language, continent, currency); None where the answer is not single.
# Capitals left out: Bolivia (Sucre / La Paz), Benin (Porto-Novo / Cotonou), Ivory Coast (Yamoussoukro /
# Abidjan), South Africa (three), Sri Lanka (Kotte / Colombo), Tanzania (Dodoma / Dar es Salaam),
# Eswatini (Mbabane / Lobamba), Israel, Kazakhstan (Astana renamed twice), Myanmar (moved 2005),
# Indonesia (moving to Nusantara), Burundi (moved 2019), Equatorial Guinea (moving), Sudan and Yemen
# (governments away from the capital in the war), Cyprus (divided), and city-states named after
# themselves. Languages left out: two or more co-official national languages (Belgium, Switzerland,
# Canada, India, Finland, Ireland, ...) or a recent change (Mali, Burkina Faso, Niger, Guinea). Continents left
# out: the Americas ("North America" is two words and "America" is not a continent's name alone),
# Australia (continent "Australia" or "Oceania"), and countries that span two (Russia, Turkey, Egypt,
# Kazakhstan, the Caucasus, Cyprus, Indonesia, East Timor). Currencies left out: Bulgaria (lev, euro
# from 2026), Panama (balboa and US dollar), Zimbabwe (ZiG since 2024); Croatia has had the euro since 2023.
COUNTRIES = [
    ("Afghanistan", "Kabul", None, "Asia", "afghani"),
    ("Albania", "Tirana", "Albanian", "Europe", "lek"),
    ("Algeria", "Algiers", None, "Africa", "dinar"),  # Arabic and Tamazight
    ("Andorra", "Andorra la Vella", "Catalan", "Europe", "euro"),
    ("Angola", "Luanda", "Portuguese", "Africa", "kwanza"),
    ("Antigua and Barbuda", "St. John's", "English", None, "dollar"),
    ("Argentina", "Buenos Aires", "Spanish", None, "peso"),
    ("Armenia", "Yerevan", "Armenian", None, "dram"),
    ("Australia", "Canberra", "English", None, "dollar"),
    ("Austria", "Vienna", "German", "Europe", "euro"),
    ("Azerbaijan", "Baku", "Azerbaijani", None, "manat"),
    ("Bahamas", "Nassau", "English", None, "dollar"),
    ("Bahrain", "Manama", "Arabic", "Asia", "dinar"),
    ("Bangladesh", "Dhaka", "Bengali", "Asia", "taka"),
    ("Barbados", "Bridgetown", "English", None, "dollar"),
    ("Belarus", "Minsk", None, "Europe", "ruble"),  # Belarusian and Russian
    ("Belgium", "Brussels", None, "Europe", "euro"),
    ("Belize", "Belmopan", "English", None, "dollar"),
    ("Benin", None, "French", "Africa", "franc"),
    ("Bhutan", "Thimphu", "Dzongkha", "Asia", "ngultrum"),
    ("Bosnia and Herzegovina", "Sarajevo", None, "Europe", "mark"),  # the convertible mark
    ("Botswana", "Gaborone", None, "Africa", "pula"),
    ("Brazil", "Brasília", "Portuguese", None, "real"),
    ("Brunei", "Bandar Seri Begawan", "Malay", "Asia", "dollar"),
    ("Bulgaria", "Sofia", "Bulgarian", "Europe", None),
    ("Burkina Faso", "Ouagadougou", None, "Africa", "franc"),
    ("Burundi", None, None, "Africa", "franc"),
    ("Cambodia", "Phnom Penh", "Khmer", "Asia", "riel"),
    ("Cameroon", "Yaoundé", None, "Africa", "franc"),  # French and English
    ("Canada", "Ottawa", None, None, "dollar"),
    ("Cape Verde", "Praia", "Portuguese", "Africa", "escudo"),
    ("Central African Republic", "Bangui", None, "Africa", "franc"),
    ("Chad", "N'Djamena", None, "Africa", "franc"),
    ("Chile", "Santiago", "Spanish", None, "peso"),
    ("China", "Beijing", "Chinese", "Asia", "yuan"),
    ("Colombia", "Bogotá", "Spanish", None, "peso"),
    ("Comoros", "Moroni", None, "Africa", "franc"),
    ("Costa Rica", "San José", "Spanish", None, "colón"),
    ("Croatia", "Zagreb", "Croatian", "Europe", "euro"),
    ("Cuba", "Havana", "Spanish", None, "peso"),
    ("Cyprus", None, None, None, "euro"),
    ("Czech Republic", "Prague", "Czech", "Europe", "koruna"),
    ("Democratic Republic of the Congo", "Kinshasa", "French", "Africa", "franc"),
    ("Denmark", "Copenhagen", "Danish", "Europe", "krone"),
    ("Djibouti", None, None, "Africa", "franc"),
    ("Dominica", "Roseau", "English", None, "dollar"),
    ("Dominican Republic", "Santo Domingo", "Spanish", None, "peso"),
    ("Ecuador", "Quito", "Spanish", None, "dollar"),
    ("Egypt", "Cairo", "Arabic", None, "pound"),
    ("El Salvador", "San Salvador", "Spanish", None, "dollar"),
    ("Equatorial Guinea", None, None, "Africa", "franc"),
    ("Eritrea", "Asmara", None, "Africa", "nakfa"),
    ("Estonia", "Tallinn", "Estonian", "Europe", "euro"),
    ("Eswatini", None, None, "Africa", "lilangeni"),
    ("Ethiopia", "Addis Ababa", None, "Africa", "birr"),
    ("Fiji", "Suva", None, "Oceania", "dollar"),
    ("Finland", "Helsinki", None, "Europe", "euro"),
    ("France", "Paris", "French", "Europe", "euro"),
    ("Gabon", "Libreville", "French", "Africa", "franc"),
    ("Gambia", "Banjul", "English", "Africa", "dalasi"),
    ("Georgia", None, "Georgian", None, "lari"),  # "the capital of Georgia": Tbilisi or Atlanta
    ("Germany", "Berlin", "German", "Europe", "euro"),
    ("Ghana", "Accra", "English", "Africa", "cedi"),
    ("Greece", "Athens", "Greek", "Europe", "euro"),
    ("Grenada", "St. George's", "English", None, "dollar"),
    ("Guatemala", "Guatemala City", "Spanish", None, "quetzal"),
    ("Guinea", "Conakry", None, "Africa", "franc"),
    ("Guinea-Bissau", "Bissau", "Portuguese", "Africa", "franc"),
    ("Guyana", "Georgetown", "English", None, "dollar"),
    ("Haiti", "Port-au-Prince", None, None, "gourde"),
    ("Honduras", "Tegucigalpa", "Spanish", None, "lempira"),
    ("Hungary", "Budapest", "Hungarian", "Europe", "forint"),
    ("Iceland", "Reykjavik", "Icelandic", "Europe", "krona"),
    ("India", "New Delhi", None, "Asia", "rupee"),
    ("Indonesia", None, "Indonesian", None, "rupiah"),
    ("Iran", "Tehran", "Persian", "Asia", "rial"),
    ("Iraq", "Baghdad", None, "Asia", "dinar"),  # Arabic and Kurdish
    ("Ireland", "Dublin", None, "Europe", "euro"),
    ("Israel", None, "Hebrew", "Asia", "shekel"),
    ("Italy", "Rome", "Italian", "Europe", "euro"),
    ("Ivory Coast", None, "French", "Africa", "franc"),
    ("Jamaica", "Kingston", "English", None, "dollar"),
    ("Japan", "Tokyo", "Japanese", "Asia", "yen"),
    ("Jordan", "Amman", "Arabic", "Asia", "dinar"),
    ("Kazakhstan", None, None, None, "tenge"),
    ("Kenya", "Nairobi", None, "Africa", "shilling"),  # Swahili and English
    ("Kuwait", "Kuwait City", "Arabic", "Asia", "dinar"),
    ("Kyrgyzstan", "Bishkek", None, "Asia", "som"),
    ("Laos", "Vientiane", "Lao", "Asia", "kip"),
    ("Latvia", "Riga", "Latvian", "Europe", "euro"),
    ("Lebanon", "Beirut", "Arabic", "Asia", "pound"),
    ("Lesotho", "Maseru", None, "Africa", "loti"),
    ("Liberia", "Monrovia", "English", "Africa", "dollar"),
    ("Libya", "Tripoli", "Arabic", "Africa", "dinar"),
    ("Liechtenstein", "Vaduz", "German", "Europe", "franc"),
    ("Lithuania", "Vilnius", "Lithuanian", "Europe", "euro"),
    ("Luxembourg", None, None, "Europe", "euro"),
    ("Madagascar", "Antananarivo", None, "Africa", "ariary"),
    ("Malawi", "Lilongwe", None, "Africa", "kwacha"),
    ("Malaysia", "Kuala Lumpur", "Malay", "Asia", "ringgit"),
    ("Maldives", "Malé", "Dhivehi", "Asia", "rufiyaa"),
    ("Mali", "Bamako", None, "Africa", "franc"),
    ("Malta", "Valletta", None, "Europe", "euro"),  # Maltese and English
    ("Marshall Islands", "Majuro", None, "Oceania", "dollar"),
    ("Mauritania", "Nouakchott", "Arabic", "Africa", "ouguiya"),
    ("Mauritius", "Port Louis", None, "Africa", "rupee"),
    ("Mexico", "Mexico City", "Spanish", None, "peso"),
    ("Moldova", "Chișinău", None, "Europe", "leu"),
    ("Monaco", None, "French", "Europe", "euro"),
    ("Mongolia", "Ulaanbaatar", "Mongolian", "Asia", "tugrik"),
    ("Montenegro", "Podgorica", None, "Europe", "euro"),
    ("Morocco", "Rabat", None, "Africa", "dirham"),  # Arabic and Tamazight
    ("Mozambique", "Maputo", "Portuguese", "Africa", "metical"),
    ("Myanmar", None, "Burmese", "Asia", "kyat"),
    ("Namibia", "Windhoek", "English", "Africa", "dollar"),
    ("Nepal", "Kathmandu", "Nepali", "Asia", "rupee"),
    ("Netherlands", "Amsterdam", "Dutch", "Europe", "euro"),
    ("New Zealand", "Wellington", None, "Oceania", "dollar"),
    ("Nicaragua", "Managua", "Spanish", None, "córdoba"),
    ("Niger", "Niamey", None, "Africa", "franc"),
    ("Nigeria", "Abuja", "English", "Africa", "naira"),
    ("North Korea", "Pyongyang", "Korean", "Asia", "won"),
    ("North Macedonia", "Skopje", None, "Europe", "denar"),
    ("Norway", "Oslo", "Norwegian", "Europe", "krone"),
    ("Oman", "Muscat", "Arabic", "Asia", "rial"),
    ("Pakistan", "Islamabad", None, "Asia", "rupee"),  # Urdu and English
    ("Palau", "Ngerulmud", None, "Oceania", "dollar"),
    ("Panama", "Panama City", "Spanish", None, None),
    ("Papua New Guinea", "Port Moresby", None, "Oceania", "kina"),
    ("Paraguay", "Asunción", None, None, "guarani"),  # Spanish and Guarani
    ("Peru", "Lima", "Spanish", None, "sol"),
    ("Philippines", "Manila", None, "Asia", "peso"),
    ("Poland", "Warsaw", "Polish", "Europe", "zloty"),
    ("Portugal", "Lisbon", "Portuguese", "Europe", "euro"),
    ("Qatar", "Doha", "Arabic", "Asia", "riyal"),
    ("Republic of the Congo", "Brazzaville", "French", "Africa", "franc"),
    ("Romania", "Bucharest", "Romanian", "Europe", "leu"),
    ("Russia", "Moscow", "Russian", None, "ruble"),
    ("Rwanda", "Kigali", None, "Africa", "franc"),
    ("Saint Kitts and Nevis", "Basseterre", "English", None, "dollar"),
    ("Saint Lucia", "Castries", "English", None, "dollar"),
    ("Samoa", "Apia", None, "Oceania", "tala"),
    ("San Marino", None, "Italian", "Europe", "euro"),
    ("Saudi Arabia", "Riyadh", "Arabic", "Asia", "riyal"),
    ("Senegal", "Dakar", "French", "Africa", "franc"),
    ("Serbia", "Belgrade", "Serbian", "Europe", "dinar"),
    ("Seychelles", "Victoria", None, "Africa", "rupee"),
    ("Sierra Leone", "Freetown", "English", "Africa", "leone"),
    ("Singapore", None, None, "Asia", "dollar"),
    ("Slovakia", "Bratislava", "Slovak", "Europe", "euro"),
    ("Slovenia", "Ljubljana", "Slovene", "Europe", "euro"),
    ("Solomon Islands", "Honiara", "English", "Oceania", "dollar"),
    ("Somalia", "Mogadishu", None, "Africa", "shilling"),  # Somali and Arabic
    ("South Africa", None, None, "Africa", "rand"),
    ("South Korea", "Seoul", "Korean", "Asia", "won"),
    ("South Sudan", "Juba", "English", "Africa", "pound"),
    ("Spain", "Madrid", "Spanish", "Europe", "euro"),
    ("Sri Lanka", None, None, "Asia", "rupee"),
    ("Sudan", None, None, "Africa", "pound"),
    ("Suriname", "Paramaribo", "Dutch", None, "dollar"),
    ("Sweden", "Stockholm", "Swedish", "Europe", "krona"),
    ("Switzerland", "Bern", None, "Europe", "franc"),  # Bern: the "federal city", the capital in all but name
    ("Syria", "Damascus", "Arabic", "Asia", "pound"),
    ("Tajikistan", "Dushanbe", "Tajik", "Asia", "somoni"),
    ("Tanzania", None, None, "Africa", "shilling"),
    ("Thailand", "Bangkok", "Thai", "Asia", "baht"),
    ("Togo", "Lomé", "French", "Africa", "franc"),
    ("Trinidad and Tobago", "Port of Spain", "English", None, "dollar"),
    ("Tunisia", "Tunis", "Arabic", "Africa", "dinar"),
    ("Turkey", "Ankara", "Turkish", None, "lira"),
    ("Turkmenistan", "Ashgabat", "Turkmen", "Asia", "manat"),
    ("Tuvalu", "Funafuti", None, "Oceania", "dollar"),
    ("Uganda", "Kampala", None, "Africa", "shilling"),  # English and Swahili
    ("Ukraine", "Kyiv", "Ukrainian", "Europe", "hryvnia"),
    ("United Arab Emirates", "Abu Dhabi", "Arabic", "Asia", "dirham"),
    ("United Kingdom", "London", "English", "Europe", "pound"),
    ("United States", "Washington", "English", None, "dollar"),
    ("Uruguay", "Montevideo", "Spanish", None, "peso"),
    ("Uzbekistan", "Tashkent", "Uzbek", "Asia", None),
    ("Vanuatu", "Port Vila", None, "Oceania", "vatu"),
    ("Vatican City", None, None, "Europe", "euro"),
    ("Venezuela", "Caracas", "Spanish", None, "bolívar"),
    ("Vietnam", "Hanoi", "Vietnamese", "Asia", "dong"),
    ("Yemen", None, "Arabic", "Asia", "rial"),
    ("Zambia", "Lusaka", "English", "Africa", "kwacha"),
    ("Zimbabwe", "Harare", None, "Africa", None),
]

# Capitals with no capital-of fact (their capital facts stay): the name is also a well-known other place
# ("Kingston is the capital of ...": Jamaica, or is it the Ontario city?), or it holds the answer.
NO_CAPITAL_OF = {"Kingston", "Georgetown", "Santiago", "San José", "Victoria", "Tripoli", "Washington",
                 "St. John's", "St. George's", "Panama City", "Guatemala City", "Kuwait City", "Mexico City"}

# The capital relation as LAMA's P36 has it: also first-level divisions (states, provinces, regions).
# Left out: Georgia, Washington and New York (the name's other reading), Punjab (India's or Pakistan's),
# Karnataka (Bengaluru / Bangalore), Quebec (Quebec City), Andhra Pradesh (moving).
DIVISION_CAPITALS = {
    # US states
    "Alabama": "Montgomery", "Alaska": "Juneau", "Arizona": "Phoenix", "Arkansas": "Little Rock",
    "California": "Sacramento", "Colorado": "Denver", "Connecticut": "Hartford", "Delaware": "Dover",
    "Florida": "Tallahassee", "Hawaii": "Honolulu", "Idaho": "Boise", "Illinois": "Springfield",
    "Indiana": "Indianapolis", "Iowa": "Des Moines", "Kansas": "Topeka", "Kentucky": "Frankfort",
    "Louisiana": "Baton Rouge", "Maine": "Augusta", "Maryland": "Annapolis", "Massachusetts": "Boston",
    "Michigan": "Lansing", "Minnesota": "Saint Paul", "Mississippi": "Jackson", "Missouri": "Jefferson City",
    "Montana": "Helena", "Nebraska": "Lincoln", "Nevada": "Carson City", "New Hampshire": "Concord",
    "New Jersey": "Trenton", "New Mexico": "Santa Fe", "North Carolina": "Raleigh", "North Dakota": "Bismarck",
    "Ohio": "Columbus", "Oklahoma": "Oklahoma City", "Oregon": "Salem", "Pennsylvania": "Harrisburg",
    "Rhode Island": "Providence", "South Carolina": "Columbia", "South Dakota": "Pierre",
    "Tennessee": "Nashville", "Texas": "Austin", "Utah": "Salt Lake City", "Vermont": "Montpelier",
    "Virginia": "Richmond", "West Virginia": "Charleston", "Wisconsin": "Madison", "Wyoming": "Cheyenne",
    # Canadian provinces, Australian states and territory
    "Ontario": "Toronto", "British Columbia": "Victoria", "Alberta": "Edmonton", "Saskatchewan": "Regina",
    "Manitoba": "Winnipeg", "Nova Scotia": "Halifax", "New Brunswick": "Fredericton",
    "Prince Edward Island": "Charlottetown", "Newfoundland and Labrador": "St. John's",
    "New South Wales": "Sydney", "Queensland": "Brisbane", "Western Australia": "Perth",
    "South Australia": "Adelaide", "Tasmania": "Hobart", "Northern Territory": "Darwin",
    # the UK's nations, German states, Indian states, Chinese provinces, Italian and Spanish regions
    "England": "London", "Scotland": "Edinburgh", "Wales": "Cardiff", "Northern Ireland": "Belfast",
    "Bavaria": "Munich", "Saxony": "Dresden", "Hesse": "Wiesbaden", "North Rhine-Westphalia": "Düsseldorf",
    "Baden-Württemberg": "Stuttgart", "Lower Saxony": "Hanover", "Brandenburg": "Potsdam",
    "Thuringia": "Erfurt", "Schleswig-Holstein": "Kiel", "Saxony-Anhalt": "Magdeburg",
    "Rhineland-Palatinate": "Mainz", "Saarland": "Saarbrücken", "Mecklenburg-Vorpommern": "Schwerin",
    "Maharashtra": "Mumbai", "Tamil Nadu": "Chennai", "West Bengal": "Kolkata", "Telangana": "Hyderabad",
    "Uttar Pradesh": "Lucknow", "Rajasthan": "Jaipur", "Bihar": "Patna", "Madhya Pradesh": "Bhopal",
    "Gujarat": "Gandhinagar", "Kerala": "Thiruvananthapuram", "Odisha": "Bhubaneswar", "Jharkhand": "Ranchi",
    "Haryana": "Chandigarh", "Himachal Pradesh": "Shimla",
    "Guangdong": "Guangzhou", "Sichuan": "Chengdu", "Hubei": "Wuhan", "Zhejiang": "Hangzhou",
    "Jiangsu": "Nanjing", "Hunan": "Changsha", "Yunnan": "Kunming", "Heilongjiang": "Harbin",
    "Liaoning": "Shenyang", "Shaanxi": "Xi'an",
    "Lombardy": "Milan", "Lazio": "Rome", "Campania": "Naples", "Piedmont": "Turin", "Tuscany": "Florence",
    "Veneto": "Venice", "Sicily": "Palermo", "Liguria": "Genoa", "Emilia-Romagna": "Bologna",
    "Sardinia": "Cagliari", "Catalonia": "Barcelona", "Andalusia": "Seville", "Aragon": "Zaragoza",
}

# city -> its country; capitals are the capital-of relation. Left out: names shared by cities in two
# countries (Valencia, Córdoba, Guadalajara, Granada, Cartagena, Trujillo, Perth, Hyderabad, Birmingham,
# Alexandria, Santiago, ...) and cities of the US and UK (their country is several tokens, and "England",
# "Britain" or "the UK" would all be right).
CITY_COUNTRIES = {
    "Germany": "Munich Hamburg Frankfurt Cologne Stuttgart Düsseldorf Dresden Leipzig Nuremberg Bremen "
               "Dortmund Essen Bonn Heidelberg",
    "France": "Lyon Marseille Nice Bordeaux Toulouse Lille Strasbourg Nantes Montpellier Rennes Grenoble Cannes",
    "Italy": "Milan Naples Turin Florence Venice Genoa Bologna Palermo Verona Pisa Bari Siena",
    "Spain": "Barcelona Seville Bilbao Málaga Zaragoza Pamplona Alicante",
    "Portugal": "Porto Braga Coimbra Faro",
    "Netherlands": "Rotterdam Utrecht Eindhoven Groningen Maastricht",
    "Belgium": "Antwerp Ghent Bruges Liège",
    "Switzerland": "Zurich Geneva Basel Lausanne Lucerne",
    "Austria": "Salzburg Innsbruck Graz Linz",
    "Poland": "Kraków Gdańsk Wrocław Poznań",
    "Czech Republic": "Brno Ostrava",
    "Sweden": "Gothenburg Malmö Uppsala",
    "Norway": "Bergen Trondheim Stavanger",
    "Denmark": "Aarhus Odense",
    "Finland": "Tampere Turku",
    "Russia": "Novosibirsk Yekaterinburg Kazan Vladivostok Murmansk Sochi Volgograd",
    "Ukraine": "Kharkiv Odesa Lviv",
    "Greece": "Thessaloniki Patras Heraklion",
    "Turkey": "Istanbul Izmir Antalya Bursa",
    "Israel": "Haifa Eilat",
    "Iran": "Isfahan Shiraz Tabriz Mashhad",
    "Iraq": "Basra Mosul Erbil",
    "Egypt": "Luxor Aswan Giza",
    "Morocco": "Casablanca Marrakesh Fez Tangier Agadir",
    "Nigeria": "Lagos Kano Ibadan",
    "Kenya": "Mombasa Kisumu",
    "Ghana": "Kumasi",
    "South Africa": "Johannesburg Durban",
    "India": "Mumbai Kolkata Chennai Bangalore Ahmedabad Pune Jaipur Lucknow Varanasi Agra Amritsar",
    "Pakistan": "Karachi Lahore Peshawar Quetta Faisalabad",
    "Bangladesh": "Chittagong",
    "China": "Shanghai Guangzhou Shenzhen Chengdu Wuhan Hangzhou Nanjing Tianjin Chongqing Harbin Qingdao "
             "Kunming Suzhou",
    "Japan": "Osaka Kyoto Yokohama Nagoya Sapporo Kobe Hiroshima Fukuoka Nagasaki Sendai",
    "South Korea": "Busan Incheon Daegu",
    "Thailand": "Phuket Pattaya",
    "Indonesia": "Surabaya Bandung Medan Yogyakarta",
    "Philippines": "Cebu Davao",
    "Malaysia": "Ipoh",
    "Australia": "Sydney Melbourne Brisbane Adelaide Hobart",
    "Canada": "Toronto Vancouver Montreal Calgary Edmonton Winnipeg",
    "Brazil": "Recife Fortaleza Manaus Curitiba",
    "Argentina": "Rosario Mendoza Ushuaia",
    "Mexico": "Monterrey Tijuana Cancún Acapulco Puebla Oaxaca",
    "Colombia": "Medellín Cali Barranquilla",
    "Peru": "Cusco Arequipa",
    "Chile": "Antofagasta",
    "Venezuela": "Maracaibo",
    "Ecuador": "Guayaquil",
    "Saudi Arabia": "Jeddah Mecca Medina",
    "United Arab Emirates": "Dubai Sharjah",
}
CITY_COUNTRIES_MULTIWORD = {  # city names of two or more words
    "Israel": ["Tel Aviv"], "South Africa": ["Cape Town"], "Tanzania": ["Dar es Salaam"],
    "Vietnam": ["Ho Chi Minh City", "Da Nang"], "Thailand": ["Chiang Mai"], "Malaysia": ["Johor Bahru"],
    "Brazil": ["Rio de Janeiro", "São Paulo", "Porto Alegre", "Belo Horizonte"],
    "Australia": ["Gold Coast"], "Canada": ["Quebec City"], "Cuba": ["Santiago de Cuba"],
    "Uruguay": ["Punta del Este"], "Egypt": ["Port Said"], "Chile": ["Punta Arenas"],
}

# A landmark, island or region -> the one country it lies in. Left out: anything across a border
# (Everest, Niagara Falls, Victoria Falls, Iguazu, Lake Titicaca, Patagonia, Lapland, the Alps, the
# Matterhorn, Mont Blanc, the Sahara, the Amazon, the Atacama, Yucatán, Tyrol, Flanders, Jutland),
# contested places (Jerusalem's sites, Crimea, Tibet, Kashmir), names that fit two places (Summer Palace,
# Golden Temple, Blue Mosque, Mount Olympus, Sugarloaf Mountain, Lake Louise), and the US and UK
# (several right names for the country).
LANDMARKS = {
    "France": ["Eiffel Tower", "Louvre", "Palace of Versailles", "Mont Saint-Michel", "Arc de Triomphe",
               "Notre-Dame de Paris", "Normandy", "Brittany", "Provence", "Burgundy", "Alsace", "Corsica",
               "Loire Valley"],
    "Italy": ["Colosseum", "Leaning Tower of Pisa", "Pompeii", "Mount Vesuvius", "Mount Etna", "Sicily",
              "Sardinia", "Tuscany", "Lake Como", "Capri", "Amalfi Coast", "Trevi Fountain", "Dolomites"],
    "Spain": ["Alhambra", "Sagrada Família", "Prado Museum", "Canary Islands", "Balearic Islands", "Ibiza",
              "Tenerife", "Majorca", "Catalonia", "Andalusia", "Costa del Sol"],
    "Germany": ["Brandenburg Gate", "Neuschwanstein Castle", "Cologne Cathedral", "Black Forest", "Bavaria",
                "Saxony", "Reichstag building"],
    "Greece": ["Acropolis", "Parthenon", "Santorini", "Mykonos", "Crete", "Rhodes", "Meteora", "Delphi"],
    "Egypt": ["Pyramids of Giza", "Great Sphinx of Giza", "Valley of the Kings", "Abu Simbel", "Karnak Temple",
              "Suez Canal"],
    "Turkey": ["Hagia Sophia", "Cappadocia", "Ephesus", "Pamukkale", "Mount Ararat"],
    "Russia": ["Red Square", "Kremlin", "Hermitage Museum", "Lake Baikal", "Saint Basil's Cathedral",
               "Kamchatka", "Siberia"],
    "China": ["Forbidden City", "Terracotta Army", "Tiananmen Square", "Yangtze River",
              "Three Gorges Dam"],
    "Japan": ["Mount Fuji", "Hokkaido", "Okinawa", "Kyushu", "Fushimi Inari Shrine", "Hiroshima Peace Memorial"],
    "India": ["Taj Mahal", "Red Fort", "Qutub Minar", "Goa", "Kerala", "Rajasthan"],
    "Peru": ["Machu Picchu", "Nazca Lines", "Sacred Valley"],
    "Mexico": ["Chichen Itza", "Teotihuacan", "Baja California"],
    "Brazil": ["Christ the Redeemer", "Copacabana Beach", "Ipanema"],
    "Chile": ["Easter Island"],
    "Ecuador": ["Galápagos Islands"],
    "Venezuela": ["Angel Falls"],
    "Guatemala": ["Tikal"],
    "Cambodia": ["Angkor Wat"],
    "Jordan": ["Petra", "Wadi Rum"],
    "Iran": ["Persepolis"],
    "Indonesia": ["Borobudur", "Bali", "Java", "Sumatra", "Komodo Island"],
    "Vietnam": ["Ha Long Bay"],
    "Myanmar": ["Bagan", "Shwedagon Pagoda"],
    "Thailand": ["Phi Phi Islands"],
    "Malaysia": ["Petronas Towers"],
    "Philippines": ["Luzon", "Mindanao", "Boracay"],
    "Australia": ["Sydney Opera House", "Great Barrier Reef", "Uluru", "Tasmania", "Queensland", "Bondi Beach"],
    "Canada": ["CN Tower", "Banff National Park", "Quebec", "Ontario", "Nova Scotia"],
    "Tanzania": ["Mount Kilimanjaro", "Serengeti National Park", "Zanzibar", "Ngorongoro Crater"],
    "Kenya": ["Maasai Mara"],
    "South Africa": ["Table Mountain", "Kruger National Park", "Robben Island"],
    "Botswana": ["Okavango Delta"],
    "Ethiopia": ["Lalibela"],
    "Tunisia": ["Carthage"],
    "Morocco": ["Hassan II Mosque"],
    "Netherlands": ["Rijksmuseum", "Anne Frank House"],
    "Belgium": ["Atomium", "Manneken Pis"],
    "Denmark": ["Tivoli Gardens"],
    "Sweden": ["Vasa Museum", "Gotland"],
    "Norway": ["Geirangerfjord", "Svalbard"],
    "Austria": ["Schönbrunn Palace"],
    "Czech Republic": ["Charles Bridge", "Prague Castle"],
    "Poland": ["Wawel Castle", "Auschwitz"],
    "Romania": ["Bran Castle", "Transylvania"],
    "Croatia": ["Plitvice Lakes", "Dubrovnik"],
    "Slovenia": ["Lake Bled"],
    "Portugal": ["Madeira", "Azores", "Algarve", "Sintra"],
    "Ukraine": ["Chernobyl"],
    "Nepal": ["Kathmandu Valley"],
    "Iceland": ["Geysir", "Vatnajökull"],
    "Switzerland": ["Jungfrau", "Lake Lucerne"],
    "Ireland": ["Cliffs of Moher"],
    "Argentina": ["Perito Moreno Glacier"],
    "Bolivia": ["Salar de Uyuni"],
    "Cuba": ["Bay of Pigs"],
}


def all_facts() -> list[tuple[str, str, str]]:
    """Every typed-in fact as (subject, relation, object), before the one-token filter."""
    facts = []
    for country, capital, language, continent, currency in COUNTRIES:
        for relation, obj in (("capital", capital), ("language", language), ("continent", continent),
                              ("currency", currency)):
            if obj:
                facts.append((country, relation, obj))
        if capital and capital not in NO_CAPITAL_OF:
            facts.append((capital, "capital-of", country))
    facts += [(division, "capital", city) for division, city in DIVISION_CAPITALS.items()]
    cities = {country: names.split() for country, names in CITY_COUNTRIES.items()}
    for country, names in CITY_COUNTRIES_MULTIWORD.items():
        cities.setdefault(country, []).extend(names)
    facts += [(city, "country", country) for country, names in cities.items() for city in names]
    facts += [(place, "located-in", country) for country, places in LANDMARKS.items() for place in places]
    return facts


def one_token(tokenizer, word: str, decoder: bool) -> bool:
    """The object is one token as the model reads it: after a space on a decoder (" Paris")."""
    return len(tokenizer((" " if decoder else "") + word, add_special_tokens=False).input_ids) == 1


def token_check(facts: list[tuple[str, str, str]]) -> dict[str, set[str]]:
    """{backbone: the objects that are one token on it}; the offline tokenizers, loaded here only."""
    from core.backbones import load_tokenizer  # the lab's offline tokenizers (a build-time dependency)

    objects = sorted({obj for _, _, obj in facts})
    single = {}
    for name in DECODERS + (ENCODER,):
        tokenizer = load_tokenizer(name)
        single[name] = {o for o in objects if one_token(tokenizer, o, name in DECODERS)}
    return single


def held_out(fact: tuple[str, str, str]) -> bool:
    """A test fact, or the inverse of one (Tokyo capital-of Japan when Japan capital Tokyo is a test fact)."""
    subject, relation, obj = fact
    return fact in TEST_FACTS or (obj, INVERSE.get(relation), subject) in TEST_FACTS


def split(facts: list[tuple[str, str, str]], seed: int = SEED) -> dict[str, list[dict]]:
    """Per relation, a seeded DEV_SHARE of the facts to dev, spread evenly over the objects (every
    fourth fact of each object's shuffled run), so dev asks about the rare answers too. A capital-of
    fact follows its country's capital fact when there is one: no inverse pair straddles the split."""
    rng = random.Random(seed)
    side: dict[tuple[str, str], str] = {}  # (subject, relation) -> its split
    rows = {"train": [], "dev": []}
    for relation in RELATIONS:
        group = sorted(f for f in facts if f[1] == relation)
        rng.shuffle(group)
        group.sort(key=lambda f: f[2])  # stable: shuffled within each object
        offset = rng.random()
        free = 0
        for fact in group:
            name = side.get((fact[2], INVERSE[relation])) if relation == "capital-of" else None
            if name is None:  # systematic sampling: dev when the running count of DEV_SHARE steps over a whole
                name = "dev" if int((free + 1) * DEV_SHARE + offset) > int(free * DEV_SHARE + offset) else "train"
                free += 1
            side[(fact[0], relation)] = name
            rows[name].append(fact)
    order = {r: i for i, r in enumerate(RELATIONS)}
    return {name: [{"subject": s, "relation": r, "object": o}
                   for s, r, o in sorted(group, key=lambda f: (order[f[1]], f[0]))]
            for name, group in rows.items()}


def check(facts: list[tuple[str, str, str]]) -> None:
    """One object per (subject, relation): a fact has one right answer."""
    seen: dict[tuple[str, str], str] = {}
    for subject, relation, obj in facts:
        assert relation in RELATIONS, relation
        known = seen.setdefault((subject, relation), obj)
        assert known == obj, f"{subject} {relation}: {obj} or {known}?"


def build(seed: int = SEED, single: dict[str, set[str]] | None = None) -> dict[str, list[dict]]:
    """Return {"train", "dev": rows}: the facts whose object is one token on both decoders, split."""
    facts = all_facts()
    check(facts)
    assert all(f in facts for f in TEST_FACTS), "a test fact is not among the typed-in facts"
    facts = [f for f in facts if not held_out(f)]
    single = single or token_check(facts + TEST_FACTS)
    assert all(f[2] in single[name] for f in TEST_FACTS for name in DECODERS), "a test fact is not one token"
    splits = split([f for f in facts if all(f[2] in single[name] for name in DECODERS)], seed)
    pairs = [{(r["subject"], r["relation"]) for r in rows} for rows in splits.values()]
    assert not pairs[0] & pairs[1], "a (subject, relation) pair is in both train and dev"
    return splits


def report(facts: list[tuple[str, str, str]], single: dict[str, set[str]], splits: dict[str, list[dict]]) -> str:
    """Per relation: facts typed in, kept / dropped on each decoder and on both (what ships), how many
    kept objects are also one WordPiece on the encoder, and the train / dev sizes."""
    sizes = {name: Counter(row["relation"] for row in rows) for name, rows in splits.items()}
    lines = [f"{'relation':11s} {'typed':>5s}  {'smollm2':>8s}  {'gemma3':>8s}  {'both':>8s}  "
             f"{'minilm':>7s}  {'train':>5s} {'dev':>4s}      (kept/dropped; minilm: of the kept)"]
    for relation in RELATIONS + ("all",):
        group = [f for f in facts if relation in ("all", f[1])]
        kept = [f for f in group if all(f[2] in single[name] for name in DECODERS)]
        cells = [f"{n}/{len(group) - n}" for n in [sum(f[2] in single[name] for f in group) for name in DECODERS]]
        cells.append(f"{len(kept)}/{len(group) - len(kept)}")
        enc = sum(f[2] in single[ENCODER] for f in kept)
        train, dev = (sum(sizes[name][r] for r in RELATIONS if relation in ("all", r)) for name in ("train", "dev"))
        lines.append(f"{relation:11s} {len(group):5d}  {cells[0]:>8s}  {cells[1]:>8s}  {cells[2]:>8s}  "
                     f"{enc:7d}  {train:5d} {dev:4d}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "presets" / "data")
    out = parser.parse_args().out / "facts"
    facts = all_facts()
    single = token_check(facts)
    splits = build(single=single)
    print(report([f for f in facts if not held_out(f)], single, splits))
    print("held out (the preset's test_examples):", ", ".join(" / ".join(f) for f in TEST_FACTS))
    for name, rows in splits.items():
        write_jsonl(out / f"{name}.jsonl", rows)
        print(f"facts {name:5s} {len(rows):4d} -> {out / f'{name}.jsonl'}")


if __name__ == "__main__":
    main()
