"""The backup archive: a plain tar of the database dump and media files, with a manifest.

`manifest.json` is written last and lists every other member with its size and SHA-256, so an
archive cut short has no manifest, and a changed byte anywhere shows before anything is
restored. The archive is written beside its final name and renamed into place when complete.
"""

import hashlib
import json
import os
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from broadsheet.backups.exceptions import BackupError

FORMAT = "broadsheet-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_PREFIX = "database/"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class _Hashing:
    """A file reader that hashes what passes through it."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Write an archive to `destination` atomically: all of it under that name, or nothing."""

    def __init__(self, destination: Path):
        self.destination = destination
        self.members: dict[str, dict] = {}

    def __enter__(self) -> "ArchiveWriter":
        handle, name = tempfile.mkstemp(
            dir=self.destination.parent, prefix=f".{self.destination.name}.", suffix=".partial"
        )
        self.partial = Path(name)
        self.file = os.fdopen(handle, "wb")
        self.tar = tarfile.open(fileobj=self.file, mode="w:", format=tarfile.PAX_FORMAT)
        return self

    def add_file(self, name: str, path: Path) -> None:
        with path.open("rb") as file:
            stat = os.fstat(file.fileno())
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
            reader = _Hashing(file)
            self.tar.addfile(info, reader)
        self.members[name] = {"size": reader.size, "sha256": reader.sha256.hexdigest()}

    def add_manifest(self, manifest: dict) -> None:
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        created_at = datetime.fromisoformat(manifest["created_at"]).timestamp()
        info.size, info.mtime, info.mode = len(data), int(created_at), 0o644
        self.tar.addfile(info, _BytesReader(data))

    def __exit__(self, kind, error, traceback) -> None:
        try:
            self.tar.close()
            self.file.flush()
            os.fsync(self.file.fileno())
        finally:
            self.file.close()
        if error is not None:
            self.partial.unlink(missing_ok=True)
            return
        self.partial.chmod(0o600)  # a backup holds every account's password hash
        os.replace(self.partial, self.destination)
        directory = os.open(self.destination.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a power cut
        finally:
            os.close(directory)


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


def archive_open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:")
    except FileNotFoundError:
        raise BackupError(f"There is no backup at {path}.") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder: name the backup file in it.") from None
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(
            f"{path} is not a Broadsheet backup (not a tar archive: {error})."
        ) from None


def manifest_read(tar: tarfile.TarFile, *, path: Path) -> dict:
    """The archive's manifest, checked for shape and for member names safe to unpack."""
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.load(tar.extractfile(member))
    except KeyError:
        raise BackupError(
            f"{path} is incomplete or not a Broadsheet backup: it has no {MANIFEST}."
        ) from None
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise BackupError(f"{path} is damaged or cut short ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Broadsheet backup: its {MANIFEST} is of another kind.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is a Broadsheet backup of format {manifest.get('format_version')!r}; this "
            f"version reads format {FORMAT_VERSION}."
        )
    try:
        members, database = manifest["members"], manifest["database"]
        database_member = database["member"]
        datetime.fromisoformat(manifest["created_at"])
        if not isinstance(database["vendor"], str) or not isinstance(manifest["counts"], dict):
            raise ValueError("database vendor or counts")
        for name, entry in members.items():
            _member_check(name)
            if not (isinstance(entry["size"], int) and isinstance(entry["sha256"], str)):
                raise ValueError(f"size or sha256 of {name}")
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupError(f"{path} is damaged: its {MANIFEST} is incomplete ({error}).") from None
    if database_member not in members or not database_member.startswith(DATABASE_PREFIX):
        raise BackupError(f"{path} is damaged: its {MANIFEST} names no database dump.")
    return manifest


def _member_check(name: str) -> None:
    """Refuse a name that would unpack outside its folder ("../", "/etc/…")."""
    parts = PurePosixPath(name).parts
    if (
        not name.startswith((DATABASE_PREFIX, MEDIA_PREFIX))
        or name.startswith("/")
        or "\\" in name
        or any(part in {"", ".", ".."} for part in parts)
        or len(parts) < 2
    ):
        raise ValueError(f"member name {name!r}")


def archive_unpack(
    tar: tarfile.TarFile, manifest: dict, *, path: Path, database_to: Path, media_to: Path
) -> None:
    """Unpack the database dump and media files, each checked against the manifest.

    Raises BackupError at the first member that differs: the caller has changed nothing yet.
    """
    expected = manifest["members"]
    database_member = manifest["database"]["member"]
    seen = set()
    try:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile() or member.name in seen:
                raise BackupError(f"{path} is damaged: {member.name!r} is not in its manifest.")
            if member.name == database_member:
                target = database_to
            else:
                target = media_to / member.name.removeprefix(MEDIA_PREFIX)
            target.parent.mkdir(parents=True, exist_ok=True)
            reader = _Hashing(tar.extractfile(member))
            with target.open("wb") as out:
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
            entry = expected[member.name]
            if reader.size != entry["size"] or reader.sha256.hexdigest() != entry["sha256"]:
                raise BackupError(
                    f"{path} is damaged: {member.name} does not match its checksum. "
                    "Nothing was restored."
                )
            seen.add(member.name)
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(f"{path} is damaged ({error}). Nothing was restored.") from None
    missing = sorted(expected.keys() - seen)
    if missing:
        raise BackupError(
            f"{path} is damaged: {len(missing)} member(s) are missing, first {missing[0]}. "
            "Nothing was restored."
        )
