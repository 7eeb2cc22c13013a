"""Telegram channel sync against the fake Bot API: what readers of the channel see."""

import logging
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage, TelegramChoice
from broadsheet.distribution.models import TelegramDelivery
from broadsheet.distribution.telegram import services
from broadsheet.distribution.telegram.services import telegram_delivery_sync
from broadsheet.distribution.telegram.tasks import telegram_delivery_sync_task
from broadsheet.sections.factories import SectionPageFactory
from tests.conftest import make_image
from tests.metrics import metric_value

Status = TelegramDelivery.Status


@pytest.fixture
def section(db):
    return SectionPageFactory(title="Politics", slug="politics")


def story(section, **fields) -> ArticlePage:
    """A story that has just gone live."""
    fields.setdefault("title", "Dam opens after ten years")
    fields.setdefault("deck", "Water for the valley's farms")
    return ArticlePageFactory(parent=section, **fields)


def republish(article: ArticlePage, **changes) -> ArticlePage:
    article = ArticlePage.objects.get(pk=article.pk)
    for name, value in changes.items():
        setattr(article, name, value)
    article.save_revision().publish()
    return article


def sync(article) -> TelegramDelivery:
    return telegram_delivery_sync(article_id=article.pk)


def methods(api) -> list[str]:
    return [call.method for call in api.calls]


def test_a_story_with_a_lead_image_is_posted_as_a_photo_with_a_caption(telegram, section):
    """Headline, deck and link go out as the caption of the story's lead image."""
    article = story(section, lead_image=make_image("Dam at dawn"))
    delivery = sync(article)
    [post] = telegram.channel_posts()
    assert post["caption"] == (
        f"Dam opens after ten years\n\nWater for the valley's farms\n\n{article.get_full_url()}"
    )
    assert post["photo"][0]["width"] == 1280  # the rendition, uploaded
    assert methods(telegram) == ["sendPhoto"]
    assert (delivery.status, delivery.kind, delivery.message_id) == (
        Status.SENT,
        "photo",
        post["message_id"],
    )
    assert delivery.attempts == 1 and delivery.last_attempt_at is not None


def test_a_story_without_an_image_is_posted_as_text(telegram, section):
    """No lead image: a text message with the same headline, deck and link."""
    article = story(section)
    delivery = sync(article)
    [post] = telegram.channel_posts()
    assert "photo" not in post
    assert post["text"].startswith("Dam opens after ten years\n\nWater")
    assert {"type": "bold", "offset": 0, "length": 25} in post["entities"]
    assert (delivery.kind, delivery.status) == ("text", Status.SENT)


def test_reserved_characters_in_a_headline_reach_the_channel_as_typed(telegram, section):
    """`<` and `&` in a headline are escaped, so Telegram neither refuses nor formats them."""
    article = story(section, title="Tariffs <rise> & fall", deck="R&D below 5%")
    assert sync(article).status == Status.SENT
    assert telegram.channel_posts()[0]["text"].startswith("Tariffs <rise> & fall\n\nR&D below 5%")


def test_a_new_headline_edits_the_text_post(telegram, section):
    """Republishing with a new headline edits the post in place: still one post."""
    article = story(section)
    message_id = sync(article).message_id
    sync(republish(article, title="Dam opens at last"))
    [post] = telegram.channel_posts()
    assert post["message_id"] == message_id and post["text"].startswith("Dam opens at last")
    assert methods(telegram) == ["sendMessage", "editMessageText"]


def test_a_new_deck_edits_the_photo_caption(telegram, section):
    """On a photo post, a deck change edits only the caption."""
    article = story(section, lead_image=make_image("Dam"))
    sync(article)
    sync(republish(article, deck="Farmers wait for the first water"))
    [post] = telegram.channel_posts()
    assert "Farmers wait for the first water" in post["caption"]
    assert methods(telegram) == ["sendPhoto", "editMessageCaption"]


