"""Page-tree filters shared by every app that lists pages to readers, and the reader's route."""

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef
from wagtail.models import PageViewRestriction


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
