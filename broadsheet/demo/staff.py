"""The demo outlet's people: the newsroom's reporters and the outside experts it interviews.

All invented; any likeness to a real person's name is a coincidence.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Reporter:
    name: str
    role: str
    desks: tuple[str, ...]
    bio: str
    telegram: str


@dataclass(frozen=True)
class ExpertProfile:
    name: str
    nationality: str
    country: str
    role: str
    institution: str
    themes: tuple[str, ...]

    @property
    def surname(self) -> str:
        return self.name.split()[-1]

    @property
    def institution_name(self) -> str:
        """The institution as a sentence names it: `the Veskan Economic Forum`."""
        if self.institution.endswith("University"):
            return self.institution
        return f"the {self.institution}"


REPORTERS = (
    Reporter(
        "Aytan Merovi",
        "Political correspondent",
        ("politics",),
        "Covers parliament, parties and elections across the region from Tarnel.",
        "aytan_merovi",
    ),
    Reporter(
        "Lev Hassar",
        "Economy editor",
        ("economy",),
        "Edits the economy desk; before that he reported on banks and budgets for ten years.",
        "levhassar",
    ),
    Reporter(
        "Mira Salden",
        "Interviews editor",
        ("interviews",),
        "Runs the interview desk and talks to the experts readers meet on these pages.",
        "mirasalden",
    ),
    Reporter(
        "Tomas Arvelo",
        "Region correspondent",
        ("region",),
        "Reports on borders, corridors and the talks between the Kavran states.",
        "tomas_arvelo",
    ),
    Reporter(
        "Nadia Kerrim",
        "World affairs reporter",
        ("world",),
        "Follows the region's relations with Valdoria, Aurelia and the wider world.",
        "nadiakerrim",
    ),
    Reporter(
        "Sevil Orhann",
        "Society reporter",
        ("society",),
        "Writes about schools, hospitals, water and the people who depend on them.",
        "sevil_orhann",
    ),
    Reporter(
        "Daniel Vostrin",
        "Opinion editor",
        ("opinion",),
        "Commissions and edits the opinion pages.",
        "dvostrin",
    ),
    Reporter(
        "Elena Marcov",
        "Analysis editor",
        ("analysis",),
        "Edits the analysis section and writes on regional politics and security.",
        "elenamarcov",
    ),
    Reporter(
        "Ruben Tallis",
        "Energy correspondent",
        ("economy", "region"),
        "Covers gas, power and the pipelines that cross the region.",
        "rubentallis",
    ),
    Reporter(
        "Ines Gavran",
        "Reporter, Tarnel",
        ("politics", "society"),
        "General news reporter based in Tarnel.",
        "inesgavran",
    ),
    Reporter(
        "Karim Oldes",
        "Reporter, Saradi",
        ("region", "world", "politics"),
        "General news reporter based in Saradi.",
        "karimoldes",
    ),
    Reporter(
        "Yana Pelt",
        "Photo editor",
        ("society", "region"),
        "Edits photography and the outlet's photo stories.",
        "yanapelt",
    ),
    Reporter(
        "Arman Suveri",
        "Video producer",
        ("society", "politics", "world"),
        "Produces the outlet's video reports and its YouTube channel.",
        "armansuveri",
    ),
    Reporter(
        "Lucia Fenwar",
        "Night editor",
        ("politics", "economy", "region", "world", "society"),
        "Runs the evening news desk and the rolling news feed.",
        "luciafenwar",
    ),
)

EXPERTS = (
    ExpertProfile(
        "Aras Telmen",
        "Veskan",
        "Veska",
        "Political analyst",
        "Tarnel Institute for Strategic Studies",
        ("Elections", "Coalition politics", "Constitutional reform"),
    ),
    ExpertProfile(
        "Mirna Hovel",
        "Veskan",
        "Veska",
        "Economist",
        "Veskan Economic Forum",
        ("Inflation", "Banking", "Public debt"),
    ),
    ExpertProfile(
        "Ozan Derrik",
        "Ordunian",
        "Orduna",
        "Energy analyst",
        "Saradi Centre for Energy Policy",
        ("Energy", "Renewables"),
    ),
    ExpertProfile(
        "Leyla Sarrin",
        "Ordunian",
        "Orduna",
        "Professor of international relations",
        "Centre for Kavran Studies, University of Saradi",
        ("Diplomacy", "Regional integration", "Peace talks"),
    ),
    ExpertProfile(
        "Piet Vanlo",
        "Kalmeran",
        "Kalmera",
        "Trade economist",
        "Port Ilis School of Economics",
        ("Trade", "Shipping", "Transport corridors"),
    ),
    ExpertProfile(
        "Nora Ellisande",
        "Kalmeran",
        "Kalmera",
        "Senior fellow",
        "Kalmeran Institute of International Affairs",
        ("Diplomacy", "Sanctions"),
    ),
    ExpertProfile(
        "Gaspar Rell",
        "Maroshi",
        "Marosh",
        "Policy director",
        "Nevrat Policy Lab",
        ("Corruption", "Local government", "Courts and justice"),
    ),
    ExpertProfile(
        "Dilan Oskarri",
        "Maroshi",
        "Marosh",
        "Hydrologist",
        "Institute of Water Management, Nevrat",
        ("Water security", "Drought", "Climate"),
    ),
    ExpertProfile(
        "Henrik Salvo",
        "Halvanian",
        "Halvania",
        "Agricultural economist",
        "Brask Agricultural University",
        ("Agriculture", "Food prices"),
    ),
    ExpertProfile(
        "Agnes Terhove",
        "Halvanian",
        "Halvania",
        "Foreign policy analyst",
        "Halvanian Council on Foreign Relations",
        ("Regional integration", "Sanctions", "Diplomacy"),
    ),
    ExpertProfile(
        "Sami Korvel",
        "Zeravian",
        "Zeravia",
        "Conflict researcher",
        "Ostrel Peace Institute",
        ("Peace talks", "Border demarcation"),
    ),
    ExpertProfile(
        "Jana Virel",
        "Zeravian",
        "Zeravia",
        "Security analyst",
        "Zeravian Centre for Security Studies",
        ("Defence", "Cybersecurity"),
    ),
    ExpertProfile(
        "Matei Dorran",
        "Corvanian",
        "Corvania",
        "Governance expert",
        "Dalmir Foundation for Open Government",
        ("Corruption", "Courts and justice", "Minority rights"),
    ),
    ExpertProfile(
        "Ruta Kallen",
        "Corvanian",
        "Corvania",
        "Media researcher",
        "Corvanian Media Institute",
        ("Media freedom", "Youth"),
    ),
    ExpertProfile(
        "Idris Fenwal",
        "Ildaran",
        "Ildara",
        "Development economist",
        "Samsar Institute of Development Studies",
        ("Remittances", "Labour market", "Migration", "Diaspora"),
    ),
    ExpertProfile(
        "Soraya Mendel",
        "Ildaran",
        "Ildara",
        "Energy economist",
        "Samsar Institute of Development Studies",
        ("Energy", "Public debt"),
    ),
    ExpertProfile(
        "Bertil Aksund",
        "Valdorian",
        "Valdoria",
        "Senior researcher",
        "Greymark Academy of International Affairs",
        ("Defence", "Diplomacy", "Regional integration"),
    ),
    ExpertProfile(
        "Camille Verrand",
        "Aurelian",
        "Aurelia",
        "Director of the Kavran programme",
        "Solenne Council on Eastern Affairs",
        ("Sanctions", "Trade", "Diplomacy"),
    ),
    ExpertProfile(
        "Tigran Ashdel",
        "Veskan",
        "Veska",
        "Sociologist",
        "Tarnel State University",
        ("Migration", "Youth", "Education", "Diaspora"),
    ),
    ExpertProfile(
        "Elmira Vosk",
        "Ordunian",
        "Orduna",
        "Public health researcher",
        "Saradi Medical Academy",
        ("Public health",),
    ),
    ExpertProfile(
        "Kaspar Linde",
        "Kalmeran",
        "Kalmera",
        "Urban planner",
        "Port Ilis Urban Institute",
        ("Housing", "Air pollution", "Local government"),
    ),
    ExpertProfile(
        "Zarina Hollis",
        "Maroshi",
        "Marosh",
        "Seismologist",
        "Tarn Seismic Institute",
        ("Earthquake preparedness",),
    ),
    ExpertProfile(
        "Oleks Varnaby",
        "Halvanian",
        "Halvania",
        "Labour economist",
        "Brask Institute of Social Research",
        ("Labour market", "Inflation"),
    ),
    ExpertProfile(
        "Amalia Derwen",
        "Zeravian",
        "Zeravia",
        "Historian",
        "University of Ostrel",
        ("Culture and heritage", "Minority rights", "Border demarcation"),
    ),
    ExpertProfile(
        "Nuri Castell",
        "Corvanian",
        "Corvania",
        "Mining engineer",
        "Corvanian Technical University",
        ("Mining", "Renewables"),
    ),
    ExpertProfile(
        "Selin Varou",
        "Ildaran",
        "Ildara",
        "Climate scientist",
        "Samsar Institute of Development Studies",
        ("Climate", "Drought", "Water security"),
    ),
    ExpertProfile(
        "Haldor Brenn",
        "Valdorian",
        "Valdoria",
        "Economist",
        "Greymark Academy of International Affairs",
        ("Banking", "Trade", "Remittances"),
    ),
    ExpertProfile(
        "Ines Morvant",
        "Aurelian",
        "Aurelia",
        "Digital policy researcher",
        "Solenne Council on Eastern Affairs",
        ("Digital economy", "Cybersecurity"),
    ),
    ExpertProfile(
        "Rafael Tenn",
        "Veskan",
        "Veska",
        "Tourism economist",
        "Veskan Economic Forum",
        ("Tourism", "Culture and heritage"),
    ),
    ExpertProfile(
        "Mehri Solak",
        "Kalmeran",
        "Kalmera",
        "Maritime analyst",
        "Kalmeran Institute of International Affairs",
        ("Shipping", "Fisheries", "Railways"),
    ),
    ExpertProfile(
        "Davor Ilesko",
        "Ordunian",
        "Orduna",
        "Election observer",
        "Centre for Kavran Studies, University of Saradi",
        ("Elections", "Protests"),
    ),
)
