import re
from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import Page

from broadsheet.articles.models import ArticleKind, ArticlePage
from broadsheet.authors.models import Author
from broadsheet.core.outlet import outlet_settings
from broadsheet.demo import newsroom, phrases
from broadsheet.demo.images import illustration_jpeg
from broadsheet.demo.newsroom import DEFAULT_ARTICLES, DEFAULT_DAYS, DEFAULT_SEED, newsroom_plan
from broadsheet.demo.schedule import release_times
from broadsheet.demo.themes import THEME_BY_NAME, THEMES
from broadsheet.discovery.models import ReadAlsoPick
from broadsheet.experts.models import Expert
from broadsheet.sections.models import SectionPage
from broadsheet.topics.models import Topic

BAKU = ZoneInfo("Asia/Baku")
YOUTUBE_URL = re.compile(r"^https://www\.youtube\.com/watch\?v=[A-Za-z0-9_-]{11}$")
SEED = 11


def demo(*args: str) -> str:
    output = StringIO()
    call_command("demo_newsroom", *args, stdout=output)
    return output.getvalue()


def gaps_in_minutes(moments) -> Counter:
    """Minutes between consecutive releases on the same local day."""
    local = sorted(moment.astimezone(BAKU) for moment in moments)
    return Counter(
        round((later - earlier).total_seconds() / 60)
        for earlier, later in zip(local, local[1:], strict=False)
        if earlier.date() == later.date()
    )


DRAWN = {}


@pytest.fixture(autouse=True)
def illustrations_drawn_once(monkeypatch):
    """Each run draws the same illustrations; Pillow work would make up most of a test's time."""

    def draw_once(*, palette, rng):
        key = (palette, rng.getstate())
        if key not in DRAWN:
            DRAWN[key] = illustration_jpeg(palette=palette, rng=rng)
        return DRAWN[key]

    monkeypatch.setattr(newsroom, "illustration_jpeg", draw_once)


@pytest.fixture
def generated(db):
    started = timezone.now()
    output = demo("--articles", "150", "--days", "5", "--seed", str(SEED))
    return started, output


def test_demo_fills_an_empty_database_with_a_whole_newsroom(generated):
    """An empty site gets sections, staff, experts, topics, images and every kind of story."""
    __, output = generated
    sections = SectionPage.objects.live()
    assert sections.count() >= 8
    assert {"Politics", "Economy", "Region", "World", "Society", "Interviews", "Opinion"} <= set(
        sections.values_list("title", flat=True)
    )
    assert all(section.show_in_menus and section.intro for section in sections)
    assert Author.objects.count() >= 12
    assert all(author.links.exists() for author in Author.objects.all())
    assert Expert.objects.count() >= 25
    assert Expert.objects.exclude(nationality="").exclude(institution="").count() >= 25
    assert Topic.objects.count() >= 80
    assert set(Topic.objects.values_list("kind", flat=True)) == set(Topic.Kind.values)

    articles = ArticlePage.objects.live()
    assert articles.count() == 150
    assert set(articles.values_list("kind", flat=True)) == set(ArticleKind.values)
    assert articles.filter(has_photo=True).exists() and articles.filter(has_video=True).exists()
    assert articles.filter(is_top_story=True).exists()
    assert all(1 <= article.bylines.count() <= 2 for article in articles)
    assert all(1 <= article.topics.count() <= 4 for article in articles)
    assert "articles 150/150" in output and "Demo newsroom ready" in output
    assert Page.find_problems() == ([], [], [], [], [])

    settings = outlet_settings()
    assert settings.outlet_name == "The Kavran Ledger"
    assert settings.telegram_channel_url.startswith("https://t.me/")
    assert settings.youtube_channel_url.startswith("https://www.youtube.com/")


def test_demo_stories_look_like_the_reference_outlet(generated):
    """Interviews, opinions, partner pieces and media stories carry the reference labels."""
    articles = ArticlePage.objects.live()
    for article in articles:
        words = len(article.title.split())
        assert 8 <= words <= 12, article.title
        assert len(article.deck) <= 200

    for interview in articles.filter(kind=ArticleKind.INTERVIEW):
        assert re.fullmatch(r"\w+ expert [\w ]+ talks to The Kavran Ledger", interview.deck)
        blocks = Counter(block.block_type for block in interview.body)
        assert blocks["question_answer"] >= 3
        quote = next(block.value for block in interview.body if block.block_type == "quote")
        assert quote["speaker"] and quote["role"]
        assert interview.experts.exists()
    assert {a.display_label for a in articles.filter(kind=ArticleKind.OPINION)} == {
        "Expert opinions"
    }
    assert any(
        label.endswith(" experts")
        for label in articles.filter(kind=ArticleKind.INTERVIEW).values_list("label", flat=True)
    )
    for piece in articles.filter(kind=ArticleKind.REPUBLISHED):
        assert piece.second_line == f"Article by {piece.source_name}"
        assert piece.source_url.startswith("https://")
    for story in articles.filter(has_video=True):
        video = next(block.value for block in story.body if block.block_type == "video")
        assert YOUTUBE_URL.match(video["url"])
        assert story.second_line in {"PHOTO/VIDEO", "The Kavran Ledger on YouTube"}
    photo_only = articles.filter(has_photo=True, has_video=False)
    assert set(photo_only.values_list("second_line", flat=True)) == {"PHOTO"}


