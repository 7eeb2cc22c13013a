from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.articles.selectors import published_articles
from broadsheet.core.slugs import unique_slug
from broadsheet.discovery.models import ReadAlsoChoice, ReadAlsoPick, StoryTerms
from broadsheet.discovery.related import StorySignals, read_also_rank, story_terms
from broadsheet.topics.models import Topic


@transaction.atomic
def topic_promote(*, name: str, article, user=None) -> Topic:
    """Make `name` a topic (or find the one it already is) and tag the story's latest draft."""
    name = " ".join(name.split())[:120]
    topic = Topic.objects.filter(name__iexact=name).first()
    if topic is None:
        base = slugify(name, allow_unicode=True)[:110] or "topic"
        taken = set(Topic.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        topic = Topic.objects.create(name=name, slug=unique_slug(base, taken, max_length=120))
    draft = article.get_latest_revision_as_object()
    if topic not in draft.topics.all():
        draft.topics = [*draft.topics.all(), topic]
        draft.save_revision(user=user, log_action=True)
    return topic


# Stories ranked against each one: the most recent this many, plus those sharing a topic.
READ_ALSO_RECENT = 3000
READ_ALSO_TOPICAL = 1000
# Stored per story: more than the block shows, so an unpublished pick leaves no gap.
READ_ALSO_STORED = 12


def _story_signals(articles) -> list:
    """Signals for each article, computing and storing term counts that are missing or stale."""
    rows = list(
        articles.values(
            "pk", "first_published_at", "path", "depth", "live_revision_id", "title", "deck"
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


@transaction.atomic
def read_also_refresh(*, article_id: int, now=None) -> list[int]:
    """Rank and store the story's Read also (pins first, exclusions out); return its picks."""
    now = now or timezone.now()
    article = published_articles().filter(pk=article_id).first()
    if article is None:
        ReadAlsoPick.objects.filter(article_id=article_id).delete()
        return []
    others = published_articles().exclude(pk=article_id).order_by("-first_published_at")
    recent = others.values_list("pk", flat=True)[:READ_ALSO_RECENT]
    topical = others.filter(
        topics__in=ArticlePage.topics.through.objects.filter(articlepage_id=article_id).values(
            "topic_id"
        )
    ).values_list("pk", flat=True)[:READ_ALSO_TOPICAL]
    candidate_ids = set(recent) | set(topical)
    signals = _story_signals(ArticlePage.objects.filter(pk__in=candidate_ids | {article_id}))
    story = next(s for s in signals if s.pk == article_id)
    choices = list(ReadAlsoChoice.objects.filter(page_id=article_id).order_by("sort_order"))
    excluded = {c.related_id for c in choices if c.action == ReadAlsoChoice.Action.EXCLUDE}
    wanted = [c.related_id for c in choices if c.action == ReadAlsoChoice.Action.PIN]
    public = set(published_articles().filter(pk__in=wanted).values_list("pk", flat=True))
    pinned = [pk for pk in dict.fromkeys(wanted) if pk in public and pk != article_id]
    ranked = read_also_rank(
        story,
        [s for s in signals if s.pk != article_id and s.pk not in excluded],
        now=now,
        limit=READ_ALSO_STORED,
    )
    picks = [(pk, 1.0 + len(pinned) - i) for i, pk in enumerate(pinned)]
    picks += [(pk, score) for pk, score in ranked if pk not in pinned]
    picks = picks[:READ_ALSO_STORED]
    ReadAlsoPick.objects.filter(article_id=article_id).delete()
    ReadAlsoPick.objects.bulk_create(
        ReadAlsoPick(article_id=article_id, related_id=pk, position=position, score=score)
        for position, (pk, score) in enumerate(picks)
    )
    return [pk for pk, _ in picks]
