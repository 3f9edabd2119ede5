"""Hand-written word lists for generate.py (standard library only, no Faker).

Everything here is fictional except COMPANIES (real, well-known organisations used
as third parties: customers, partners, victims) and the public technology lists.
"""

# ---------------------------------------------------------------------------
# People. Given names from many cultures. AMBIGUOUS_GIVEN are also ordinary
# English words; the generator uses them as names *with* context and, in the
# same documents, as ordinary words (which are never labelled).
# ---------------------------------------------------------------------------
AMBIGUOUS_GIVEN = [
    "Will", "Mark", "Grant", "Faith", "Hope", "Rose", "Dean", "Chase", "Drew",
    "Frank", "Joy", "June", "Ray", "Miles", "Max", "Pat", "Summer", "Amber",
]

GIVEN = AMBIGUOUS_GIVEN + [
    # English / Irish / Scottish
    "Alice", "Benjamin", "Charlotte", "Daniel", "Emily", "George", "Hannah", "Isaac",
    "Jessica", "Katherine", "Liam", "Megan", "Nathan", "Olivia", "Peter", "Rachel",
    "Samuel", "Thomas", "Victoria", "William", "Zoe", "Oliver", "Sophie", "Harry",
    "Eleanor", "Lucy", "Matthew", "Amelia", "Edward", "Claire", "Simon", "Laura",
    "Andrew", "Helen", "Jonathan", "Rebecca", "Timothy", "Natalie", "Graham", "Fiona",
    "Siobhan", "Declan", "Aoife", "Callum", "Eilidh", "Brendan",
    # Spanish / Latin American
    "Alejandro", "Carmen", "Diego", "Elena", "Javier", "Lucía", "Mateo", "Pilar",
    "Sofía", "Andrés", "Marisol", "Rodrigo", "Ximena", "Ignacio", "Beatriz", "Valentina",
    # German / Austrian / Swiss
    "Jürgen", "Lukas", "Anja", "Matthias", "Katrin", "Stefan", "Sabine", "Tobias",
    "Ulrike", "Felix", "Greta", "Jonas",
    # French / Belgian
    "Amélie", "Étienne", "Camille", "Théo", "Margaux", "Julien", "Céline", "Baptiste",
    "Chloé", "Mathieu",
    # Italian
    "Giulia", "Lorenzo", "Francesca", "Alessandro", "Chiara", "Davide",
    # Portuguese / Brazilian
    "João", "Thiago", "Larissa", "Gabriela", "Rafael", "Fernanda", "Leandro", "Caio",
    "Juliana", "Renata",
    # Indian
    "Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Kavya", "Arjun", "Deepika",
    "Siddharth", "Lakshmi", "Rajesh", "Sunita", "Nikhil", "Meera", "Aditya", "Pooja",
    "Harpreet", "Venkat", "Shreya", "Karthik",
    # Chinese (pinyin)
    "Wei", "Jing", "Xiaoming", "Yun", "Hao", "Mei", "Jian", "Xin", "Zhiwei", "Yifan",
    "Qing", "Ling",
    # Japanese
    "Haruto", "Yuki", "Sakura", "Kenji", "Aiko", "Takeshi", "Naoko", "Ren", "Yui",
    "Daichi", "Emi", "Shota",
    # Korean
    "Minjun", "Jiwoo", "Seoyeon", "Hyun-woo", "Ji-eun", "Dong-hyun", "Soo-jin",
    "Jae-won", "Eun-ji", "Sung-min",
    # Nigerian
    "Chinedu", "Ngozi", "Oluwaseun", "Adaeze", "Emeka", "Funmilayo", "Tunde",
    "Chiamaka", "Ikechukwu", "Yetunde", "Babajide", "Folake",
    # Arabic
    "Ahmed", "Fatima", "Omar", "Layla", "Youssef", "Mariam", "Khalid", "Noor",
    "Hassan", "Aisha", "Tariq", "Rania", "Karim", "Salma",
    # Turkish
    "Emre", "Elif", "Burak", "Zeynep", "Mehmet", "Ayşe", "Cem", "Selin", "Oğuz", "Deniz",
    # Polish
    "Łukasz", "Agnieszka", "Krzysztof", "Małgorzata", "Piotr", "Katarzyna", "Wojciech",
    "Zofia", "Paweł", "Magdalena",
    # Vietnamese
    "Minh", "Thảo", "Huy", "Linh", "Quang", "Phương", "Tuấn", "Hương", "Bảo", "Trang",
    # Nordic
    "Søren", "Ingrid", "Björn", "Astrid", "Magnus", "Sigrid", "Lars", "Freya",
    # Russian / Ukrainian
    "Dmitri", "Olga", "Sergei", "Natasha", "Oleksandr", "Yulia", "Ivan", "Svetlana",
    # East / West / Southern African
    "Amani", "Wanjiru", "Kwame", "Abena", "Thabo", "Naledi", "Tendai", "Kofi",
    # Persian / Hebrew / Greek / other
    "Dariush", "Shirin", "Yael", "Avi", "Nikos", "Eleni", "Aroha", "Tevita",
]

