"""Page-tree filters shared by every app that lists pages to readers, and the reader's route."""

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from wagtail.models import Page, PageViewRestriction


def below(path: str, *, field: str = "path") -> Q:
    """Pages below the page at `path` in the tree (its descendants), as a range of paths.

    Not `path__startswith`: SQLite plans a LIKE by its pattern's value, so a statement whose
    pattern is a parameter is prepared again on every run. For a story's query that was 0.15 ms
    of its 0.18; the range is prepared once. SQLite may then read the path index, which suits a
    look-up (a story by its slug) but not a long list in time order (a section's stories,
    the sitemaps): those keep their LIKE.

    A descendant's path is the page's own continued in treebeard's alphabet (digits, then
    capitals): it sorts after the page's, and no later than the page's padded with the alphabet's
    last character to the column's length, in binary order and in any locale's.
    """
    end = path + Page.alphabet[-1] * (Page._meta.get_field("path").max_length - len(path))
    return Q(**{f"{field}__gt": path, f"{field}__lte": end})


def unrestricted(path: str = "path") -> Exists:
    """Pages under no view restriction, checked inside the query itself.

    `path` names the page's tree path from the queried model, e.g. "page__path" for a child row.

    Wagtail's `.public()` fetches every restriction first: one more query for every list on a page.
    """
    return ~Exists(
        PageViewRestriction.objects.annotate(
            reader_path=ExpressionWrapper(OuterRef(path), output_field=CharField())
        ).filter(reader_path__startswith=F("page__path"))
    )


def any_view_restriction() -> Exists:
    """Whether the site has any view restriction at all: most have none, and then none applies."""
    return Exists(PageViewRestriction.objects.all())


class RestrictionsReadAhead:
    """Page mixin: a page read with `any_view_restriction=any_view_restriction()` annotated and
    found False skips Wagtail's own check, which reads the restrictions of the page and of every
    ancestor, in two queries, on every request. Any other page is checked as Wagtail does.
    """

    def get_view_restrictions(self):
        if getattr(self, "any_view_restriction", True) is False:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class QuickReadBack:
    """Page mixin: a row read back from the database becomes a page without running __init__.

    Model.__init__, Page's and modelcluster's (which walks every child relation on each call) do
    nothing for a row read back, yet cost more than the query behind a list of forty stories, or
    the one that reads the menu's sections on every request. Field values are set as
    Model.__init__ sets them, through their descriptors. Stories, sections and the home page
    use it.
    """

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        if pre_init.has_listeners(cls) or post_init.has_listeners(cls):
            return super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        page = cls.__new__(cls)
        state = page._state = ModelState()
        state.adding = False
        state.db = db
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        for name, value in zip(field_names, values, strict=True):
            setattr(page, name, value)
        return page
