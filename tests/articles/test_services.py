from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.articles.selectors import published_articles
from broadsheet.articles.services import ArticleDraft, articles_bulk_create
from broadsheet.authors.factories import AuthorFactory
from broadsheet.discovery.selectors import search_articles
from broadsheet.experts.factories import ExpertFactory
from broadsheet.home.models import HomePage
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory

pytestmark = pytest.mark.django_db


def draft(section, title, *, hours_ago=1.0, **fields):
    relations = {key: fields.pop(key) for key in ("authors", "topics", "experts") if key in fields}
    published = timezone.now() - timedelta(hours=hours_ago)
    article = ArticlePage(title=title, first_published_at=published, **fields)
    return ArticleDraft(section=section, article=article, **relations)


@pytest.fixture
def desks():
    return SectionPageFactory(title="Politics"), SectionPageFactory(title="Economy")


def test_bulk_created_articles_are_live_pages_under_their_sections(client, desks):
    """Bulk-created stories go live under their own section, at their section's address."""
    politics, economy = desks
    earlier = ArticlePageFactory(parent=politics, title="An earlier story on the same desk")
    articles = articles_bulk_create(
        drafts=[
            draft(politics, "Parliament passes the water law", hours_ago=3),
            draft(economy, "Central bank holds its key rate", hours_ago=2),
            draft(politics, "Coalition talks resume after a week", hours_ago=1),
        ]
    )

    live = ArticlePage.objects.live()
    assert {article.pk for article in articles} <= set(live.values_list("pk", flat=True))
    for article, section in zip(articles, (politics, economy, politics), strict=True):
        stored = ArticlePage.objects.get(pk=article.pk)
        assert stored.get_parent().pk == section.pk
        assert stored.url == f"/{section.slug}/{stored.slug}/"
        assert stored.draft_title == stored.title
        assert not stored.has_unpublished_changes
        assert client.get(stored.url, HTTP_HOST="localhost").status_code == 200
    assert [a.pk for a in politics.get_children().order_by("path")] == [
        earlier.pk,
        articles[0].pk,
        articles[2].pk,
    ]


def test_bulk_creation_leaves_a_sound_page_tree(desks):
    """After a bulk import Wagtail's tree checks (fixtree) find nothing to repair."""
    politics, economy = desks
    ArticlePageFactory(parent=economy)
    articles_bulk_create(
        drafts=[draft(desks[n % 2], f"Story {n} of the import") for n in range(25)]
    )

    assert Page.find_problems() == ([], [], [], [], [])
    output = StringIO()
    call_command("fixtree", interactive=False, stdout=output)
    assert "Incorrect" not in output.getvalue()
    assert output.getvalue().count("No problems found") == 2
    politics.refresh_from_db()
    economy.refresh_from_db()
    assert (politics.numchild, economy.numchild) == (13, 13)


def test_each_bulk_created_article_has_one_live_revision(desks):
    """Every imported story has exactly one revision, both its latest and its live one."""
    author = AuthorFactory()
    (article,) = articles_bulk_create(
        drafts=[draft(desks[0], "Ministers agree on a gas deal", authors=[author])]
    )

    stored = ArticlePage.objects.get(pk=article.pk)
    revisions = stored.revisions
    assert revisions.count() == 1
    assert stored.latest_revision == stored.live_revision == revisions.get()
    assert stored.latest_revision_created_at == stored.first_published_at
    as_saved = revisions.get().as_object()
    assert as_saved.title == "Ministers agree on a gas deal"
    assert [byline.author_id for byline in as_saved.bylines.all()] == [author.pk]


def test_bylines_topics_and_experts_are_kept_in_order(desks):
    """Bylines keep the order given; topics and experts are attached to the story."""
    first, second = AuthorFactory(name="Aytan Merovi"), AuthorFactory(name="Lev Hassar")
    energy, veska = TopicFactory(name="Energy"), TopicFactory(name="Veska")
    expert = ExpertFactory()
    (article,) = articles_bulk_create(
        drafts=[
            draft(
                desks[1],
                "Gas transit fees rise again",
                authors=[second, first],
                topics=[energy, veska, energy],
                experts=[expert],
            )
        ]
    )

    stored = ArticlePage.objects.get(pk=article.pk)
    assert stored.byline_authors == [second, first]
    assert set(stored.topics.all()) == {energy, veska}
    assert list(stored.experts.all()) == [expert]


