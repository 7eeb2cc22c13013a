"""Fill an empty Broadsheet with the demo outlet: sections, people, topics, images and stories."""

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from random import Random

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Collection, Site
from wagtail.search.backends import get_search_backends
from wagtail.utils.file import hash_filelike

from broadsheet.articles.models import ArticlePage
from broadsheet.articles.services import ArticleDraft, articles_bulk_create
from broadsheet.authors.models import Author, AuthorLink
from broadsheet.core.models import OutletSettings
from broadsheet.demo.images import IMAGES_PER_PALETTE, PALETTES, illustration_jpeg
from broadsheet.demo.schedule import release_times
from broadsheet.demo.staff import EXPERTS, REPORTERS
from broadsheet.demo.themes import THEMES
from broadsheet.demo.world import (
    COUNTRIES,
    ORGANISATIONS,
    OUTLET_NAME,
    OUTLET_TAGLINE,
    POLITICIANS,
    TELEGRAM_CHANNEL_URL,
    YOUTUBE_CHANNEL_URL,
)
from broadsheet.demo.writing import DemoWriter, Illustration, Story, expert_bio
from broadsheet.discovery.services import read_also_rebuild
from broadsheet.experts.models import Expert
from broadsheet.home.models import HomePage
from broadsheet.sections.models import SectionPage
from broadsheet.topics.models import Topic

DEFAULT_SEED = 1729
DEFAULT_ARTICLES = 2100
# Sixty-four days ending today always holds at least 62 whole days of releases.
DEFAULT_DAYS = 64
BATCH_SIZE = 300
TOP_STORIES_PER_DAY = (2, 4)
TOP_STORY_FORMATS = {"interview", "analysis", "feature", "news", "photo"}
DEMO_COLLECTION = "Demo"

SECTIONS = (
    ("Politics", "Parliaments, parties, elections and the people who run the Kavran states."),
    ("Economy", "Money, energy, trade and work across the region."),
    ("Region", "Borders, corridors and the talks between neighbours."),
    ("World", "The Kavran states and the wider world."),
    ("Society", "Schools, hospitals, water, climate and everyday life."),
    ("Interviews", "Long conversations with the experts who follow the region."),
    ("Opinion", "Expert opinions: arguments, not news."),
    ("Analysis", "Expert insights: what the news means and what may come next."),
)


@dataclass
class NewsroomSummary:
    sections: int
    authors: int
    experts: int
    topics: int
    images: int
    articles: int
    formats: Counter
    first_published_at: datetime
    last_published_at: datetime
    time_zone: str
    seconds: float


def newsroom_plan(*, seed: int, count: int) -> list[Story]:
    """The demo's stories, in release order, as plain data: the same seed writes the same news."""
    writer = DemoWriter(Random(seed))
    illustrations = {
        palette: list(range(index * IMAGES_PER_PALETTE, (index + 1) * IMAGES_PER_PALETTE))
        for index, palette in enumerate(PALETTES)
    }
    return [
        writer.story(format_=format_, illustrations_by_palette=illustrations)
        for format_ in writer.formats_for(count)
    ]


def _top_stories_mark(stories: list[Story], times: list[datetime], *, seed: int, zone) -> None:
    by_day = defaultdict(list)
    for story, moment in zip(stories, times, strict=True):
        if story.lead_image is not None and story.format in TOP_STORY_FORMATS:
            by_day[moment.astimezone(zone).date()].append(story)
    for day, candidates in by_day.items():
        rng = Random(f"{seed}:top:{day.isoformat()}")
        for story in rng.sample(
            candidates, min(len(candidates), rng.randint(*TOP_STORIES_PER_DAY))
        ):
            story.is_top_story = True


