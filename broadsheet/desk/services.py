from django.db import transaction
from django.utils import timezone

from broadsheet.desk.models import BreakingNews


@transaction.atomic
def breaking_news_supersede(*, flag: BreakingNews) -> int:
    """Make `flag` the only breaking story: every earlier live flag is superseded now."""
    return (
        BreakingNews.objects.filter(superseded_at__isnull=True, flagged_at__lte=flag.flagged_at)
        .exclude(pk=flag.pk)
        .update(superseded_at=timezone.now())
    )
