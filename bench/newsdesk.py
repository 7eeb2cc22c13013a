"""The desk's side of `python -m bench.http`: pick pages, publish a story, correct one.

Runs as its own process against the benchmark's database, the way an editor's request would, so
the purges it causes are queued for the real desk worker. Prints one JSON object a line.

    python -m bench.newsdesk pages
    python -m bench.newsdesk publish --token T
    python -m bench.newsdesk correct --token T
    python -m bench.newsdesk backlog

`publish` and `correct` say they are ready, wait for a line on stdin, then print what the change
will show and where, just before the commit, and the moment of the commit.
"""

import argparse
import json
import os
import re
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from broadsheet.articles.models import ArticleByline, ArticlePage  # noqa: E402
from broadsheet.articles.selectors import published_articles  # noqa: E402
from broadsheet.caching.keys import key_for  # noqa: E402
from broadsheet.desk.models import Correction  # noqa: E402

BENCH_TITLE = "Bench desk story"


def surfaces(article: ArticlePage) -> dict[str, str]:
    """Every reader address that shows `article`, by name."""
    section = article.get_parent().specific
    topic = article.topics.order_by("pk").first()
    author = article.bylines.select_related("author").first().author
    pages = {
        "article": article.url,
        "home": "/",
        "section": section.url,
        "topic": topic.get_absolute_url(),
        "author": author.get_absolute_url(),
        "latest news": "/news/",
        "site feed": "/feed/",
        "site feed (JSON)": "/feed.json",
        "section feed": f"{section.url}feed/",
        "topic feed": f"{topic.get_absolute_url()}feed/",
        "author feed": f"{author.get_absolute_url()}feed/atom/",
        "news sitemap": "/sitemap-news.xml",
    }
    return pages


def latest_story() -> ArticlePage:
    """The newest story with a byline and a topic: on the home page and in every feed."""
    return (
        published_articles()
        .exclude(title__startswith=BENCH_TITLE)
        .filter(bylines__isnull=False, topics__isnull=False)
        .distinct()
        .order_by("-first_published_at")
        .first()
    )


def pages() -> dict[str, str]:
    """The page wrk loads (an interview, the richest), the story `correct` will correct, and
    the pages the desk's changes will show on."""
    interview = published_articles().filter(kind="interview").first()
    latest = latest_story()
    return {
        "article": (interview or latest).url,
        "latest": latest.url,
        # What `publish` and `correct` will change, so it can be cached beforehand.
        "surfaces": surfaces(latest)
        | {"corrections": "/corrections/", "articles sitemap": "/sitemap-articles.xml"},
    }


def announce(token: str, article: ArticlePage, shown: dict[str, str]) -> None:
    """What the change will show, and where: printed before the commit, so the benchmark can be
    watching every surface when it lands."""
    announced = {"token": token, "story_key": key_for(article), "surfaces": shown}
    print(json.dumps(announced), flush=True)


def committing() -> dict[str, float]:
    """Call first inside the transaction: the moment it commits, before the work it queues."""
    committed = {}
    transaction.on_commit(lambda: committed.setdefault("committed_at", time.time()))
    return committed


def publish(token: str) -> dict:
    """A new story on the latest story's section, topic and byline, published by the desk."""
    model = latest_story()
    title = f"{BENCH_TITLE} {token}"
    with transaction.atomic():
        committed = committing()
        article = model.get_parent().add_child(
            instance=ArticlePage(
                title=title,
                slug=slugify(title),
                deck=f"Published under load ({token}).",
                kind="news",
                body=[("paragraph", f"<p>Filed by the HTTP benchmark, {token}.</p>")],
            )
        )
        article.bylines.add(ArticleByline(author=model.bylines.first().author, sort_order=0))
        article.topics.set([model.topics.order_by("pk").first()])
        article.save_revision().publish()
        # The new story is the latest: it shows in the Latest news block of other stories too.
        shown = surfaces(article) | {"another story's Latest news": model.url}
        shown["articles sitemap"] = "/sitemap-articles.xml"
        announce(token, article, shown)
    return committed


def correct(token: str) -> dict:
    """Correct the newest story but one: its headline changes and a correction note appears."""
    with transaction.atomic():
        committed = committing()
        article = ArticlePage.objects.get(pk=latest_story().pk)
        # A story corrected by an earlier run drops that run's token: headlines stay short.
        headline = re.sub(r"( \(bench[0-9a-f]+\))+$", "", article.title)
        article.title = f"{headline} ({token})"
        article.corrections.add(
            Correction(
                kind=Correction.Kind.CORRECTION,
                text=f"An earlier version misstated a figure ({token}).",
                noted_at=timezone.now(),
            )
        )
        article.save_revision().publish()
        announce(token, article, surfaces(article) | {"corrections": "/corrections/"})
    return committed


def backlog() -> dict[str, int]:
    """Background tasks waiting for the worker (building the newsroom leaves thousands)."""
    return {"waiting": DBTaskResult.objects.ready().count()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["pages", "publish", "correct", "backlog"])
    parser.add_argument("--token", default="")
    args = parser.parse_args()
    if args.action == "backlog":
        result = backlog()
    elif args.action == "pages":
        result = pages()
    else:
        # Started ahead, so the benchmark can put the load on before the change: say so, and
        # make the change when told (a line on stdin).
        print(json.dumps({"ready": True}), flush=True)
        sys.stdin.readline()
        result = (publish if args.action == "publish" else correct)(args.token)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
