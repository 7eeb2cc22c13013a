"""Import stories from JSON Lines: new ones through the bulk path, changed ones as new revisions."""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify
from wagtail.search.backends import get_search_backends

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.articles.services import ArticleDraft, articles_bulk_create
from broadsheet.authors.models import Author
from broadsheet.caching import keys
from broadsheet.caching.tasks import cache_purge_task
from broadsheet.core.slugs import unique_slug
from broadsheet.discovery.tasks import search_recent_index_task
from broadsheet.imports.lines import LineError, StoryLine, story_line_parse
from broadsheet.imports.models import ImportedArticle
from broadsheet.imports.tasks import imported_image_fetch
from broadsheet.sections.models import SectionPage
from broadsheet.topics.models import Topic

# Lines per transaction: a crash loses at most one chunk's work, and a re-run skips the rest.
CHUNK_LINES = 1000


@dataclass
class ImportReport:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    authors_created: int = 0
    topics_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        return self.created + self.updated

    @property
    def per_second(self) -> float:
        return self.imported / self.seconds if self.seconds else 0.0


class _Names:
    """Authors or topics by name, case-insensitively; missing ones are created in bulk."""

    def __init__(self, model):
        self.model = model
        self.created = 0
        self._load()

    def _load(self) -> None:
        self.by_name = {obj.name.casefold(): obj for obj in self.model.objects.all()}
        self.slugs = set(self.model.objects.values_list("slug", flat=True))

    def ensure(self, names: Iterable[str]) -> None:
        wanted: dict[str, str] = {}
        for name in names:
            wanted.setdefault(name.casefold(), name)
        for attempt in range(1, 4):
            # In name order, so that imports creating the same names at once take their locks
            # in the same order and one waits for the other rather than deadlocking.
            missing = [
                self.model(name=name, slug=self._slug(name))
                for key, name in sorted(wanted.items())
                if key not in self.by_name
            ]
            if not missing:
                return
            try:
                with transaction.atomic():
                    rows = self.model.objects.bulk_create(missing)
            except IntegrityError:
                # Another import running at once has created some of them since this one read
                # the names (its address is taken): read them again and create only the rest.
                if attempt == 3:
                    raise
                self._load()
                continue
            # bulk_create sends no post_save, so the search index is told directly.
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(self.model, rows)
            self.by_name.update((row.name.casefold(), row) for row in rows)
            self.created += len(rows)
            return

    def get(self, names: list[str]) -> list:
        return [self.by_name[name.casefold()] for name in names]

    def _slug(self, name: str) -> str:
        # ASCII: topic and author addresses take only `<slug:slug>` ([-a-zA-Z0-9_]), so "Zoë"
        # is "zoe", and a name with no Latin letters at all ("远征手记") becomes "topic-2".
        base = slugify(name)[:110] or self.model._meta.model_name
        return unique_slug(base, self.slugs, max_length=120)


