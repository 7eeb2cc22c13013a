"""`make bench`, part four: Read also quality, precision@6 against a plain TF-IDF baseline.

Precision@6 is the share of a story's Read also (the first six picks stored) that share its
primary topic. Picks are read from the ReadAlsoPick rows `manage.py read_also_rebuild` stores,
the worker's ranking, in two scratch SQLite databases:

- demo: the demo newsroom (`manage.py demo_newsroom`: 2,100 stories with topics and experts);
  also scores suggestions of existing topics against each story's own topics, reading each story
  as `topic_suggestions.story_text` gives it, with theme topics marked;
- archive: the same kind of stories written as JSON Lines without topics and imported with
  `manage.py import_articles`; each line's primary topic is kept aside, only to score.

The baseline ranks every other story by plain TF-IDF cosine of the whole text (no stemming, stop
list or field weights). Both are scored on the same sample of stories.

    python -m bench.read_also                   # both corpora, each in a process of its own
    python -m bench.read_also --corpus archive  # one, in this process

BENCH_READ_ALSO_STORIES (2100) sizes the archive; BENCH_READ_ALSO_SAMPLE (700) is how many
stories are scored against the baseline, which ranks in full and is slow.
"""

import argparse
import atexit
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

STORIES = int(os.environ.get("BENCH_READ_ALSO_STORIES", "2100"))
SAMPLE = int(os.environ.get("BENCH_READ_ALSO_SAMPLE", "700"))
ARCHIVE_STEP = timedelta(minutes=40)
SEED = 1729
# Issue 5, "Topic suggestions": precision of existing-topic suggestions on the demo newsroom.
SUGGESTION_PRECISION_TARGET = 0.9


