"""Indexes on Wagtail's page table for the admin's listing of a section's stories.

Wagtail's page explorer lists a page's children newest first (or oldest first), 50 at a time,
and looks up the tree's root by depth. With a million stories under eight sections, PostgreSQL
answered both by reading every page: 0.6 s to sort a section of 213,650 stories for its first
page, 0.5 s to find the root. With these indexes: 1 ms and 0.1 ms (bench/scale.py, README).

- (depth, path): children and the root by their depth and path prefix, without the table on
  PostgreSQL (the id is included for the explorer's count);
- (depth, latest_revision_created_at DESC NULLS LAST): a level of the tree in the explorer's
  default order; read backwards, it is the "oldest first" order.

Wagtail owns the table, so the indexes are SQL of their own, created concurrently on PostgreSQL
so that a big newsroom's editors can keep publishing while they build. PostgreSQL only: see
indexes_create.
"""

from django.db import migrations

DEPTH_PATH = "sections_page_depth_path_idx"
DEPTH_UPDATED = "sections_page_depth_updated_idx"


def indexes_create(apps, schema_editor):
    quote = schema_editor.quote_name
    table = quote(apps.get_model("wagtailcore", "Page")._meta.db_table)
    if schema_editor.connection.vendor != "postgresql":
        # SQLite's planner took the (depth, latest revision) index for reader listings too and
        # a section page went from 9 ms to 280 ms; the embedded database serves newsrooms far
        # below the size these indexes are for.
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(DEPTH_PATH)} "
        f"ON {table} (depth, path) INCLUDE (id)"
    )
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(DEPTH_UPDATED)} "
        f"ON {table} (depth, latest_revision_created_at DESC NULLS LAST)"
    )


def indexes_drop(apps, schema_editor):
    for name in (DEPTH_PATH, DEPTH_UPDATED):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("sections", "0002_sectionpage_telegram"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(indexes_create, indexes_drop)]
