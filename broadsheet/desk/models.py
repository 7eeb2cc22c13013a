from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


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
