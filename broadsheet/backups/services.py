"""Back up the database and media files into one archive, and restore a site from one."""

import shutil
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.loader import MigrationLoader
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from broadsheet.backups import media
from broadsheet.backups.archive import (
    FORMAT,
    FORMAT_VERSION,
    MEDIA_PREFIX,
    ArchiveWriter,
    archive_open,
    archive_unpack,
    manifest_read,
)
from broadsheet.backups.databases import database_for, display_name, snapshot_read
from broadsheet.backups.exceptions import BackupError

Progress = Callable[[str], None]


def counted_models() -> dict[str, type]:
    """The newsroom's records, counted in the manifest and checked again after a restore."""
    return {
        "articles": apps.get_model("articles", "ArticlePage"),
        "revisions": apps.get_model("wagtailcore", "Revision"),
        "corrections": apps.get_model("desk", "Correction"),
        "queue entries": apps.get_model("desk", "QueueEntry"),
        "Telegram deliveries": apps.get_model("distribution", "TelegramDelivery"),
        "images": get_image_model(),
        "documents": get_document_model(),
    }


def _counts(snapshot_counts: dict[str, int]) -> dict[str, int]:
    return {name: snapshot_counts[model._meta.db_table] for name, model in counted_models().items()}


def _tables() -> list[str]:
    return [model._meta.db_table for model in counted_models().values()]


def _plural(count: int, name: str) -> str:
    if count == 1:
        name = {"queue entries": "queue entry", "Telegram deliveries": "Telegram delivery"}.get(
            name, name.removesuffix("s")
        )
    return f"{count:,} {name}"


def counts_line(counts: dict[str, int], *, media_files: int | None = None) -> str:
    """'2,143 articles, 4,310 revisions, 38 media files'."""
    parts = [_plural(count, name) for name, count in counts.items()]
    if media_files is not None:
        parts.append(_plural(media_files, "media files"))
    return ", ".join(parts)


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]
    media_files: int
    size: int

    @property
    def summary(self) -> str:
        line = counts_line(
            {name: self.counts[name] for name in ("articles", "revisions")},
            media_files=self.media_files,
        )
        return f"Backed up {line} to {self.path} ({_size(self.size)})"


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    counts: dict[str, int]
    media_files: int
    pending_migrations: int

    @property
    def summary(self) -> str:
        line = counts_line(
            {name: self.counts[name] for name in ("articles", "revisions")},
            media_files=self.media_files,
        )
        return f"Restored {line} from {self.path}"


def _silent(message: str) -> None:
    pass


def backup_create(
    *,
    destination: Path | None = None,
    using: str = DEFAULT_DB_ALIAS,
    progress: Progress = _silent,
) -> BackupResult:
    """Write the database and media files to one archive, while the site keeps running.

    `destination`: the archive's path, or a folder for it; by default VAR_DIR/backups, named
    for the time in UTC. `using`: the database alias.
    """
    database = database_for(connections[using])
    created_at = datetime.now(UTC)
    destination = _destination(destination, created_at=created_at)
    local_media = media.local_root()
    with (
        ArchiveWriter(destination) as archive,
        tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as scratch,
    ):
        progress(f"Database: copying the {database.display_name} database …")
        dump = Path(scratch) / PurePosixPath(database.member).name
        snapshot = database.dump(into=dump, tables=_tables())
        archive.add_file(database.member, dump)
        counts = _counts(snapshot.counts)
        progress(f"Database: {_size(dump.stat().st_size)}: {counts_line(counts)}")
        media_files = 0
        if local_media is None:
            progress(f"Media: not on local disk ({type(default_storage).__name__}): left out.")
        else:
            # After the database: every file a row of the dump names was saved before the row.
            progress(f"Media: copying {local_media} …")
            # A backup written into MEDIA_ROOT leaves itself out.
            leave_out = {archive.partial.resolve(), Path(scratch).resolve()}
            for path, name in media.files_under(local_media, leave_out=leave_out):
                archive.add_file(MEDIA_PREFIX + name, path)
                media_files += 1
                if media_files % 1000 == 0:
                    progress(f"Media: {media_files:,} files …")
            progress(f"Media: {_plural(media_files, 'media files')}")
        archive.add_manifest(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "broadsheet_version": _version(),
                "created_at": created_at.isoformat(),
                "database": {"vendor": database.vendor, "member": database.member},
                "migrations": snapshot.migrations,
                "counts": counts,
                "media_files": media_files,
                "members": archive.members,
            }
        )
    return BackupResult(
        path=destination,
        counts=counts,
        media_files=media_files,
        size=destination.stat().st_size,
    )


