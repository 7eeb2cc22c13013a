from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.selectors import (
    day_articles,
    front_page,
    latest_articles,
    neighbouring_days,
    read_also,
)
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory

BAKU = ZoneInfo("Asia/Baku")
pytestmark = pytest.mark.django_db


def at(hours_ago: float) -> datetime:
    return timezone.now() - timedelta(hours=hours_ago)


def test_latest_news_is_newest_first_and_only_live(db):
    """Latest news lists live articles, newest first; drafts never appear."""
    section = SectionPageFactory()
    old = ArticlePageFactory(parent=section, first_published_at=at(5))
    new = ArticlePageFactory(parent=section, first_published_at=at(1))
    draft = ArticlePageFactory(parent=section, first_published_at=at(0.5))
    draft.unpublish()
    assert [a.pk for a in latest_articles()] == [new.pk, old.pk]


def test_latest_news_holds_forty_items(db):
    """The Latest news feed carries the 40 most recent items."""
    section = SectionPageFactory()
    for hour in range(45):
        ArticlePageFactory(parent=section, first_published_at=at(hour))
    latest = latest_articles()
    assert len(latest) == 40
    assert latest[0].first_published_at > latest[-1].first_published_at


def test_read_also_prefers_shared_topics_newest_first_then_section_then_site(db):
    """Read also: shared-topic pieces first, newest first either way; then section; then site."""
    politics, economy = SectionPageFactory(), SectionPageFactory()
    energy = TopicFactory(name="Energy")
    article = ArticlePageFactory(parent=politics, topics=[energy], first_published_at=at(50))
    older_on_topic = ArticlePageFactory(parent=economy, topics=[energy], first_published_at=at(90))
    newer_on_topic = ArticlePageFactory(parent=economy, topics=[energy], first_published_at=at(2))
    same_section = ArticlePageFactory(parent=politics, first_published_at=at(70))
    elsewhere = [ArticlePageFactory(parent=economy, first_published_at=at(h)) for h in (3, 4, 5)]

    picked = read_also(article=article, topic_ids=[energy.pk])

    assert [a.pk for a in picked[:3]] == [newer_on_topic.pk, older_on_topic.pk, same_section.pk]
    assert [a.pk for a in picked[3:]] == [a.pk for a in elsewhere]
    assert article.pk not in [a.pk for a in picked]


def test_read_also_without_topics_falls_back_to_section(db):
    """An article with no topics still gets six related pieces from its section and the site."""
    section = SectionPageFactory()
    article = ArticlePageFactory(parent=section, first_published_at=at(10))
    for hour in range(8):
        ArticlePageFactory(parent=section, first_published_at=at(hour))
    assert len(read_also(article=article, topic_ids=[])) == 6


def test_day_archive_uses_the_outlet_time_zone(db):
    """A day in All news runs from midnight to midnight in the site time zone, not UTC."""
    section = SectionPageFactory()
    # 22:30 UTC on 1 March is 02:30 on 2 March in Baku (UTC+4).
    late = ArticlePageFactory(
        parent=section, first_published_at=datetime(2025, 3, 1, 22, 30, tzinfo=ZoneInfo("UTC"))
    )
    with timezone.override(BAKU):
        assert list(day_articles(day=date(2025, 3, 2))) == [late]
        assert list(day_articles(day=date(2025, 3, 1))) == []


def test_neighbouring_days_skip_empty_days(db):
    """Previous/next-day links go to the nearest days that have news."""
    section = SectionPageFactory()
    for day in (1, 5, 9):
        ArticlePageFactory(
            parent=section, first_published_at=datetime(2025, 3, day, 10, tzinfo=BAKU)
        )
    with timezone.override(BAKU):
        assert neighbouring_days(day=date(2025, 3, 5)) == (date(2025, 3, 1), date(2025, 3, 9))
        assert neighbouring_days(day=date(2025, 3, 1)) == (None, date(2025, 3, 5))


def test_front_page_reads_every_block_in_two_queries(db, django_assert_num_queries):
    """Top stories, section blocks and Latest news cost two queries, however many sections."""
    sections = [SectionPageFactory() for _ in range(3)]
    for index, section in enumerate(sections):
        for hour in range(index + 5):
            ArticlePageFactory(parent=section, first_published_at=at(hour), is_top_story=hour == 1)
    with django_assert_num_queries(2):
        front = front_page(sections=sections, per_section=4)
    blocks = front.by_section
    assert [len(blocks[s.pk]) for s in sections] == [4, 4, 4]
    for section in sections:
        times = [a.first_published_at for a in blocks[section.pk]]
        assert times == sorted(times, reverse=True)
        assert all(a.get_parent().pk == section.pk for a in blocks[section.pk])
    assert len(front.top_stories) == 3
    assert all(a.is_top_story for a in front.top_stories)
    assert len(front.latest) == 5 + 6 + 7


def test_front_page_still_fills_a_quiet_sections_block(db, monkeypatch):
    """A section with nothing among the site's newest stories still shows its own latest."""
    monkeypatch.setattr("broadsheet.articles.selectors.RECENT_WINDOW", 3)
    busy, quiet = SectionPageFactory(), SectionPageFactory()
    quiet_story = ArticlePageFactory(parent=quiet, first_published_at=at(100))
    for hour in range(5):
        ArticlePageFactory(parent=busy, first_published_at=at(hour))
    blocks = front_page(sections=[busy, quiet], per_section=4).by_section
    assert len(blocks[busy.pk]) == 4
    assert [a.pk for a in blocks[quiet.pk]] == [quiet_story.pk]
