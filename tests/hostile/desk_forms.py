"""Hostile text typed into every field the desk edits, submitted through the real admin views.

Each field gets the payload filled in with its own id (payload number × 100 + field number), so
a payload that runs in a reader's browser says which field it came in through. A field too
short for a payload gets the short fallback payload instead.
"""

import json
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from broadsheet.articles.models import ArticlePage
from broadsheet.authors.models import Author
from broadsheet.desk.models import BreakingNews
from broadsheet.experts.models import Expert
from broadsheet.topics.models import Topic
from tests.hostile.payloads import FALLBACK, Script

# A URL field accepts an address; these addresses carry markup in their path and query.
URL_PAYLOAD = 'https://example.org/x?"><svg/onload=__hostile({id})>'
VIDEO_PAYLOAD = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&x="><svg/onload=__hostile({id})>'

FIELDS = {
    # name: (field number, maximum length)
    "title": (1, 255),
    "deck": (2, 200),
    "label": (3, 60),
    "second_line": (4, 140),
    "lead_image_caption": (5, 300),
    "lead_image_credit": (6, 120),
    "source_name": (7, 120),
    "paragraph": (8, None),
    "heading": (9, 160),
    "quote_text": (10, None),
    "quote_speaker": (11, 120),
    "quote_role": (12, 160),
    "question": (13, None),
    "answer": (14, None),
    "pull_quote": (15, 300),
    "video_title": (16, 200),
    "video_caption": (17, 300),
    "image_caption": (18, 300),
    "image_credit": (19, 120),
    "correction": (20, None),
    "paragraph_link": (21, None),
    "source_url": (22, None),
    "video_url": (23, None),
    "seo_title": (24, 255),
    "search_description": (25, None),
    "topic_name": (30, 120),
    "topic_description": (31, None),
    "topic_aliases": (32, None),
    "author_name": (40, 120),
    "author_role": (41, 120),
    "author_bio": (42, None),
    "author_link_label": (43, 60),
    "author_link_url": (44, None),
    "expert_name": (50, 120),
    "expert_nationality": (51, 60),
    "expert_country": (52, 60),
    "expert_role": (53, 120),
    "expert_institution": (54, 160),
    "expert_bio": (55, None),
    "outlet_name": (60, 100),
    "tagline": (61, 200),
    "language": (62, 10),
    "telegram_channel_url": (63, None),
    "youtube_channel_url": (64, None),
    "banner_text": (70, 160),
}


class Filler:
    """Payload number `number`, filled in per field."""

    def __init__(self, number: int, payload: Script):
        self.number, self.payload = number, payload

    def id(self, field: str) -> int:
        return self.number * 100 + FIELDS[field][0]

    def __call__(self, field: str) -> str:
        id_, limit = self.id(field), FIELDS[field][1]
        text = self.payload(id_)
        if limit and len(text) > limit:
            text = FALLBACK(id_)
        # Ten characters hold no whole payload; the start of one still tests the attribute.
        return text[:limit] if limit else text

    def url(self, field: str, template: str = URL_PAYLOAD) -> str:
        return template.replace("{id}", str(self.id(field)))


class FormRefused(AssertionError):
    pass


def submitted(response, what: str):
    """A saved form redirects; a refused one comes back with its errors, which this names."""
    assert response.status_code < 500, (what, response.status_code)
    if response.status_code != 302:
        errors = re.findall(r'class="error-message"[^>]*>(.*?)</', response.content.decode(), re.S)
        raise FormRefused(f"{what}: {response.status_code} {errors[:5]}")
    return response


