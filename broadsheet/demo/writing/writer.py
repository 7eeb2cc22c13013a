"""The demo desk's writer: picks each story's format, theme, place and people, then writes it."""

from random import Random

from broadsheet.demo import phrases
from broadsheet.demo.staff import EXPERTS, REPORTERS, ExpertProfile
from broadsheet.demo.themes import THEMES, Theme
from broadsheet.demo.world import (
    COUNTRIES,
    COUNTRY_BY_NAME,
    ORGANISATIONS,
    OUTLET_NAME,
    POLITICIANS,
    REGIONAL_COUNTRIES,
)
from broadsheet.demo.writing.formats import FORMAT_WRITERS
from broadsheet.demo.writing.scene import Scene, indefinite, lower_first
from broadsheet.demo.writing.story import ILLUSTRATION_CREDIT, Illustration, Story

# Share of each format in the feed.
FORMAT_WEIGHTS = {
    "news": 50,
    "photo": 4,
    "video": 3,
    "interview": 9,
    "opinion": 8,
    "analysis": 10,
    "review": 4,
    "feature": 6,
    "republished": 6,
}
LEAD_IMAGE_SHARE = {
    "news": 0.35,
    "photo": 1.0,
    "video": 1.0,
    "interview": 0.7,
    "opinion": 0.3,
    "analysis": 0.6,
    "review": 0.5,
    "feature": 1.0,
    "republished": 0.3,
}
# The outlet is based in Tarnel: Veska, and its largest neighbours, lead the news.
COUNTRY_WEIGHTS = {"Veska": 4, "Orduna": 3, "Kalmera": 2}
HEADLINE_WORDS = (8, 12)


class DemoWriter:
    """Writes one story at a time, never the same headline twice."""

    def __init__(self, rng: Random):
        self.rng = rng
        self.headlines: set[str] = set()
        self.formats = list(FORMAT_WEIGHTS)
        self.format_weights = list(FORMAT_WEIGHTS.values())
        self.countries = list(REGIONAL_COUNTRIES)
        self.country_weights = [COUNTRY_WEIGHTS.get(c.name, 1) for c in self.countries]

    def formats_for(self, count: int) -> list[str]:
        """The format of each of `count` stories: every format at least once when there is room."""
        formats = self.formats[:count] if count >= len(self.formats) else []
        formats += self.rng.choices(self.formats, self.format_weights, k=count - len(formats))
        self.rng.shuffle(formats)
        return formats

    def story(self, *, format_: str, illustrations_by_palette: dict[str, list[int]]) -> Story:
        rng = self.rng
        theme = rng.choice(THEMES)
        scene = self._scene(theme, format_)
        title = self._headline(scene, format_)
        story = FORMAT_WRITERS[format_](scene, title)
        story.topics = self._topics(scene, story)
        story.authors = self._authors(story)
        if story.lead_image is None and rng.random() < LEAD_IMAGE_SHARE[format_]:
            story.lead_image = Illustration(rng.choice(illustrations_by_palette[theme.palette]))
        if story.lead_image is not None:
            story.lead_image_caption = scene.fill(
                rng.choice(("Illustration: {subject}.", "{Subject}: an illustration."))
            )
            story.lead_image_credit = ILLUSTRATION_CREDIT
        self._illustrate_body(story, illustrations_by_palette[theme.palette])
        return story

    def _scene(self, theme: Theme, format_: str) -> Scene:
        rng = self.rng
        country = rng.choices(self.countries, self.country_weights)[0]
        if theme.desk == "world" and rng.random() < 0.5:
            other = rng.choice([c for c in COUNTRIES if not c.regional])
        else:
            other = rng.choice([c for c in COUNTRIES if c is not country])
        politicians = [p for p in POLITICIANS if p.country == country.name]
        # Themes without a body of their own are the regional council's business.
        organisations = [o for o in ORGANISATIONS if theme.name in o.themes] or [ORGANISATIONS[0]]
        expert = None
        if format_ in {"interview", "opinion", "analysis", "republished"}:
            specialists = [e for e in EXPERTS if theme.name in e.themes]
            expert = rng.choice(specialists or EXPERTS)
        city = country.capital if rng.random() < 0.25 else rng.choice(country.cities)
        return Scene(
            rng=rng,
            theme=theme,
            country=country,
            other=other,
            city=city,
            politician=rng.choice(politicians),
            organisation=rng.choice(organisations),
            expert=expert,
        )

    def _headline(self, scene: Scene, format_: str) -> str:
        patterns = phrases.HEADLINES[format_]
        low, high = HEADLINE_WORDS
        for attempt in range(80):
            if attempt and attempt % 8 == 0:
                # Long subjects overflow every pattern: let the story pick other words.
                scene.recast()
            scene.slots["work"] = self._work_title()
            scene.slots["format"] = self.rng.choice(phrases.REVIEW_FORMATS)
            title = scene.fill(self.rng.choice(patterns))
            if (low <= len(title.split()) <= high or attempt >= 64) and title not in self.headlines:
                self.headlines.add(title)
                return title
        # A big archive (the 100,000-story benchmarks) outruns the patterns: a repeated headline
        # is what a real archive has too, and the importer gives each story its own slug.
        return title

    def _work_title(self) -> str:
        adjective = self.rng.choice(phrases.WORK_ADJECTIVES)
        noun = self.rng.choice(phrases.WORK_NOUNS)
        return self.rng.choice((f"The {adjective} {noun}", f"{adjective} {noun}s"))

    def _topics(self, scene: Scene, story: Story) -> list[str]:
        """The theme, the country, and whoever the top of the story names (at most four)."""
        top = " ".join([story.title, story.deck, *(str(value) for __, value in story.body[:3])])
        topics = [scene.theme.name]
        if scene.country.name in top or self.rng.random() < 0.8:
            topics.append(scene.country.name)
        for name in (scene.politician.name, scene.other.name, scene.organisation.name):
            if name in top:
                topics.append(name)
        return list(dict.fromkeys(topics))[:4]

    def _authors(self, story: Story) -> list[str]:
        desk = [r.name for r in REPORTERS if story.section in r.desks]
        count = 2 if self.rng.random() < 0.2 and len(desk) > 1 else 1
        authors = self.rng.sample(desk, count)
        if story.format == "photo":
            authors = ["Yana Pelt", *[a for a in authors if a != "Yana Pelt"]][:2]
        elif story.format == "video":
            authors = ["Arman Suveri", *[a for a in authors if a != "Arman Suveri"]][:2]
        return authors

    def _illustrate_body(self, story: Story, pool: list[int]) -> None:
        """Give each image block its own illustration, other than the lead, while any are left."""
        lead = story.lead_image.index if story.lead_image else None
        others = [index for index in pool if index != lead]
        unused = self.rng.sample(others, len(others))
        for block_type, value in story.body:
            if block_type == "image" and value["image"] is None:
                value["image"] = Illustration(unused.pop() if unused else self.rng.choice(pool))


def expert_bio(expert: ExpertProfile) -> str:
    themes = [theme.lower() for theme in expert.themes]
    subjects = themes[0] if len(themes) == 1 else f"{', '.join(themes[:-1])} and {themes[-1]}"
    country = COUNTRY_BY_NAME[expert.country]
    return (
        f"{expert.name} is {indefinite(expert.nationality)} {lower_first(expert.role)} at "
        f"{expert.institution_name}, "
        f"working on {subjects}. Based in {country.capital}, {expert.surname} is a regular "
        f"voice in {OUTLET_NAME}'s interviews and analysis."
    )
