"""The desk's changes, made from a process of their own as an editor's request is, so what they
queue goes to the real desk worker (the tests' own settings run tasks inline, in the test).

    python -m tests.caching.desk chore SECONDS
    python -m tests.caching.desk publish SECTION_SLUG AUTHOR_ID TOPIC_ID HEADLINE

Prints the task's id (chore) or the moment the publish committed (publish).
"""

import os
import sys
import time

import django


def main(action: str, *args: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    django.setup()
    from django.db import transaction

    from broadsheet.articles.models import ArticleByline, ArticlePage
    from broadsheet.sections.models import SectionPage
    from tests.caching.chores import slow_chore

    if action == "chore":
        print(slow_chore.enqueue(seconds=float(args[0])).id, flush=True)
        return
    slug, author_id, topic_id, headline = args
    with transaction.atomic():
        story = SectionPage.objects.get(slug=slug).add_child(instance=ArticlePage(title=headline))
        story.bylines.add(ArticleByline(author_id=int(author_id), sort_order=0))
        story.topics.set([int(topic_id)])
        story.save_revision().publish()
    print(time.time(), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
