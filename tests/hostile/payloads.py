"""The hostile-input corpus: named payloads, grouped by what they attack.

Script payloads are templates with an `{id}` hole. Filled in, each one, if it ever runs, calls
`__hostile(id)`, `alert(id)` or `fetch('/__pwned?id')`: the browser check (browser.py) watches for
those calls, so a payload that survives the sanitiser or the escaping is caught by what it does,
not by what the page's markup looks like. The id says which payload in which field ran.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Script:
    name: str
    template: str

    def __call__(self, id_: int) -> str:
        return self.template.replace("{id}", str(id_))


# Every one fits the shortest free-text field that shows on a page (a 60-character label) once
# its id is filled in, except the few marked long, which go only where there is room.
SCRIPTS = [
    Script("script-tag", "<script>__hostile({id})</script>"),
    Script("img-onerror", "<img src=x onerror=__hostile({id})>"),
    Script("img-onerror-fetch", "<img src=x onerror=\"fetch('/__pwned?{id}')\">"),
    Script("svg-onload", "<svg onload=__hostile({id})>"),
    Script("svg-slash-alert", "<svg/onload=alert({id})>"),
    Script("mixed-case", "<IMG SRC=x OnErRoR=__hostile({id})>"),
    Script("double-quote-breakout", '" autofocus onfocus=__hostile({id}) x="'),
    Script("single-quote-breakout", "' autofocus onfocus=__hostile({id}) x='"),
    Script("tag-breakout", '"><img src=x onerror=__hostile({id})>'),
    Script("script-breakout", "</script><script>__hostile({id})</script>"),
    Script("title-textarea-breakout", "</title></textarea><svg onload=__hostile({id})>"),
    Script("style-breakout", "</style><svg onload=__hostile({id})>"),
    Script("comment-breakout", "--><svg onload=__hostile({id})><!--"),
    Script("javascript-link", '<a href="javascript:__hostile({id})">x</a>'),
    Script("javascript-url", "javascript:__hostile({id})"),
    Script("javascript-url-obfuscated", "JaVaScRiPt&colon;__hostile({id})"),
    Script("details-ontoggle", "<details open ontoggle=__hostile({id})>"),
    Script("input-autofocus", "<input autofocus onfocus=__hostile({id})>"),
    Script("body-onload", "<body onload=__hostile({id})>"),
    Script("iframe-srcdoc", '<iframe srcdoc="<script>__hostile({id})</script>">'),
    Script("nested-script", "<scr<script>ipt>__hostile({id})</scr</script>ipt>"),
    Script("entity-encoded", "&lt;img src=x onerror=__hostile({id})&gt;"),
    Script("json-escaped", "\\u003cscript\\u003e__hostile({id})\\u003c/script\\u003e"),
    Script("js-string-breakout", "';__hostile({id});//"),
    Script("template-injection", "{{ 7|add:{id} }}{% debug %}${__hostile({id})}"),
    Script(
        "mutation-noscript",
        '<noscript><p title="</noscript><img src=x onerror=__hostile({id})>">',
    ),
    Script(
        "mutation-math",
        "<math><mtext><table><mglyph><style><img src=x onerror=__hostile({id})>",
    ),
    Script(
        "polyglot",
        "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=__hostile({id}) )//%0D%0A%0d%0a//"
        "</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=__hostile({id})//>\\x3e",
    ),
]
SHORTEST_FIELD = 60
# What a field too short for a payload gets instead.
FALLBACK = SCRIPTS[3]

# Query syntax of SQL, SQLite FTS5 and PostgreSQL tsquery, and the characters LIKE treats
# specially: none may reach an engine as anything but words.
QUERY_SYNTAX = [
    "' OR '1'='1",
    "'; DROP TABLE wagtailcore_page; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(5)",
    "1 UNION SELECT username, password FROM auth_user --",
    "%",
    "_",
    "\\",
    "'",
    '"',
    '""',
    '"unbalanced',
    "(((",
    ")",
    "*",
    "-",
    "--",
    "^",
    "NOT",
    "a AND OR NOT b",
    "NEAR(river treaty, 2)",
    "title:river",
    "{headline body}: river",
    "river*",
    "*river",
    "river:*",
    "river & !treaty",
    "river <-> treaty",
    "!!",
    "&&",
    "||",
    "river | treaty",
    "'river':A",
    "$1",
    ";",
    "/* */",
    "0x27",
    "\x00",
    "river\x00treaty",
    "a" * 200,
    "a" * 201,
    "river " * 33,
    "x" * 10_000,
]

# Numbers that are not pages: none may be more than a 404.
PAGE_NUMBERS = [
    "0",
    "-1",
    "-99999999999999999999",
    "99999999999999999999",
    "999999",
    "1000000",
    "2147483648",
    "9223372036854775808",
    "1e3",
    "1.5",
    "0x10",
    "+1",
    " 1",
    "1 ",
    "01",
    "",
    "١",  # Arabic-Indic one
    "²",  # isdigit() says yes, int() says no
    "１",  # fullwidth one
    "NaN",
    "inf",
    "1/0",
    "[]",
]

# Days that do not exist and years at the ends of the calendar, as /news/yyyy/mm/dd/.
ARCHIVE_DAYS = [
    "2024/02/30",
    "2023/02/29",
    "2024/06/31",
    "2024/13/01",
    "2024/00/10",
    "2024/01/00",
    "2024/01/32",
    "2024/99/99",
    "0000/01/01",
    "0001/01/01",
    "9999/12/31",
    "1970/01/01",
]
# The same for the search's date filters, plus shapes a date field may half-accept.
FILTER_DATES = [
    "2024-02-30",
    "2024-13-01",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "-2024-01-01",
    "2024-1-1",
    "2024-06-20T00:00",
    "20/06/2024",
    "06/20/2024",
    "yesterday",
]

# Text that is valid but unusual: direction marks, invisible characters, combining marks,
# characters outside the Basic Multilingual Plane, case folds that change length.
UNICODE = [
    "\u202eevil\u202c.txt",  # right-to-left override
    "\u200fמים\u200f \u061cمياه",  # RTL marks, Hebrew and Arabic
    "river\u200btreaty\u200c\u200d\ufeff",  # zero-width space, non-joiner, joiner, BOM
    "\u2060\u2061\u2062\u2063",  # word joiner, invisible operators
    "Z\u0335\u0321\u0322\u034ea\u0334l\u0337g\u0336o\u0335",  # combining marks
    "\u0301\u0301\u0301",  # combining marks with nothing to combine with
    "😀🇦🇿👩🏽‍💻🏳️‍🌈",  # astral emoji, flags and ZWJ sequences
    "𝕳𝖔𝖘𝖙𝖎𝖑𝖊 𝓽𝓮𝔁𝓽",  # mathematical alphanumerics
    "\U0001f4a9" * 60,
    "İstanbul ıiİI ß ﬁ ς",  # case folds that change length
    "水の条約 물 조약",
    "line\u2028separator\u2029paragraph",
    "\x01\x02\x1b[31m\x7f",  # control characters and an ANSI escape
    "\uffff\ufffe\ufdd0",  # noncharacters
    "\ufffd",
    "e\u0301 é",  # decomposed and composed
    "\t\n\r\x0b\x0c",
]

# Path segments: traversal, double and overlong encodings, invalid UTF-8, header injection,
# open-redirect shapes. Sent as written (already percent-encoded where they say so).
PATHS = [
    "..",
    "../..",
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "%252e%252e%252f",
    "....//....//etc/passwd",
    "..\\..\\windows\\win.ini",
    "%c0%ae%c0%ae/%c0%af",  # overlong UTF-8
    "%ff%fe",  # not UTF-8
    "%ed%a0%80",  # a UTF-16 surrogate, encoded
    "%00",
    "x%00.html",
    "%0d%0aSet-Cookie:%20hostile=1",
    "%09",
    "%20",
    "//evil.example/",
    "/\\evil.example",
    "%2f%2fevil.example",
    ";param=1",
    "~root",
    "%E2%80%AEevil",  # right-to-left override
    "%F0%9F%98%80",  # an astral emoji
    "a" * 4096,
    "%",
    "%%",
    "%zz",
    "x?y#z",
    "index.php",
    ".git/config",
    ".env",
]


def script_payloads(ids_from: int = 1) -> list[tuple[int, Script, str]]:
    """Every script payload filled in with its own id: (id, payload, text)."""
    return [(ids_from + n, s, s(ids_from + n)) for n, s in enumerate(SCRIPTS)]


def query_payloads() -> dict[str, str]:
    """Every payload that goes into a query parameter, by name."""
    named = {f"script:{s.name}": s(9000 + n) for n, s in enumerate(SCRIPTS)}
    named |= {f"query:{n}": text for n, text in enumerate(QUERY_SYNTAX)}
    named |= {f"page:{n}": text for n, text in enumerate(PAGE_NUMBERS)}
    named |= {f"date:{n}": text for n, text in enumerate(FILTER_DATES)}
    named |= {f"unicode:{n}": text for n, text in enumerate(UNICODE)}
    return named
