import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"

pytestmark = pytest.mark.django_db


def nu_checker_command() -> list[str]:
    """`java -jar vnu.jar`; skipped where the tools are missing, except in CI where it fails."""
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        return [java, "-jar", str(VNU_JAR)]
    missing = "Java" if not java else f"the Nu HTML checker ({VNU_JAR})"
    message = f"{missing} is not installed: run `make browser`."
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def reader_pages(newsroom) -> dict[str, tuple[str, int]]:
    """Every page type a reader can reach, with the status it must answer with."""
    interview = newsroom.interview
    return {
        "home": ("/", 200),
        "section": (newsroom.sections["politics"].url, 200),
        "section-page-2": (f"{newsroom.sections['politics'].url}?page=2", 200),
        "article-interview": (interview.url, 200),
        "article-photo": (newsroom.photo_story.url, 200),
        "article-republished": (newsroom.republished.url, 200),
        "topic": (newsroom.topics[0].get_absolute_url(), 200),
        "topic-index": (reverse("topics:index"), 200),
        "author": (newsroom.authors[0].get_absolute_url(), 200),
        "author-with-photo": (newsroom.authors[2].get_absolute_url(), 200),
        "author-index": (reverse("authors:index"), 200),
        "expert": (newsroom.experts[0].get_absolute_url(), 200),
        "expert-with-photo": (newsroom.experts[1].get_absolute_url(), 200),
        "expert-index": (reverse("experts:index"), 200),
        "all-news": (reverse("news:index"), 200),
        "day-archive": (reverse("news:day", args=[2024, 6, 21]), 200),
        "day-archive-empty": (reverse("news:day", args=[2024, 6, 23]), 200),
        "search-form": (reverse("discovery:search"), 200),
        "search-results": (f"{reverse('discovery:search')}?q=river+treaty", 200),
        "search-no-results": (f"{reverse('discovery:search')}?q=zzyzx", 200),
        "search-empty-query": (f"{reverse('discovery:search')}?q=", 400),
        "corrections": (reverse("desk:corrections"), 200),
        "not-found": ("/no-such-section/no-such-story/", 404),
    }


def test_every_reader_page_is_valid_html(client, newsroom, tmp_path, monkeypatch):
    """Every reader page type passes the Nu HTML checker (the W3C validator) with no errors."""
    command = nu_checker_command()
    # Four stories a page gives the section a middle page with both Newer and Older links.
    monkeypatch.setattr("broadsheet.sections.selectors.SECTION_PAGE_SIZE", 4)
    files = []
    for name, (url, status) in reader_pages(newsroom).items():
        response = client.get(url)
        assert response.status_code == status, f"{name}: {url} answered {response.status_code}"
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))

    # One JVM for every page: starting Java costs more than checking a page.
    result = subprocess.run(
        [*command, "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}\n"
        f"    {m.get('extract', '').strip()}"
        for m in messages
        if m["type"] in {"error", "non-document-error"}
    ]
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(errors)