def articles_import(
    *,
    lines: Iterable[str],
    zone: ZoneInfo,
    owner: AbstractBaseUser | None = None,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Create or update one article per JSON line; report bad lines by number and skip them."""
    parsed = (
        (number, _line_parse(number, raw, zone=zone) if raw.strip() else None)
        for number, raw in enumerate(lines, start=1)
    )
    return stories_import(stories=parsed, owner=owner, progress=progress)


def stories_import(
    *,
    stories: Iterable[tuple[int, StoryLine | LineError | None]],
    owner: AbstractBaseUser | None = None,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Create or update one article per story, whatever file it was read from.

    Each story comes with the line it was read at; a `LineError` in its place is reported by
    that number and skipped, a None (a blank line) only counted.
    """
    started = time.perf_counter()
    report = ImportReport()
    sections = _sections()
    authors, topics = _Names(Author), _Names(Topic)
    chunk: list[StoryLine] = []
    for number, story in stories:
        report.lines = number
        if story is None:
            continue
        if not isinstance(story, LineError) and _section_key(story.section) not in sections:
            story = LineError(
                f"section: no section {story.section!r} "
                f"(known: {', '.join(sorted({s.slug for s in sections.values()}))})"
            )
        if isinstance(story, LineError):
            report.errors.append((number, str(story)))
            continue
        chunk.append(story)
        if len(chunk) >= CHUNK_LINES:
            _chunk_import(chunk, sections, authors, topics, owner, report)
            chunk = []
            report.seconds = time.perf_counter() - started
            if progress:
                progress(report)
    if chunk:
        _chunk_import(chunk, sections, authors, topics, owner, report)
    report.authors_created, report.topics_created = authors.created, topics.created
    if report.created or report.updated:
        # New stories sent no publish signals; they can belong on any list, so every cached
        # reader page is purged once.
        cache_purge_task.enqueue(keys=[keys.SITE])
    if report.created:
        # An archive's worth of stories may call for the newest to get their own search indexes.
        transaction.on_commit(search_recent_index_task.enqueue)
    report.seconds = time.perf_counter() - started
    if progress:
        progress(report)
    return report


def section_keys() -> set[str]:
    """What a story may name as its section: every section's slug and title, case-folded."""
    return set(_sections())


def _line_parse(number: int, raw: str, *, zone: ZoneInfo) -> StoryLine | LineError:
    try:
        return story_line_parse(number, raw, zone=zone)
    except LineError as error:
        return error


def _section_key(value: str) -> str:
    return value.strip().casefold()


def _sections() -> dict[str, SectionPage]:
    """Sections by slug and by title: a line may name either."""
    found = {}
    for section in SectionPage.objects.all():
        found[section.slug.casefold()] = section
        found.setdefault(section.title.casefold(), section)
    return found


@transaction.atomic
def _chunk_import(chunk, sections, authors, topics, owner, report: ImportReport) -> None:
    # A key repeated inside a chunk: the later line is the story's latest version.
    latest = {story.key: story for story in chunk}
    records = {
        record.key: record
        for record in ImportedArticle.objects.filter(key__in=latest).select_related("article")
    }
    adopted = _existing_by_slug(
        [s for s in latest.values() if s.slug and s.key not in records], sections
    )
    authors.ensure(name for story in latest.values() for name in story.authors)
    topics.ensure(name for story in latest.values() for name in story.topics)

    new, changed = [], []
    for story in latest.values():
        record = records.get(story.key)
        if record is not None and record.fingerprint == story.fingerprint:
            report.unchanged += 1
        elif record is not None:
            changed.append((story, record.article_id))
        elif (section_slug := sections[_section_key(story.section)].pk, story.slug) in adopted:
            changed.append((story, adopted[(section_slug, story.slug)]))
        else:
            new.append(story)

    drafts = [
        ArticleDraft(
            section=sections[_section_key(story.section)],
            article=ArticlePage(first_published_at=story.published_at, **_fields(story)),
            authors=authors.get(story.authors),
            topics=topics.get(story.topics),
        )
        for story in new
    ]
    created = articles_bulk_create(drafts=drafts, owner=owner)
    rows = [_record(story, article.pk) for story, article in zip(new, created, strict=True)]
    report.created += len(created)

    for story, article_id in list(changed):
        try:
            with transaction.atomic():
                _article_update(story, article_id, authors, topics, owner)
        except ValidationError as error:
            # The new version does not fit its story (a slug another story holds): the line is
            # reported and the story stays as it was.
            problems = "; ".join(f"{name}: {' '.join(m)}" for name, m in error.message_dict.items())
            report.errors.append((story.number, problems))
            changed.remove((story, article_id))
            continue
        rows.append(_record(story, article_id))
    report.updated += len(changed)
    # A line that takes over a story by its address (another id's, in an earlier file) becomes
    # the story's key: a story has one import record.
    ImportedArticle.objects.filter(article_id__in=[a for _, a in changed]).exclude(
        key__in=latest
    ).delete()
    ImportedArticle.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["article", "fingerprint", "imported_at", "image_url"],
    )
    # Images are fetched by the worker once this chunk commits; one not yet attached (a failed
    # fetch on an earlier run included) is tried again.
    waiting = (
        ImportedArticle.objects.filter(key__in=latest)
        .exclude(image_url="")
        .exclude(image_url=F("image_attached_url"))
        .values_list("pk", flat=True)
    )
    for record_id in waiting:
        transaction.on_commit(partial(imported_image_fetch.enqueue, record_id))


def _record(story: StoryLine, article_id: int) -> ImportedArticle:
    return ImportedArticle(
        key=story.key,
        article_id=article_id,
        fingerprint=story.fingerprint,
        image_url=story.image_url,
    )


def _fields(story: StoryLine) -> dict:
    return {
        "title": story.headline,
        "deck": story.deck,
        "kind": story.kind,
        "body": story.body,
        "slug": story.slug,
        "source_name": story.source_name,
        "source_url": story.source_url,
    }


def _existing_by_slug(stories: list[StoryLine], sections) -> dict[tuple[int, str], int]:
    """Articles already at the address a line asks for, which the import then updates."""
    if not stories:
        return {}
    wanted = {(sections[_section_key(s.section)], s.slug) for s in stories}
    found = {}
    for section, slug in wanted:
        pk = (
            ArticlePage.objects.child_of(section)
            .filter(slug=slug)
            .values_list("pk", flat=True)
            .first()
        )
        if pk:
            found[(section.pk, slug)] = pk
    return found


def _article_update(story: StoryLine, article_id: int, authors, topics, owner) -> None:
    """A changed line is a new revision of its article, published as Wagtail publishes edits."""
    article = ArticlePage.objects.get(pk=article_id)
    fields = _fields(story)
    if not fields["slug"]:
        del fields["slug"]
    for name, value in fields.items():
        setattr(article, name, value)
    article.first_published_at = story.published_at
    article.topics = topics.get(story.topics)
    article.bylines = [
        ArticleByline(author=author, sort_order=order)
        for order, author in enumerate(authors.get(story.authors))
    ]
    article.save_revision(user=owner, log_action=True).publish(user=owner)
