"""Writes to articles that go around Wagtail's one-page-at-a-time publishing path."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.db.models import CharField, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.models import get_all_child_relations
from treebeard.exceptions import PathOverflow
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backends

from broadsheet.articles.models import ARTICLE_RESERVED_SLUGS, ArticleByline, ArticlePage
from broadsheet.authors.models import Author
from broadsheet.core.pages import below
from broadsheet.core.slugs import unique_slug
from broadsheet.discovery.search_index import search_entries_write
from broadsheet.experts.models import Expert
from broadsheet.topics.models import Topic

# Rows per INSERT: well inside SQLite's and PostgreSQL's bound-parameter limits for every table
# written here, and large enough that a batch costs a handful of round trips.
BULK_BATCH_SIZE = 500
# Wagtail's slug field, and room for unique_slug's `-N` on a slug cut to fit it.
SLUG_LENGTH = 255
NUMBER_ROOM = 8


@dataclass
class ArticleDraft:
    """A new article for `articles_bulk_create`: the unsaved page, where it goes, who and what.

    `article.first_published_at` backdates the story (default: now); an empty slug is made from
    the headline.
    """

    section: Page
    article: ArticlePage
    authors: Sequence[Author] = field(default_factory=tuple)
    topics: Sequence[Topic] = field(default_factory=tuple)
    experts: Sequence[Expert] = field(default_factory=tuple)


def _children_state(parent: Page, wanted: set[str]) -> tuple[int, set[str]]:
    """The last used path step under `parent`, and those of the `wanted` slugs (with their
    numbered variants) that its children already use.

    Only those: a section of a million-story archive has hundreds of thousands of children, and
    reading every one of their slugs for each chunk made an import slower the bigger it grew.
    """
    children = Page.objects.filter(below(parent.path), depth=parent.depth + 1)
    last_path = children.order_by("-path").values_list("path", flat=True).first()
    last_step = Page._str2int(last_path[-Page.steplen :]) if last_path else 0
    taken = set(children.filter(slug__in=wanted).values_list("slug", flat=True))
    # A story never takes the address of its section's feed: it becomes `feed-2`.
    taken |= ARTICLE_RESERVED_SLUGS & wanted
    if taken:
        # unique_slug numbers a taken slug as `slug-2`, `slug-3`…, cut to fit.
        variants = Q()
        for slug in taken:
            variants |= Q(slug__startswith=f"{slug[: SLUG_LENGTH - NUMBER_ROOM]}-")
        taken |= set(children.filter(variants).values_list("slug", flat=True))
    return last_step, taken


def _wanted_slug(article: ArticlePage) -> str:
    return article.slug or slugify(article.title, allow_unicode=True)[:SLUG_LENGTH] or "article"


@transaction.atomic
def articles_bulk_create(
    *, drafts: Sequence[ArticleDraft], owner: AbstractBaseUser | None = None
) -> list[ArticlePage]:
    """Create and publish many articles at once; return them, saved, in the order given.

    Each comes out as Wagtail's publish leaves a new page: in the page tree under its section,
    live, with one revision as its latest and live revision, bylines, topics and experts, log
    entries, reference-index rows and search-index entries. Slugs already used under a section
    get a numbered suffix. No `page_published` signals are sent: follow-up work for an import is
    done once, by the caller.
    """
    if not drafts:
        return []
    article_type = ContentType.objects.get_for_model(ArticlePage)
    page_type = ContentType.objects.get_for_model(Page)

    articles = _pages_insert(drafts, owner=owner, article_type=article_type)
    _relations_insert(drafts, articles)
    _revisions_insert(articles, owner=owner, article_type=article_type, page_type=page_type)
    if ReferenceIndex.is_indexed(ArticlePage):
        _references_insert(articles, article_type=article_type, page_type=page_type)
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(ArticlePage, articles)
    search_entries_write(articles=articles)
    return articles


def _pages_insert(
    drafts: Sequence[ArticleDraft], *, owner, article_type: ContentType
) -> list[ArticlePage]:
    """Place each article in the tree under its section, and write its page and article rows."""
    using = router.db_for_write(Page)
    now = timezone.now()
    # Locking the sections keeps two importers from handing out the same tree paths (PostgreSQL;
    # SQLite's IMMEDIATE transactions already serialise writers).
    parents = Page.objects.select_for_update().in_bulk({draft.section.pk for draft in drafts})
    for parent in parents.values():
        if not ArticlePage.can_exist_under(parent):
            raise ValueError(f"An article cannot go under {parent.title!r} (page {parent.pk}).")
    wanted = {pk: set() for pk in parents}
    for draft in drafts:
        wanted[draft.section.pk].add(_wanted_slug(draft.article))
    tree_state = {pk: _children_state(parent, wanted[pk]) for pk, parent in parents.items()}
    last_step = {pk: step for pk, (step, __) in tree_state.items()}
    added = dict.fromkeys(parents, 0)

    articles = []
    for draft in drafts:
        parent, article = parents[draft.section.pk], draft.article
        last_step[parent.pk] += 1
        added[parent.pk] += 1
        if len(Page._int2str(last_step[parent.pk])) > Page.steplen:
            raise PathOverflow(f"Section {parent.pk} has no room for more children.")
        published_at = article.first_published_at or now
        article.slug = unique_slug(
            _wanted_slug(article), tree_state[parent.pk][1], max_length=SLUG_LENGTH
        )
        article.path = Page._get_path(parent.path, parent.depth + 1, last_step[parent.pk])
        article.depth = parent.depth + 1
        article.numchild = 0
        article.url_path = f"{parent.url_path}{article.slug}/"
        article.draft_title = article.title
        article.content_type = article_type
        article.locale_id = article.locale_id or parent.locale_id
        article.owner = owner
        article.live = True
        article.has_unpublished_changes = False
        article.expired = False
        article.first_published_at = published_at
        article.last_published_at = article.last_published_at or published_at
        article.latest_revision_created_at = published_at
        articles.append(article)

    page_fields = [f.attname for f in Page._meta.concrete_fields if not f.primary_key]
    page_rows = [Page(**{name: getattr(a, name) for name in page_fields}) for a in articles]
    Page.objects.bulk_create(page_rows, batch_size=BULK_BATCH_SIZE)
    for article, row in zip(articles, page_rows, strict=True):
        article.id = article.page_ptr_id = row.pk
        article._state.adding = False
        article._state.db = using
    # Django refuses bulk_create() on multi-table-inherited models; the page rows exist now, so
    # the article rows go in through the same manager call Model.save() uses for that table.
    fields = ArticlePage._meta.local_concrete_fields
    for start in range(0, len(articles), BULK_BATCH_SIZE):
        batch = articles[start : start + BULK_BATCH_SIZE]
        ArticlePage._base_manager._insert(batch, fields=fields, using=using)

    for parent_pk, count in added.items():
        Page.objects.filter(pk=parent_pk).update(numchild=F("numchild") + count)
    for draft in drafts:
        draft.section.numchild = parents[draft.section.pk].numchild + added[draft.section.pk]
    return articles


@cache
def _empty_child_relations() -> tuple[str, ...]:
    """Every child relation of an article except bylines: corrections, comments and so on."""
    return tuple(
        relation.get_accessor_name()
        for relation in get_all_child_relations(ArticlePage)
        if relation.get_accessor_name() != "bylines"
    )


def _relations_insert(drafts: Sequence[ArticleDraft], articles: list[ArticlePage]) -> None:
    """Write bylines (in order), topics and experts, and keep them on the articles in memory."""
    TopicLink = ArticlePage.topics.through
    ExpertLink = ArticlePage.experts.through
    bylines, topic_rows, expert_rows = [], [], []
    for draft, article in zip(drafts, articles, strict=True):
        bylines.append(
            [
                ArticleByline(page=article, author=author, sort_order=order)
                for order, author in enumerate(draft.authors)
            ]
        )
        topics = list(dict.fromkeys(draft.topics))
        experts = list(dict.fromkeys(draft.experts))
        topic_rows += [TopicLink(articlepage_id=article.pk, topic_id=t.pk) for t in topics]
        expert_rows += [ExpertLink(articlepage_id=article.pk, expert_id=e.pk) for e in experts]
        # The revision, the reference index and the search index read these without a query.
        article.topics = topics
        article.experts = experts
        # A new article has no child rows of these kinds yet; saying so spares a query per
        # article and per kind when the revision and the reference index are written.
        for relation in _empty_child_relations():
            setattr(article, relation, [])
    ArticleByline.objects.bulk_create(
        [byline for group in bylines for byline in group], batch_size=BULK_BATCH_SIZE
    )
    for article, article_bylines in zip(articles, bylines, strict=True):
        article.bylines = article_bylines
    TopicLink.objects.bulk_create(topic_rows, batch_size=BULK_BATCH_SIZE)
    ExpertLink.objects.bulk_create(expert_rows, batch_size=BULK_BATCH_SIZE)


def _revisions_insert(
    articles: list[ArticlePage], *, owner, article_type: ContentType, page_type: ContentType
) -> None:
    """Give each article its one revision, live and latest, and the log of its publication."""
    revisions = Revision.objects.bulk_create(
        [
            Revision(
                content_type=article_type,
                base_content_type=page_type,
                object_id=str(article.pk),
                created_at=article.latest_revision_created_at,
                user=owner,
                object_str=str(article),
                content=article.serializable_data(),
            )
            for article in articles
        ],
        batch_size=BULK_BATCH_SIZE,
    )
    for article, revision in zip(articles, revisions, strict=True):
        article.latest_revision = article.live_revision = revision
    # One UPDATE per batch that looks each page's revision up, rather than a CASE per page.
    revision_of_page = Subquery(
        Revision.objects.filter(
            base_content_type=page_type, object_id=Cast(OuterRef("pk"), CharField())
        ).values("pk")[:1]
    )
    for start in range(0, len(articles), BULK_BATCH_SIZE):
        Page.objects.filter(
            pk__in=[article.pk for article in articles[start : start + BULK_BATCH_SIZE]]
        ).update(latest_revision=revision_of_page, live_revision=revision_of_page)

    log_entries = []
    for article, revision in zip(articles, revisions, strict=True):
        action_uuid = uuid.uuid4()
        for action in ("wagtail.create", "wagtail.publish"):
            log_entries.append(
                PageLogEntry(
                    content_type=article_type,
                    label=article.get_admin_display_title(),
                    action=action,
                    timestamp=article.first_published_at,
                    uuid=action_uuid,
                    user=owner,
                    revision=revision if action == "wagtail.publish" else None,
                    content_changed=True,
                    page_id=article.pk,
                )
            )
    PageLogEntry.objects.bulk_create(log_entries, batch_size=BULK_BATCH_SIZE)


def _references_insert(
    articles: list[ArticlePage], *, article_type: ContentType, page_type: ContentType
) -> None:
    """Record what each new article points at (lead image, body images, byline authors)."""
    # A new page has no references yet: write them in one go instead of Wagtail's per-object
    # diff against existing rows (ReferenceIndex.create_or_update_for_object).
    rows = [
        ReferenceIndex(
            content_type=article_type,
            base_content_type=page_type,
            object_id=str(article.pk),
            to_content_type_id=to_content_type_id,
            to_object_id=to_object_id,
            model_path=model_path,
            content_path=content_path,
            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
        )
        for article in articles
        for to_content_type_id, to_object_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(article)
        )
    ]
    ReferenceIndex.objects.bulk_create(rows, batch_size=BULK_BATCH_SIZE)
