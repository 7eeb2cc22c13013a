"""Each database's own backup tools: SQLite's online backup API, PostgreSQL's pg_dump.

Both take a consistent snapshot while the site keeps running, and read the row counts and the
migration state from that same snapshot, so the manifest describes exactly what was dumped.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from broadsheet.backups.exceptions import BackupError


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]  # rows per table
    migrations: dict[str, list[str]]  # applied migrations per app


def snapshot_read(cursor, *, table_names: set[str], tables: list[str], quote) -> Snapshot:
    """Row counts of `tables` and the applied migrations, through any DB-API cursor."""
    counts = {}
    for table in tables:
        if table in table_names:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (model tables)
            counts[table] = cursor.fetchone()[0]
        else:
            counts[table] = 0
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in table_names:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return Snapshot(counts=counts, migrations=migrations)


class SqliteDatabase:
    vendor = "sqlite"
    display_name = "SQLite"
    member = "database/broadsheet.sqlite3"

    def __init__(self, connection):
        self.connection = connection
        name = str(connection.settings_dict["NAME"] or "")
        if not name or name == ":memory:" or name.startswith("file:"):
            raise BackupError(f"Backups need a SQLite database file, not {name or 'none'!r}.")
        self.path = Path(name)
        self.timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", 20)

    def target_prepare(self) -> None:
        # A restore may be the first thing a new site does: the file is made on connecting.
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def dump(self, *, into: Path, tables: list[str]) -> Snapshot:
        if not self.path.exists():
            raise BackupError(f"There is no database at {self.path}: nothing to back up.")
        source = sqlite3.connect(self.path, timeout=self.timeout)
        target = sqlite3.connect(into)
        with closing(source), closing(target):
            # One step, so one read transaction: in WAL mode the site keeps writing meanwhile
            # and the copy is the database as it was when the step began.
            # https://www.sqlite.org/backup.html
            source.backup(target)
            # A self-contained file, with no -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE")
            return snapshot_read(
                target.cursor(),
                table_names=self._table_names(target),
                tables=tables,
                quote=self.connection.ops.quote_name,
            )

    def load(self, *, path: Path) -> None:
        self.connection.close()
        source = sqlite3.connect(path)
        target = sqlite3.connect(self.path, timeout=self.timeout)
        with closing(source), closing(target):
            # Replaces every page of the target in one write transaction, so other processes
            # see the old database or the restored one, never a mix; a WAL target stays WAL.
            source.backup(target)

    @staticmethod
    def _table_names(db: sqlite3.Connection) -> set[str]:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {name for (name,) in rows}


# libpq's environment variables for the settings Django passes to psycopg, so that nothing,
# least of all the password, appears on a command line (visible to every user in `ps`).
# https://www.postgresql.org/docs/current/libpq-envars.html
LIBPQ_ENVIRONMENT = {
    "HOST": "PGHOST",
    "PORT": "PGPORT",
    "USER": "PGUSER",
    "NAME": "PGDATABASE",
    "PASSWORD": "PGPASSWORD",
}
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class PostgresDatabase:
    vendor = "postgresql"
    display_name = "PostgreSQL"
    member = "database/broadsheet.pgdump"

    def __init__(self, connection):
        self.connection = connection

    def target_prepare(self) -> None:
        pass

    def dump(self, *, into: Path, tables: list[str]) -> Snapshot:
        pg_dump = self._tool("pg_dump")
        # A session of its own, whose snapshot pg_dump shares: the counts and migrations in
        # the manifest are those of the dump, whatever the site writes meanwhile.
        # https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-SNAPSHOT-SYNCHRONIZATION
        session = self.connection.copy()
        try:
            with session.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot_id,) = cursor.fetchone()
                snapshot = snapshot_read(
                    cursor,
                    table_names=set(session.introspection.table_names(cursor)),
                    tables=tables,
                    quote=session.ops.quote_name,
                )
                self._run(
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    f"--file={into}",
                )
                cursor.execute("ROLLBACK")
        finally:
            session.close()
        return snapshot

    def load(self, *, path: Path) -> None:
        pg_restore = self._tool("pg_restore")
        self.connection.close()
        self._run(
            pg_restore,
            # Drop what the dump holds before recreating it, so a migrated database takes the
            # backup too; all or nothing.
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            # The restoring role owns what it creates, whoever owned it where the dump was made.
            "--no-owner",
            "--no-privileges",
            f"--dbname={self.connection.settings_dict['NAME']}",
            str(path),
        )

    def _tool(self, name: str) -> str:
        path = shutil.which(name)
        if path is None:
            raise BackupError(
                f"{name} is not on PATH: PostgreSQL backups need its client tools "
                "(Debian: apt-get install postgresql-client), of the server's major version "
                "or newer."
            )
        return path

    def _run(self, *command: str) -> None:
        environment = os.environ.copy()
        db = self.connection.settings_dict
        for key, variable in LIBPQ_ENVIRONMENT.items():
            if db.get(key):
                environment[variable] = str(db[key])
        for key, variable in LIBPQ_OPTIONS.items():
            if db.get("OPTIONS", {}).get(key):
                environment[variable] = str(db["OPTIONS"][key])
        # Never wait for a password prompt nobody will answer.
        command = (command[0], "--no-password", *command[1:])
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
        if result.returncode != 0:
            tool = Path(command[0]).name
            raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()}")


DATABASES = {db.vendor: db for db in (SqliteDatabase, PostgresDatabase)}


def database_for(connection) -> SqliteDatabase | PostgresDatabase:
    try:
        return DATABASES[connection.vendor](connection)
    except KeyError:
        raise BackupError(
            f"Backups cover SQLite and PostgreSQL, not {connection.display_name}."
        ) from None


def display_name(vendor: str) -> str:
    return DATABASES[vendor].display_name if vendor in DATABASES else vendor
