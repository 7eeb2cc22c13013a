"""manage.py backup and restore: what an operator gets back is what the newsroom had."""

import io
import json
import re
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from wagtail.images.models import Rendition
from wagtail.models import Page, Revision

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.desk.models import Correction, QueueEntry
from broadsheet.desk.queue import queue_entry_add
from broadsheet.distribution.models import TelegramDelivery
from broadsheet.sections.factories import SectionPageFactory
from tests.backups.conftest import database_open, manage
from tests.conftest import make_image

POSTGRES = connection.vendor == "postgresql"
# The records the round trip must bring back, and the tables they live in.
NEWSROOM_RECORDS = (
    ArticlePage,
    Page,
    Revision,
    Correction,
    QueueEntry,
    TelegramDelivery,
    Rendition,
    ArticlePage.lead_image.field.related_model,
)


def newsroom_build() -> None:
    """A day at the desk: stories with revisions, a correction, a queued draft, Telegram posts."""
    section = SectionPageFactory(title="Politics", slug="politics")
    ArticlePageFactory(
        parent=section, title="Dam opens after ten years", lead_image=make_image("Dam at dawn")
    )
    stories = [
        ArticlePageFactory(parent=section, title=f"Budget vote, day {n}", slug=f"budget-{n}")
        for n in range(1, 4)
    ]
    corrected = ArticlePage.objects.get(pk=stories[0].pk)
    corrected.corrections.add(
        Correction(kind="correction", text="The vote was 61 to 40, not 60 to 41.")
    )
    corrected.save_revision().publish()
    draft = section.add_child(instance=ArticlePage(title="Evening briefing", live=False))
    draft.save_revision()
    queue_entry_add(article=draft)


