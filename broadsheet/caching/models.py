from django.db import models
from django.utils import timezone


class PurgeRecord(models.Model):
    """A purge, written by the worker and read by every web process's page cache.

    Each process polls for records past the last it applied and drops its pages carrying any of
    their keys, so a publish in the worker reaches pages cached in the web processes.
    """

    seq = models.BigAutoField(primary_key=True)
    keys = models.TextField(help_text="Space-separated surrogate keys.")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq}: {self.keys[:60]}"