SURNAMES = [
    # English (some are also words: Baker, King, Page, Price, Banks, Cook, Stone, Fox)
    "Smith", "Johnson", "Williams", "Brown", "Taylor", "Wilson", "Clarke", "Hughes",
    "Walker", "Wright", "Robinson", "Thompson", "Evans", "Edwards", "Turner", "Parker",
    "Collins", "Morgan", "Bennett", "Cooper", "Harrison", "Fletcher", "Ashworth",
    "Pemberton", "Whitaker", "Baker", "King", "Young", "Price", "Bishop", "Hill", "Page",
    "Cook", "Mason", "Fox", "Stone", "Banks", "Marsh", "Booth", "O'Brien", "McKenzie",
    "Gallagher", "Doherty",
    # Spanish
    "García", "Rodríguez", "Martínez", "López", "González", "Hernández", "Pérez",
    "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Morales",
    "Ortega", "Castillo", "Navarro", "Vargas", "Romero",
    # German
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker",
    "Hoffmann", "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Zimmermann", "Krüger", "Hartmann",
    # French
    "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau",
    "Fontaine", "Chevalier", "Mercier", "Durand", "Lambert", "Bonnet", "Faure",
    # Italian
    "Rossi", "Russo", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo", "Conti", "Esposito",
    # Portuguese / Brazilian
    "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Carvalho", "Almeida",
    "Ferreira", "Rodrigues", "Barbosa", "Ribeiro", "Gonçalves", "Lima", "Araújo",
    # Indian
    "Sharma", "Patel", "Gupta", "Iyer", "Reddy", "Nair", "Singh", "Kumar", "Chatterjee",
    "Banerjee", "Mehta", "Desai", "Kapoor", "Rao", "Menon", "Joshi", "Agarwal", "Pillai",
    "Krishnan", "Bhattacharya",
    # Chinese
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu",
    "Sun", "Ma", "Zhu", "Hu", "Guo", "Lin", "Gao", "Luo",
    # Japanese
    "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
    "Kobayashi", "Kato", "Yoshida", "Yamada", "Matsumoto", "Inoue", "Kimura",
    # Korean
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin",
    # Nigerian
    "Okafor", "Adeyemi", "Okonkwo", "Eze", "Balogun", "Nwosu", "Obi", "Adebayo", "Chukwu",
    "Olawale", "Ibekwe", "Afolabi", "Nwachukwu", "Oyelaran",
    # Arabic
    "Al-Sayed", "Haddad", "Khalil", "Mansour", "Nasser", "Hamdan", "Saleh", "Farouk",
    "El-Amin", "Rahman", "Aziz", "Qureshi",
    # Turkish
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan",
    # Polish
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak",
    # Vietnamese
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ",
    # Nordic
    "Andersson", "Johansson", "Nilsson", "Larsen", "Hansen", "Jensen", "Eriksson",
    "Lindqvist", "Halvorsen",
    # Russian / Ukrainian
    "Ivanov", "Petrova", "Smirnov", "Volkova", "Kuznetsov", "Popov", "Sokolova",
    "Shevchenko", "Bondarenko",
    # African
    "Mensah", "Boateng", "Mwangi", "Odhiambo", "Dlamini", "Nkosi", "Moyo", "Kamau", "Asante",
    # Other
    "Papadopoulos", "Cohen", "Levi", "Tehrani", "Hosseini", "Fifita",
]

