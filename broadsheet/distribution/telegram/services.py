"""Keep the outlet's Telegram channel in step with its stories: post, edit and delete.

`telegram_delivery_sync(article_id=…)` compares what the channel should show for a story with
what its `TelegramDelivery` record says the channel shows, and makes the one call that closes
the gap (then looks again, in case the story changed meanwhile). It runs in the desk worker.

Exactly once, and where it stops. The Bot API has no idempotency key: a `sendMessage` repeated
after a lost answer posts twice. So:

1. A worker claims the record with a conditional UPDATE that only succeeds when no unexpired
   lease is held, and commits. A second worker, or a retry of the same task, finds the lease and
   backs off (it re-runs the sync when the lease ends, so a change made meanwhile is not lost).
   No database transaction or lock is held during the HTTP call.
2. Before a send, the record is marked `sending` and committed, together with a follow-up task
   due when the lease ends (with the database task queue; a test's inline queue cannot defer).
3. The message id is committed in its own transaction the moment Telegram answers.

If the worker dies, or the database is unreachable, between Telegram carrying out the send and
step 3, the record stays `sending` without a message id. Nobody can tell from our side whether
the post exists, so the follow-up marks it `unconfirmed` and nothing re-sends it on its own; an
editor checks the channel and presses "Post again" in the admin if it is missing. The same holds
when a send times out waiting for the answer or the connection drops after the request went out.

Guaranteed: no story is sent twice by a retry, by two workers, or by a restart (at most once).
Not guaranteed: a send cut off as above is posted, or its message id known; the post then can
not be edited or deleted by the sync until someone intervenes. Edits and deletes are safe to
repeat ("message is not modified" and "message to delete not found" count as done), so they are
retried after a crash. A 5xx is taken at its word that the call failed and is retried; a gateway
that returned 5xx after Telegram stored the post would duplicate it (Telegram documents none).
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from broadsheet.articles.models import ArticlePage, TelegramChoice
from broadsheet.articles.selectors import published_articles
from broadsheet.desk.models import PUBLIC_RECORD_KINDS
from broadsheet.desk.selectors import article_corrections
from broadsheet.distribution.models import TelegramDelivery
from broadsheet.distribution.telegram import formatting
from broadsheet.distribution.telegram.client import (
    TelegramBot,
    TelegramError,
    TelegramFlood,
    TelegramRejected,
    TelegramUnavailable,
    Upload,
    token_scrub,
)
from broadsheet.monitoring.metrics import TELEGRAM_FAILURES

logger = logging.getLogger("broadsheet.distribution.telegram")
Status = TelegramDelivery.Status
Kind = TelegramDelivery.Kind

# Longer than any one call can take (connect + read timeout, plus a photo upload), so a lease
# only lapses when its worker is gone.
LEASE = timedelta(seconds=60)
# 5xx, timeouts and network errors: wait 2, 4, 8, 16, 32 s, then give up and say so.
MAX_ATTEMPTS = 6
BACKOFF_BASE = 2.0
BACKOFF_CAP = 300.0
# A story that went live longer ago than this is not posted when it is republished (a typo fix
# to an old story, or Telegram configured on a site with an archive). Telegram itself lets a
# bot delete a message only within 48 hours.  https://core.telegram.org/bots/api#deletemessage
NEW_POST_WINDOW = timedelta(days=2)
# Telegram shows photos at up to 1,280 px on the long side and accepts up to 10 MB.
# https://core.telegram.org/bots/api#sendphoto
PHOTO_RENDITION = "max-1280x1280|format-jpeg|jpegquality-85"
# One sync makes at most this many calls: a photo story losing its image is delete + send.
MAX_STEPS = 3
# Telegram's answers to an edit or delete that has nothing left to do.
NOT_MODIFIED = "message is not modified"
ALREADY_DELETED = "message to delete not found"


@dataclass(frozen=True)
class TelegramPost:
    """What the channel should show for a story."""

    kind: str
    html: str
    image: object | None = None
    image_key: str = ""


@dataclass(frozen=True)
class Wanted:
    post: TelegramPost | None
    note: str = ""
    # Look again at this time (an embargo ends).
    recheck_at: datetime | None = None


def telegram_configured() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_CHANNEL)


def telegram_bot() -> TelegramBot:
    return TelegramBot(token=settings.TELEGRAM_BOT_TOKEN, api_url=settings.TELEGRAM_API_URL)


def telegram_post(*, article) -> TelegramPost:
    """The story as a post: a photo with a caption if it has a lead image, else a text."""
    url = article.get_full_url()
    note = _correction_line(article=article)
    if article.lead_image_id:
        image = article.lead_image
        html = formatting.post_html(
            headline=article.title,
            deck=article.deck,
            url=url,
            note=note,
            limit=formatting.CAPTION_LIMIT,
        )
        return TelegramPost(Kind.PHOTO, html, image, f"{image.pk}:{image.file.name}")
    html = formatting.post_html(
        headline=article.title, deck=article.deck, url=url, note=note, limit=formatting.TEXT_LIMIT
    )
    return TelegramPost(Kind.TEXT, html)


def _correction_line(*, article) -> str:
    """The story's latest correction or clarification, as the post's note line."""
    public = [n for n in article_corrections(article=article) if n.kind in PUBLIC_RECORD_KINDS]
    return f"{public[-1].get_kind_display()}: {public[-1].text}" if public else ""


def telegram_wanted(*, article_id: int, posted: bool) -> Wanted:
    """What the channel should show for the story now; `posted`: it has a post already."""
    article = ArticlePage.objects.filter(pk=article_id).select_related("lead_image").first()
    if article is None:
        return Wanted(None, "The story was deleted.")
    if not published_articles().filter(pk=article_id).exists():
        now = timezone.now()
        if article.live and article.first_published_at and article.first_published_at > now:
            return Wanted(
                None, "Embargoed: posted when the embargo ends.", article.first_published_at
            )
        return Wanted(None, "The story is not public.")
    if article.telegram == TelegramChoice.NEVER:
        return Wanted(None, "The story is set never to go to Telegram.")
    if not posted:
        # The section and the age of the story decide whether it is posted, not whether a post
        # already made keeps following the story.
        if article.telegram in (TelegramChoice.SECTION, ""):
            section = article.get_parent().specific
            if not getattr(section, "telegram", True):
                return Wanted(None, f"The {section.title} section does not post to Telegram.")
        if article.first_published_at < timezone.now() - NEW_POST_WINDOW:
            return Wanted(None, "Went live before Telegram posting: not posted.")
    return Wanted(telegram_post(article=article))


def _next_action(delivery: TelegramDelivery, post: TelegramPost | None) -> str | None:
    if post is None:
        return "delete" if delivery.message_id else None
    if delivery.message_id is None:
        return "send"
    if delivery.kind == Kind.PHOTO and post.kind == Kind.TEXT:
        # A photo can not become a text message: the post is replaced (delete, then send).
        return "delete"
    if post.kind == Kind.PHOTO and (
        delivery.kind != Kind.PHOTO or delivery.sent_image != post.image_key
    ):
        return "media"
    if delivery.sent_text != post.html:
        return "caption" if post.kind == Kind.PHOTO else "text"
    return None


def telegram_delivery_sync(*, article_id: int, changed: bool = True) -> TelegramDelivery:
    """Post, edit or delete the story's Telegram message so the channel matches the story.

    `changed`: the story was published, unpublished, moved or deleted since the last look. Only
    a change retries a failed record: a 400 is never repeated as it stands.
    """
    delivery = _delivery_for(article_id=article_id)
    now = timezone.now()
    lease = _claim(delivery=delivery, now=now)
    if lease is None:
        # Someone else is at it, or a retry is waiting: look again then, for any change missed.
        delivery.refresh_from_db()
        at = max(delivery.lease_until or now, delivery.next_attempt_at or now)
        if at > now:
            _sync_later(article_id=article_id, at=at + timedelta(seconds=1), changed=changed)
        return delivery
    try:
        _sync_claimed(delivery=delivery, lease=lease, changed=changed)
    finally:
        TelegramDelivery.objects.filter(pk=delivery.pk, lease_holder=lease).update(
            lease_holder="", lease_until=None
        )
    delivery.refresh_from_db()
    return delivery


def telegram_delivery_retry(*, delivery: TelegramDelivery) -> None:
    """An editor's "Post again" on an unconfirmed or failed record: forget the doubt and sync."""
    TelegramDelivery.objects.filter(
        pk=delivery.pk, status__in=[Status.UNCONFIRMED, Status.FAILED]
    ).update(status=Status.PENDING, attempts=0, next_attempt_at=None, last_error="")
    from broadsheet.distribution.telegram.tasks import telegram_delivery_sync_task

    transaction.on_commit(
        lambda: telegram_delivery_sync_task.enqueue(article_id=delivery.article_id)
    )


