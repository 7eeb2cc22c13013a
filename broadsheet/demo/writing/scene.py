"""A story's cast and setting, and the phrase-filling that turns patterns into its sentences."""

import html
import re
from dataclasses import dataclass, field
from random import Random

from broadsheet.demo.staff import ExpertProfile
from broadsheet.demo.themes import Theme
from broadsheet.demo.world import (
    FIRST_NAMES,
    OUTLET_NAME,
    SURNAMES,
    Country,
    Organisation,
    Politician,
)

PLACEHOLDER = re.compile(r"\{(\w+)\}")
FEW = ("two", "three", "four", "five", "six", "seven", "eight", "nine")
# Words of an office that lose their capital inside a sentence ("the Veskan foreign minister").
OFFICE_WORDS = frozenset(
    "President Prime Minister Foreign Finance Defence Energy Agriculture Chancellor Opposition "
    "Speaker Secretary General Mayor".split()
)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def indefinite(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def office(title: str, nationality: str) -> str:
    """`Foreign Minister` -> `the Veskan foreign minister`, as a sentence names the office."""
    words = " ".join(w.lower() if w in OFFICE_WORDS else w for w in title.split())
    return f"the {words}" if " of " in title else f"the {nationality} {words}"


def paragraph(text: str) -> tuple[str, str]:
    return ("paragraph", f"<p>{html.escape(text, quote=False)}</p>")


def word_count(blocks: list) -> int:
    words = 0
    for __, value in blocks:
        texts = value.values() if isinstance(value, dict) else [value]
        words += sum(len(re.sub(r"<[^>]+>", " ", t).split()) for t in texts if isinstance(t, str))
    return words


@dataclass
class Scene:
    """Who and where a story is about; fills phrase patterns and notes which topics it named."""

    rng: Random
    theme: Theme
    country: Country
    other: Country
    city: str
    politician: Politician
    organisation: Organisation
    expert: ExpertProfile | None
    slots: dict[str, str] = field(default_factory=dict)
    named: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)
    last: str = ""

    def __post_init__(self):
        politician, org, expert = self.politician, self.organisation, self.expert
        self.slots = {
            "country": self.country.name,
            "nationality": self.country.nationality,
            "capital": self.country.capital,
            "city": self.city,
            "parliament": self.country.parliament,
            "currency": self.country.currency,
            "other": self.other.name,
            "other_nationality": self.other.nationality,
            "other_capital": self.other.capital,
            "politician": politician.name,
            "politician_office": office(politician.title, self.country.nationality),
            "org": f"the {org.name}",
            "outlet": OUTLET_NAME,
        }
        if expert:
            self.slots |= {
                "expert": expert.name,
                "expert_surname": expert.surname,
                "expert_affiliation": f"{lower_first(expert.role)} at {expert.institution_name}",
            }
        self.recast()

    def recast(self) -> None:
        """Pick the theme's subject and action this story is about."""
        subject, subject2 = self.rng.sample(self.theme.subjects, 2)
        self.slots["subject"] = self.fill(subject, sentence=False)
        self.slots["Subject"] = capitalise(self.slots["subject"])
        self.slots["subject2"] = self.fill(subject2, sentence=False)
        self.slots["action"] = self.fill(self.rng.choice(self.theme.actions), sentence=False)

    def fill(self, pattern: str, *, sentence: bool = True) -> str:
        def replace(match: re.Match) -> str:
            key = match[1]
            if key == "pct":
                return str(self.rng.randint(3, 38))
            if key == "n":
                return str(self.rng.randint(3, 60))
            if key == "few":
                return self.rng.choice(FEW)
            if key == "big":
                return f"{self.rng.randint(1, 9)}.{self.rng.randint(1, 9)}"
            self.named.add(key)
            return self.slots[key]

        text = PLACEHOLDER.sub(replace, pattern)
        return capitalise(text) if sentence else text

    def pick(self, *pools: tuple[str, ...]) -> str:
        """A pattern from the pools that this story has not used yet, while any are left."""
        patterns = [pattern for pool in pools for pattern in pool]
        fresh = [pattern for pattern in patterns if pattern not in self.used]
        if not fresh:
            # All said once: start over, but never with the sentence just written.
            self.used.difference_update(patterns)
            fresh = [pattern for pattern in patterns if pattern != self.last] or patterns
        self.last = self.rng.choice(fresh)
        self.used.add(self.last)
        return self.last

    def sentence(self, *pools: tuple[str, ...]) -> str:
        return self.fill(self.pick(*pools))

    def new_sentence(self, pool: tuple[str, ...]) -> str | None:
        """A sentence from a pattern this story has not used, or None once all have been."""
        fresh = [pattern for pattern in pool if pattern not in self.used]
        if not fresh:
            return None
        self.last = self.rng.choice(fresh)
        self.used.add(self.last)
        return self.fill(self.last)

    def sentences(self, count: int, *pools: tuple[str, ...]) -> str:
        return " ".join(self.sentence(*pools) for __ in range(count))

    def person(self) -> str:
        """An invented name for a resident or official who is not a topic of their own."""
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