# ---------------------------------------------------------------------------
# Real, well-known third-party organisations (COMPANY label). Public tech
# vendors (AWS, Google Cloud, Cloudflare, GitHub, ...) are deliberately absent:
# they are TECH (keep) in this corpus.
# ---------------------------------------------------------------------------
COMPANIES = {
    "bank": ["HSBC", "Barclays", "Lloyds Banking Group", "NatWest", "Santander", "BBVA",
             "Deutsche Bank", "Commerzbank", "BNP Paribas", "Société Générale", "ING",
             "ABN AMRO", "Rabobank", "UBS", "JPMorgan Chase", "Bank of America",
             "Wells Fargo", "Citibank", "Goldman Sachs", "Morgan Stanley", "Nordea",
             "Danske Bank", "Itaú Unibanco", "Bradesco", "Nubank", "Monzo", "Revolut",
             "Starling Bank", "N26", "Standard Chartered", "DBS Bank", "ICICI Bank",
             "HDFC Bank", "State Bank of India", "Visa", "Mastercard", "American Express",
             "Klarna", "Adyen"],
    "retail": ["Tesco", "Sainsbury's", "Walmart", "Target", "Carrefour", "Aldi", "Lidl",
               "IKEA", "H&M", "Zara", "Marks & Spencer", "John Lewis", "Costco",
               "Home Depot", "Best Buy", "Kroger", "Ocado", "Zalando", "Argos", "Boots",
               "Decathlon", "Mercado Libre", "Rakuten", "Flipkart", "Etsy", "eBay",
               "Wayfair", "ASOS", "Nike", "Adidas", "McDonald's", "Starbucks"],
    "airline": ["Lufthansa", "British Airways", "Air France", "KLM", "Delta Air Lines",
                "United Airlines", "American Airlines", "Ryanair", "easyJet", "Emirates",
                "Qatar Airways", "Singapore Airlines", "Qantas", "LATAM Airlines",
                "Turkish Airlines", "Iberia", "Southwest Airlines", "Air Canada",
                "Japan Airlines"],
    "telco": ["Vodafone", "Deutsche Telekom", "Orange", "Telefónica", "BT Group",
              "Verizon", "AT&T", "T-Mobile", "Swisscom", "Telstra", "NTT Docomo",
              "Bharti Airtel", "MTN Group", "Safaricom", "KPN", "Telia", "Three UK"],
    "media": ["BBC", "The Guardian", "The New York Times", "Netflix", "Spotify", "Disney",
              "Sky", "ITV", "Reuters", "Bloomberg", "Financial Times", "Le Monde",
              "Der Spiegel", "Axel Springer", "CNN", "NBCUniversal", "Condé Nast"],
    "public": ["HMRC", "NHS England", "Deutsche Bahn", "Transport for London", "SNCF",
               "USPS", "Royal Mail", "Australia Post", "Canada Post", "Network Rail",
               "the DVLA", "the City of Amsterdam"],
    "other": ["Siemens", "Bosch", "Volkswagen", "BMW", "Toyota", "Ford", "Renault",
              "Unilever", "Nestlé", "Procter & Gamble", "Pfizer", "Maersk", "DHL", "FedEx",
              "UPS", "Uber", "Deliveroo", "Just Eat", "Airbnb", "Expedia", "Shell", "BP",
              "Heineken", "Coca-Cola", "PepsiCo", "Philips", "Samsung", "Sony", "Nintendo",
              "Zurich Insurance", "Allianz", "AXA", "Aviva", "Prudential", "MetLife"],
}
COMPANY_SECTOR_NOUN = {
    "bank": ["bank", "card issuer", "lender", "payments partner"],
    "retail": ["retailer", "merchant", "e-commerce customer", "supermarket chain"],
    "airline": ["airline", "carrier", "travel partner"],
    "telco": ["telco", "mobile operator", "carrier partner"],
    "media": ["broadcaster", "publisher", "media customer"],
    "public": ["public-sector customer", "government customer", "public body"],
    "other": ["enterprise customer", "partner", "integration partner"],
}

