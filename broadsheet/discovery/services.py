import heapq
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.articles.selectors import published_articles
from broadsheet.caching.keys import keys_for
from broadsheet.caching.tasks import cache_purge_task
from broadsheet.core.slugs import unique_slug
from broadsheet.discovery.models import ReadAlsoChoice, ReadAlsoPick, StoryTerms
from broadsheet.discovery.related import Corpus, StorySignals, read_also_rank, story_terms
from broadsheet.topics.models import Topic

PIN = ReadAlsoChoice.Action.PIN


@transaction.atomic
def topic_promote(*, name: str, article, user=None) -> Topic:
    """Make `name` a topic (or find the one it already is) and tag the story's latest draft."""
    name = " ".join(name.split())[:120]
    topic = Topic.objects.filter(name__iexact=name).first()
    if topic is None:
        # ASCII, as the importer makes them: topic addresses take only `<slug:slug>`.
        base = slugify(name)[:110] or "topic"
        taken = set(Topic.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        topic = Topic.objects.create(name=name, slug=unique_slug(base, taken, max_length=120))
    draft = article.get_latest_revision_as_object()
    if topic not in draft.topics.all():
        draft.topics = [*draft.topics.all(), topic]
        draft.save_revision(user=user, log_action=True)
    return topic


# Stories ranked against each one: the newest this many (their wording also gives the corpus
# statistics), plus the newest this many sharing one of its topics.
READ_ALSO_RECENT = 3000
READ_ALSO_TOPICAL = 1000
# Stored per story: more than the block shows, so an unpublished pick leaves no gap.
READ_ALSO_STORED = 12
# Stories ranked and stored per transaction by a rebuild: an interrupted run keeps what it did.
READ_ALSO_REBUILD_CHUNK = 500
# Signals of stories outside the pool kept between chunks; past this they are read again.
READ_ALSO_OTHERS_KEPT = 20000


@dataclass
class ReadAlsoRebuildReport:
    total: int = 0
    ranked: int = 0
    picks: int = 0
    empty: int = 0
    cleared: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.ranked / self.seconds if self.seconds else 0.0


def _story_signals(pks) -> list[StorySignals]:
    """Signals for each article, computing and storing term counts that are missing or stale."""
    rows = list(
        ArticlePage.objects.filter(pk__in=pks).values(
            "pk", "first_published_at", "path", "live_revision_id", "title", "deck"
        )
    )
    pks = [row["pk"] for row in rows]
    stored = {
        t.article_id: t
        for t in StoryTerms.objects.filter(article_id__in=pks).only(
            "article_id", "terms", "revision_id"
        )
    }
    missing = [
        row
        for row in rows
        if row["pk"] not in stored or stored[row["pk"]].revision_id != row["live_revision_id"]
    ]
    if missing:
        bodies = dict(
            ArticlePage.objects.filter(pk__in=[row["pk"] for row in missing]).values_list(
                "pk", "body"
            )
        )
        fresh = []
        for row in missing:
            body = ArticlePage._meta.get_field("body").to_python(bodies[row["pk"]])
            text = "\n".join(body.stream_block.get_searchable_content(body))
            fresh.append(
                StoryTerms(
                    article_id=row["pk"],
                    terms=story_terms(headline=row["title"], deck=row["deck"], body=text),
                    revision_id=row["live_revision_id"],
                )
            )
        StoryTerms.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["terms", "revision_id"],
        )
        stored.update({t.article_id: t for t in fresh})
    links = {}
    for model, field in (
        (ArticlePage.topics.through, "topic_id"),
        (ArticlePage.experts.through, "expert_id"),
    ):
        for article_id, other in model.objects.filter(articlepage_id__in=pks).values_list(
            "articlepage_id", field
        ):
            links.setdefault((field, article_id), set()).add(other)
    for article_id, author in ArticleByline.objects.filter(page_id__in=pks).values_list(
        "page_id", "author_id"
    ):
        links.setdefault(("author_id", article_id), set()).add(author)
    return [
        StorySignals(
            pk=row["pk"],
            published_at=row["first_published_at"],
            section_id=row["path"][: -ArticlePage.steplen],
            terms=stored[row["pk"]].terms,
            topics=frozenset(links.get(("topic_id", row["pk"]), ())),
            experts=frozenset(links.get(("expert_id", row["pk"]), ())),
            authors=frozenset(links.get(("author_id", row["pk"]), ())),
        )
        for row in rows
    ]


