from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.articles.selectors import read_also
from broadsheet.discovery.models import ReadAlsoChoice, ReadAlsoPick
from broadsheet.discovery.services import read_also_refresh
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory

pytestmark = pytest.mark.django_db

RIVER = (
    "<p>The river treaty sets how much water the dam releases downstream each summer. "
    "Farmers in the valley depend on the reservoir, and the treaty commission meets in June "
    "to review the dam's quotas after a dry spring.</p>"
)


def story(section, title, *, days_ago, body=RIVER, topics=(), deck=""):
    return ArticlePageFactory(
        parent=section,
        title=title,
        deck=deck,
        body=[("paragraph", body)],
        topics=topics,
        first_published_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def desk():
    section = SectionPageFactory(title="Region", slug="region")
    water = TopicFactory(name="Water security")
    return section, water


def test_fresh_pieces_on_the_subject_beat_old_near_duplicates(desk):
    """Last week's analysis of the same treaty outranks a year-old piece with nearly its words;
    an unrelated fresh story is not picked at all."""
    section, water = desk
    target = story(section, "River treaty faces a dry summer", days_ago=0, topics=[water])
    old_twin = story(section, "River treaty faces a dry year", days_ago=400, topics=[water])
    fresh = story(
        section,
        "Treaty commission weighs the dam's summer quotas",
        days_ago=5,
        topics=[water],
        body="<p>The treaty commission will meet in June to set the dam's quotas for the "
        "valley's farmers after a dry spring left the reservoir low.</p>",
    )
    unrelated = story(
        section,
        "Football league adds two clubs",
        days_ago=1,
        body="<p>The league's owners voted to expand the football season with two new clubs.</p>",
    )
    picks = read_also_refresh(article_id=target.pk)
    assert picks.index(fresh.pk) < picks.index(old_twin.pk)
    assert unrelated.pk not in picks


def test_it_works_for_stories_without_topics(desk):
    """An imported archive has no topics: the words alone find the related story."""
    section, _ = desk
    target = story(section, "River treaty faces a dry summer", days_ago=0)
    related = story(section, "Dam quotas under review", days_ago=3)
    story(
        section,
        "Parliament passes a budget",
        days_ago=2,
        body="<p>Deputies approved spending on schools and roads by a narrow vote.</p>",
    )
    assert read_also_refresh(article_id=target.pk)[0] == related.pk


def test_editors_pin_and_exclude_stories(desk):
    """A pinned story comes first even if unrelated; an excluded one never shows."""
    section, water = desk
    target = story(section, "River treaty faces a dry summer", days_ago=0, topics=[water])
    close = story(section, "Dam quotas under review", days_ago=2, topics=[water])
    pinned = story(section, "Explainer: who owns the river?", days_ago=90, body="<p>Maps.</p>")
    ReadAlsoChoice.objects.create(page=target, related=pinned, action="pin")
    ReadAlsoChoice.objects.create(page=target, related=close, action="exclude")
    picks = read_also_refresh(article_id=target.pk)
    assert picks[0] == pinned.pk and close.pk not in picks


def test_the_block_costs_one_query_and_skips_picks_no_longer_public(
    desk, django_assert_num_queries
):
    """Rendering reads the stored ranking in one query; an unpublished pick drops out."""
    section, water = desk
    target = story(section, "River treaty faces a dry summer", days_ago=0, topics=[water])
    first = story(section, "Dam quotas under review", days_ago=2, topics=[water])
    second = story(section, "Valley farmers count the cost", days_ago=4, topics=[water])
    read_also_refresh(article_id=target.pk)
    with django_assert_num_queries(1):
        shown = [a.pk for a in read_also(article=target, topic_ids=[water.pk])]
    assert shown[:2] == [first.pk, second.pk]
    ArticlePage.objects.get(pk=first.pk).unpublish()
    assert first.pk not in [a.pk for a in read_also(article=target, topic_ids=[water.pk])]


def test_publishing_a_story_ranks_it_and_refreshes_the_stories_it_belongs_under(
    desk, django_capture_on_commit_callbacks
):
    """The worker task ranks a new story, then puts it into its closest neighbours' blocks."""
    section, water = desk
    older = story(section, "Dam quotas under review", days_ago=3, topics=[water])
    with django_capture_on_commit_callbacks(execute=True):
        new = story(section, "River treaty faces a dry summer", days_ago=0, topics=[water])
    assert ReadAlsoPick.objects.filter(article=new, related=older).exists()
    assert ReadAlsoPick.objects.filter(article=older, related=new).exists()