# ---------------------------------------------------------------------------
# Fictional reporting organisations. slugs are used inside hostnames, e-mail
# domains, namespaces, channels; typos are one-letter misspellings.
# ---------------------------------------------------------------------------
PROFILES = [
    dict(name="Acme Corp", aliases=["Acme", "ACME", "Acme Corporation"], domains=["acme.example", "acmecorp.io"],
         products=["Roadrunner", "Coyote"], customers=["Globex", "Initech"], slugs=["acme", "acme-corp", "acme_corp", "acmecorp"],
         typos=["Acmee", "Acem"], sector="logistics software vendor", geo="in North America", tickets=["RR", "OPS"]),
    dict(name="Beacon", aliases=["Beacon Inc", "Beacon HQ"], domains=["beaconhq.com", "beacon-app.net"],
         products=["Lantern", "Signalfire"], customers=["Harbourview Clinics"], slugs=["beacon", "beaconhq", "beacon-hq"],
         typos=["Baecon", "Becon"], sector="telehealth platform", geo="in Canada", tickets=["BCN", "HELP"]),
    dict(name="Orbit Labs", aliases=["Orbit", "OrbitLabs"], domains=["orbitlabs.io"],
         products=["Apogee", "Perigee"], customers=[], slugs=["orbit", "orbit-labs", "orbitlabs", "orbit_labs"],
         typos=["Orbitt Labs", "Obrit Labs"], sector="satellite-imagery provider", geo="in Europe", tickets=["ORB", "SAT"]),
    dict(name="Tessellate Systems", aliases=["Tessellate", "TessSys"], domains=["tessellate.systems", "tessellate-sys.com"],
         products=["Mosaic", "Grout", "Tessera"], customers=["Kingsbridge Insurance"], slugs=["tessellate", "tessellate-systems", "tesssys"],
         typos=["Tesselate", "Tessellat"], sector="claims-processing platform", geo="in the UK", tickets=["TSL", "CLM"]),
    dict(name="Halcyon Health", aliases=["Halcyon", "Halcyon Health GmbH"], domains=["halcyonhealth.de", "halcyon.health"],
         products=["CareLoop", "Pulsewise"], customers=["St. Brigid's Hospital Group", "Meadowvale Clinics"],
         slugs=["halcyon", "halcyon-health", "halcyonhealth"], typos=["Halcyion", "Halycon"],
         sector="digital health insurer", geo="in Germany", tickets=["HAL", "CARE"]),
    dict(name="Fernhill Bank", aliases=["Fernhill", "FHB"], domains=["fernhillbank.co.uk", "fernhill.bank"],
         products=["Ledgerline", "Moneta"], customers=["Quayside Mortgages"], slugs=["fernhill", "fernhill-bank", "fhb"],
         typos=["Fernhil Bank", "Fernhlil"], sector="challenger bank", geo="in the UK", tickets=["FHB", "PAY"]),
    dict(name="Quokka", aliases=["Quokka Ltd", "Quokka Technologies"], domains=["quokka.dev", "getquokka.com"],
         products=["Wombat", "Bilby"], customers=["Paddock Logistics"], slugs=["quokka", "quokka-tech", "getquokka"],
         typos=["Qokka", "Quokak"], sector="food-delivery app", geo="in Australia", tickets=["QK", "DLV"]),
    dict(name="Nimbus9", aliases=["Nimbus 9", "N9"], domains=["nimbus9.cloud", "n9hosting.net"],
         products=["Stratus", "Cirrostrat"], customers=["Westbrook Media"], slugs=["nimbus9", "nimbus-9", "n9"],
         typos=["Nimbs9", "Nimbus0"], sector="managed hosting provider", geo="in the Nordics", tickets=["NIM", "HOST"]),
    dict(name="Zephyr Mobility", aliases=["Zephyr", "ZephyrMob"], domains=["zephyrmobility.eu", "zephyr.ride"],
         products=["Gust", "Breezeway"], customers=[], slugs=["zephyr", "zephyr-mobility", "zephyrmobility"],
         typos=["Zephir", "Zehpyr"], sector="ride-sharing company", geo="in Europe", tickets=["ZM", "RIDE"]),
    dict(name="Farmaverde", aliases=["Farma Verde", "Farmaverde SA"], domains=["farmaverde.com.br", "farmaverde.app"],
         products=["Receita", "Entrega"], customers=["Drogaria Central"], slugs=["farmaverde", "farma-verde", "fv"],
         typos=["Farmaverd", "Framaverde"], sector="online pharmacy", geo="in Brazil", tickets=["FAR", "RX"]),
    dict(name="Kettleworks", aliases=["Kettle Works", "Kettleworks Ltd"], domains=["kettleworks.ie"],
         products=["Brewline", "Steeper"], customers=["Oakmoor Cafés"], slugs=["kettleworks", "kettle-works", "kw"],
         typos=["Ketleworks", "Kettleworsk"], sector="point-of-sale provider for coffee shops", geo="in Ireland", tickets=["KW", "POS"]),
    dict(name="42Dynamics", aliases=["42 Dynamics", "FortyTwo Dynamics"], domains=["42dynamics.ai", "fortytwo.dev"],
         products=["Marvin", "Towel"], customers=["Magrathea Motors"], slugs=["42dynamics", "42-dynamics", "fortytwo"],
         typos=["42Dynamix", "42Dynamcs"], sector="fleet-telematics company", geo="in Germany", tickets=["FTD", "DYN"]),
    dict(name="Loomwise", aliases=["Loomwise Inc", "Loomwise SAS"], domains=["loomwise.com", "loomwise.io"],
         products=["Shuttlecraft", "Weft"], customers=["Threadbare Apparel"], slugs=["loomwise", "loom-wise"],
         typos=["Loomwize", "Lomwise"], sector="fashion marketplace", geo="in France", tickets=["LOOM", "WEFT"]),
    dict(name="Tidewater Logistics", aliases=["Tidewater", "TWL"], domains=["tidewater-logistics.com", "twl.net"],
         products=["Harbormaster", "Ebbflow"], customers=["Redfern Grocers", "Pinecrest Foods"],
         slugs=["tidewater", "tidewater-logistics", "twl"], typos=["Tidewatter", "Tidwater"],
         sector="freight forwarder", geo="in the Benelux", tickets=["TWL", "FRT"]),
    dict(name="Cobalt Payments", aliases=["Cobalt", "CoPay"], domains=["cobaltpay.com", "cobalt-payments.io"],
         products=["Ferrite", "Ingot"], customers=["Brightmart", "Sunday Market"], slugs=["cobalt", "cobalt-payments", "cobaltpay"],
         typos=["Cobolt", "Cobalt Paymnets"], sector="payment processor", geo="in Southeast Asia", tickets=["COB", "PAY"]),
    dict(name="Larchmont Mutual", aliases=["Larchmont", "Larchmont Mutual Insurance"], domains=["larchmontmutual.com"],
         products=["Claimsflow", "Underwood"], customers=[], slugs=["larchmont", "larchmont-mutual", "lmi"],
         typos=["Larchmount", "Larchmnt"], sector="mutual insurer", geo="in New England", tickets=["LMI", "CLAIM"]),
    dict(name="Pixelmoor Studios", aliases=["Pixelmoor", "PXM"], domains=["pixelmoor.gg", "pixelmoor.com"],
         products=["Skyforge", "Lootvault"], customers=[], slugs=["pixelmoor", "pxm", "pixelmoor-studios"],
         typos=["Pixelmor", "Pixlemoor"], sector="independent games studio", geo="in Poland", tickets=["PXM", "GAME"]),
    dict(name="Verdant Grid", aliases=["Verdant", "VerdantGrid"], domains=["verdantgrid.energy", "verdant-grid.com"],
         products=["Photonic", "Voltline"], customers=["Northvale Council"], slugs=["verdant", "verdant-grid", "verdantgrid"],
         typos=["Verdent Grid", "Verdnat"], sector="renewable energy supplier", geo="in Scotland", tickets=["VG", "GRID"]),
    dict(name="Brightwell Learning", aliases=["Brightwell", "BWL"], domains=["brightwell.school", "brightwelllearning.com"],
         products=["Inkpot", "Quillpad"], customers=["Ashford Academy Trust"], slugs=["brightwell", "brightwell-learning", "bwl"],
         typos=["Brightwel", "Birghtwell"], sector="edtech platform for schools", geo="in India", tickets=["BWL", "EDU"]),
    dict(name="Kiteline", aliases=["Kiteline Inc", "KTL"], domains=["kiteline.io"],
         products=["Spindle", "Reelhouse"], customers=["Summit Outdoor"], slugs=["kiteline", "kite-line", "ktl"],
         typos=["Kitelne", "Kiteilne"], sector="outdoor-gear retailer", geo="in Chile", tickets=["KITE", "OPS"]),
    dict(name="Hexaflux Labs", aliases=["Hexaflux", "HFX"], domains=["hexaflux.dev"],
         products=["Facetwise", "Latticework"], customers=["Corvid Analytics"], slugs=["hexaflux", "hexaflux-labs", "hfx"],
         typos=["Hexaflax", "Hexfalux"], sector="genomics lab", geo="in Singapore", tickets=["HFX", "LAB"]),
    dict(name="Sable Security", aliases=["Sable", "SableSec"], domains=["sablesec.com", "sable.security"],
         products=["Nightjar", "Owlet"], customers=["Carrow Bank"], slugs=["sable", "sablesec", "sable-security"],
         typos=["Sabel Security", "Sabble"], sector="managed security provider", geo="in the Gulf region", tickets=["SBL", "SOC"]),
    dict(name="Paloma Travel", aliases=["Paloma", "PalomaTrips"], domains=["paloma.travel", "palomatrips.com"],
         products=["Itinera", "Wayfarer"], customers=["Costa Serena Resorts"], slugs=["paloma", "paloma-travel", "palomatrips"],
         typos=["Palomma", "Palmoa"], sector="online travel agency", geo="in Spain", tickets=["PAL", "TRIP"]),
    dict(name="Gridiron Analytics", aliases=["Gridiron", "GIA"], domains=["gridiron-analytics.com"],
         products=["Huddle", "Blitzboard"], customers=["Hollins County Schools"], slugs=["gridiron", "gridiron-analytics", "gia"],
         typos=["Gridrion", "Girdiron"], sector="sports-analytics company", geo="in the US", tickets=["GIA", "DATA"]),
    dict(name="Thistle Health", aliases=["Thistle", "Thistle Health Ltd"], domains=["thistlehealth.co.uk"],
         products=["Burrdock", "Nettlebook"], customers=["Glenmoor Practice Group"], slugs=["thistle", "thistle-health", "thistlehealth"],
         typos=["Thistel", "Thsitle"], sector="GP booking service", geo="in Scotland", tickets=["THL", "GP"]),
    dict(name="Umbra Networks", aliases=["Umbra", "UmbraNet"], domains=["umbranetworks.net", "umbranet.io"],
         products=["Penumbra", "Antumbra"], customers=["Coastline Telecom"], slugs=["umbra", "umbra-networks", "umbranet"],
         typos=["Umbar", "Umbra Netwroks"], sector="fibre broadband provider", geo="in Portugal", tickets=["UMB", "NET"]),
    dict(name="Riverbend Bank", aliases=["Riverbend", "RBB"], domains=["riverbendbank.com", "rbb.bank"],
         products=["Oxbow", "Tributary"], customers=[], slugs=["riverbend", "riverbend-bank", "rbb"],
         typos=["Rivrbend", "Riverbnd"], sector="regional bank", geo="in the Midwest", tickets=["RBB", "CORE"]),
    dict(name="Bramblefox Systems", aliases=["Bramblefox", "BFX"], domains=["bramblefox.io", "bramblefox.systems"],
         products=["Thicket", "Burrow"], customers=["Henley Freight"], slugs=["bramblefox", "bramblefox-systems", "bfx"],
         typos=["Bramblefax", "Bramblfox"], sector="warehouse-robotics company", geo="in Japan", tickets=["BFX", "ROBO"]),
    dict(name="Wrenfield Retail", aliases=["Wrenfield", "Wrenfield's"], domains=["wrenfield.shop", "wrenfield.com"],
         products=["Basketry", "Tillpoint"], customers=[], slugs=["wrenfield", "wrenfield-retail"],
         typos=["Wrenfeild", "Wrenfiled"], sector="grocery chain", geo="in the Midlands", tickets=["WR", "STORE"]),
    dict(name="Quillfeather", aliases=["Quill Feather", "Quillfeather Media"], domains=["quillfeather.co", "qf-mail.net"],
         products=["Nibwright", "Inkwell"], customers=["Parchment Press"], slugs=["quillfeather", "quill-feather", "qf"],
         typos=["Quilfeather", "Quillfaether"], sector="newsletter platform", geo="in Latin America", tickets=["QF", "MAIL"]),
    dict(name="Cinder", aliases=["Cinder Inc", "CinderHQ"], domains=["cinderhq.com", "cinder.run"],
         products=["Smolder", "Clinker"], customers=["Firebrand Foods"], slugs=["cinder", "cinderhq", "cinder-run"],
         typos=["Cidner", "Cindr"], sector="serverless hosting startup", geo="in Israel", tickets=["CND", "PLAT"]),
    dict(name="Marlowe & Finch", aliases=["Marlowe and Finch", "M&F", "Marlowe"], domains=["marlowefinch.com"],
         products=["Quire", "Foliant"], customers=["Ellery Publishing"], slugs=["marlowefinch", "marlowe-finch", "mandf"],
         typos=["Marlow & Finch", "Marlowe & Fintch"], sector="legal-tech firm", geo="in Australia", tickets=["MF", "LEGAL"]),
]

