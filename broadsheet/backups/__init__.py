"""Backups: the database and media files in one checked archive, and restoring from it."""
