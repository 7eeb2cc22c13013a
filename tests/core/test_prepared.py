"""Prepared reader queries: the SQL is written once, every call reads the database as it is."""

import logging
from datetime import timedelta

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.selectors import day_listing, neighbouring_days
from broadsheet.core.prepared import prepared
from broadsheet.topics.factories import TopicFactory
from broadsheet.topics.models import Topic
from broadsheet.topics.selectors import topic_by_slug, topic_rows

pytestmark = pytest.mark.django_db


def test_each_call_reads_its_own_value_and_the_rows_as_they_are_now():
    """A topic renamed after its page was first read shows its new name: only SQL is kept."""
    water = TopicFactory(name="Water", slug="water")
    TopicFactory(name="Energy", slug="energy")
    assert topic_by_slug("water").name == "Water"
    assert topic_by_slug("energy").name == "Energy"
    assert topic_by_slug("no-such-topic") is None
    water.name = "Water security"
    water.save()
    assert topic_by_slug("water").name == "Water security"


def test_dates_are_sent_as_the_database_stores_them():
    """A day's stories and its neighbours, read with dates for values, are the right ones."""
    now = timezone.now()
    days = [timezone.localdate(now - timedelta(days=back)) for back in (3, 2, 1)]
    for day in days:
        moment = now - (timezone.localdate(now) - day)
        ArticlePageFactory(title=f"On {day}", first_published_at=moment)
    for index, day in enumerate(days):
        titles = [story.title for story in day_listing(day=day).rows(0, 10)]
        assert titles == [f"On {day}"]
        earlier, later = neighbouring_days(day=day)
        assert earlier == (days[index - 1] if index else None)
        assert later == (days[index + 1] if index < 2 else None)


@prepared
def topics_starting(prefix: str) -> QuerySet[Topic]:
    return Topic.objects.filter(slug__startswith=prefix).order_by("slug")


def test_a_query_whose_sql_depends_on_its_value_is_built_afresh(caplog):
    """A value that goes into the SQL other than as itself (a LIKE pattern) is never swapped in."""
    for slug in ("water", "wages", "energy"):
        TopicFactory(name=slug.title(), slug=slug)
    with caplog.at_level(logging.WARNING, logger="broadsheet.core"):
        assert [topic.slug for topic in topics_starting("wa")] == ["wages", "water"]
        assert [topic.slug for topic in topics_starting("en")] == ["energy"]
    assert "built afresh" in caplog.text


def test_a_prepared_queryset_is_only_read_as_it_is():
    """Filtering or counting it would run the SQL with the stand-in values: it refuses."""
    TopicFactory(slug="water")
    rows = topic_rows("water")
    with pytest.raises(TypeError):
        rows.filter(name="Water")
    with pytest.raises(TypeError):
        rows.count()
    assert [topic.slug for topic in rows] == ["water"]


def test_the_site_lookup_every_page_makes_is_prepared_on_this_database(caplog):
    """PostgreSQL's driver sends the port as a typed integer (psycopg's Int4), not an int: the
    lookup must still be written once, and still find the site by host and port."""
    from wagtail.models import Site

    from broadsheet.core.outlet import sites_for_host

    sites_for_host.plans.clear()
    with caplog.at_level(logging.WARNING, logger="broadsheet.core"):
        default = list(sites_for_host("localhost", 80))
        Site.objects.create(hostname="news.example.org", port=8080, root_page=default[0].root_page)
        found = list(sites_for_host("news.example.org", 8080))
    assert "built afresh" not in caplog.text
    assert all(plan is not None for plan in sites_for_host.plans.values())
    assert (found[0].hostname, found[0].port) == ("news.example.org", 8080)
