from django.db import models


class ImportedArticle(models.Model):
    """Which article a line of an import file became, so a re-run updates instead of duplicating.

    `key` identifies the story across runs (see `imports.lines.StoryLine.key`); `fingerprint`
    is a hash of the line, so an unchanged line costs nothing on the next run.
    """

    key = models.CharField(max_length=64, unique=True)
    article = models.OneToOneField(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="import_record"
    )
    fingerprint = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now=True)
    # The line's lead image is fetched by the worker after the import (imports.images).
    image_url = models.URLField(max_length=2000, blank=True)
    image_attached_url = models.URLField(max_length=2000, blank=True)
    image_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.key} → {self.article_id}"