def _delivery_for(*, article_id: int) -> TelegramDelivery:
    try:
        with transaction.atomic():
            delivery, _ = TelegramDelivery.objects.get_or_create(article_id=article_id)
    except IntegrityError:  # a second worker created it first
        delivery = TelegramDelivery.objects.get(article_id=article_id)
    return delivery


def _claim(*, delivery: TelegramDelivery, now: datetime) -> str | None:
    """Take the record for LEASE if nobody holds it and no retry is waiting; None otherwise."""
    holder = secrets.token_hex(8)
    claimed = (
        TelegramDelivery.objects.filter(pk=delivery.pk)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(lease_holder=holder, lease_until=now + LEASE)
    )
    return holder if claimed else None


def _sync_claimed(*, delivery: TelegramDelivery, lease: str, changed: bool) -> None:
    delivery.refresh_from_db()
    if delivery.status == Status.SENDING and delivery.message_id is None:
        # A worker stopped between marking a send and recording its answer: see the module doc.
        _record(
            delivery,
            status=Status.UNCONFIRMED,
            last_error="The worker stopped while posting, so the post may or may not be in the "
            "channel. Check the channel; if the story is missing, press “Post again”.",
        )
        return
    if delivery.status == Status.UNCONFIRMED or (delivery.status == Status.FAILED and not changed):
        return  # left for an editor, or for the next change to the story
    if not telegram_configured():
        _record(
            delivery,
            status=Status.SKIPPED,
            note="Telegram is not configured (TELEGRAM_BOT_TOKEN, TELEGRAM_CHANNEL).",
        )
        return
    bot = telegram_bot()
    posted = delivery.message_id is not None
    watched = False
    for _step in range(MAX_STEPS):
        delivery.refresh_from_db()
        wanted = telegram_wanted(article_id=delivery.article_id, posted=posted)
        action = _next_action(delivery, wanted.post)
        if action is None:
            _settle(delivery, wanted)
            return
        if delivery.status not in (Status.PENDING, Status.SENDING):
            delivery.attempts = 0  # a new change: its own count of attempts
        posted_now = delivery.message_id is not None
        with transaction.atomic():
            begun = TelegramDelivery.objects.filter(pk=delivery.pk, lease_holder=lease).update(
                status=Status.SENDING if action == "send" else Status.PENDING,
                attempts=delivery.attempts + 1,
                last_attempt_at=timezone.now(),
                chat_id=delivery.chat_id if posted_now else settings.TELEGRAM_CHANNEL,
            )
            if not begun:
                return  # the lease lapsed and someone else took over
            if not watched:
                # Due when the lease ends: finds the record `sending` only if this worker died.
                _sync_later(article_id=delivery.article_id, at=timezone.now() + LEASE)
                watched = True
        delivery.refresh_from_db()
        try:
            _perform(bot, delivery, action, wanted.post)
        except TelegramError as error:
            _record_failure(delivery, action, error)
            return
        except Exception as error:  # a local failure (the image file is missing…): no retry
            TELEGRAM_FAILURES.labels(action).inc()
            message = token_scrub(f"{action}: {error}", settings.TELEGRAM_BOT_TOKEN)
            logger.exception("Telegram %s for story %s failed", action, delivery.article_id)
            _record(delivery, status=Status.FAILED, last_error=message)
            return
    logger.warning("Telegram sync for story %s did not settle", delivery.article_id)