def test_latest_news_orders_bulk_created_articles_by_publication_time(desks):
    """Imported stories take their place in Latest news by their own publication time."""
    politics, economy = desks
    middle = ArticlePageFactory(
        parent=politics, first_published_at=timezone.now() - timedelta(hours=2)
    )
    newest, oldest = articles_bulk_create(
        drafts=[
            draft(economy, "Newest story of the day", hours_ago=1),
            draft(politics, "Oldest story of the day", hours_ago=3),
        ]
    )

    ordered = ArticlePage.objects.live().order_by("-first_published_at")
    assert list(ordered.values_list("pk", flat=True)) == [newest.pk, middle.pk, oldest.pk]
    assert [a.pk for a in published_articles()] == [newest.pk, middle.pk, oldest.pk]


def test_bulk_created_articles_are_found_by_search(desks):
    """Readers can search imported stories by the words of their headline, deck and body."""
    (sturgeon, other) = articles_bulk_create(
        drafts=[
            draft(
                desks[1],
                "Fishing quotas cut again",
                deck="The fleet shrinks",
                body=[("paragraph", "<p>Sturgeon catches have fallen for a decade.</p>")],
            ),
            draft(desks[0], "Parliament breaks for the summer"),
        ]
    )

    assert list(ArticlePage.objects.live().search("sturgeon")) == [sturgeon]
    assert list(ArticlePage.objects.live().search("quotas")) == [sturgeon]
    assert [a.pk for a in search_articles(query="parliament summer")[:20]] == [other.pk]


def test_slugs_are_unique_among_siblings(desks):
    """Two stories with one headline under one section get distinct addresses."""
    politics, economy = desks
    ArticlePageFactory(parent=politics, title="Budget vote delayed", slug="budget-vote-delayed")
    articles = articles_bulk_create(
        drafts=[
            draft(politics, "Budget vote delayed"),
            draft(politics, "Budget vote delayed"),
            draft(economy, "Budget vote delayed"),
        ]
    )

    assert [a.slug for a in articles] == [
        "budget-vote-delayed-2",
        "budget-vote-delayed-3",
        "budget-vote-delayed",
    ]
    assert len({a.url for a in articles}) == 3


def test_numbered_addresses_already_taken_are_skipped(desks):
    """A later batch finds the numbered addresses earlier ones handed out and goes past them;
    a headline merely starting like a taken one keeps its own address."""
    politics, _ = desks
    articles_bulk_create(drafts=[draft(politics, "Budget vote delayed") for _ in range(3)])
    articles_bulk_create(drafts=[draft(politics, "Budget vote delayed again")])
    later = articles_bulk_create(
        drafts=[draft(politics, "Budget vote delayed"), draft(politics, "Budget vote")]
    )

    assert [a.slug for a in later] == ["budget-vote-delayed-4", "budget-vote"]


def test_editors_can_open_and_republish_an_imported_article(client, desks):
    """The admin editor opens an imported story, and publishing it again works as usual."""
    editor = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(editor)
    (article,) = articles_bulk_create(
        drafts=[draft(desks[0], "Talks resume in Port Ilis", hours_ago=48)]
    )

    assert client.get(f"/admin/pages/{article.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{article.pk}/history/").status_code == 200

    stored = ArticlePage.objects.get(pk=article.pk)
    stored.title = "Talks resume in Port Ilis after a month"
    stored.save_revision(user=editor).publish()
    stored.refresh_from_db()
    assert stored.live and stored.title == "Talks resume in Port Ilis after a month"
    assert stored.first_published_at < stored.last_published_at
    assert stored.revisions.count() == 2


def test_image_usage_counts_imported_articles(desks):
    """The image library's usage count includes stories that use the image as their lead."""
    buffer = BytesIO()
    PillowImage.new("RGB", (160, 90), (30, 90, 120)).save(buffer, format="JPEG")
    image = get_image_model().objects.create(
        title="Reservoir at dawn", file=ImageFile(buffer, name="reservoir.jpg")
    )
    (article,) = articles_bulk_create(
        drafts=[draft(desks[1], "Reservoir levels fall", lead_image=image)]
    )

    users = {reference.object_id for reference in ReferenceIndex.get_references_to(image)}
    assert users == {str(article.pk)}


def test_articles_only_go_under_sections():
    """An import aimed at a page that is not a section fails and writes nothing."""
    home = HomePage.objects.get()
    with pytest.raises(ValueError):
        articles_bulk_create(drafts=[draft(home, "A story with nowhere to go")])
    assert not ArticlePage.objects.exists()
    assert Page.find_problems() == ([], [], [], [], [])
