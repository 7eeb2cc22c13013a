from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import AbstractGroupApprovalTask, Orderable


class Correction(Orderable):
    """A public note appended to a published story: a correction, clarification or update.

    Notes are part of the story's revisions, so they reach readers when the story is published
    and the revision history keeps what changed.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    page = ParentalKey("articles.ArticlePage", on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right, in a sentence or two.")
    noted_at = models.DateTimeField(default=timezone.now, db_index=True)

    panels = [FieldPanel("kind"), FieldPanel("text"), FieldPanel("noted_at")]

    class Meta(Orderable.Meta):
        verbose_name = "correction or update"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


# Kinds listed on /corrections/: the record of what the outlet got wrong or unclear.
PUBLIC_RECORD_KINDS = (Correction.Kind.CORRECTION, Correction.Kind.CLARIFICATION)


class BreakingNews(models.Model):
    """The one story flagged as breaking: a banner on every reader page until it expires.

    Flagging a new story supersedes the previous one; deleting the flag clears the banner.
    """

    article = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="breaking_flags"
    )
    banner_text = models.CharField(
        max_length=160, blank=True, help_text="Shown in the banner; the headline when empty."
    )
    flagged_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(help_text="The banner disappears at this time.")
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [FieldPanel("article"), FieldPanel("banner_text"), FieldPanel("expires_at")]

    class Meta:
        verbose_name = "breaking news"
        verbose_name_plural = "breaking news"
        ordering = ["-flagged_at"]

    def __str__(self) -> str:
        return self.banner_text or self.article.title

    def clean(self):
        if self.expires_at and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": "Choose a time in the future."})


class WorkerHeartbeat(models.Model):
    """The latest sign of life from each `desk_worker` process, for /healthz and the admin."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


# Three seconds: short enough for drills and tests, long enough that slots stay distinct.
MIN_INTERVAL = Decimal("0.05")


class DeskSettings(ClusterableModel):
    """The chief editor's release cadence for the queue, and its pause switch (one row)."""

    queue_paused = models.BooleanField(default=False)
    interval_minutes = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(12),
        validators=[MinValueValidator(MIN_INTERVAL)],
        help_text="Minutes between releases, e.g. 12 (fractions allowed: 0.5 is 30 seconds).",
    )
    active_from = models.TimeField(default=time(9, 0), help_text="Outlet time zone.")
    active_until = models.TimeField(default=time(22, 0), help_text="Outlet time zone.")

    panels = [
        FieldPanel("queue_paused"),
        FieldPanel("interval_minutes"),
        FieldPanel("active_from"),
        FieldPanel("active_until"),
        InlinePanel("cadence_windows", label="Different interval for part of the day"),
    ]

    class Meta:
        verbose_name = "desk settings"
        verbose_name_plural = "desk settings"

    def __str__(self) -> str:
        return "Release cadence"

    def clean(self):
        if self.active_from >= self.active_until:
            raise ValidationError({"active_until": "Active hours must end after they start."})

    @classmethod
    def load(cls) -> "DeskSettings":
        return cls.objects.order_by("pk").first() or cls.objects.create()


class CadenceWindow(Orderable):
    desk = ParentalKey(DeskSettings, on_delete=models.CASCADE, related_name="cadence_windows")
    starts = models.TimeField()
    ends = models.TimeField()
    interval_minutes = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(MIN_INTERVAL)]
    )

    panels = [FieldPanel("starts"), FieldPanel("ends"), FieldPanel("interval_minutes")]

    def __str__(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}: every {self.interval_minutes:g} min"


class QueueEntry(models.Model):
    """A prepared story waiting in the release queue, or the record of its release."""

    article = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="queue_entries"
    )
    position = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "queue entries"
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(released_at__isnull=True),
                name="one_waiting_entry_per_article",
            )
        ]

    def __str__(self) -> str:
        return str(self.article)


class DeskApprovalTask(AbstractGroupApprovalTask):
    """An editor's review that can end in "publish now" or "approve into the release queue".

    Wagtail publishes a page when the last task of its workflow is approved. Approving into
    the queue adds the queue entry first and tells the desk's finish action (workflow.py) to
    leave publication to the queue's slot.
    """

    APPROVE_INTO_QUEUE = "approve_queue"

    def get_actions(self, obj, user):
        from broadsheet.articles.models import ArticlePage

        actions = super().get_actions(obj, user)
        # The workflow views pass the base Page; its specific class needs no query.
        is_story = issubclass(getattr(obj, "specific_class", None) or type(obj), ArticlePage)
        if actions and is_story and user.has_perm("desk.add_queueentry"):
            actions.insert(1, (self.APPROVE_INTO_QUEUE, "Approve into the release queue", False))
        return actions

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != self.APPROVE_INTO_QUEUE:
            return super().on_action(task_state, user, action_name, **kwargs)
        from broadsheet.desk.queue import queue_entry_add
        from broadsheet.desk.workflow import approving_into_queue

        queue_entry_add(article=task_state.workflow_state.content_object.specific, user=user)
        with approving_into_queue():
            return super().on_action(task_state, user, "approve", **kwargs)

    @classmethod
    def get_description(cls):
        return "Editors approve a story to publish it now or to go out at its queue slot."

    class Meta:
        verbose_name = "desk approval task"
        verbose_name_plural = "desk approval tasks"


class PreviewShare(models.Model):
    """A link that shows a story's latest draft to someone outside the newsroom (a source
    checking a quote, a lawyer), until it expires or an editor revokes it.

    Only a hash of the link's token is kept, so the database alone does not open any draft.
    """

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="preview_shares"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Preview link for page {self.page_id}, until {self.expires_at:%Y-%m-%d %H:%M}"
