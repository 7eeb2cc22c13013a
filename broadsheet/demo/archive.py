"""The demo newsroom as an import file: JSON Lines in the `import_articles` format.

Used by the import benchmark and the Read also quality benchmark. Every line also carries the
story's primary topic under `label` when asked, so a scorer can grade related-article picks on a
corpus imported without topics.
"""

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils.html import escape

from broadsheet.demo.newsroom import newsroom_plan


def archive_lines(
    *, count: int, seed: int, start: datetime, step: timedelta, with_topics: bool = True
) -> Iterator[tuple[str, str]]:
    """(JSON line, primary topic) for `count` demo stories released every `step` from `start`."""
    for number, story in enumerate(newsroom_plan(seed=seed, count=count)):
        record = {
            "id": f"demo-{seed}-{number}",
            "headline": story.title,
            "deck": story.deck,
            "body": story_html(story.body),
            "section": story.section,
            "kind": story.kind,
            "published_at": (start + step * number).isoformat(),
            "authors": story.authors,
        }
        if with_topics:
            record["topics"] = story.topics
        if story.source_name:
            record["source"] = story.source_name
        yield json.dumps(record, ensure_ascii=False), (story.topics[0] if story.topics else "")


def story_html(body: list) -> str:
    parts = []
    for block, value in body:
        if block == "paragraph":
            parts.append(value)
        elif block == "heading":
            parts.append(f"<h2>{escape(value)}</h2>")
        elif block in {"quote", "pull_quote"}:
            parts.append(f"<blockquote>{escape(value['text'])}</blockquote>")
        elif block == "question_answer":
            parts.append(f"<p><b>{escape(value['question'])}</b></p>{value['answer']}")
    return "".join(parts)
