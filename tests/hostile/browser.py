"""Whether a payload ran, judged in Chromium by what it did, never by what the markup looks like.

Every script payload (payloads.py) calls `__hostile(id)`, `alert(id)` or `fetch('/__pwned?id')`
when it runs. A ScriptWatch exposes `__hostile` to every frame, answers dialogs and intercepts
`/__pwned`, and records each call with the page it came from. After a page loads it also does
what a reader's hand would: it fires every inline event handler on the page and clicks every
`javascript:` link, so a payload waiting for a hover or a click runs too, if it can run at all.

Chromium's `securitypolicyviolation` events are recorded as well: they are the CSP blocking
something, which is expected for reflected markup under the reader policy.
"""

import re
from dataclasses import dataclass, field

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""

# A reader's hand: every inline handler fired once, every javascript: link followed.
PROVOKE = """() => {
    for (const element of document.querySelectorAll('*')) {
        for (const attribute of [...element.attributes]) {
            if (attribute.name.startsWith('on')) {
                element.dispatchEvent(new Event(attribute.name.slice(2)));
            }
        }
    }
    for (const link of document.querySelectorAll('a[href], area[href]')) {
        if (link.protocol === 'javascript:') link.click();
    }
}"""


@dataclass
class Ran:
    id: str
    how: str
    url: str


@dataclass
class ScriptWatch:
    """One browser context watching every page it loads for payloads that run."""

    browser: object
    base_url: str
    bypass_csp: bool
    ran: list[Ran] = field(default_factory=list)
    violations: list[tuple[str, str]] = field(default_factory=list)
    pages_checked: int = 0

    def __post_init__(self):
        self.context = self.browser.new_context(base_url=self.base_url, bypass_csp=self.bypass_csp)
        # Embeds and anything else off the live server stay unreached.
        self.context.route(re.compile(rf"^(?!{re.escape(self.base_url)}/)"), lambda r: r.abort())
        self.context.route(re.compile(r"/__pwned"), self._pwned)
        # The page editor pings Wagtail's editing sessions while it is open and sends a beacon
        # to release its session when it is left. Neither is what this watch checks, and the
        # beacon of the last page would reach the live server after the test, deleting a row
        # while the test database is being emptied: a deadlock on PostgreSQL.
        self.context.route(re.compile(r"/admin/editing-sessions/"), lambda r: r.abort())
        self.context.expose_binding(
            "__hostile", lambda source, id_: self.ran.append(Ran(str(id_), "call", self.url))
        )
        self.context.add_init_script(WATCH_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.url = ""

    def _pwned(self, route):
        request = route.request
        # A picture's address is markup, not script; a fetch, XHR or script load is script.
        if request.resource_type != "image":
            query = request.url.partition("?")[2]
            self.ran.append(Ran(query, f"request:{request.resource_type}", self.url))
        route.fulfill(status=204)

    def _dialog(self, dialog):
        self.ran.append(Ran(dialog.message, f"dialog:{dialog.type}", self.url))
        dialog.dismiss()

    def check(self, path: str) -> int:
        """Load `path`, provoke it, and return the status it answered with."""
        self.url = path
        response = self.page.goto(path, wait_until="load")
        self.page.evaluate(PROVOKE)
        # Handlers that fetch, and errors of pictures still loading, settle within a moment.
        self.page.wait_for_timeout(50)
        self.violations += [(path, v) for v in self.page.evaluate("window.__violations || []")]
        self.pages_checked += 1
        return response.status

    def close(self):
        # Leave the last page while the routes above still hold, so its unload requests stop here.
        self.page.goto("about:blank")
        self.context.close()