SUPERLATIVES = ["the largest", "the second-largest", "the number two", "the fastest-growing",
                "the oldest independent", "the only fully licensed", "the number one",
                "the third-biggest", "the most-downloaded"]

SCALE_PATTERNS = [
    "{a} billion events a month", "{b} million users", "{c},000 containers",
    "{b} million daily active users", "{a} trillion API calls a year", "{c},000 merchants",
    "{b} million prescriptions a year", "{d} petabytes of storage", "{c},000 Kubernetes pods",
    "{b} million orders a day", "{c},000 requests per second at peak", "{b} million accounts",
    "{c},000 employees", "{b} million rides a week", "{c},000 stores", "{c},000 schools",
    "{a} billion messages a day", "{b} million connected vehicles",
]
MONEY_PATTERNS = ["${x}M", "€{y},000", "£{x} million", "roughly ${z}k", "${x} million", "€{x}M"]

# ---------------------------------------------------------------------------
# Public technology (TECH, keep) grouped by role; with plausible versions.
# ---------------------------------------------------------------------------
STACK = {
    "db": [("PostgreSQL", ["16.2", "15.6", "14.11", "13.14", "12.18"]), ("MySQL", ["8.0.32", "8.0.36", "5.7.44", "8.4.0"]),
           ("MariaDB", ["10.11.6", "10.6.16"]), ("Aurora PostgreSQL", ["15.4", "14.9"]), ("MongoDB", ["7.0.5", "6.0.13"]),
           ("CockroachDB", ["v23.2.1", "v23.1.14"]), ("Cassandra", ["4.1.3", "4.0.11"]), ("Cloud SQL", []),
           ("Azure SQL Database", []), ("DynamoDB", []), ("TiDB", ["v7.5.0"])],
    "cache": [("Redis", ["7.2.4", "6.2.14"]), ("Memcached", ["1.6.22"]), ("Valkey", ["7.2.5"]), ("ElastiCache", []),
              ("Hazelcast", ["5.3.6"])],
    "queue": [("Kafka", ["3.6.1", "3.5.2", "2.8.2"]), ("RabbitMQ", ["3.12.12", "3.11.28"]), ("Amazon SQS", []),
              ("NATS", ["2.10.7"]), ("Pub/Sub", []), ("Apache Pulsar", ["3.1.2"]), ("Amazon Kinesis", [])],
    "orch": [("Kubernetes", ["v1.27.3", "1.28.5", "1.29.2", "v1.30.1"]), ("EKS", ["1.28", "1.29"]),
             ("GKE", ["1.27.8-gke.1067000", "1.28.3-gke.1203001"]), ("AKS", ["1.28.3"]), ("Nomad", ["1.7.2"]),
             ("ECS", []), ("OpenShift", ["4.14"])],
    "proxy": [("nginx", ["1.25.3", "1.24.0"]), ("Envoy", ["1.28.0", "1.27.2"]), ("HAProxy", ["2.8.5", "2.6.16"]),
              ("Traefik", ["v2.10.7"]), ("Istio", ["1.20.2", "1.19.5"]), ("Linkerd", ["2.14.8"]), ("Kong", ["3.5.0"]),
              ("ingress-nginx", ["v1.9.5"])],
    "cloud": [("AWS", []), ("Google Cloud", []), ("GCP", []), ("Azure", []), ("Hetzner", []), ("DigitalOcean", []),
              ("OVHcloud", [])],
    "ci": [("GitHub Actions", []), ("GitLab CI", []), ("Jenkins", ["2.426.3"]), ("CircleCI", []), ("Buildkite", []),
           ("Argo CD", ["v2.9.3", "v2.10.1"]), ("Spinnaker", ["1.32.2"]), ("Tekton", ["v0.56.0"]), ("Flux", ["v2.2.2"])],
    "mon": [("Prometheus", ["2.48.1", "2.49.1"]), ("Datadog", []), ("Grafana", ["10.2.3"]), ("New Relic", []),
            ("Honeycomb", []), ("Dynatrace", []), ("Thanos", ["0.33.0"]), ("VictoriaMetrics", ["1.96.0"]),
            ("Splunk", []), ("Elastic APM", [])],
    "pager": [("PagerDuty", []), ("Opsgenie", []), ("incident.io", []), ("Grafana OnCall", []), ("Splunk On-Call", [])],
    "lang": [("Go", ["1.21.5", "1.22.0", "1.20.12"]), ("Java", ["17", "21", "11"]), ("Python", ["3.11", "3.12", "3.9"]),
             ("Node.js", ["20.11.0", "18.19.0"]), ("Ruby", ["3.2.2", "3.3.0"]), ("Rust", ["1.75.0"]), ("Kotlin", ["1.9.22"]),
             (".NET", ["8.0"]), ("PHP", ["8.2.15"]), ("Elixir", ["1.16.0"]), ("Scala", ["2.13.12"])],
    "cdn": [("Cloudflare", []), ("Fastly", []), ("Akamai", []), ("CloudFront", [])],
}

