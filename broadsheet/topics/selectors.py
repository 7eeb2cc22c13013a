"""Reads of topics for reader pages."""

from django.db.models import QuerySet

from broadsheet.core.prepared import prepared
from broadsheet.topics.models import Topic


def topic_by_slug(slug: str) -> Topic | None:
    return next(iter(topic_rows(slug)), None)


@prepared
def topic_rows(slug: str) -> QuerySet[Topic]:
    return Topic.objects.filter(slug=slug)[:1]
