"""The Content-Security-Policy as Chromium enforces it: reader pages break nothing under it,
and script that got into a page anyway does not run."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import page_wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WATCH_VIOLATIONS = """() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation',
        e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
}"""


def violations(page) -> list[str]:
    page.wait_for_load_state("load")
    return page.evaluate("window.__violations || []")


def test_reader_pages_load_whole_under_the_policy(open_page, newsroom):
    for path in ("/", newsroom.interview.url, newsroom.sections["politics"].url):
        page = open_page("about:blank")
        page.add_init_script(f"({WATCH_VIOLATIONS})()")
        page.goto(path)
        # Cards below the fold load lazily, after the page's load event and only as they near
        # the viewport: ask for every one now and wait, so the checks below see them all (a card
        # still loading once read as a broken image).
        page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
        page_wait_until(page, "[...document.images].every(i => i.complete)")
        assert violations(page) == [], path
        # The stylesheet applied (a blocked one leaves the browser's default serif body).
        family = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "Times" not in family, family
        # Every image the page shows was allowed and loaded.
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src)"
        )
        assert broken == [], (path, broken)


def test_injected_script_does_not_run(open_page, newsroom):
    """Were a script element to get into a reader page, the policy stops it."""
    page = open_page(newsroom.interview.url)
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_script_tag(content="window.__ran = true")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__ran_too = true';
                   document.body.append(s); }"""
    )
    assert page.evaluate("window.__ran === undefined && window.__ran_too === undefined")
