"""The demo outlet's invented region: its countries, institutions, politicians and partner outlets.

Everything here is fiction. The region (the Kavran Sea, the Tarn Mountains, the Ilis River) and
every state, city, person and outlet in it were made up for the demo; none stands for a real one.
"""

from dataclasses import dataclass

OUTLET_NAME = "The Kavran Ledger"
OUTLET_TAGLINE = "News and analysis from the Kavran region"
# .example and invented handles: the demo must not send readers to anybody's real channel.
TELEGRAM_CHANNEL_URL = "https://t.me/kavran_ledger_demo"
YOUTUBE_CHANNEL_URL = "https://www.youtube.com/@kavran-ledger-demo"
REGION = "the Kavran region"


@dataclass(frozen=True)
class Country:
    name: str
    nationality: str
    capital: str
    cities: tuple[str, ...]
    currency: str
    parliament: str
    description: str
    aliases: tuple[str, ...] = ()
    regional: bool = True


@dataclass(frozen=True)
class Politician:
    name: str
    title: str
    country: str
    description: str

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


@dataclass(frozen=True)
class Organisation:
    name: str
    short: str
    description: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class PartnerOutlet:
    name: str
    domain: str
    country: str


COUNTRIES = (
    Country(
        "Veska",
        "Veskan",
        "Tarnel",
        ("Ilmar", "Drovo", "Sennik", "Halm"),
        "vesk",
        "the National Assembly",
        "A highland republic on the western shore of the Kavran Sea; its capital, Tarnel, sits "
        "at the foot of the Tarn Mountains.",
        ("Republic of Veska",),
    ),
    Country(
        "Orduna",
        "Ordunian",
        "Saradi",
        ("Kesh", "Amra", "Port Dovan", "Yelva"),
        "orun",
        "the Grand Council",
        "The region's most populous state, stretching from the Ilis delta to the eastern steppe.",
        ("Ordunian Republic",),
    ),
    Country(
        "Kalmera",
        "Kalmeran",
        "Port Ilis",
        ("Velna", "Osk", "Merrin", "Tavi"),
        "kalm",
        "the Kalmeran Diet",
        "A trading nation on the southern Kavran coast whose capital is also its busiest port.",
        ("Kingdom of Kalmera",),
    ),
    Country(
        "Marosh",
        "Maroshi",
        "Nevrat",
        ("Gulan", "Tesh", "Ardin", "Sofal"),
        "mar",
        "the People's Chamber",
        "A landlocked mountain state whose rivers feed half of the region's reservoirs.",
    ),
    Country(
        "Halvania",
        "Halvanian",
        "Brask",
        ("Skarra", "Velm", "Odrin", "Kallo"),
        "halv",
        "the Halvanian Senate",
        "A northern plains republic and the region's largest grain exporter.",
    ),
    Country(
        "Zeravia",
        "Zeravian",
        "Ostrel",
        ("Kiravo", "Ushet", "Lamara", "Port Senna"),
        "zera",
        "the Council of Deputies",
        "A coastal state on the eastern Kavran shore, settling a long border dispute with Marosh.",
    ),
    Country(
        "Corvania",
        "Corvanian",
        "Dalmir",
        ("Ressa", "Hollin", "Varno", "Ebbet"),
        "corva",
        "the Corvanian Parliament",
        "A small mountain republic known for its mining towns and its lively civil society.",
    ),
    Country(
        "Ildara",
        "Ildaran",
        "Samsar",
        ("Idrun", "Bashet", "Oruzan", "Tel Amir"),
        "ildar",
        "the Ildaran Assembly",
        "A state south of the Tarn range whose economy rests on gas fields and irrigated farms.",
    ),
    Country(
        "Valdoria",
        "Valdorian",
        "Greymark",
        ("Norvik", "Eskeld"),
        "valdor",
        "the Valdorian Diet",
        "A large northern power with long-standing interests in the Kavran region.",
        regional=False,
    ),
    Country(
        "Aurelia",
        "Aurelian",
        "Solenne",
        ("Maravel", "Costel"),
        "aurel",
        "the Aurelian Senate",
        "A western economic power and the largest foreign investor in the Kavran region.",
        regional=False,
    ),
)

