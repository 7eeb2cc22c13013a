"""`make bench`: median uncached render time and SQL queries per reader page type.

Runs in-process through Django's test client against the demo newsroom (created if missing),
so the figures are the application's own cost, without a network or an HTTP server.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from broadsheet.articles.models import ArticlePage  # noqa: E402
from broadsheet.articles.selectors import published_articles  # noqa: E402
from broadsheet.authors.models import Author  # noqa: E402
from broadsheet.core.outlet import outlet_settings  # noqa: E402
from broadsheet.experts.models import Expert  # noqa: E402
from broadsheet.sections.models import SectionPage  # noqa: E402
from broadsheet.topics.models import Topic  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))


def sample_urls() -> dict[str, str]:
    article = published_articles().filter(kind="interview").first() or published_articles().first()
    section = SectionPage.objects.live().first()
    topic = Topic.objects.filter(articles__isnull=False).first()
    author = Author.objects.filter(bylines__isnull=False).first()
    expert = Expert.objects.filter(articles__isnull=False).first()
    day = timezone.localtime(article.first_published_at, outlet_settings().zone).date()
    return {
        "home": "/",
        "article": article.url,
        "section": section.url,
        "topic": topic.get_absolute_url(),
        "author": author.get_absolute_url(),
        "expert": expert.get_absolute_url(),
        "day archive": f"/news/{day:%Y/%m/%d}/",
        "all news": "/news/",
        "search": "/search/?q=energy",
    }


def measure(client: Client, url: str) -> tuple[float, int, int]:
    client.get(url)  # warm up templates and renditions
    timings = []
    queries = 0
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    return statistics.median(timings) * 1000, queries, response.status_code


def main() -> int:
    if not ArticlePage.objects.exists():
        call_command("demo_newsroom")
    client = Client(HTTP_HOST="localhost")
    count = ArticlePage.objects.live().count()
    print(f"Reader pages, in-process, uncached: median of {ROUNDS} renders; {count} live articles")
    print(f"{'page':<14}{'median ms':>11}{'queries':>9}  url")
    failed = False
    for name, url in sample_urls().items():
        median_ms, queries, status = measure(client, url)
        failed |= status != 200
        print(f"{name:<14}{median_ms:>11.1f}{queries:>9}  {url} [{status}]")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