def test_a_new_lead_image_replaces_the_photo_and_keeps_the_caption(telegram, section):
    """Swapping the lead image edits the media of the same post; the caption stays."""
    article = story(section, lead_image=make_image("Dam"))
    sync(article)
    first_photo = telegram.channel_posts()[0]["photo"][0]["file_unique_id"]
    sync(republish(article, lead_image=make_image("Valley", colour=(200, 180, 40))))
    [post] = telegram.channel_posts()
    assert post["photo"][0]["file_unique_id"] != first_photo
    assert post["caption"].startswith("Dam opens after ten years")
    assert methods(telegram) == ["sendPhoto", "editMessageMedia"]


def test_adding_an_image_turns_the_text_post_into_a_photo(telegram, section):
    """A text post gains the photo in place (editMessageMedia), not a second post."""
    article = story(section)
    sync(article)
    sync(republish(article, lead_image=make_image("Dam")))
    [post] = telegram.channel_posts()
    assert "photo" in post and "text" not in post
    assert post["caption"].startswith("Dam opens after ten years")


def test_removing_the_image_replaces_the_photo_post_with_text(telegram, section):
    """A photo can not become text: the photo post is deleted and a text post sent."""
    article = story(section, lead_image=make_image("Dam"))
    sync(article)
    delivery = sync(republish(article, lead_image=None))
    [post] = telegram.channel_posts()
    assert "photo" not in post and post["text"].startswith("Dam opens")
    assert methods(telegram) == ["sendPhoto", "deleteMessage", "sendMessage"]
    assert (delivery.kind, delivery.message_id) == ("text", post["message_id"])


def test_changes_readers_of_the_channel_can_not_see_make_no_call(telegram, section):
    """Body, topics or flags changing: no edit is sent (Telegram would refuse it anyway)."""
    article = story(section)
    sync(article)
    sync(republish(article, body=[("paragraph", "<p>A new paragraph.</p>")], is_top_story=True))
    sync(article)
    assert methods(telegram) == ["sendMessage"]


def test_unpublishing_deletes_the_post(telegram, section):
    """An unpublished story's post is deleted from the channel."""
    article = story(section)
    sync(article)
    ArticlePage.objects.get(pk=article.pk).unpublish()
    delivery = sync(article)
    assert telegram.channel_posts() == []
    assert len(telegram.deleted) == 1
    assert (delivery.status, delivery.message_id) == (Status.DELETED, None)


def test_deleting_the_story_deletes_the_post_and_keeps_the_record(telegram, section):
    """The record outlives the page, so the post can still be deleted."""
    article = story(section)
    sync(article)
    article_id = article.pk
    ArticlePage.objects.get(pk=article_id).delete()
    delivery = telegram_delivery_sync(article_id=article_id)
    assert telegram.channel_posts() == []
    assert delivery.status == Status.DELETED
    assert delivery.headline == "Dam opens after ten years"
    assert delivery.note == "The story was deleted."


def test_a_republished_story_is_posted_again_after_its_post_was_deleted(telegram, section):
    """Unpublish then publish again: one post in the channel again, never two."""
    article = story(section)
    sync(article)
    ArticlePage.objects.get(pk=article.pk).unpublish()
    sync(article)
    sync(republish(article))
    assert len(telegram.channel_posts()) == 1


def test_a_section_can_opt_out_and_a_story_can_override_it(telegram, db):
    """Opted-out section: not posted, and the record says why; "always" on a story posts it."""
    quiet = SectionPageFactory(title="Archive", telegram=False)
    skipped = sync(story(quiet, title="Quiet story"))
    assert skipped.status == Status.SKIPPED
    assert skipped.note == "The Archive section does not post to Telegram."
    sync(story(quiet, title="Loud story", telegram=TelegramChoice.ALWAYS))
    assert [p["text"].split("\n")[0] for p in telegram.channel_posts()] == ["Loud story"]


def test_a_story_set_to_never_is_not_posted_and_loses_its_post(telegram, section):
    """ "Never" keeps a story out of the channel, and takes down a post it already has."""
    assert sync(story(section, telegram=TelegramChoice.NEVER)).status == Status.SKIPPED
    posted = story(section, title="Posted then withdrawn")
    sync(posted)
    delivery = sync(republish(posted, telegram=TelegramChoice.NEVER))
    assert telegram.channel_posts() == []
    assert delivery.status == Status.DELETED


