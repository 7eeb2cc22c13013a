"""Page-tree filters shared by every app that lists pages to readers."""

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