def _stories_by_topic(topic_ids=None) -> dict[int, list[tuple]]:
    """Live, public stories under each topic (or each of `topic_ids`), newest first."""
    links = ArticlePage.topics.through.objects.filter(
        articlepage_id__in=published_articles().values("pk")
    )
    if topic_ids is not None:
        links = links.filter(topic_id__in=topic_ids)
    by_topic = defaultdict(list)
    for topic_id, pk, published_at in links.values_list(
        "topic_id", "articlepage_id", "articlepage__first_published_at"
    ):
        by_topic[topic_id].append((published_at, pk))
    for stories in by_topic.values():
        stories.sort(reverse=True)
    return by_topic


class _ReadAlsoRanking:
    """The pool every story is ranked against, built once however many stories are ranked.

    Candidates for a story are the pool (the newest READ_ALSO_RECENT live stories, whose wording
    gives the corpus statistics) and the newest READ_ALSO_TOPICAL stories sharing a topic with it.
    """

    def __init__(self, *, now, topic_ids=None):
        self.now = now
        pool_ids = list(published_articles().values_list("pk", flat=True)[:READ_ALSO_RECENT])
        self.pool = _story_signals(pool_ids)
        self.in_pool = {story.pk: story for story in self.pool}
        self.corpus = Corpus(self.pool)
        self.by_topic = _stories_by_topic(topic_ids)
        self.others: dict[int, StorySignals] = {}

    def _signals(self, pks) -> dict[int, StorySignals]:
        wanted = [pk for pk in pks if pk not in self.in_pool and pk not in self.others]
        if wanted:
            if len(self.others) + len(wanted) > READ_ALSO_OTHERS_KEPT:
                self.others.clear()
            for start in range(0, len(wanted), READ_ALSO_REBUILD_CHUNK):
                batch = wanted[start : start + READ_ALSO_REBUILD_CHUNK]
                self.others.update((s.pk, s) for s in _story_signals(batch))
        return {pk: self.in_pool.get(pk) or self.others.get(pk) for pk in pks}

    def _topical(self, story: StorySignals) -> list[int]:
        found: dict[int, None] = {}
        for _, pk in heapq.merge(*(self.by_topic.get(t, ()) for t in story.topics), reverse=True):
            if pk != story.pk:
                found[pk] = None
                if len(found) == READ_ALSO_TOPICAL:
                    break
        return list(found)

    @transaction.atomic
    def store(self, article_ids: list[int]) -> dict[int, list[int]]:
        """Rank each live story, replace its stored picks (pins first, exclusions out)."""
        stories = self._signals(article_ids)
        topical = {pk: self._topical(story) for pk, story in stories.items() if story}
        others = self._signals({pk for pks in topical.values() for pk in pks} - set(self.in_pool))
        choices = defaultdict(list)
        for choice in ReadAlsoChoice.objects.filter(page_id__in=article_ids).order_by("sort_order"):
            choices[choice.page_id].append(choice)
        wanted = {c.related_id for cs in choices.values() for c in cs if c.action == PIN}
        public = set(published_articles().filter(pk__in=wanted).values_list("pk", flat=True))
        found, rows = {}, []
        for pk, story in stories.items():
            if story is None:
                continue
            excluded = {c.related_id for c in choices[pk] if c.action != PIN}
            pinned = [
                related
                for related in dict.fromkeys(c.related_id for c in choices[pk] if c.action == PIN)
                if related in public and related != pk
            ]
            extra = [others[o] for o in topical[pk] if o not in self.in_pool and others.get(o)]
            candidates = self.pool + extra
            if excluded:
                candidates = [c for c in candidates if c.pk not in excluded]
            ranked = read_also_rank(
                story, candidates, now=self.now, limit=READ_ALSO_STORED, corpus=self.corpus
            )
            picks = [(related, 1.0 + len(pinned) - i) for i, related in enumerate(pinned)]
            picks += [(related, score) for related, score in ranked if related not in pinned]
            picks = picks[:READ_ALSO_STORED]
            found[pk] = [related for related, _ in picks]
            rows += [
                ReadAlsoPick(article_id=pk, related_id=related, position=position, score=score)
                for position, (related, score) in enumerate(picks)
            ]
        ReadAlsoPick.objects.filter(article_id__in=list(found)).delete()
        ReadAlsoPick.objects.bulk_create(rows)
        return found