def test_embargoed_and_old_stories_are_not_posted(telegram, section):
    """An embargoed story waits for its embargo; a story from days ago is not posted."""
    ends = timezone.now() + timedelta(hours=1)
    embargoed = story(section, title="Embargoed", embargo_until=ends, first_published_at=ends)
    assert "Embargoed" in sync(embargoed).note
    old = story(section, title="Old", first_published_at=timezone.now() - timedelta(days=3))
    assert sync(old).status == Status.SKIPPED
    assert telegram.channel_posts() == []


def test_without_a_token_nothing_is_sent_and_the_record_says_so(telegram, section, settings):
    """No TELEGRAM_BOT_TOKEN: no call at all; the record explains."""
    settings.TELEGRAM_BOT_TOKEN = ""
    delivery = sync(story(section))
    assert telegram.calls == []
    assert delivery.status == Status.SKIPPED
    assert "not configured" in delivery.note


def test_going_live_only_queues_the_sync_and_the_request_makes_no_call(
    telegram, section, django_capture_on_commit_callbacks
):
    """Publishing queues a task once the transaction commits; the worker talks to Telegram."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = story(section)
    queued = [
        callback.keywords
        for callback in callbacks
        if getattr(callback, "func", None) == telegram_delivery_sync_task.enqueue
    ]
    assert queued == [{"article_id": article.pk}]
    assert telegram.calls == []


def test_publish_unpublish_and_delete_signals_drive_the_channel(
    telegram, section, django_capture_on_commit_callbacks
):
    """With the inline task queue of the tests, each signal brings the channel in line."""
    with django_capture_on_commit_callbacks(execute=True):
        article = story(section)
    assert len(telegram.channel_posts()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        republish(article, title="Dam opens, officially")
    assert telegram.channel_posts()[0]["text"].startswith("Dam opens, officially")
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=article.pk).delete()
    assert telegram.channel_posts() == []


def test_flood_control_is_honoured(telegram, section, monkeypatch):
    """After a 429 nothing is sent before retry_after; the task is run again at that time."""
    later = []
    monkeypatch.setattr(services, "_sync_later", lambda **kwargs: later.append(kwargs))
    telegram.inject(status=429, retry_after=2)
    article = story(section)
    delivery = sync(article)
    assert delivery.status == Status.PENDING
    assert "retry after 2" in delivery.last_error
    assert delivery.next_attempt_at >= delivery.last_attempt_at + timedelta(seconds=2)
    assert later[-1] == {"article_id": article.pk, "at": delivery.next_attempt_at}

    sync(article)  # too early: no call
    assert len(telegram.calls) == 1
    time.sleep((delivery.next_attempt_at - timezone.now()).total_seconds() + 0.05)
    assert sync(article).status == Status.SENT
    first, second = telegram.calls
    assert second.at - first.at >= 2
    assert len(telegram.channel_posts()) == 1


def test_server_errors_are_retried_with_growing_pauses(telegram, section, monkeypatch):
    """5xx: retried after 2, then 4 s (exponential), then it goes through once."""
    monkeypatch.setattr(services, "BACKOFF_BASE", 0.2)
    telegram.inject(count=2, status=502)
    article = story(section)
    pauses = []
    for _ in range(2):
        delivery = sync(article)
        assert delivery.status == Status.PENDING and "Bad Gateway" in delivery.last_error
        pauses.append((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds())
        time.sleep(pauses[-1] + 0.05)
    assert pauses == pytest.approx([0.2, 0.4], abs=0.05)
    delivery = sync(article)
    assert (delivery.status, delivery.attempts) == (Status.SENT, 3)
    assert len(telegram.channel_posts()) == 1


def test_retries_are_bounded(telegram, section, monkeypatch, client):
    """A server that keeps failing is given up on, and the record says so; /metrics counts it."""
    failures_before = metric_value(client, "broadsheet_telegram_failures_total", action="send")
    monkeypatch.setattr(services, "BACKOFF_BASE", 0.01)
    monkeypatch.setattr(services, "MAX_ATTEMPTS", 3)
    telegram.inject(count=10, status=500)
    article = story(section)
    delivery = sync(article)
    for _ in range(4):  # the retries the worker runs
        time.sleep(0.05)
        delivery = telegram_delivery_sync(article_id=article.pk, changed=False)
    assert delivery.status == Status.FAILED
    assert delivery.last_error.startswith("Gave up after 3 attempts")
    assert len(telegram.calls) == 3
    failures = metric_value(client, "broadsheet_telegram_failures_total", action="send")
    assert failures - failures_before == 3


def test_a_timed_out_edit_is_retried(telegram, section, monkeypatch):
    """An edit whose answer never comes is repeated after a pause (edits are safe to repeat)."""
    monkeypatch.setattr(services, "BACKOFF_BASE", 0.1)
    article = story(section)
    sync(article)
    telegram.inject(delay=1.5, methods=["editMessageText"])
    republish(article, title="Dam opens at last")
    delivery = sync(article)
    assert delivery.status == Status.PENDING and "timed out" in delivery.last_error
    time.sleep(0.2)
    assert sync(article).status == Status.SENT
    assert telegram.channel_posts()[0]["text"].startswith("Dam opens at last")


def test_a_timed_out_send_is_never_sent_twice(telegram, section):
    """A send whose answer is lost may have been posted: it is marked for a person to check,
    and no retry posts the story a second time."""
    telegram.inject(delay=1.5, process=True, methods=["sendMessage"])
    article = story(section)
    delivery = sync(article)
    assert delivery.status == Status.UNCONFIRMED
    assert "Check the channel" in delivery.last_error
    time.sleep(1.6)
    sync(article)
    sync(republish(article, title="Dam opens at last"))
    assert len(telegram.calls_to("sendMessage")) == 1
    assert len(telegram.channel_posts()) == 1


def test_post_again_sends_an_unconfirmed_story(telegram, section, admin_client):
    """An editor who finds the post missing presses "Post again": it is posted."""
    telegram.inject(delay=1.5, process=False, methods=["sendMessage"])
    article = story(section)
    delivery = sync(article)
    assert delivery.status == Status.UNCONFIRMED and telegram.channel_posts() == []
    url = reverse("telegramdelivery:retry", args=[delivery.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url)
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Status.PENDING
    assert sync(article).status == Status.SENT
    assert len(telegram.channel_posts()) == 1


def test_a_bad_request_is_not_retried_and_is_shown(telegram, section, settings):
    """A 400 fails at once with Telegram's description; later looks do not repeat it."""
    settings.TELEGRAM_CHANNEL = "@no_such_channel"
    article = story(section)
    delivery = sync(article)
    assert delivery.status == Status.FAILED
    assert delivery.last_error == "sendMessage: Bad Request: chat not found"
    assert delivery.next_attempt_at is None
    telegram_delivery_sync(article_id=article.pk, changed=False)  # a follow-up task
    assert len(telegram.calls) == 1


