"""Redis restarts under a running `desk_worker` (TASK_QUEUE=redis): the newsroom loses nothing.

Redis runs without persistence here, as a cache-like deployment does: a restart forgets every
queued job. Stories go live from the database's clock regardless; their purges and Telegram
posts are queued again by the worker once Redis is back (broadsheet/desk/redis_queue.py).
"""

import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis
from django.utils import timezone
from wagtail.models import PageLogEntry

from bench.serving import free_port
from broadsheet.articles.models import ArticlePage
from broadsheet.caching import keys
from broadsheet.caching.models import PurgeRecord
from broadsheet.sections.factories import SectionPageFactory
from tests.conftest import ROOT, database_url_for_tests
from tests.distribution.test_telegram_worker import schedule, wait_until
from tests.fakes.telegram_bot_api import FakeBotApiServer

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


class PrivateRedis:
    """A redis-server of this test's own on a free loopback port, with persistence off."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bot_api():
    server = FakeBotApiServer().start()
    yield server
    server.stop()


@pytest.fixture
def worker(desk_workers, private_redis, bot_api, settings):
    bot_api.api.reset()
    return desk_workers(
        {
            "TASK_QUEUE": "redis",
            "REDIS_URL": private_redis.url,
            # Each purge the worker sends is journalled for the web processes' page caches:
            # the test reads the journal to see which pages were purged.
            "PAGE_CACHE": "true",
            "VARNISH_URLS": "",
            "TELEGRAM_BOT_TOKEN": bot_api.api.token,
            "TELEGRAM_CHANNEL": bot_api.api.channel,
            "TELEGRAM_API_URL": bot_api.url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
    )


def soon(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def posts_of(api, title: str) -> list[dict]:
    return [
        post
        for post in api.channel_posts()
        if (post.get("text") or post.get("caption") or "").startswith(title)
    ]


def purged(article, *, since) -> bool:
    key = keys.key_for(article)
    return any(
        key in record.split()
        for record in PurgeRecord.objects.filter(at__gte=since).values_list("keys", flat=True)
    )


def manage(*args: str, env: dict[str, str]) -> None:
    environment = (
        os.environ
        | env
        | {
            "DATABASE_URL": database_url_for_tests(),
            "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, check=True, timeout=120
    )


def publishes_of(article) -> int:
    """How many times the story went live (scheduling it is logged as wagtail.publish.schedule)."""
    went_live = ["wagtail.publish", "wagtail.publish.scheduled"]
    return PageLogEntry.objects.filter(page_id=article.pk, action__in=went_live).count()


def test_a_story_due_while_redis_restarts_is_published_posted_and_purged_once(
    worker, private_redis, bot_api
):
    """Redis is down when a story comes due and comes back empty: the story still goes live on
    time, once; it reaches the channel once and its pages are purged."""
    section = SectionPageFactory(title="Economy", slug="economy")
    worker.start()
    private_redis.stop()
    article = schedule(section, "Central bank holds rates through the outage", soon(0.5))
    assert wait_until(lambda: ArticlePage.objects.get(pk=article.pk).live, timeout=15), "".join(
        worker.output[-60:]
    )
    went_live_at = timezone.now()
    # The post may already be out: a task due now that Redis cannot take runs in the worker
    # (RedisQueueBackend). Either way there must be exactly one, below.
    time.sleep(1)

    private_redis.start()
    assert wait_until(lambda: posts_of(bot_api.api, "Central bank holds rates"), timeout=20), (
        "".join(line for line in worker.output if not line.startswith((" ", "Task id")))[-6000:]
    )
    assert wait_until(
        lambda: purged(article, since=went_live_at - timedelta(seconds=5)), timeout=20
    )
    time.sleep(2)  # any duplicate would show by now
    assert len(posts_of(bot_api.api, "Central bank holds rates")) == 1
    assert publishes_of(article) == 1

    # The worker carries on with the new Redis: the next story goes the usual way.
    later = schedule(section, "Markets calm after the decision", soon(0.5))
    assert wait_until(lambda: posts_of(bot_api.api, "Markets calm after"), timeout=20)
    assert wait_until(lambda: purged(later, since=went_live_at), timeout=20)
    time.sleep(1)
    assert len(posts_of(bot_api.api, "Markets calm after")) == 1
    assert len(posts_of(bot_api.api, "Central bank holds rates")) == 1
    assert publishes_of(later) == 1


def test_jobs_lost_in_a_restart_are_queued_again(worker, private_redis, bot_api, desk_workers):
    """A story published with no worker running leaves its jobs in Redis; Redis restarts and
    forgets them; the worker that starts afterwards still posts and purges the story."""
    section = SectionPageFactory(title="Sport", slug="sport")
    worker.start()
    article = schedule(section, "Derby postponed after storm", soon(0.5))
    assert wait_until(lambda: posts_of(bot_api.api, "Derby postponed"), timeout=20)
    worker.kill()  # abruptly, as a crash would
    bot_api.api.reset()
    queue = redis.Redis.from_url(private_redis.url)
    queue.flushdb()  # whatever the killed worker left behind

    # A second story goes live with no worker: Wagtail's publish_scheduled, configured as the
    # web servers are, queues its jobs in Redis ...
    later = schedule(section, "Cup final moves to Sunday", soon(0.5))
    time.sleep(1)
    manage("publish_scheduled", env=worker.env)
    assert ArticlePage.objects.get(pk=later.pk).live
    assert queue.llen("rq:queue:purges") and queue.llen("rq:queue:default")
    # ... and Redis restarts before anyone takes them.
    private_redis.stop()
    private_redis.start()
    restarted_at = timezone.now()

    desk_workers(worker.env).start()
    assert wait_until(lambda: posts_of(bot_api.api, "Cup final moves"), timeout=20)
    assert wait_until(lambda: purged(later, since=restarted_at), timeout=20)
    time.sleep(2)
    assert len(posts_of(bot_api.api, "Cup final moves")) == 1
    # The story posted before the crash is not posted again by the recovery.
    assert not posts_of(bot_api.api, "Derby postponed")
    assert publishes_of(later) == 1 and publishes_of(article) == 1