def _perform(bot: TelegramBot, delivery, action: str, post: TelegramPost | None) -> None:
    chat_id = delivery.chat_id
    if action == "delete":
        try:
            bot.delete_message(chat_id=chat_id, message_id=delivery.message_id)
        except TelegramRejected as error:
            if ALREADY_DELETED not in error.description:
                raise
        _record(
            delivery,
            message_id=None,
            kind="",
            sent_text="",
            sent_image="",
            status=Status.DELETED,
            last_error="",
        )
        return
    if action == "send":
        if post.kind == Kind.PHOTO:
            message = bot.send_photo(chat_id=chat_id, photo=_photo(post), caption=post.html)
        else:
            message = bot.send_message(chat_id=chat_id, text=post.html)
        # Its own transaction, straight away: the one record of a post that now exists.
        with transaction.atomic():
            TelegramDelivery.objects.filter(pk=delivery.pk, message_id__isnull=True).update(
                message_id=message["message_id"],
                kind=post.kind,
                sent_text=post.html,
                sent_image=post.image_key,
                status=Status.SENT,
                note="",
                last_error="",
                next_attempt_at=None,
            )
        return
    try:
        if action == "media":
            bot.edit_message_media(
                chat_id=chat_id,
                message_id=delivery.message_id,
                photo=_photo(post),
                caption=post.html,
            )
        elif action == "caption":
            bot.edit_message_caption(
                chat_id=chat_id, message_id=delivery.message_id, caption=post.html
            )
        else:
            bot.edit_message_text(chat_id=chat_id, message_id=delivery.message_id, text=post.html)
    except TelegramRejected as error:
        if NOT_MODIFIED not in error.description:
            raise
    _record(
        delivery,
        kind=post.kind,
        sent_text=post.html,
        sent_image=post.image_key,
        status=Status.SENT,
        last_error="",
    )