def all_rows(db=connection) -> dict[str, list[tuple]]:
    """Every row of every table, as tuples in a stable order, and where each id sequence is."""
    rows = {}
    with db.cursor() as cursor:
        for table in sorted(db.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")  # noqa: S608
            found = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
            rows[table] = sorted(found, key=repr)
        if db.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
        else:
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
        rows["(sequences)"] = cursor.fetchall()
    return rows


def files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("restored_database", ["new", "migrated"], indirect=True)
def test_a_restored_site_has_every_record_and_media_file_of_the_backup(
    restored_database, telegram, media_root, tmp_path
):
    """Backup, then restore into an empty database: every row is the same, every file too."""
    newsroom_build()
    assert TelegramDelivery.objects.filter(status=TelegramDelivery.Status.SENT).count() == 4
    source = dict(connection.settings_dict)
    archive = tmp_path / "nightly.tar"

    backed_up = manage("backup", str(archive), database=source, media_root=media_root)
    assert backed_up.returncode == 0, backed_up.stderr
    assert re.search(
        rf"^Backed up 5 articles, \d+ revisions, \d+ media files to {re.escape(str(archive))} ",
        backed_up.stdout,
        re.MULTILINE,
    ), backed_up.stdout
    before, media_before = all_rows(), files(media_root)
    for model in NEWSROOM_RECORDS:
        assert before[model._meta.db_table], f"the test made no {model.__name__} to compare"
    assert any(name.startswith("images/") for name in media_before)  # a rendition too

    restored_media = tmp_path / "restored-media"
    restored = manage(
        "restore", str(archive), database=restored_database, media_root=restored_media
    )
    assert restored.returncode == 0, restored.stderr
    assert "Restored 5 articles" in restored.stdout
    target = database_open(restored_database)
    after = all_rows(target)
    for model in NEWSROOM_RECORDS:
        table = model._meta.db_table
        assert after[table] == before[table], table
    # Everything else too, and id sequences carry on where they were: new stories get new ids.
    assert after == before
    assert files(restored_media) == media_before

    # The restored site now holds articles: a second restore asks for --force, then replaces.
    target.close()
    again = manage("restore", str(archive), database=restored_database, media_root=restored_media)
    assert again.returncode == 1
    assert "already holds 5 articles" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    forced = manage(
        "restore", "--force", str(archive), database=restored_database, media_root=restored_media
    )
    assert forced.returncode == 0, forced.stderr
    assert all_rows(target) == before
    target.close()


@pytest.fixture
def archive(db, media_root, tmp_path):
    """A real backup of the test database, which has one story and its image."""
    ArticlePageFactory(title="Reservoir levels fall", lead_image=make_image("Reservoir"))
    path = tmp_path / "backup.tar"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def member_damage(path: Path, name_start: str) -> None:
    with tarfile.open(path) as tar:
        member = next(m for m in tar if m.name.startswith(name_start))
    with path.open("r+b") as file:
        file.seek(member.offset_data + member.size // 2)
        byte = file.read(1)
        file.seek(-1, io.SEEK_CUR)
        file.write(bytes([byte[0] ^ 0xFF]))


def manifest_rewrite(path: Path, change) -> None:
    """Rewrite the archive with `change(manifest)` applied, as a backup made elsewhere would be."""
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar]
    with tarfile.open(path, "w") as tar:
        for member, data in members:
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


DAMAGE = {
    "a flipped byte in a media file": (
        lambda path: member_damage(path, "media/"),
        r"damaged: media/original_images/reservoir\.jpg does not match its checksum",
    ),
    "a flipped byte in the database": (
        lambda path: member_damage(path, "database/"),
        r"damaged: database/broadsheet\.\w+ does not match its checksum",
    ),
    "cut short": (
        lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
        r"is damaged or cut short|is incomplete",
    ),
    "not an archive": (
        lambda path: path.write_text("SQLite format 3\n"),
        r"is not a Broadsheet backup",
    ),
}


# Transactional, so that a restore that went ahead would show in the rows, not wait on a lock.
site_data = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@site_data
@pytest.mark.parametrize("damage", DAMAGE.keys())
def test_restore_refuses_a_damaged_archive_and_changes_nothing(archive, damage, media_root):
    """A damaged backup is refused with the reason, before the database or media are touched."""
    damage_done, message = DAMAGE[damage]
    damage_done(archive)
    ArticlePage.objects.all().delete()  # an empty site, which a good backup would replace
    before, media_before = all_rows(), files(media_root)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert all_rows() == before
    assert files(media_root) == media_before
    assert sorted(p.name for p in media_root.iterdir()) == ["original_images"]  # no staging left


@site_data
def test_restore_refuses_a_database_that_holds_articles_unless_forced(archive):
    """Restoring over a newsroom with articles needs --force; without it nothing changes."""
    ArticlePageFactory(title="Story the desk is still working on")
    before = all_rows()
    with pytest.raises(CommandError, match=r"already holds 2 articles: .*--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert all_rows() == before
    call_command("restore", "--force", str(archive), stdout=io.StringIO())
    assert list(ArticlePage.objects.values_list("title", flat=True)) == ["Reservoir levels fall"]


@site_data
def test_restore_refuses_a_backup_of_another_database_vendor(archive):
    """A PostgreSQL dump cannot go into SQLite (and back): the operator is told why."""
    other = "sqlite" if POSTGRES else "postgresql"
    manifest_rewrite(archive, lambda manifest: manifest["database"].update(vendor=other))
    ArticlePage.objects.all().delete()
    before = all_rows()
    this, that = ("PostgreSQL", "SQLite") if POSTGRES else ("SQLite", "PostgreSQL")
    with pytest.raises(CommandError, match=f"backup of a {that} database.*runs on {this}"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert all_rows() == before


@site_data
def test_restore_refuses_a_backup_made_by_newer_code(archive):
    """A database with migrations this code lacks would break the site: refused, named."""
    manifest_rewrite(
        archive, lambda manifest: manifest["migrations"]["articles"].append("9999_from_the_future")
    )
    ArticlePage.objects.all().delete()
    before = all_rows()
    with pytest.raises(CommandError, match=r"made by a newer Broadsheet.*articles\.9999_from_the"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert all_rows() == before


def test_backups_go_to_var_dir_with_the_time_in_their_name_and_never_overwrite(
    db, settings, tmp_path
):
    """No path: VAR_DIR/backups/broadsheet-<UTC time>.tar, a new file each time."""
    settings.VAR_DIR = tmp_path / "var"
    first, second = io.StringIO(), io.StringIO()
    call_command("backup", stdout=first)
    call_command("backup", stdout=second)
    written = [Path(re.search(r" to (\S+) \(", out.getvalue()).group(1)) for out in (first, second)]
    assert written[0] != written[1]
    assert sorted(written) == sorted((tmp_path / "var" / "backups").iterdir())
    for path in written:
        stamp = re.fullmatch(r"broadsheet-(\d{8}-\d{6})(-2)?\.tar", path.name).group(1)
        written_at = datetime.strptime(stamp, "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        assert abs(written_at - timezone.now()) < timedelta(minutes=1)
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(written[0]), stdout=io.StringIO())


@pytest.mark.skipif(not POSTGRES, reason="pg_dump backs up PostgreSQL only")
def test_a_postgres_backup_without_pg_dump_says_what_to_install(db, monkeypatch, tmp_path):
    """No client tools on PATH: a clear error naming them, and no archive left behind."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="pg_dump is not on PATH.*postgresql-client"):
        call_command("backup", str(tmp_path / "backup.tar"), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []
