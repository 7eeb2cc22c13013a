from django.tasks import task

from broadsheet.discovery.services import read_also_refresh

# A new story should also appear under the stories it is most like: refresh that many of them.
NEIGHBOURS_REFRESHED = 6


@task()
def read_also_refresh_task(article_id: int, neighbours: bool = True) -> list[int]:
    picks = read_also_refresh(article_id=article_id)
    if neighbours:
        for pk in picks[:NEIGHBOURS_REFRESHED]:
            read_also_refresh_task.enqueue(article_id=pk, neighbours=False)
    return picks