REGIONS = {
    "aws": ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-1",
            "ap-southeast-2", "ap-northeast-1", "sa-east-1", "ca-central-1", "ap-south-1", "eu-north-1"],
    "gcp": ["europe-west4", "us-central1", "asia-northeast1", "europe-west1", "us-east4", "australia-southeast1",
            "southamerica-east1"],
    "azure": ["westeurope", "northeurope", "eastus2", "uksouth", "southeastasia", "australiaeast"],
}

GENERIC_METRICS = ["p99 latency", "p95 latency", "http_requests_total", "error rate", "apdex",
                   "http_server_requests_seconds_count", "process_resident_memory_bytes", "go_goroutines",
                   "up", "probe_success", "node_cpu_seconds_total", "5xx rate", "request_duration_seconds"]

FUNCS = ["payments", "ledger", "checkout", "auth", "billing", "search", "catalog", "orders", "inventory",
         "notifications", "identity", "risk", "pricing", "shipping", "reporting", "dispatch", "matching",
         "gateway", "webhooks", "ingest", "exports", "scheduler", "claims", "booking", "sessions", "media"]
FUNC_SUFFIX = ["api", "svc", "worker", "service", "consumer", "scheduler", "proxy", "web", "sync", "jobs"]

PUBLIC_URLS_GENERIC = [
    "https://sre.google/sre-book/postmortem-culture/",
    "https://sre.google/workbook/alerting-on-slos/",
    "https://sre.google/sre-book/managing-incidents/",
    "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/",
    "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/welcome.html",
    "https://learn.microsoft.com/en-us/azure/architecture/framework/resiliency/",
    "https://cloud.google.com/architecture/framework/reliability",
    "https://www.rfc-editor.org/rfc/rfc9110",
    "https://opentelemetry.io/docs/concepts/signals/traces/",
    "https://prometheus.io/docs/practices/alerting/",
]