POLITICIANS = (
    Politician("Teodor Valesh", "President", "Veska", "President of Veska since his re-election."),
    Politician("Irena Sobol", "Prime Minister", "Veska", "Heads Veska's three-party coalition."),
    Politician("Mirela Kost", "Foreign Minister", "Veska", "Veska's chief negotiator abroad."),
    Politician("Sabira Toran", "President", "Orduna", "Orduna's first woman head of state."),
    Politician("Emin Galdar", "Foreign Minister", "Orduna", "A former ambassador to Aurelia."),
    Politician("Rusa Velid", "Finance Minister", "Orduna", "Oversees Orduna's budget and debt."),
    Politician("Aldo Brisk", "Prime Minister", "Kalmera", "Leads Kalmera's minority government."),
    Politician("Nadira Holm", "Foreign Minister", "Kalmera", "Kalmera's voice in regional talks."),
    Politician("Petar Lune", "Opposition leader", "Kalmera", "Heads the Kalmeran opposition bloc."),
    Politician("Kerem Vashti", "President", "Marosh", "President of Marosh, a former engineer."),
    Politician(
        "Lidia Orsk",
        "Speaker of the People's Chamber",
        "Marosh",
        "Speaker of Marosh's parliament.",
    ),
    Politician("Mattis Orn", "Chancellor", "Halvania", "Halvania's head of government."),
    Politician(
        "Ena Solvik", "Agriculture Minister", "Halvania", "In charge of Halvania's grain policy."
    ),
    Politician("Ilona Dravec", "President", "Zeravia", "Zeravia's president and a former judge."),
    Politician("Viktor Ambru", "Defence Minister", "Zeravia", "Runs Zeravia's defence reform."),
    Politician("Bastian Kell", "Prime Minister", "Corvania", "Corvania's reformist premier."),
    Politician("Suna Revi", "Mayor of Dalmir", "Corvania", "Mayor of the Corvanian capital."),
    Politician("Darun Mehdal", "President", "Ildara", "Ildara's long-serving president."),
    Politician("Yasmin Qorel", "Energy Minister", "Ildara", "Manages Ildara's gas exports."),
    Politician("Oskar Grevin", "President", "Valdoria", "President of Valdoria."),
    Politician("Heloise Varant", "Foreign Secretary", "Aurelia", "Aurelia's foreign secretary."),
    Politician(
        "Nikola Arvane",
        "Secretary General of the Kavran Cooperation Council",
        "Kalmera",
        "A Kalmeran diplomat who runs the region's main intergovernmental body.",
    ),
)

