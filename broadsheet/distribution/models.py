from django.db import models


class TelegramDelivery(models.Model):
    """A story's post in the outlet's Telegram channel: what was sent, and how it went.

    `article_id` is a plain number, not a foreign key: when the story is deleted its record must
    outlive it, because the post still has to be deleted from the channel.
    """

    class Kind(models.TextChoices):
        PHOTO = "photo", "Photo with caption"
        TEXT = "text", "Text"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "In the channel"
        DELETED = "deleted", "Deleted from the channel"
        SKIPPED = "skipped", "Not posted"
        FAILED = "failed", "Failed"
        UNCONFIRMED = "unconfirmed", "Unconfirmed: check the channel"

    article_id = models.BigIntegerField("story id", unique=True)
    headline = models.CharField(max_length=255, blank=True)
    chat_id = models.CharField("channel", max_length=64, blank=True)
    message_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(max_length=255, blank=True, help_text="Why the story is not posted.")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # What the channel shows, to tell an edit that changes the post from one that does not.
    sent_text = models.TextField(blank=True)
    sent_image = models.CharField(max_length=255, blank=True)
    # The claim of the worker talking to Telegram about this story, and when it lapses.
    lease_holder = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Telegram delivery"
        verbose_name_plural = "Telegram deliveries"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.headline or f"Story {self.article_id}"
