"""What a reader typed into the search box, read as words, phrases, prefixes and exclusions.

Readers type text, not query syntax. Whatever they type is parsed here into word tokens only
and written out again in each engine's own syntax, so quotes, operators, brackets, emoji or
right-to-left text can never reach SQLite FTS5 or PostgreSQL's tsquery as syntax.

Understood: "a phrase" in double quotes, -word to leave a word out, word* for words starting
with it. AND, OR, NOT and NEAR in capitals are taken as the operators readers mean by them
elsewhere: AND is what search does anyway, the others are dropped rather than matched as words.
"""

import re
from dataclasses import dataclass, field

WORD = re.compile(r"\w+")
# A quoted phrase, a -excluded token, or a bare token (a prefix when it ends with *).
TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<minus>-)?(?P<bare>[^\s"]+)')
OPERATORS = re.compile(r"\b(?:AND|OR|NOT|NEAR)\b")
# Shorter prefixes match most of the dictionary: cheap to type, costly to run, useless to read.
MIN_PREFIX = 3
# Enough words for any real question; beyond this the query only gets slower, not better.
MAX_TERMS = 12


@dataclass(frozen=True)
class Term:
    """One thing every result must contain: a word, a phrase of several, or a word's start."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class ReaderQuery:
    required: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()
    highlight: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.required)

    def fts5(self, columns: tuple[str, ...] = ()) -> str:
        """The query in SQLite FTS5 syntax: every term quoted, so none is read as an operator.

        With `columns`, the required terms must all occur in those columns.
        """
        match = "(" + " AND ".join(_fts5_term(term) for term in self.required) + ")"
        if columns:
            match = "{" + " ".join(columns) + "} : " + match
        for term in self.excluded:
            match = f"({match}) NOT {_fts5_term(term)}"
        return match

    def tsquery(self, *, required_only: bool = False) -> str:
        """The query in PostgreSQL to_tsquery syntax; word tokens only, so always valid.

        With `required_only`, without the excluded terms.
        """
        parts = [_tsquery_term(term) for term in self.required]
        if not required_only:
            parts += [f"!{_tsquery_term(term)}" for term in self.excluded]
        return " & ".join(parts)


def reader_query(text: str) -> ReaderQuery:
    required: list[Term] = []
    excluded: list[Term] = []
    for match in TOKEN.finditer(OPERATORS.sub(" ", text)):
        if match["phrase"] is not None:
            term = _term(WORD.findall(match["phrase"]), prefix=False)
            excluding = False
        else:
            bare = match["bare"]
            words = WORD.findall(bare)
            prefix = bare.endswith("*") and len(words) == 1 and len(words[0]) >= MIN_PREFIX
            term = _term(words, prefix=prefix)
            excluding = bool(match["minus"])
        if term is None:
            continue
        (excluded if excluding else required).append(term)
    required = _unique(required)[:MAX_TERMS]
    excluded = [term for term in _unique(excluded) if term not in required][:MAX_TERMS]
    highlight = tuple(dict.fromkeys(word.lower() for term in required for word in term.words))
    return ReaderQuery(tuple(required), tuple(excluded), highlight)


def _term(words: list[str], *, prefix: bool) -> Term | None:
    return Term(tuple(word.lower() for word in words), prefix=prefix) if words else None


def _unique(terms: list[Term]) -> list[Term]:
    return list(dict.fromkeys(terms))


def _fts5_term(term: Term) -> str:
    quoted = '"' + " ".join(term.words) + '"'
    return quoted + "*" if term.prefix else quoted


def _tsquery_term(term: Term) -> str:
    if term.prefix:
        return f"{term.words[0]}:*"
    return "(" + " <-> ".join(term.words) + ")"
