from django.db import migrations

# Reader search finds headline and deck matches through this index (search_engines.HEADING)
# rather than through the document's weights, which its own index does not record. An index on
# an expression, not a new column: adding a stored column would rewrite the whole table (some
# 5 GB at a million stories), where this reads it once and, built CONCURRENTLY, lets the
# newsroom go on publishing while it is built. Hence a migration outside a transaction.
FORWARD = """CREATE INDEX CONCURRENTLY IF NOT EXISTS discovery_searchentry_heading
    ON discovery_searchentry USING gin (
        (to_tsvector('english'::regconfig, headline) || to_tsvector('english'::regconfig, deck)))"""
BACKWARD = "DROP INDEX CONCURRENTLY IF EXISTS discovery_searchentry_heading"


def _on_postgresql(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("discovery", "0002_search_entry"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
