"""The blocks an article body is built from."""

import re

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


# Embeds are built from an allow-list rather than fetched: no third-party script, no oEmbed call.
VIDEO_PROVIDERS = {
    "youtube": re.compile(
        r"^https://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/|youtube\.com/embed/)"
        r"(?P<id>[A-Za-z0-9_-]{11})"
    ),
    "vimeo": re.compile(r"^https://(?:www\.)?vimeo\.com/(?P<id>\d{6,12})"),
}
VIDEO_EMBED_URLS = {
    "youtube": "https://www.youtube-nocookie.com/embed/{id}",
    "vimeo": "https://player.vimeo.com/video/{id}",
}


def video_embed_url(url: str) -> str | None:
    for provider, pattern in VIDEO_PROVIDERS.items():
        match = pattern.match(url or "")
        if match:
            return VIDEO_EMBED_URLS[provider].format(id=match["id"])
    return None


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
                    "url": ValidationError("Only YouTube and Vimeo videos can be embedded.")
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
