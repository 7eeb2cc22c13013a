"""Throughput of `manage.py import_wordpress` on a generated WordPress export.

Writes the demo archive as a WXR 1.2 file (classic-editor bodies, so WordPress's autop is
exercised; one page and one draft per ten posts, which are counted and skipped), imports it into
a scratch SQLite database, then again to show a re-run updates nothing it need not.
`python -m bench.wordpress` (BENCH_WXR_POSTS, default 2000).
"""

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from bench.imports import scratch_newsroom

POSTS = int(os.environ.get("BENCH_WXR_POSTS", "2000"))


def export_write(path: Path, lines) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"'
            ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>The Kavran Ledger</title><wp:wxr_version>1.2</wp:wxr_version>\n"
        )
        logins = {}
        for number, line in enumerate(lines, start=1):
            story = json.loads(line)
            for name in story.get("authors", []):
                if name not in logins:
                    logins[name] = f"user{len(logins) + 1}"
                    out.write(
                        f"<wp:author><wp:author_login>{logins[name]}</wp:author_login>"
                        f"<wp:author_display_name>{escape(name)}</wp:author_display_name>"
                        "</wp:author>\n"
                    )
            moment = datetime.fromisoformat(story["published_at"]).astimezone(UTC)
            body = story["body"].replace("</p><p>", "\n\n").removeprefix("<p>")
            terms = "".join(
                f'<category domain="post_tag" nicename="t"><![CDATA[{topic}]]></category>'
                for topic in story.get("topics", [])
            )
            creators = "".join(
                f"<dc:creator>{logins[name]}</dc:creator>" for name in story.get("authors", [])
            )
            for kind, status in [("post", "publish")] + [("page", "publish"), ("post", "draft")] * (
                number % 10 == 0
            ):
                out.write(
                    f"<item><title><![CDATA[{story['headline']}]]></title>"
                    f'<guid isPermaLink="false">https://ledger.example/?p={number}-{kind}</guid>'
                    f"{creators}<content:encoded><![CDATA[{body.removesuffix('</p>')}]]>"
                    f"</content:encoded><excerpt:encoded><![CDATA[{story['deck']}]]>"
                    f"</excerpt:encoded><wp:post_id>{number}</wp:post_id>"
                    f"<wp:post_date_gmt>{moment:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>"
                    f"<wp:status>{status}</wp:status><wp:post_type>{kind}</wp:post_type>"
                    f'<category domain="category" nicename="{story["section"]}">'
                    f"<![CDATA[{story['section'].title()}]]></category>{terms}</item>\n"
                )
        out.write("</channel></rss>\n")


def main() -> int:
    scratch = scratch_newsroom("broadsheet-bench-wxr-")
    from django.core.management import call_command

    from broadsheet.articles.models import ArticlePage
    from broadsheet.demo.archive import archive_lines

    export = scratch / "export.xml"
    start = datetime(2024, 1, 1, tzinfo=UTC)
    lines = (
        line
        for line, _ in archive_lines(count=POSTS, seed=7, start=start, step=timedelta(minutes=12))
    )
    export_write(export, lines)
    size = export.stat().st_size / 1024 / 1024
    print(f"Wrote {POSTS:,} published posts ({size:.1f} MB) to {export}")
    for run in ("first import", "re-run (unchanged)"):
        started, cpu_started = time.perf_counter(), time.process_time()
        call_command(
            "import_wordpress",
            str(export),
            stderr=open(os.devnull, "w"),
            stdout=open(os.devnull, "w"),
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(
            f"import_wordpress, {run}: {POSTS:,} posts in {seconds:.1f} s = "
            f"{POSTS / seconds:,.0f}/s ({cpu:.1f} s of CPU = {POSTS / cpu:,.0f} per CPU second)"
        )
    count = ArticlePage.objects.count()
    print(f"Articles in the database afterwards: {count:,} (expected {POSTS:,})")
    return 0 if count == POSTS else 1


if __name__ == "__main__":
    sys.exit(main())