def _stored_picks(article_ids: list[int]) -> dict[int, list[int]]:
    picks = defaultdict(list)
    for article_id, related_id in (
        ReadAlsoPick.objects.filter(article_id__in=article_ids)
        .order_by("article_id", "position")
        .values_list("article_id", "related_id")
    ):
        picks[article_id].append(related_id)
    return picks


def read_also_refresh(*, article_id: int, now=None) -> list[int]:
    """Rank and store the story's Read also (pins first, exclusions out); return its picks."""
    if not published_articles().filter(pk=article_id).exists():
        ReadAlsoPick.objects.filter(article_id=article_id).delete()
        return []
    topic_ids = ArticlePage.topics.through.objects.filter(articlepage_id=article_id).values_list(
        "topic_id", flat=True
    )
    ranking = _ReadAlsoRanking(now=now or timezone.now(), topic_ids=list(topic_ids))
    return ranking.store([article_id]).get(article_id, [])


def read_also_rebuild(
    *,
    article_ids: list[int] | None = None,
    since: datetime | None = None,
    missing: bool = False,
    reread: bool = False,
    now: datetime | None = None,
    progress: Callable[[ReadAlsoRebuildReport], None] | None = None,
) -> ReadAlsoRebuildReport:
    """Rank and store Read also for every live story (or those published `since`, or
    `article_ids`, or with no stored picks yet), newest first, as the worker would one by one.

    Picks of stories no longer live and public are dropped. `reread` reads their text again,
    after a change to `related.story_terms`. Each chunk commits on its own, so an interrupted
    rebuild keeps what it finished and a re-run (with `missing`) takes up the rest.
    """
    started = time.perf_counter()
    report = ReadAlsoRebuildReport()
    stale = ReadAlsoPick.objects.exclude(article_id__in=published_articles().values("pk"))
    targets = published_articles()
    if article_ids is not None:
        stale = stale.filter(article_id__in=article_ids)
        targets = targets.filter(pk__in=article_ids)
    if since is not None:
        targets = targets.filter(first_published_at__gte=since)
    if missing:
        targets = targets.exclude(pk__in=ReadAlsoPick.objects.values("article_id"))
    report.cleared = stale.values("article_id").distinct().count()
    stale.delete()
    if reread:
        StoryTerms.objects.filter(article__in=targets.values("pk")).delete()
    ids = list(targets.values_list("pk", flat=True))
    report.total = len(ids)
    if ids:
        ranking = _ReadAlsoRanking(now=now or timezone.now())
        for start in range(0, len(ids), READ_ALSO_REBUILD_CHUNK):
            chunk = ids[start : start + READ_ALSO_REBUILD_CHUNK]
            before = _stored_picks(chunk)
            found = ranking.store(chunk)
            # Pages cached with the old block are out of date, as when the worker re-ranks one.
            changed = [pk for pk, picks in found.items() if picks != before.get(pk, [])]
            if changed:
                keys = keys_for(ArticlePage, changed)
                transaction.on_commit(partial(cache_purge_task.enqueue, keys=keys))
            report.ranked += len(found)
            report.picks += sum(len(picks) for picks in found.values())
            report.empty += sum(not picks for picks in found.values())
            report.seconds = time.perf_counter() - started
            if progress:
                progress(report)
    report.seconds = time.perf_counter() - started
    return report
