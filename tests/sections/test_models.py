import pytest
from django.core.exceptions import ValidationError

from broadsheet.home.models import HomePage
from broadsheet.sections.models import SectionPage


@pytest.mark.parametrize("slug", ["news", "topics", "search", "feed", "admin", "sitemap-news.xml"])
def test_section_cannot_take_a_reserved_path(db, slug):
    """A section cannot take a slug the site serves itself (news, topics, sitemap…)."""
    home = HomePage.objects.get()
    section = SectionPage(title="Clash", slug=slug)
    with pytest.raises(ValidationError) as raised:
        home.add_child(instance=section)
    assert "slug" in raised.value.message_dict


def test_section_with_an_ordinary_slug_is_accepted(db):
    """Ordinary section slugs are accepted and served at /<slug>/."""
    home = HomePage.objects.get()
    section = home.add_child(instance=SectionPage(title="Economy", slug="economy"))
    assert section.url == "/economy/"


def test_an_article_cannot_take_the_section_feed_address(db):
    """/<section>/feed/ is the section's RSS feed, so no story may be called "feed"."""
    home = HomePage.objects.get()
    section = home.add_child(instance=SectionPage(title="Economy", slug="economy"))
    from broadsheet.articles.models import ArticlePage

    with pytest.raises(ValidationError) as raised:
        section.add_child(instance=ArticlePage(title="Feed prices rise", slug="feed"))
    assert "slug" in raised.value.message_dict