def test_demo_illustrations_are_real_images_in_their_own_collection(generated):
    """The generated illustrations are 1600x900 JPEGs, credited where stories use them."""
    images = get_image_model().objects.filter(collection__name="Demo")
    assert images.count() >= 40
    for image in images:
        assert (image.width, image.height) == (1600, 900)
        assert 0 < image.file_size < 400_000
    illustrated = ArticlePage.objects.live().exclude(lead_image=None)
    assert illustrated.exists()
    assert {a.lead_image_credit for a in illustrated} == {"The Kavran Ledger / illustration"}


def test_demo_releases_stories_on_the_desks_clock(generated):
    """Stories go out in daytime, Baku time, 12 or 15 minutes apart, never in the future."""
    started, __ = generated
    moments = list(ArticlePage.objects.live().values_list("first_published_at", flat=True))
    assert max(moments) <= started
    assert all(9 <= moment.astimezone(BAKU).hour <= 22 for moment in moments)
    gaps = gaps_in_minutes(moments)
    assert {gap for gap, __ in gaps.most_common(2)} == {12, 15}
    assert all(5 <= gap <= 16 for gap in gaps)

    top_by_day = defaultdict(int)
    for article in ArticlePage.objects.live().filter(is_top_story=True):
        top_by_day[article.first_published_at.astimezone(BAKU).date()] += 1
    assert all(1 <= count <= 4 for count in top_by_day.values())


def long_words(*patterns: str) -> set[str]:
    return set(re.findall(r"[a-z]{7,}", " ".join(patterns).lower()))


def stems(*patterns: str) -> set[str]:
    """Long words cut to six letters, so `pipeline` and `pipelines` count as one."""
    return {word[:6] for word in long_words(*patterns)}


def test_demo_stories_on_a_topic_share_its_words(generated):
    """Search finds a theme's stories by the theme's own vocabulary, and only those."""
    banks = [bank for bank in vars(phrases).values() if isinstance(bank, tuple)]
    everyday_words = stems(*(p for bank in [*banks, *phrases.HEADLINES.values()] for p in bank))
    tagged = Counter(
        name
        for name in ArticlePage.topics.through.objects.values_list("topic__name", flat=True)
        if name in THEME_BY_NAME
    )
    theme = THEME_BY_NAME[tagged.most_common(1)[0][0]]
    other_themes = (other for other in THEMES if other is not theme)
    elsewhere = everyday_words.union(
        *(stems(*t.subjects, *t.actions, *t.facts) for t in other_themes)
    )
    own_words = sorted(
        word
        for word in long_words(*theme.subjects, *theme.actions, *theme.facts)
        if word[:6] not in elsewhere
    )

    found = []
    for word in own_words:
        found = list(ArticlePage.objects.live().search(word))
        if found:
            break
    assert found, f"no story found by any word of {theme.name}"
    assert all(theme.name in {topic.name for topic in story.topics.all()} for story in found)


def test_every_demo_story_has_its_read_also_ranked(generated, client):
    """Stories made in bulk bypass the worker's ranking on publish: the demo ranks them itself,
    so a reader of the demo sees ranked blocks, not the fallback of recent stories."""
    stories = ArticlePage.objects.live()
    ranked = set(ReadAlsoPick.objects.values_list("article_id", flat=True).distinct())
    assert ranked == set(stories.values_list("pk", flat=True))
    story = stories.filter(topics__isnull=False).order_by("-first_published_at").first()
    first = ReadAlsoPick.objects.filter(article=story).order_by("position").first().related
    page = client.get(story.url).content.decode()
    read_also = page[page.index('class="read-also') :]
    assert first.title in read_also[:4000] or escape(first.title) in read_also[:4000]


def test_running_the_demo_again_changes_nothing(generated):
    """A second run on a site that has articles leaves it as it is."""
    pages = Page.objects.count()
    output = demo("--articles", "150", "--days", "5", "--seed", str(SEED))
    assert "already has 150 articles" in output
    assert Page.objects.count() == pages
    assert Author.objects.count() == len(set(Author.objects.values_list("slug", flat=True)))


def test_same_seed_writes_the_same_newsroom():
    """The demo is reproducible: one seed, one set of headlines; another seed, other news."""
    first = [story.title for story in newsroom_plan(seed=DEFAULT_SEED, count=60)]
    again = [story.title for story in newsroom_plan(seed=DEFAULT_SEED, count=60)]
    other = [story.title for story in newsroom_plan(seed=DEFAULT_SEED + 1, count=60)]
    assert first == again
    assert len(set(first)) == 60
    assert first != other


def test_demo_headlines_follow_the_seed(db):
    """The headlines on the site are the ones the seed's plan wrote."""
    demo("--articles", "40", "--days", "3", "--seed", str(SEED))
    on_site = set(ArticlePage.objects.values_list("title", flat=True))
    assert on_site == {story.title for story in newsroom_plan(seed=SEED, count=40)}


def test_default_demo_spans_two_months_of_daily_news():
    """By default the demo holds 2,100+ stories over at least 62 days, ending today."""
    now = timezone.now()
    moments = release_times(
        count=DEFAULT_ARTICLES, days=DEFAULT_DAYS, now=now, zone=BAKU, seed=DEFAULT_SEED
    )
    assert len(moments) >= 2100
    assert max(moments) <= now
    assert max(moments) - min(moments) >= timedelta(days=61)
    assert len({moment.date() for moment in moments}) >= 62
    gaps = gaps_in_minutes(moments)
    assert {gap for gap, __ in gaps.most_common(2)} == {12, 15}
