"""Reads of experts for reader pages."""

from django.db.models import QuerySet

from broadsheet.core.prepared import prepared
from broadsheet.experts.models import Expert


def expert_by_slug(slug: str) -> Expert | None:
    return next(iter(expert_rows(slug)), None)


@prepared
def expert_rows(slug: str) -> QuerySet[Expert]:
    return Expert.objects.select_related("photo").filter(slug=slug)[:1]
