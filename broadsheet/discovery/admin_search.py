"""Wagtail's database search backend (the admin's search boxes), with SQLite's words quoted.

modelsearch's SQLite backend puts each typed word in an FTS5 string ("word") without doubling a
`"` inside it, so a search for `"unbalanced` in a snippet listing is an FTS5 syntax error and a
500. FTS5 escapes a quote in a string by doubling it: https://www.sqlite.org/fts5.html#fts5_strings
Reader search does not go through here (search_engines.py reads every query as words itself).
"""

from functools import cache

from django.db import connection
from modelsearch.backends.database import SearchBackend as database_search_backend
from modelsearch.query import PlainText


def _quoted(query):
    if isinstance(query, PlainText):
        return PlainText(
            query.query_string.replace('"', '""'), operator=query.operator, boost=query.boost
        )
    return query


@cache
def _quoted_sqlite_backend_class():
    # Imported only on SQLite: the module declares SQLite's index models, unknown elsewhere.
    from modelsearch.backends.database.sqlite import sqlite

    class QuotedSearchQueryCompiler(sqlite.SQLiteSearchQueryCompiler):
        def build_search_query_content(self, query, config=None):
            return super().build_search_query_content(_quoted(query), config=config)

    class QuotedAutocompleteQueryCompiler(sqlite.SQLiteAutocompleteQueryCompiler):
        def build_search_query_content(self, query, config=None):
            return super().build_search_query_content(_quoted(query), config=config)

    class QuotedSQLiteSearchBackend(sqlite.SQLiteSearchBackend):
        query_compiler_class = QuotedSearchQueryCompiler
        autocomplete_query_compiler_class = QuotedAutocompleteQueryCompiler

    return sqlite.SQLiteSearchBackend, QuotedSQLiteSearchBackend


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    backend = database_search_backend(params)
    if connection.vendor == "sqlite":
        plain, quoted = _quoted_sqlite_backend_class()
        if type(backend) is plain:
            return quoted(params)
    return backend
