"""Uploaded media on local disk: what a backup copies and a restore puts back."""

import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage

# Restores unpack media here, inside MEDIA_ROOT so the final moves are renames on one disk;
# backups leave such folders out.
STAGING_PREFIX = ".restore-"


def local_root() -> Path | None:
    """MEDIA_ROOT when uploads are kept on local disk; None for other storage (S3 …)."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def files_under(media_root: Path, *, leave_out: set[Path]):
    """(path, name in the archive) for every file under MEDIA_ROOT, in a stable order."""
    if not media_root.is_dir():
        return
    for folder, folders, files in os.walk(media_root):
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(STAGING_PREFIX)
            and (Path(folder) / name).resolve() not in leave_out
        )
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and path.resolve() not in leave_out:
                yield path, path.relative_to(media_root).as_posix()


def files_move(staging: Path, media_root: Path) -> int:
    moved = 0
    for folder, _, files in os.walk(staging):
        for name in files:
            path = Path(folder) / name
            target = media_root / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            moved += 1
    return moved
