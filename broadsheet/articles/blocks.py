"""The blocks an article body is built from."""

import re
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

# Inline formatting only: a paragraph block is one paragraph, headings have their own block.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "superscript", "subscript", "strikethrough"]


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    speaker = blocks.CharBlock(required=False, max_length=120)
    role = blocks.CharBlock(required=False, max_length=160, help_text="e.g. Minister of Economy")

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


class QuestionAnswerBlock(blocks.StructBlock):
    question = blocks.TextBlock()
    answer = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "help"
        label = "Interview question and answer"
        template = "blocks/question_answer.html"


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
        template = "blocks/pull_quote.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, template="blocks/paragraph.html")
    heading = blocks.CharBlock(max_length=160, icon="title", template="blocks/heading.html")
    quote = QuoteBlock()
    question_answer = QuestionAnswerBlock()
    image = ImageBlock()
    video = VideoBlock()
    pull_quote = PullQuoteBlock()
