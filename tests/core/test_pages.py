"""The page tree's reader filters."""

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from broadsheet.core.pages import below

pytestmark = pytest.mark.django_db


def ids(pages) -> set[int]:
    return set(pages.values_list("pk", flat=True))


def test_below_a_page_is_every_page_under_it_and_nothing_else(newsroom):
    """The range of paths finds what a path prefix does, for every page of the tree, including
    pages at the very end of their parent's step alphabet (paths ending in ZZZZ)."""
    section = newsroom.sections["economy"]
    kind = ContentType.objects.get_for_model(Page)
    Page.objects.bulk_create(
        Page(
            title=f"Edge {depth}",
            slug=f"edge-{depth}",
            path=section.path + "ZZZZ" * depth,
            depth=section.depth + depth,
            url_path=f"{section.url_path}edge-{depth}/",
            content_type=kind,
            locale_id=section.locale_id,
        )
        for depth in (1, 2)
    )
    for page in Page.objects.all():
        under = ids(Page.objects.filter(path__startswith=page.path).exclude(pk=page.pk))
        assert ids(Page.objects.filter(below(page.path))) == under, page.url_path
    assert len(ids(Page.objects.filter(below(section.path)))) > 2