def _photo(post: TelegramPost) -> Upload:
    # Uploaded rather than passed by URL: Telegram fetches URLs itself, and a development or
    # intranet site's media are not reachable from its servers.
    rendition = post.image.get_rendition(PHOTO_RENDITION)
    with rendition.file.open("rb") as file:
        return Upload(name=f"story-{post.image.pk}.jpg", content=file.read())


def _settle(delivery: TelegramDelivery, wanted: Wanted) -> None:
    if delivery.message_id:
        status, note = Status.SENT, ""
    elif delivery.status == Status.DELETED:
        status, note = Status.DELETED, wanted.note
    else:
        status, note = Status.SKIPPED, wanted.note
    _record(delivery, status=status, note=note, next_attempt_at=None)
    if wanted.recheck_at:
        _sync_later(article_id=delivery.article_id, at=wanted.recheck_at, changed=True)


def _record_failure(delivery: TelegramDelivery, action: str, error: TelegramError) -> None:
    TELEGRAM_FAILURES.labels(action).inc()
    message = token_scrub(error.description, settings.TELEGRAM_BOT_TOKEN)
    logger.warning("Telegram %s for story %s failed: %s", action, delivery.article_id, message)
    now = timezone.now()
    if isinstance(error, TelegramFlood):
        _retry_at(delivery, message, now + timedelta(seconds=error.retry_after))
    elif isinstance(error, TelegramUnavailable) and action == "send" and error.maybe_delivered:
        _record(
            delivery,
            status=Status.UNCONFIRMED,
            last_error=f"{message}. Telegram may have posted the story before the answer was "
            "lost. Check the channel; if the story is missing, press “Post again”.",
        )
    elif isinstance(error, TelegramUnavailable) and delivery.attempts < MAX_ATTEMPTS:
        delay = min(BACKOFF_BASE * 2 ** (delivery.attempts - 1), BACKOFF_CAP)
        _retry_at(delivery, message, now + timedelta(seconds=delay))
    else:
        if isinstance(error, TelegramUnavailable):
            message = f"Gave up after {delivery.attempts} attempts. {message}"
        _record(delivery, status=Status.FAILED, last_error=message, next_attempt_at=None)


def _retry_at(delivery: TelegramDelivery, message: str, at: datetime) -> None:
    # One transaction: a retry is never recorded without the task that will make it.
    with transaction.atomic():
        _record(delivery, status=Status.PENDING, last_error=message, next_attempt_at=at)
        _sync_later(article_id=delivery.article_id, at=at)


def _record(delivery: TelegramDelivery, **fields) -> None:
    headline = ArticlePage.objects.filter(pk=delivery.article_id).values_list("title", flat=True)
    if headline:
        fields.setdefault("headline", headline[0][:255])
    with transaction.atomic():
        TelegramDelivery.objects.filter(pk=delivery.pk).update(**fields, updated_at=timezone.now())
    for name, value in fields.items():
        setattr(delivery, name, value)


def _sync_later(*, article_id: int, at: datetime, changed: bool = False) -> None:
    """Run the sync for the story again at `at`, if the task backend can defer tasks."""
    from broadsheet.distribution.telegram.tasks import telegram_delivery_sync_task

    if not telegram_delivery_sync_task.get_backend().supports_defer:
        logger.debug(
            "Task backend cannot defer: story %s is not looked at again at %s", article_id, at
        )
        return
    telegram_delivery_sync_task.using(run_after=at).enqueue(article_id=article_id, changed=changed)
