"""The desk's forms under hostile input: scripting addresses refused, and the admin's search
boxes answering any query. Hostile text typed into every field, and every page showing it, is
test_scripts_in_browser.py's."""

import pytest
from django.urls import reverse

from broadsheet.articles.models import ArticlePage
from tests.conftest import sign_in_verified
from tests.hostile.desk_forms import (
    Filler,
    FormRefused,
    article_form,
    author_add,
    expert_add,
    submitted,
    topic_add,
)
from tests.hostile.payloads import SCRIPTS, query_payloads

pytestmark = pytest.mark.django_db


def test_scripting_addresses_are_refused_by_the_editor(client, newsroom, desk_people):
    """A javascript: address is a form error in the story's URL fields, never a stored link."""
    client.force_login(desk_people["ed"])
    fill = Filler(99, SCRIPTS[0])
    related = {
        "topic": topic_add(client, fill),
        "author": author_add(client, fill),
        "expert": expert_add(client, fill),
        "image": newsroom.image,
    }
    url = reverse(
        "wagtailadmin_pages:add",
        args=("articles", "articlepage", newsroom.sections["politics"].pk),
    )
    for field in ("source_url", "body-5-value-url"):
        form = article_form(fill, **related, **{"action-publish": "publish"})
        assert field in form
        form[field] = "javascript:__hostile(1)//https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        with pytest.raises(FormRefused):
            submitted(client.post(url, form), field)
    assert not ArticlePage.objects.filter(slug="hostile-99").exists()


ADMIN_SEARCHES = (
    "wagtailadmin_pages:search",
    "wagtailsnippets_topics_topic:list",
    "wagtailsnippets_authors_author:list",
    "wagtailsnippets_experts_expert:list",
    "wagtailsnippets_desk_breakingnews:list",
)


def test_admin_search_reads_every_payload_as_words(client, newsroom, desk_people):
    """The admin's search boxes (pages and every snippet the desk edits) answer any query: on
    SQLite a stray double quote was an FTS5 syntax error and a 500 (discovery/admin_search.py)."""
    sign_in_verified(client, desk_people["cora"])  # chief editors pass two-step sign-in
    requests = 0
    for name in ADMIN_SEARCHES:
        url = reverse(name)
        for label, payload in query_payloads().items():
            response = client.get(url, {"q": payload, "p": payload})
            requests += 1
            assert response.status_code < 500, (name, label, response.status_code)
    assert requests == len(ADMIN_SEARCHES) * len(query_payloads())
    # A stray quote is read as part of a word, not as syntax: the topic is still found.
    response = client.get(reverse("wagtailsnippets_topics_topic:list"), {"q": 'Water"'})
    assert b"Water security" in response.content