ORGANISATIONS = (
    Organisation(
        "Kavran Cooperation Council",
        "KCC",
        "The intergovernmental body of the eight Kavran states, based in Port Ilis.",
        ("Regional integration", "Diplomacy", "Trade"),
    ),
    Organisation(
        "Tarn Basin Water Commission",
        "TBWC",
        "Shares out the water of the rivers that rise in the Tarn Mountains.",
        ("Water security", "Drought", "Agriculture"),
    ),
    Organisation(
        "Kavran Development Bank",
        "KDB",
        "A regional lender financing roads, power lines and ports.",
        ("Public debt", "Banking", "Transport corridors"),
    ),
    Organisation(
        "Southern Corridor Pipeline Company",
        "SCPC",
        "Operates the gas pipeline from Ildara's fields to the Kalmeran coast.",
        ("Energy",),
    ),
    Organisation(
        "Kavran Sea Shipping Authority",
        "KSSA",
        "Sets the rules for ferries, tankers and ports on the Kavran Sea.",
        ("Shipping", "Fisheries"),
    ),
    Organisation(
        "Continental Security Forum",
        "CSF",
        "A security dialogue of European and Kavran states with a mission in Ostrel.",
        ("Defence", "Peace talks", "Cybersecurity"),
    ),
    Organisation(
        "Northern Economic Union",
        "NEU",
        "A Valdorian-led customs union that Halvania and Marosh are weighing up.",
        ("Trade", "Regional integration"),
    ),
    Organisation(
        "Port Ilis Grain Exchange",
        "PIGE",
        "The trading floor where most of the region's wheat and barley is priced.",
        ("Agriculture", "Food prices"),
    ),
    Organisation(
        "National Bank of Veska",
        "NBV",
        "Veska's central bank.",
        ("Inflation", "Banking"),
    ),
    Organisation(
        "Ordunian Central Election Commission",
        "CEC",
        "Runs and certifies elections in Orduna.",
        ("Elections",),
    ),
    Organisation(
        "Kalmeran Energy Regulator",
        "KER",
        "Sets electricity and gas tariffs in Kalmera.",
        ("Energy", "Renewables"),
    ),
    Organisation(
        "Kavran Human Rights Observatory",
        "KHRO",
        "A network of lawyers and monitors reporting on rights in the eight states.",
        ("Minority rights", "Media freedom", "Courts and justice"),
    ),
    Organisation(
        "Ilis River Monitoring Mission",
        "IRMM",
        "Civilian monitors on the Marosh-Zeravia line under the ceasefire agreement.",
        ("Peace talks", "Border demarcation"),
    ),
    Organisation(
        "Marosh-Zeravia Border Commission",
        "MZBC",
        "The joint commission drawing the border between Marosh and Zeravia.",
        ("Border demarcation",),
    ),
    Organisation(
        "Tarn Seismic Institute",
        "TSI",
        "Monitors earthquakes across the Tarn range.",
        ("Earthquake preparedness",),
    ),
    Organisation(
        "Kavran Press Council",
        "KPC",
        "A self-regulatory body for journalists in the region.",
        ("Media freedom",),
    ),
)

PARTNER_OUTLETS = (
    PartnerOutlet("Ostrel Courier", "ostrel-courier.example", "Zeravia"),
    PartnerOutlet("Tarnel Evening Post", "tarnel-post.example", "Veska"),
    PartnerOutlet("Saradi Observer", "saradi-observer.example", "Orduna"),
    PartnerOutlet("Brask Morning Star", "brask-star.example", "Halvania"),
    PartnerOutlet("Nevrat Bulletin", "nevrat-bulletin.example", "Marosh"),
    PartnerOutlet("Dalmir Weekly Review", "dalmir-review.example", "Corvania"),
)

# For quotes from residents, shopkeepers and officials who are not topics of their own.
FIRST_NAMES = (
    "Anri", "Beka", "Dalia", "Edin", "Farah", "Gerta", "Ilyas", "Jovan", "Kamila", "Lev",
    "Mariam", "Nilo", "Oksana", "Pavo", "Rana", "Selim", "Tamsin", "Ulla", "Vesna", "Yarik",
    "Zora", "Aram", "Bilge", "Cosmin", "Dunya", "Elif", "Goran", "Hedda", "Irakli", "Jelka",
)  # fmt: skip
SURNAMES = (
    "Adrel", "Bastov", "Corran", "Delvi", "Estrin", "Feyzal", "Gavrel", "Hollun", "Irvane",
    "Jastro", "Kelvar", "Lorent", "Marvik", "Nestal", "Orvin", "Pelkar", "Rostam", "Savrin",
    "Tobel", "Urvan", "Varda", "Welkin", "Yasur", "Zemlan", "Arkadi", "Brenno", "Calder",
)  # fmt: skip

COUNTRY_BY_NAME = {country.name: country for country in COUNTRIES}
REGIONAL_COUNTRIES = tuple(country for country in COUNTRIES if country.regional)