def use_scratch_database(corpus: str) -> Path:
    scratch = Path(tempfile.mkdtemp(prefix=f"broadsheet-bench-read-also-{corpus}-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        BROADSHEET_VAR_DIR=str(scratch),
        DATABASE_URL=f"sqlite:///{scratch / 'bench.sqlite3'}",
    )
    return scratch


def demo_newsroom_labels() -> dict[int, str]:
    """Each demo story's primary topic: the first it was tagged with."""
    from broadsheet.articles.models import ArticlePage

    labels = {}
    links = ArticlePage.topics.through.objects.order_by("pk")
    for article_id, name in links.values_list("articlepage_id", "topic__name"):
        labels.setdefault(article_id, name)
    return labels


def archive_import(scratch: Path) -> dict[int, str]:
    """Import STORIES demo stories without topics; return each one's primary topic by article."""
    from django.core.management import call_command
    from django.utils.text import slugify

    from broadsheet.articles.models import ArticlePage
    from broadsheet.demo.archive import archive_lines
    from broadsheet.demo.newsroom import SECTIONS
    from broadsheet.home.models import HomePage
    from broadsheet.sections.models import SectionPage

    home = HomePage.objects.get()
    for title, intro in SECTIONS:
        home.add_child(instance=SectionPage(title=title, slug=slugify(title), intro=intro))
    # The archive ends now, so freshness means what it means to a newsroom.
    start = datetime.now(UTC) - ARCHIVE_STEP * STORIES
    lines = archive_lines(
        count=STORIES, seed=SEED, start=start, step=ARCHIVE_STEP, with_topics=False
    )
    path = scratch / "archive.jsonl"
    by_time = {}
    with path.open("w", encoding="utf-8") as out:
        for number, (line, label) in enumerate(lines):
            out.write(line + "\n")
            by_time[start + ARCHIVE_STEP * number] = label
    started = time.perf_counter()
    quiet = open(os.devnull, "w")
    call_command("import_articles", str(path), stdout=quiet, stderr=quiet)
    print(f"  imported {STORIES:,} stories in {time.perf_counter() - started:.1f} s")
    moments = ArticlePage.objects.values_list("pk", "first_published_at")
    return {pk: by_time[moment] for pk, moment in moments}


def texts() -> dict[int, str]:
    """Headline, deck and body text of every story, as the baseline reads them."""
    from broadsheet.articles.models import ArticlePage

    found = {}
    for article in ArticlePage.objects.only("pk", "title", "deck", "body"):
        blocks = article.body.stream_block.get_searchable_content(article.body)
        found[article.pk] = "\n".join([article.title, article.deck, *blocks])
    return found


def read_also_precision(labels: dict[int, str], sample: list[int]) -> tuple[float, float]:
    """(precision@6 over the sample, over every story) of the stored picks."""
    from broadsheet.articles.selectors import READ_ALSO_LIMIT
    from broadsheet.discovery.models import ReadAlsoPick

    picks: dict[int, list[int]] = {}
    for article_id, related_id in ReadAlsoPick.objects.order_by("article", "position").values_list(
        "article", "related"
    ):
        picks.setdefault(article_id, []).append(related_id)

    def precision(pk: int) -> float:
        shown = picks.get(pk, [])[:READ_ALSO_LIMIT]
        return sum(labels[p] == labels[pk] for p in shown) / len(shown) if shown else 0.0

    return (
        sum(map(precision, sample)) / len(sample),
        sum(map(precision, labels)) / len(labels),
    )


def baseline_precision(labels: dict[int, str], sample: list[int]) -> float:
    from broadsheet.articles.selectors import READ_ALSO_LIMIT
    from broadsheet.discovery.related import (
        Corpus,
        StorySignals,
        plain_terms,
        tfidf_baseline_rank,
    )

    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    stories = [
        StorySignals(pk=pk, published_at=epoch, terms=plain_terms(text))
        for pk, text in texts().items()
    ]
    by_pk = {story.pk: story for story in stories}
    corpus = Corpus(stories)
    total = 0.0
    for pk in sample:
        picks = tfidf_baseline_rank(by_pk[pk], stories, limit=READ_ALSO_LIMIT, corpus=corpus)
        total += sum(labels[p] == labels[pk] for p in picks) / len(picks)
    return total / len(sample)


def rebuild() -> None:
    """Rank and store every story's Read also, the way the worker does, and time it."""
    from broadsheet.discovery.services import read_also_rebuild

    for run in ("first run, reading every story's text", "re-run, terms stored"):
        report = read_also_rebuild()
        print(
            f"  read_also_rebuild, {run}: {report.ranked:,} stories in {report.seconds:.1f} s "
            f"= {report.per_second:,.0f}/s"
        )


def suggestion_figures() -> bool:
    """Precision and recall of existing-topic suggestions against each story's own topics."""
    from broadsheet.articles.models import ArticlePage
    from broadsheet.discovery.topic_suggestions import TopicName, story_text, suggested_topics
    from broadsheet.topics.models import Topic

    topics = [
        TopicName(topic.pk, topic.name, tuple(topic.alias_list), topic.kind == Topic.Kind.THEME)
        for topic in Topic.objects.all()
    ]
    tagged: dict[int, set[int]] = {}
    for article_id, topic_id in ArticlePage.topics.through.objects.values_list(
        "articlepage_id", "topic_id"
    ):
        tagged.setdefault(article_id, set()).add(topic_id)
    suggested = right = 0
    for article in ArticlePage.objects.only("pk", "title", "deck", "body"):
        found = suggested_topics(text=story_text(article), topics=topics)
        ids = {topic.topic_id for topic in found}
        suggested += len(ids)
        right += len(ids & tagged.get(article.pk, set()))
    precision = right / suggested if suggested else 0.0
    recall = right / sum(map(len, tagged.values()))
    print(
        f"Topic suggestions (existing topics) on the demo newsroom: precision {precision:.3f} "
        f"(target ≥ {SUGGESTION_PRECISION_TARGET}), recall {recall:.3f}; {suggested:,} "
        f"suggested, {right:,} among the story's own topics"
    )
    return precision >= SUGGESTION_PRECISION_TARGET


def bench_corpus(corpus: str) -> int:
    scratch = use_scratch_database(corpus)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if corpus == "demo":
        print("Read also on the demo newsroom (topics, experts):")
        started = time.perf_counter()
        call_command("demo_newsroom", stdout=open(os.devnull, "w"))
        print(f"  generated in {time.perf_counter() - started:.1f} s")
        labels = demo_newsroom_labels()
    else:
        print("Read also on an imported archive without topics (labels kept only to score):")
        labels = archive_import(scratch)
    from broadsheet.articles.selectors import published_articles

    live = set(published_articles().values_list("pk", flat=True))
    labels = {pk: label for pk, label in labels.items() if pk in live}
    rebuild()
    sample = sorted(random.Random(3).sample(sorted(labels), min(SAMPLE, len(labels))))
    ours, everywhere = read_also_precision(labels, sample)
    started = time.perf_counter()
    baseline = baseline_precision(labels, sample)
    beaten = ours > baseline
    print(
        f"  precision@6 on {len(sample):,} stories: Read also {ours:.3f}, baseline TF-IDF "
        f"cosine {baseline:.3f} ({'beaten' if beaten else 'NOT BEATEN'}; the baseline took "
        f"{time.perf_counter() - started:.0f} s); Read also on all {len(labels):,}: "
        f"{everywhere:.3f}"
    )
    if corpus == "demo":
        beaten = suggestion_figures() and beaten
    return 0 if beaten else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.read_also", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--corpus", choices=("demo", "archive"), help="measure only this one")
    options = parser.parse_args()
    if options.corpus:
        return bench_corpus(options.corpus)
    worst = 0
    for corpus in ("demo", "archive"):
        child = [sys.executable, "-m", "bench.read_also", "--corpus", corpus]
        worst = max(worst, subprocess.run(child, check=False).returncode)
    return worst


if __name__ == "__main__":
    sys.exit(main())