def _outlet_settings_set() -> OutletSettings:
    site = Site.objects.get(is_default_site=True)
    outlet, __ = OutletSettings.objects.update_or_create(
        site=site,
        defaults={
            "outlet_name": OUTLET_NAME,
            "tagline": OUTLET_TAGLINE,
            "telegram_channel_url": TELEGRAM_CHANNEL_URL,
            "youtube_channel_url": YOUTUBE_CHANNEL_URL,
        },
    )
    return outlet


def _sections_ensure() -> dict[str, SectionPage]:
    home = HomePage.objects.get()
    existing = {section.slug: section for section in SectionPage.objects.child_of(home)}
    sections = {}
    for title, intro in SECTIONS:
        slug = slugify(title)
        section = existing.get(slug)
        if section is None:
            section = home.add_child(
                instance=SectionPage(title=title, slug=slug, intro=intro, show_in_menus=True)
            )
            section.save_revision().publish()
        sections[slug] = section
    return sections


def _index(model, objects) -> None:
    # bulk_create() sends no post_save, so the search index is told directly.
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(model, objects)


def _create_missing(model, rows: list, *, key: str = "slug") -> dict[str, object]:
    existing = set(model.objects.values_list(key, flat=True))
    model.objects.bulk_create([row for row in rows if getattr(row, key) not in existing])
    objects = list(model.objects.all())
    _index(model, objects)
    return {obj.name: obj for obj in objects}


def _topics_ensure() -> dict[str, Topic]:
    rows = [
        Topic(
            name=country.name,
            slug=slugify(country.name),
            kind=Topic.Kind.COUNTRY,
            description=country.description,
            aliases="\n".join(country.aliases),
        )
        for country in COUNTRIES
    ]
    rows += [
        Topic(
            name=org.name,
            slug=slugify(org.name),
            kind=Topic.Kind.ORGANISATION,
            description=org.description,
            aliases=org.short,
        )
        for org in ORGANISATIONS
    ]
    rows += [
        Topic(
            name=person.name,
            slug=slugify(person.name),
            kind=Topic.Kind.PERSON,
            description=f"{person.title}, {person.country}. {person.description}",
        )
        for person in POLITICIANS
    ]
    rows += [
        Topic(
            name=theme.name,
            slug=slugify(theme.name),
            kind=Topic.Kind.THEME,
            description=theme.description,
            aliases="\n".join(theme.aliases),
        )
        for theme in THEMES
    ]
    return _create_missing(Topic, rows)


def _authors_ensure() -> dict[str, Author]:
    rows = [
        Author(
            name=reporter.name, slug=slugify(reporter.name), role=reporter.role, bio=reporter.bio
        )
        for reporter in REPORTERS
    ]
    known = set(Author.objects.values_list("slug", flat=True))
    authors = _create_missing(Author, rows)
    links = []
    for reporter in REPORTERS:
        author = authors[reporter.name]
        if author.slug in known:
            continue
        links.append(
            AuthorLink(
                author=author,
                label="Telegram",
                url=f"https://t.me/{reporter.telegram}",
                sort_order=0,
            )
        )
        links.append(
            AuthorLink(
                author=author,
                label="Staff page",
                url=f"https://kavran-ledger.example/staff/{author.slug}",
                sort_order=1,
            )
        )
    AuthorLink.objects.bulk_create(links)
    return authors


def _experts_ensure() -> dict[str, Expert]:
    rows = [
        Expert(
            name=profile.name,
            slug=slugify(profile.name),
            nationality=profile.nationality,
            country=profile.country,
            role=profile.role,
            institution=profile.institution,
            bio=expert_bio(profile),
        )
        for profile in EXPERTS
    ]
    return _create_missing(Expert, rows)


