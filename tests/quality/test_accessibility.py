import os
from pathlib import Path

import pytest
from django.urls import reverse

AXE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data, and flushing after a transactional test also wipes
    # the home page and site the migrations made: serialized rollback puts them back first.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def axe_script() -> Path:
    if AXE.exists():
        return AXE
    message = f"axe-core is not installed ({AXE}): run `make browser`."
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def describe(url: str, violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    return (
        f"{url}: [{violation['impact']}] {violation['id']}: {violation['help']} "
        f"({len(violation['nodes'])} element(s): {targets})\n"
        f"    {violation['nodes'][0]['failureSummary']}"
    )


def test_reader_pages_have_no_serious_accessibility_violations(open_page, newsroom):
    """No reader page has a serious or critical axe-core (WCAG) violation."""
    script = axe_script()
    urls = [
        "/",
        newsroom.interview.url,
        newsroom.sections["politics"].url,
        newsroom.topics[0].get_absolute_url(),
        newsroom.authors[0].get_absolute_url(),
        newsroom.experts[0].get_absolute_url(),
        reverse("news:day", args=[2024, 6, 22]),
        f"{reverse('discovery:search')}?q=river",
        reverse("desk:corrections"),
    ]
    problems = []
    for url in urls:
        # axe-core is injected by the test; the page's own policy forbids any script.
        page = open_page(url, bypass_csp=True)
        page.add_script_tag(path=script)
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        problems += [
            describe(url, violation)
            for violation in results["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        page.close()
    assert not problems, "axe-core violations:\n" + "\n".join(problems)
