from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


class ReadAlsoChoice(Orderable):
    """An editor's say over one story's Read also: pin a story to the top, or keep one out.

    Part of the story's revisions, so a choice reaches readers when the story is published.
    """

    class Action(models.TextChoices):
        PIN = "pin", "Pin to Read also"
        EXCLUDE = "exclude", "Keep out of Read also"

    page = ParentalKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="read_also_choices"
    )
    related = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="+", verbose_name="story"
    )
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.PIN)

    panels = [FieldPanel("related"), FieldPanel("action")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.related}"


class ReadAlsoPick(models.Model):
    """A story's stored Read also, in order, as the worker last ranked it (pins included)."""

    article = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="read_also_picks"
    )
    related = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="read_also_picked"
    )
    position = models.PositiveSmallIntegerField()
    score = models.FloatField(help_text="The ranker's score; pins score 1 and more.")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="one_pick_per_story")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.related_id} (#{self.position})"


class StoryTerms(models.Model):
    """A story's weighted term counts, kept so ranking never re-reads thousands of bodies."""

    article = models.OneToOneField(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="read_also_terms"
    )
    terms = models.JSONField(default=dict)
    revision_id = models.PositiveBigIntegerField(null=True)

    def __str__(self) -> str:
        return f"terms of {self.article_id}"


def heading_tsvector(alias: str = "") -> str:
    """A search entry's headline and deck as one PostgreSQL tsvector, as its indexes hold them.

    Migration 0003 indexes this expression for the whole archive and search_recent for the newest
    entries; reader search (search_engines) names it with its table's alias, because PostgreSQL
    reads an index only for a query on the index's own expression.
    """
    return (
        f"(to_tsvector('english'::regconfig, {alias}headline)"
        f" || to_tsvector('english'::regconfig, {alias}deck))"
    )


class SearchEntry(models.Model):
    """A live story as reader search sees it: plain text plus the fields search filters on.

    Search runs on the database's own full-text engine (SQLite FTS5, PostgreSQL tsvector), set up
    by this app's migrations beside this table, because Wagtail's database backend re-runs the
    match for every candidate it ranks and slows down as matches grow.
    """

    page = models.OneToOneField(
        "articles.ArticlePage",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_entry",
    )
    headline = models.CharField(max_length=255)
    deck = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    section = models.ForeignKey(
        "sections.SectionPage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20)
    # The page's first_published_at (an embargo's end), copied so ranking never reads page rows.
    published_at = models.DateTimeField()
    # Section, kind and authors as words (see search_index.facet_words), indexed with the text so
    # that SQLite filters by intersecting the index rather than reading every matching row.
    facets = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return self.headline


class RecentSearchIndex(models.Model):
    """Where PostgreSQL's full-text indexes of the newest search entries begin (one row or none).

    A full-text index hands over every match in the archive, however few of them reader search
    keeps: a word in 3 % of a million stories is 30,000 matches read to keep the newest 500.
    Indexes of the entries past `floor` alone (search_recent.py) hold a few weeks' or months'
    matches, whatever the archive's size; the worker starts them afresh as the archive grows.
    """

    floor = models.BigIntegerField(help_text="The indexes hold the entries with a greater id.")
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"search entries past {self.floor}"
