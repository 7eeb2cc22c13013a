from django.tasks import task

from broadsheet.articles.models import ArticlePage
from broadsheet.caching.keys import keys_for
from broadsheet.caching.tasks import cache_purge_task
from broadsheet.discovery.models import ReadAlsoPick
from broadsheet.discovery.services import read_also_refresh

# A new story should also appear under the stories it is most like: refresh that many of them.
NEIGHBOURS_REFRESHED = 6


@task()
def read_also_refresh_task(article_id: int, neighbours: bool = True) -> list[int]:
    before = list(
        ReadAlsoPick.objects.filter(article_id=article_id)
        .order_by("position")
        .values_list("related_id", flat=True)
    )
    picks = read_also_refresh(article_id=article_id)
    if picks != before:
        # The story's page shows its Read also; cached copies of it are now out of date.
        cache_purge_task.enqueue(keys=keys_for(ArticlePage, [article_id]))
    if neighbours:
        for pk in picks[:NEIGHBOURS_REFRESHED]:
            read_also_refresh_task.enqueue(article_id=pk, neighbours=False)
    return picks