def test_the_bot_token_never_reaches_a_record_or_a_log(telegram, section, settings, caplog):
    """requests names the URL, token included, in its errors: no stored error or log line
    (urllib3's DEBUG request lines included) ever shows it."""
    caplog.set_level(logging.DEBUG)
    token = settings.TELEGRAM_BOT_TOKEN
    sync(story(section, title="Reaches the fake"))  # urllib3 logs the request path
    settings.TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens: a connection error
    down = sync(story(section, title="Network down"))
    assert "Connection refused" in down.last_error and "/bot<bot-token>/" in down.last_error
    for delivery in TelegramDelivery.objects.all():
        assert token not in delivery.last_error
    assert "sendMessage" in caplog.text
    assert token not in caplog.text
    assert token.split(":")[1] not in caplog.text


def test_the_same_sync_twice_posts_once(telegram, section):
    """A repeated task (a retry, a duplicate signal) finds the post and sends nothing."""
    article = story(section)
    sync(article)
    sync(article)
    telegram_delivery_sync(article_id=article.pk, changed=False)
    assert methods(telegram) == ["sendMessage"]


def test_a_worker_that_died_mid_send_leaves_the_story_unconfirmed(telegram, section):
    """A record left `sending` by a dead worker is never re-sent blindly."""
    article = story(section)
    TelegramDelivery.objects.create(
        article_id=article.pk,
        status=Status.SENDING,
        attempts=1,
        lease_holder="dead",
        lease_until=timezone.now() - timedelta(seconds=1),
    )
    delivery = sync(article)
    assert delivery.status == Status.UNCONFIRMED
    assert telegram.calls == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_syncs_post_once(telegram):
    """Two workers syncing the same story at the same moment: one post, one call."""
    article = story(SectionPageFactory(title="Politics"))
    telegram.inject(delay=0.5, process=True, methods=["sendMessage"])
    start = threading.Barrier(2)
    results = []

    def worker():
        start.wait()
        try:
            results.append(telegram_delivery_sync(article_id=article.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(telegram.calls_to("sendMessage")) == 1
    assert len(telegram.channel_posts()) == 1
    assert TelegramDelivery.objects.get(article_id=article.pk).status == Status.SENT
    assert sorted(results) in (["pending", "sent"], ["sent", "sent"])


def test_the_admin_lists_deliveries_read_only_with_filters(telegram, section, admin_client):
    """Deliveries are listed with status, kind, message id, attempts and errors; filters work;
    nobody can edit one."""
    sync(story(section, title="Went out fine"))
    telegram.inject(status=400)
    failed = sync(story(section, title="Refused by Telegram"))
    index = reverse("telegramdelivery:index")
    page = admin_client.get(index).content.decode()
    assert "Went out fine" in page and "Refused by Telegram" in page and "In the channel" in page
    filtered = admin_client.get(index, {"status": "failed"}).content.decode()
    assert "Refused by Telegram" in filtered and "Went out fine" not in filtered
    inspect = admin_client.get(reverse("telegramdelivery:inspect", args=[failed.pk]))
    assert inspect.status_code == 200 and "Post again" in inspect.content.decode()
    edit = admin_client.get(reverse("telegramdelivery:edit", args=[failed.pk]))
    assert edit.status_code != 200
    assert "telegramdelivery/new" not in page


def test_the_story_editor_shows_its_telegram_post(telegram, section, admin_client):
    """The article editor's Telegram panel shows the delivery and links to its record."""
    article = story(section)
    delivery = sync(article)
    page = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    html = page.content.decode()
    assert "In the channel" in html and f"message {delivery.message_id}" in html
    assert reverse("telegramdelivery:inspect", args=[delivery.pk]) in html


def test_a_correction_edits_the_post_so_the_channel_learns_of_it(telegram, section):
    """Publishing a correction adds its note to the post in place; an update note does not."""
    from broadsheet.desk.models import Correction

    article = story(section, lead_image=make_image("Dam at dawn"))
    message_id = sync(article).message_id
    article = ArticlePage.objects.get(pk=article.pk)
    article.corrections.add(
        Correction(kind="update", text="Adds the minister's reaction.", noted_at=timezone.now())
    )
    article.save_revision().publish()
    sync(article)
    assert methods(telegram) == ["sendPhoto"]  # an update is news in the story, not a fix

    article = ArticlePage.objects.get(pk=article.pk)
    article.corrections.add(
        Correction(
            kind="correction", text="The dam is 40 m tall, not 400 m.", noted_at=timezone.now()
        )
    )
    article.save_revision().publish()
    sync(article)
    [post] = telegram.channel_posts()
    assert post["message_id"] == message_id
    assert "\n\nCorrection: The dam is 40 m tall, not 400 m.\n\nhttp" in post["caption"]
    assert methods(telegram) == ["sendPhoto", "editMessageCaption"]
