import json
from datetime import timedelta
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.articles.selectors import read_also
from broadsheet.discovery.models import ReadAlsoChoice, ReadAlsoPick, StoryTerms
from broadsheet.discovery.services import read_also_rebuild, read_also_refresh
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


def import_lines(tmp_path, stories) -> None:
    """Import `stories` (dicts in the import_articles format) as a JSON Lines archive."""
    path = tmp_path / "archive.jsonl"
    path.write_text("".join(json.dumps(story) + "\n" for story in stories), encoding="utf-8")
    call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())


def line(headline, body, *, hours_ago, topics=()):
    published_at = timezone.now() - timedelta(hours=hours_ago)
    return {
        "id": headline,
        "headline": headline,
        "body": body,
        "section": "region",
        "published_at": published_at.isoformat(),
        "topics": list(topics),
    }


ARCHIVE = [
    line("River treaty faces a dry summer", RIVER, hours_ago=1),
    line(
        "Dam quotas under review",
        "The treaty commission will review the dam's quotas in June: valley farmers say the "
        "reservoir is too low after a dry spring, and want more water released downstream.",
        hours_ago=72,
    ),
    line(
        "Valley farmers count the cost of a dry spring",
        "With the reservoir low, farmers in the valley ask the treaty commission to raise the "
        "dam's summer quotas.",
        hours_ago=240,
    ),
    # Newer than the two above, in the same section: what the block showed before any ranking.
    line(
        "Football league adds two clubs",
        "The league's owners voted to expand the football season with two new clubs.",
        hours_ago=20,
    ),
    line(
        "Parliament passes a budget",
        "Deputies approved spending on schools and roads by a narrow vote.",
        hours_ago=30,
    ),
]


def read_also_headlines(client, article) -> list[str]:
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    block = page.select_one(".read-also")
    return [h.get_text(strip=True) for h in block.select("h3")] if block else []


def test_a_rebuild_after_an_import_stores_read_also_and_the_page_shows_it(
    client, tmp_path, desk, django_capture_on_commit_callbacks
):
    """An import publishes without signals, so nothing is ranked; `read_also_rebuild` ranks every
    story, and the article page then shows the stories on its subject, not just the newest. The
    pages whose block changed are purged from the caches; a re-run changes nothing."""
    import_lines(tmp_path, ARCHIVE)
    target = ArticlePage.objects.get(title="River treaty faces a dry summer")
    assert not ReadAlsoPick.objects.exists()
    assert "Football league adds two clubs" in read_also_headlines(client, target)  # fallback

    out, err = StringIO(), StringIO()
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("read_also_rebuild", stdout=out, stderr=err)
    assert "Ranked 5 of 5 stories" in err.getvalue()
    assert "Stored Read also for 5 stories" in out.getvalue()
    assert read_also_headlines(client, target) == [
        "Dam quotas under review",
        "Valley farmers count the cost of a dry spring",
    ]
    purged = {key for callback in callbacks for key in callback.keywords["keys"]}
    assert f"article-{target.pk}" in purged

    stored = list(ReadAlsoPick.objects.values_list("article", "related", "position"))
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("read_also_rebuild", stdout=StringIO(), stderr=StringIO())
    assert list(ReadAlsoPick.objects.values_list("article", "related", "position")) == stored
    assert not callbacks


def test_a_rebuild_ranks_as_the_worker_does(tmp_path, desk):
    """The batch shares its statistics across stories, yet every story gets the picks the worker
    would give it alone: topics, pins and exclusions included."""
    section, water = desk
    import_lines(
        tmp_path,
        [{**story, "topics": ["Water security"]} for story in ARCHIVE[:2]] + ARCHIVE[2:],
    )
    target = ArticlePage.objects.get(title="River treaty faces a dry summer")
    pinned = ArticlePage.objects.get(title="Parliament passes a budget")
    ReadAlsoChoice.objects.create(page=target, related=pinned, action="pin")
    read_also_rebuild()
    batch = {
        pk: list(ReadAlsoPick.objects.filter(article=pk).values_list("related", flat=True))
        for pk in ArticlePage.objects.values_list("pk", flat=True)
    }
    assert batch[target.pk][0] == pinned.pk
    for pk, picks in batch.items():
        assert read_also_refresh(article_id=pk) == picks


def test_a_rebuild_can_be_limited_and_forgets_stories_no_longer_live(tmp_path, desk):
    """--since, article ids and --missing rank only those stories; an unpublished story loses
    its block and leaves the others' at the next rebuild."""
    import_lines(tmp_path, ARCHIVE)
    target = ArticlePage.objects.get(title="River treaty faces a dry summer")
    dam = ArticlePage.objects.get(title="Dam quotas under review")
    since = (timezone.now() - timedelta(hours=25)).isoformat()
    out = StringIO()
    call_command("read_also_rebuild", since=since, stdout=out, stderr=StringIO())
    assert "Stored Read also for 2 stories" in out.getvalue()  # the target and the football
    assert set(ReadAlsoPick.objects.values_list("article", flat=True)) == {target.pk}
    call_command("read_also_rebuild", str(dam.pk), stdout=StringIO(), stderr=StringIO())
    assert ReadAlsoPick.objects.filter(article=dam, related=target).exists()

    # An interrupted run is finished with --missing; --reread reads every story's text again.
    ReadAlsoPick.objects.filter(article=dam).delete()
    StoryTerms.objects.update(terms={})
    call_command("read_also_rebuild", missing=True, stdout=StringIO(), stderr=StringIO())
    assert not ReadAlsoPick.objects.filter(article=dam).exists()  # no words left to share
    call_command("read_also_rebuild", reread=True, stdout=StringIO(), stderr=StringIO())
    assert ReadAlsoPick.objects.filter(article=dam, related=target).exists()

    dam.unpublish()
    out = StringIO()
    call_command("read_also_rebuild", stdout=out, stderr=StringIO())
    assert "dropped the picks of 1 stories no longer live" in out.getvalue()
    assert not ReadAlsoPick.objects.filter(article=dam).exists()
    assert not ReadAlsoPick.objects.filter(related=dam).exists()


def test_a_bad_date_is_a_clear_error(desk):
    with pytest.raises(CommandError, match="not a date"):
        call_command("read_also_rebuild", since="last tuesday")
