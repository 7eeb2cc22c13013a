"""`make bench`, part four: Read also quality, precision@6 against a plain TF-IDF baseline.

Precision@6 is the share of the six picks that share the story's primary topic. Scored on the
demo newsroom's stories (2,100, seed 1729, one every 40 minutes) twice: with their topics, and
with topics removed (the label kept only to score), as an imported archive would be. The
baseline ranks by plain TF-IDF cosine of the whole text. In memory, no database: this measures
the ranker (discovery/related.py); the tests cover how the worker stores and serves its picks.
"""

import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")

import django  # noqa: E402

django.setup()

from django.utils.html import strip_tags  # noqa: E402

from broadsheet.demo.archive import archive_lines  # noqa: E402
from broadsheet.discovery.related import (  # noqa: E402
    StorySignals,
    plain_terms,
    read_also_rank,
    story_terms,
    tfidf_baseline_rank,
)

STORIES = int(os.environ.get("BENCH_READ_ALSO_STORIES", "2100"))
SAMPLE = int(os.environ.get("BENCH_READ_ALSO_SAMPLE", "150"))


def main() -> int:
    ids: dict = {}

    def key(kind, name):
        return ids.setdefault((kind, name), len(ids))

    stories, plain, labels = [], [], {}
    start = datetime(2025, 1, 1, tzinfo=UTC)
    lines = archive_lines(count=STORIES, seed=1729, start=start, step=timedelta(minutes=40))
    for number, (line, label) in enumerate(lines):
        data = json.loads(line)
        body = strip_tags(data["body"])
        published = datetime.fromisoformat(data["published_at"])
        stories.append(
            StorySignals(
                pk=number,
                published_at=published,
                section_id=key("section", data["section"]),
                terms=story_terms(headline=data["headline"], deck=data["deck"], body=body),
                topics=frozenset(key("topic", t) for t in data.get("topics", [])),
                authors=frozenset(key("author", a) for a in data["authors"]),
            )
        )
        text = " ".join((data["headline"], data["deck"], body))
        plain.append(StorySignals(pk=number, published_at=published, terms=plain_terms(text)))
        labels[number] = label
    now = stories[-1].published_at + timedelta(hours=1)
    targets = random.Random(3).sample(stories, min(SAMPLE, len(stories)))

    def precision(picks, target):
        return sum(labels[p] == labels[target.pk] for p in picks) / max(len(picks), 1)

    baseline = sum(
        precision(tfidf_baseline_rank(plain[t.pk], [p for p in plain if p.pk != t.pk]), t)
        for t in targets
    ) / len(targets)
    results = {}
    for name, strip in (("demo newsroom (topics)", False), ("archive, topics removed", True)):
        started = time.perf_counter()
        total = 0.0
        pool = (
            [StorySignals(**{**s.__dict__, "topics": frozenset()}) for s in stories]
            if strip
            else stories
        )
        for target in targets:
            candidates = [s for s in pool if s.pk != target.pk]
            picks = [pk for pk, _ in read_also_rank(pool[target.pk], candidates, now=now)]
            total += precision(picks, target)
        per_story = (time.perf_counter() - started) / len(targets) * 1000
        results[name] = total / len(targets)
        print(
            f"Read also precision@6, {name}: {results[name]:.3f} "
            f"(baseline TF-IDF cosine {baseline:.3f}); {per_story:.0f} ms to rank "
            f"{len(stories) - 1:,} candidates"
        )
    return 0 if all(value > baseline for value in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