def backup_restore(
    *,
    source: Path,
    force: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    progress: Progress = _silent,
) -> RestoreResult:
    """Replace the database and media files with those of the backup at `source`.

    Refuses, changing nothing, a backup of another database vendor, a damaged archive, and
    (unless `force`) a database that already holds articles or a backup from newer code.
    """
    connection = connections[using]
    database = database_for(connection)
    with archive_open(source) as tar:
        manifest = manifest_read(tar, path=source)
        vendor = manifest["database"]["vendor"]
        if vendor != database.vendor:
            raise BackupError(
                f"{source} is a backup of a {display_name(vendor)} database, and this site runs "
                f"on {database.display_name}: restore it into a site on {display_name(vendor)}."
            )
        database.target_prepare()
        articles = _counts_now(connection)["articles"]
        if articles and not force:
            raise BackupError(
                f"The database already holds {_plural(articles, 'articles')}: restoring would "
                "replace everything in it. Nothing was changed; run `manage.py restore --force` "
                "to replace it."
            )
        unknown, pending = _migration_gap(manifest["migrations"])
        if unknown and not force:
            raise BackupError(
                f"{source} was made by a newer Broadsheet ({manifest.get('broadsheet_version')}):"
                f" its database has migrations this code lacks ({', '.join(unknown[:3])}"
                f"{', …' if len(unknown) > 3 else ''}). Restore it with the version that made it,"
                " or run with --force."
            )
        if unknown:
            progress(f"Restoring a backup from newer code, as --force asks ({unknown[0]} …).")
        local_media = media.local_root()
        progress(f"Checking {len(manifest['members']):,} files against the manifest …")
        with tempfile.TemporaryDirectory(dir=_var_dir(), prefix=media.STAGING_PREFIX) as scratch:
            if local_media is not None:
                local_media.mkdir(parents=True, exist_ok=True)
                staging = Path(tempfile.mkdtemp(dir=local_media, prefix=media.STAGING_PREFIX))
            else:
                staging = Path(scratch) / "media"
            try:
                dump = Path(scratch) / "database"
                archive_unpack(tar, manifest, path=source, database_to=dump, media_to=staging)
                progress(
                    f"Database: restoring the {database.display_name} database of "
                    f"{manifest['created_at']} …"
                )
                database.load(path=dump)
                if local_media is None:
                    media_files = 0
                    progress(f"Media: not on local disk ({type(default_storage).__name__}): left.")
                else:
                    media_files = media.files_move(staging, local_media)
                    progress(f"Media: {_plural(media_files, 'media files')} in {local_media}")
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    counts = _counts_now(connection)
    if any(counts.get(name) != count for name, count in manifest["counts"].items()):
        raise BackupError(
            f"The restored database holds {counts_line(counts)}; the backup's manifest says "
            f"{counts_line(manifest['counts'])}."
        )
    # Pages cached from the database just replaced must not be served from the new one.
    for cache in caches.all():
        cache.clear()
    if pending:
        progress(
            f"The backup predates {_plural(len(pending), 'migrations')} of this code: run "
            "`manage.py migrate`."
        )
    return RestoreResult(
        path=source, counts=counts, media_files=media_files, pending_migrations=len(pending)
    )


def _counts_now(connection) -> dict[str, int]:
    try:
        with connection.cursor() as cursor:
            snapshot = snapshot_read(
                cursor,
                table_names=set(connection.introspection.table_names(cursor)),
                tables=_tables(),
                quote=connection.ops.quote_name,
            )
    except OperationalError as error:
        raise BackupError(
            f"Cannot open the {connection.display_name} database {connection.settings_dict['NAME']}"
            f" ({str(error).strip()}): create it first."
        ) from None
    return _counts(snapshot.counts)


def _migration_gap(migrations: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Migrations the backup has that this code lacks, and this code's that it lacks."""
    applied = {(app, name) for app, names in migrations.items() for name in names}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(tuple(key) for key in migration.replaces)
    installed = {config.label for config in apps.get_app_configs()}
    unknown = sorted(f"{app}.{name}" for app, name in applied - known if app in installed)
    pending = sorted(
        f"{key[0]}.{key[1]}"
        for key, migration in loader.graph.nodes.items()
        if key not in applied
        and not (migration.replaces and {tuple(k) for k in migration.replaces} <= applied)
    )
    return unknown, pending


def _destination(path: Path | None, *, created_at: datetime) -> Path:
    if path is None or path.is_dir():
        folder = path or Path(settings.VAR_DIR) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"broadsheet-{created_at:%Y%m%d-%H%M%S}"
        path, number = folder / f"{stem}.tar", 2
        while path.exists():
            path, number = folder / f"{stem}-{number}.tar", number + 1
        return path
    if path.exists():
        raise BackupError(f"{path} already exists: name a new file, or a folder for it.")
    if not path.parent.is_dir():
        raise BackupError(f"There is no folder {path.parent} to write {path.name} in.")
    return path


def _var_dir() -> Path:
    path = Path(settings.VAR_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