def _illustrations_create(*, seed: int) -> list:
    Image = get_image_model()
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=DEMO_COLLECTION).first()
    if collection is None:
        collection = root.add_child(name=DEMO_COLLECTION)
    images = []
    for palette, (colours, *__) in PALETTES.items():
        for number in range(1, IMAGES_PER_PALETTE + 1):
            data = illustration_jpeg(palette=palette, rng=Random(f"{seed}:{palette}:{number}"))
            images.append(
                Image(
                    title=f"Illustration: {palette}, composition {number}",
                    description=f"Abstract composition of discs and bands in {colours}",
                    collection=collection,
                    file=ImageFile(BytesIO(data), name=f"demo-{palette}-{number}.jpg"),
                    file_size=len(data),
                    file_hash=hash_filelike(BytesIO(data)),
                )
            )
    Image.objects.bulk_create(images)
    _index(Image, images)
    return images


def _draft(story: Story, moment: datetime, *, sections, topics, authors, experts, images):
    def image_of(value):
        return images[value.index] if isinstance(value, Illustration) else value

    body = [
        (block, {**value, "image": image_of(value["image"])} if block == "image" else value)
        for block, value in story.body
    ]
    article = ArticlePage(
        title=story.title,
        deck=story.deck,
        kind=story.kind,
        label=story.label,
        second_line=story.second_line,
        body=body,
        lead_image=image_of(story.lead_image),
        lead_image_caption=story.lead_image_caption,
        lead_image_credit=story.lead_image_credit,
        has_photo=story.has_photo,
        has_video=story.has_video,
        is_top_story=story.is_top_story,
        source_name=story.source_name,
        source_url=story.source_url,
        first_published_at=moment,
    )
    return ArticleDraft(
        section=sections[story.section],
        article=article,
        authors=[authors[name] for name in story.authors],
        topics=[topics[name] for name in story.topics],
        experts=[experts[name] for name in story.experts],
    )


def demo_newsroom_create(
    *,
    seed: int = DEFAULT_SEED,
    articles: int = DEFAULT_ARTICLES,
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> NewsroomSummary | None:
    """Generate the demo newsroom into a database without articles; None if it has some."""
    if ArticlePage.objects.exists():
        return None
    started = time.perf_counter()
    now = now or timezone.now()
    with transaction.atomic():
        zone = _outlet_settings_set().zone
        sections = _sections_ensure()
        topics = _topics_ensure()
        authors = _authors_ensure()
        experts = _experts_ensure()
        report(
            f"sections {len(sections)}, topics {len(topics)}, authors {len(authors)}, "
            f"experts {len(experts)} ({time.perf_counter() - started:.1f} s)"
        )
        images = _illustrations_create(seed=seed)
        report(f"images {len(images)} ({time.perf_counter() - started:.1f} s)")

        stories = newsroom_plan(seed=seed, count=articles)
        times = release_times(count=articles, days=days, now=now, zone=zone, seed=seed)
        _top_stories_mark(stories, times, seed=seed, zone=zone)
        report(f"stories written ({time.perf_counter() - started:.1f} s)")

        related = {"sections": sections, "topics": topics, "authors": authors, "experts": experts}
        for start in range(0, articles, BATCH_SIZE):
            batch = range(start, min(start + BATCH_SIZE, articles))
            drafts = [_draft(stories[i], times[i], images=images, **related) for i in batch]
            articles_bulk_create(drafts=drafts)
            report(f"articles {batch.stop}/{articles} ({time.perf_counter() - started:.1f} s)")

    # The worker ranks each story's Read also as it is published; stories made in bulk skip that,
    # and a story page without its ranking falls back to a slower, plainer query.
    ranked = read_also_rebuild(
        now=now,
        progress=lambda done: report(
            f"Read also {done.ranked}/{done.total} ({time.perf_counter() - started:.1f} s)"
        ),
    )
    report(f"Read also ranked for {ranked.ranked} stories ({time.perf_counter() - started:.1f} s)")

    return NewsroomSummary(
        sections=len(sections),
        authors=len(authors),
        experts=len(experts),
        topics=len(topics),
        images=len(images),
        articles=articles,
        formats=Counter(story.format for story in stories),
        first_published_at=times[0] if times else now,
        last_published_at=times[-1] if times else now,
        time_zone=str(zone),
        seconds=time.perf_counter() - started,
    )
