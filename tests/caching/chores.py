"""A stand-in for the desk worker's slow background work (ranking Read also takes seconds)."""

import time

from django.tasks import task


@task()
def slow_chore(seconds: float) -> None:
    time.sleep(seconds)
