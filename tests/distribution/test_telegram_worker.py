"""Telegram channel sync through the real `desk_worker` process, its task queue and the fake API."""

import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from broadsheet.articles.models import ArticlePage
from broadsheet.distribution.models import TelegramDelivery
from broadsheet.sections.factories import SectionPageFactory
from tests.conftest import make_image

Status = TelegramDelivery.Status
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker(desk_workers, fake_bot_api_server, telegram, settings):
    """A desk worker posting to the fake channel, with the test's media folder."""

    def make():
        return desk_workers(
            {
                "TELEGRAM_BOT_TOKEN": telegram.token,
                "TELEGRAM_CHANNEL": telegram.channel,
                "TELEGRAM_API_URL": fake_bot_api_server.url,
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            }
        )

    return make


def schedule(section, title: str, go_live_at, **fields) -> ArticlePage:
    """What the editor's 'Schedule' does: a revision approved to go live at `go_live_at`."""
    article = section.add_child(instance=ArticlePage(title=title, live=False, **fields))
    article.go_live_at = go_live_at
    article.save_revision().publish()
    return article


def wait_until(condition, *, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def delivery_status(article) -> str | None:
    return (
        TelegramDelivery.objects.filter(article_id=article.pk)
        .values_list("status", flat=True)
        .first()
    )


def test_a_scheduled_story_appears_in_the_channel_once(worker, telegram):
    """A story scheduled a few seconds ahead goes live through the worker and is posted once,
    as a photo with its caption, within seconds."""
    section = SectionPageFactory(title="Politics", slug="politics")
    due = timezone.now() + timedelta(seconds=2)
    article = schedule(
        section,
        "Reservoir reaches record level",
        due,
        deck="Engineers open the spillway",
        lead_image=make_image("Spillway"),
    )
    worker().start()
    # Within seconds of the worker starting (on a loaded machine its start-up alone can take
    # several): the post goes out with the story, not on some later sweep.
    assert wait_until(lambda: telegram.channel_posts(), timeout=15)
    time.sleep(1)  # time for any duplicate to show up
    [post] = telegram.channel_posts()
    assert post["caption"].startswith("Reservoir reaches record level\n\nEngineers open")
    assert len(telegram.calls_to("sendPhoto")) == 1
    assert delivery_status(article) == Status.SENT


def test_the_worker_waits_out_flood_control(worker, telegram):
    """A 429 with retry_after=2: the worker's task queue retries no sooner, and posts once."""
    section = SectionPageFactory(title="Economy", slug="economy")
    telegram.inject(status=429, retry_after=2)
    schedule(section, "Bread prices steady", timezone.now() + timedelta(seconds=1))
    worker().start()
    assert wait_until(lambda: telegram.channel_posts(), timeout=20)
    first, second = telegram.calls_to("sendMessage")
    assert second.at - first.at >= 2
    assert len(telegram.channel_posts()) == 1


def test_a_worker_killed_mid_delivery_never_posts_twice(worker, telegram):
    """kill -9 while Telegram is carrying out the send: after a restart the story is not sent
    again (the record asks a person to check), and the channel shows it exactly once."""
    section = SectionPageFactory(title="Politics", slug="politics")
    # Telegram stores the post at once but answers only after 30 s: the kill lands in between.
    telegram.inject(delay=30, process=True, methods=["sendMessage"])
    article = schedule(section, "Bridge reopens", timezone.now() + timedelta(seconds=1))
    first = worker()
    first.start()
    assert wait_until(lambda: telegram.channel_posts(), timeout=15)
    first.kill(signal.SIGKILL)
    delivery = TelegramDelivery.objects.get(article_id=article.pk)
    assert (delivery.status, delivery.message_id) == (Status.SENDING, None)

    # Skip the minute until the dead worker's lease ends, for the record and its follow-up.
    TelegramDelivery.objects.filter(pk=delivery.pk).update(lease_until=timezone.now())
    follow_ups = DBTaskResult.objects.filter(
        task_path__endswith="telegram_delivery_sync_task", status="READY"
    )
    assert follow_ups.exists()
    follow_ups.update(run_after=timezone.now())

    worker().start()
    assert wait_until(lambda: delivery_status(article) == Status.UNCONFIRMED, timeout=15)
    time.sleep(1)
    assert len(telegram.calls_to("sendMessage")) == 1
    assert len(telegram.channel_posts()) == 1


def test_a_worker_killed_mid_edit_finishes_the_edit_after_restart(worker, telegram):
    """Edits are safe to repeat: one cut off by kill -9 is made by the follow-up task."""
    section = SectionPageFactory(title="Politics", slug="politics")
    article = schedule(section, "Ferry strike called", timezone.now() + timedelta(seconds=1))
    first = worker()
    first.start()
    assert wait_until(lambda: delivery_status(article) == Status.SENT, timeout=15)
    telegram.inject(delay=30, process=False, methods=["editMessageText"])
    page = ArticlePage.objects.get(pk=article.pk)
    page.title = "Ferry strike called off"
    page.go_live_at = timezone.now() + timedelta(seconds=1)
    page.save_revision().publish()  # scheduled: the worker publishes it, then edits the post
    assert wait_until(lambda: telegram.calls_to("editMessageText"), timeout=15)
    first.kill(signal.SIGKILL)

    TelegramDelivery.objects.filter(article_id=article.pk).update(lease_until=timezone.now())
    DBTaskResult.objects.filter(
        task_path__endswith="telegram_delivery_sync_task", status="READY"
    ).update(run_after=timezone.now())
    worker().start()
    assert wait_until(
        lambda: telegram.channel_posts()[0]["text"].startswith("Ferry strike called off"),
        timeout=15,
    )
    assert len(telegram.calls_to("sendMessage")) == 1
    # The record is written just after Telegram answers the edit.
    assert wait_until(lambda: delivery_status(article) == Status.SENT, timeout=15)