def hostile_link(text: str, href: str) -> str:
    """A rich text paragraph as Draftail sends it: its text one link, to `href`."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "hostl",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [{"offset": 0, "length": len(text), "style": "BOLD"}],
                    "entityRanges": [{"offset": 0, "length": len(text), "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": href}}},
        }
    )


def topic_add(client, fill: Filler) -> Topic:
    data = {
        "name": fill("topic_name"),
        "slug": f"hostile-topic-{fill.number}",
        "kind": "theme",
        "description": fill("topic_description"),
        "aliases": fill("topic_aliases"),
    }
    submitted(client.post(reverse("wagtailsnippets_topics_topic:add"), data), "topic")
    return Topic.objects.get(slug=data["slug"])


def author_add(client, fill: Filler) -> Author:
    data = nested_form_data(
        {
            "name": fill("author_name"),
            "slug": f"hostile-author-{fill.number}",
            "role": fill("author_role"),
            "bio": fill("author_bio"),
            "links": inline_formset(
                [{"label": fill("author_link_label"), "url": fill.url("author_link_url")}]
            ),
        }
    )
    submitted(client.post(reverse("wagtailsnippets_authors_author:add"), data), "author")
    return Author.objects.get(slug=data["slug"])


def expert_add(client, fill: Filler) -> Expert:
    data = {
        "name": fill("expert_name"),
        "slug": f"hostile-expert-{fill.number}",
        **{
            field: fill(f"expert_{field}")
            for field in ("nationality", "country", "role", "institution", "bio")
        },
    }
    submitted(client.post(reverse("wagtailsnippets_experts_expert:add"), data), "expert")
    return Expert.objects.get(slug=data["slug"])


def article_form(fill: Filler, *, image, author, topic, expert, **extra) -> dict:
    return nested_form_data(
        {
            "title": fill("title"),
            "slug": f"hostile-{fill.number}",
            "seo_title": fill("seo_title"),
            "search_description": fill("search_description"),
            "deck": fill("deck"),
            "kind": "interview",
            "label": fill("label"),
            "second_line": fill("second_line"),
            "lead_image": image.pk,
            "lead_image_caption": fill("lead_image_caption"),
            "lead_image_credit": fill("lead_image_credit"),
            "source_name": fill("source_name"),
            "source_url": fill.url("source_url"),
            "telegram": "never",
            "topics": [topic.pk],
            "experts": [expert.pk],
            "bylines": inline_formset([{"author": author.pk}]),
            "corrections": inline_formset(
                [
                    {
                        "kind": "correction",
                        "text": fill("correction"),
                        "noted_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
                    }
                ]
            ),
            "read_also_choices": inline_formset([]),
            "body": streamfield(
                [
                    (
                        "paragraph",
                        hostile_link(fill("paragraph"), fill("paragraph_link")),
                    ),
                    ("heading", fill("heading")),
                    (
                        "quote",
                        {
                            "text": fill("quote_text"),
                            "speaker": fill("quote_speaker"),
                            "role": fill("quote_role"),
                        },
                    ),
                    (
                        "question_answer",
                        {
                            "question": fill("question"),
                            "answer": hostile_link(fill("answer"), fill("answer")),
                        },
                    ),
                    ("pull_quote", {"text": fill("pull_quote")}),
                    (
                        "video",
                        {
                            "url": fill.url("video_url", VIDEO_PAYLOAD),
                            "title": fill("video_title"),
                            "caption": fill("video_caption"),
                        },
                    ),
                    (
                        "image",
                        {
                            "image": image.pk,
                            "caption": fill("image_caption"),
                            "credit": fill("image_credit"),
                        },
                    ),
                ]
            ),
            **extra,
        }
    )


def article_publish(client, fill: Filler, *, section, **related) -> ArticlePage:
    """The story typed into the editor and published, with its own topic, author and expert."""
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", section.pk))
    form = article_form(fill, **related, **{"action-publish": "publish"})
    submitted(client.post(url, form), f"article {fill.number}")
    return ArticlePage.objects.get(slug=f"hostile-{fill.number}")


def outlet_settings_post(client, fill: Filler):
    site = Site.objects.get(is_default_site=True)
    data = {
        "outlet_name": fill("outlet_name"),
        "tagline": fill("tagline"),
        "language": fill("language"),
        "time_zone": "Asia/Baku",
        "telegram_channel_url": fill.url("telegram_channel_url"),
        "youtube_channel_url": fill.url("youtube_channel_url"),
    }
    url = reverse("wagtailsettings:edit", args=("core", "outletsettings", site.pk))
    return submitted(client.post(url, data), "outlet settings")


def breaking_news_flag(client, fill: Filler, *, article) -> BreakingNews:
    data = {
        "article": article.pk,
        "banner_text": fill("banner_text"),
        "expires_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
    }
    submitted(client.post(reverse("wagtailsnippets_desk_breakingnews:add"), data), "breaking")
    return BreakingNews.objects.latest("flagged_at")


def newsroom_fill(client, people, room, fill: Filler) -> ArticlePage:
    """Payload `fill` in every field of a topic, author, expert and a published story naming
    them, as an editor types them."""
    client.force_login(people["ed"])
    related = {
        "topic": topic_add(client, fill),
        "author": author_add(client, fill),
        "expert": expert_add(client, fill),
    }
    return article_publish(
        client, fill, section=room.sections["interviews"], image=room.image, **related
    )
