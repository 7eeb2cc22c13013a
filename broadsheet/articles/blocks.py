"""The blocks an article body is built from."""

import re
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import linebreaksbr
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import expand_db_html

# Inline formatting only: a paragraph block is one paragraph, headings have their own block.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "superscript", "subscript", "strikethrough"]

# The text blocks (most of a body: a story has a dozen paragraphs or more) write their markup in
# Python, as core/cards.py does for cards. Through a template each cost a copy of the page's
# context and, for rich text, Wagtail's own template around it again: more than the uncached
# story page's queries together. Images and videos keep their templates.


def rich_text_html(value) -> str:
    """Rich text as stored (sanitised when saved), with its page and document links resolved."""
    return mark_safe(expand_db_html(value.source))  # noqa: S308 - sanitised on the way in


class ParagraphBlock(blocks.RichTextBlock):
    def render_basic(self, value, context=None):
        return format_html('<div class="prose">{}</div>', rich_text_html(value))


class HeadingBlock(blocks.CharBlock):
    def render_basic(self, value, context=None):
        return format_html('<h2 class="article__subhead">{}</h2>', value)


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    speaker = blocks.CharBlock(required=False, max_length=120)
    role = blocks.CharBlock(required=False, max_length=160, help_text="e.g. Minister of Economy")

    class Meta:
        icon = "openquote"

    def render_basic(self, value, context=None):
        caption = ""
        if value["speaker"]:
            role = format_html(', <span class="quote__role">{}</span>', value["role"])
            caption = format_html(
                '<figcaption><span class="quote__speaker">{}</span>{}</figcaption>',
                value["speaker"],
                role if value["role"] else "",
            )
        return format_html(
            '<figure class="quote"><blockquote><p>{}</p></blockquote>{}</figure>',
            linebreaksbr(value["text"], autoescape=True),
            caption,
        )


class QuestionAnswerBlock(blocks.StructBlock):
    question = blocks.TextBlock()
    answer = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "help"
        label = "Interview question and answer"

    def render_basic(self, value, context=None):
        return format_html(
            '<div class="qa"><p class="qa__question"><strong>{}</strong></p>'
            '<div class="qa__answer">{}</div></div>',
            value["question"],
            rich_text_html(value["answer"]),
        )


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=300)
    credit = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "image"
        template = "blocks/image.html"


class VideoStructValue(blocks.StructValue):
    @cached_property
    def embed_url(self) -> str | None:
        return video_embed_url(self.get("url", ""))


def video_embed_url(url: str) -> str | None:
    """The player address for a video from an allowed provider (VIDEO_EMBED_PROVIDERS)."""
    providers = tuple(
        (spec["address"], spec["player"]) for spec in settings.VIDEO_EMBED_PROVIDERS.values()
    )
    for pattern, player in video_providers(providers):
        match = pattern.match(url or "")
        if match:
            return player.format(id=match["id"])
    return None


@lru_cache(maxsize=8)
def video_providers(providers: tuple) -> list[tuple[re.Pattern, str]]:
    return [(re.compile(address), player) for address, player in providers]


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(help_text="A YouTube or Vimeo address.")
    title = blocks.CharBlock(max_length=200, help_text="Describes the video for screen readers.")
    caption = blocks.CharBlock(required=False, max_length=300)

    class Meta:
        icon = "media"
        template = "blocks/video.html"
        value_class = VideoStructValue

    def clean(self, value):
        value = super().clean(value)
        if video_embed_url(value.get("url")) is None:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        "Only videos from %(providers)s can be embedded.",
                        params={"providers": ", ".join(settings.VIDEO_EMBED_PROVIDERS)},
                    )
                }
            )
        return value


class PullQuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(max_length=300)

    class Meta:
        icon = "pick"

    def render_basic(self, value, context=None):
        return format_html(
            '<aside class="pull-quote" aria-label="Pull quote"><p>{}</p></aside>', value["text"]
        )


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock(features=PARAGRAPH_FEATURES)
    heading = HeadingBlock(max_length=160, icon="title")
    quote = QuoteBlock()
    question_answer = QuestionAnswerBlock()
    image = ImageBlock()
    video = VideoBlock()
    pull_quote = PullQuoteBlock()
