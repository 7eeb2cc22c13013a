from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from broadsheet.articles.models import ArticlePage
from broadsheet.home.models import HomePage
from broadsheet.sections.models import SectionPage


def test_editor_publishes_an_article_in_the_admin_and_it_tops_latest_news(client, db):
    """An article published through the admin goes live and leads the Latest news feed."""
    editor = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(editor)
    section = HomePage.objects.get().add_child(
        instance=SectionPage(title="Economy", slug="economy")
    )
    section.save_revision().publish()

    form = nested_form_data(
        {
            "title": "Central bank holds its key rate for a third month",
            "slug": "central-bank-holds-rate",
            "deck": "Board cites slowing inflation and a steady currency",
            "kind": "news",
            "label": "",
            "second_line": "",
            "bylines": inline_formset([]),
            "corrections": inline_formset([]),
            "read_also_choices": inline_formset([]),
            "body": streamfield(
                [("paragraph", rich_text("<p>The board voted to keep the rate unchanged.</p>"))]
            ),
            "action-publish": "publish",
        }
    )
    response = client.post(
        reverse("wagtailadmin_pages:add", args=("articles", "articlepage", section.pk)), form
    )
    assert response.status_code == 302, response.context["form"].errors

    article = ArticlePage.objects.get(slug="central-bank-holds-rate")
    assert article.live
    page = client.get("/economy/central-bank-holds-rate/")
    assert page.status_code == 200
    assert b"Central bank holds its key rate for a third month" in page.content
    home = client.get("/").content.decode()
    latest = home[home.index('id="latest-news-heading"') :]
    assert latest.index("Central bank holds its key rate") < latest.index("</li>")


def test_article_editor_opens_for_an_existing_article(client, db):
    """The page editor opens for articles, StreamField and bylines included."""
    editor = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(editor)
    section = HomePage.objects.get().add_child(instance=SectionPage(title="World", slug="world"))
    article = section.add_child(
        instance=ArticlePage(
            title="A ceasefire holds", slug="ceasefire", body=[("heading", "Background")]
        )
    )
    response = client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,)))
    assert response.status_code == 200
    assert b"Headline" in response.content
