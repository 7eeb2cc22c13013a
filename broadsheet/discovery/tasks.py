from django.tasks import task

from broadsheet.discovery.models import ReadAlsoPick
from broadsheet.discovery.search_recent import recent_index_roll
from broadsheet.discovery.services import read_also_rebuild

# A new story should also appear under the stories it is most like: refresh that many of them.
NEIGHBOURS_REFRESHED = 6


@task()
def read_also_refresh_task(article_id: int, neighbours: bool = True) -> list[int]:
    """Rank a story's Read also, then its closest neighbours' (one shared pool for those);
    pages whose block changed are purged from the caches."""
    read_also_rebuild(article_ids=[article_id])
    picks = list(
        ReadAlsoPick.objects.filter(article_id=article_id)
        .order_by("position")
        .values_list("related_id", flat=True)
    )
    if neighbours and picks:
        read_also_rebuild(article_ids=picks[:NEIGHBOURS_REFRESHED])
    return picks


@task()
def search_recent_index_task() -> int | None:
    """See that the newest search entries have indexes of their own when the archive needs them."""
    return recent_index_roll()
