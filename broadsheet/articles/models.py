from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from broadsheet.articles.blocks import ArticleBodyBlock
from broadsheet.core.addresses import reverse_once
from broadsheet.core.pages import QuickReadBack, RestrictionsReadAhead
from broadsheet.core.sanitise import html_plain_text
from broadsheet.discovery.panels import TopicSuggestionsPanel
from broadsheet.distribution.telegram.panels import TelegramDeliveryPanel


class ArticleKind(models.TextChoices):
    NEWS = "news", "News"
    INTERVIEW = "interview", "Interview"
    OPINION = "opinion", "Opinion"
    ANALYSIS = "analysis", "Analysis / expert insight"
    REVIEW = "review", "Review"
    FEATURE = "feature", "Feature"
    REPUBLISHED = "republished", "Republished"


class TelegramChoice(models.TextChoices):
    SECTION = "section", "As the section does"
    ALWAYS = "always", "Always post"
    NEVER = "never", "Never post"


# The label readers see above the headline unless the editor overrides it.
KIND_LABELS = {
    ArticleKind.NEWS: "News",
    ArticleKind.INTERVIEW: "Interviews",
    ArticleKind.OPINION: "Expert opinions",
    ArticleKind.ANALYSIS: "Expert insights",
    ArticleKind.REVIEW: "Reviews",
    ArticleKind.FEATURE: "Features",
    ArticleKind.REPUBLISHED: "Partner outlets",
}


# /<section>/feed/ and /<section>/feed.json are the section's feeds (distribution/urls.py).
ARTICLE_RESERVED_SLUGS = frozenset({"feed", "feed.json"})


class ArticlePage(QuickReadBack, RestrictionsReadAhead, Page):
    """A story: news item, interview, opinion, analysis, review, feature or republished piece."""

    deck = models.CharField(max_length=200, blank=True, help_text="The line under the headline.")
    kind = models.CharField(max_length=20, choices=ArticleKind.choices, default=ArticleKind.NEWS)
    label = models.CharField(
        max_length=60,
        blank=True,
        help_text="Overrides the kind’s label above the headline (e.g. “Regional experts”).",
    )
    second_line = models.CharField(
        max_length=140,
        blank=True,
        help_text="Shown under the headline in lists: “Article by …”, “PHOTO/VIDEO”, a subtitle.",
    )
    body = StreamField(ArticleBodyBlock(), blank=True)
    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_caption = models.CharField(max_length=300, blank=True)
    lead_image_credit = models.CharField(max_length=120, blank=True)
    experts = ParentalManyToManyField("experts.Expert", blank=True, related_name="articles")
    topics = ParentalManyToManyField("topics.Topic", blank=True, related_name="articles")
    has_photo = models.BooleanField("photo story", default=False)
    has_video = models.BooleanField("video story", default=False)
    is_top_story = models.BooleanField(
        default=False, help_text="Feature on the home page's top stories while it is recent."
    )
    source_name = models.CharField(
        "syndication source", max_length=120, blank=True, help_text="Partner outlet's name."
    )
    source_url = models.URLField("syndication source URL", blank=True)
    embargo_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Published but invisible to readers everywhere until this time; "
        "the story then appears with this as its publication time.",
    )
    telegram = models.CharField(
        "Telegram channel",
        max_length=10,
        choices=TelegramChoice.choices,
        default=TelegramChoice.SECTION,
        # Blank (a form that leaves it out) means "as the section does".
        blank=True,
        help_text="Whether the story is posted to the outlet's Telegram channel when it goes live. "
        "“Never” on a posted story deletes its post.",
    )

    content_panels = [
        FieldPanel("title", heading="Headline"),
        FieldPanel("deck"),
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("label"), FieldPanel("second_line")], heading="Label"
        ),
        InlinePanel("bylines", label="Byline", min_num=0),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
            ],
            heading="Lead image",
        ),
        FieldPanel("body"),
        InlinePanel(
            "corrections",
            label="Correction or update",
            heading="Corrections and updates",
            help_text="Public notes shown under the story and, for corrections, on /corrections/.",
        ),
        MultiFieldPanel([FieldPanel("topics"), TopicSuggestionsPanel()], heading="Topics"),
        FieldPanel("experts"),
        InlinePanel(
            "read_also_choices",
            label="Pinned or excluded story",
            heading="Read also",
            help_text="Read also is picked automatically; pin a story to put it first, or keep "
            "one out.",
        ),
        MultiFieldPanel(
            [
                FieldPanel("has_photo"),
                FieldPanel("has_video"),
                FieldPanel("is_top_story"),
                FieldPanel("embargo_until"),
                FieldPanel("source_name"),
                FieldPanel("source_url"),
            ],
            heading="Flags and syndication",
        ),
        MultiFieldPanel(
            [
                FieldPanel("telegram", widget=forms.RadioSelect(choices=TelegramChoice.choices)),
                TelegramDeliveryPanel(),
            ],
            heading="Telegram",
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("deck", boost=2),
        index.SearchField("second_line"),
        index.SearchField("body_text"),
        index.FilterField("kind"),
        index.FilterField("first_published_at"),
    ]

    parent_page_types = ["sections.SectionPage"]
    subpage_types: list[str] = []
    template = "pages/article_page.html"

    class Meta:
        verbose_name = "article"

    def body_text(self) -> str:
        """The body as plain text, for the admin's index and reader search's entry alike.

        Kept on the body value itself, so both indexes share one extraction (the dearest step of
        a bulk import) while a body assigned anew is read afresh.
        """
        body = self.body
        if not body:
            return ""
        text = getattr(body, "_plain_text", None)
        if text is None:
            parts = []
            for child in body:
                if child.block_type == "paragraph":
                    parts.append(html_plain_text(child.value.source))
                else:
                    parts.extend(child.block.get_searchable_content(child.value))
            text = body._plain_text = "\n".join(part for part in parts if part)
        return text

    def clean(self):
        super().clean()
        if self.slug in ARTICLE_RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is the address of the section’s feed."})

    def save(self, *args, **kwargs):
        # Readers first see an embargoed story when the embargo ends, so that is its public time:
        # it then leads Latest news, and every list that shows only the past hides it until then.
        if self.embargo_until and self.first_published_at:
            self.first_published_at = self.embargo_until
        return super().save(*args, **kwargs)

    def get_url_parts(self, request=None):
        # Wagtail reverses its serve view for every link, which costs more than the rest of a
        # Latest news line; the address is that view's root plus the path below the site root.
        sites = self._get_relevant_site_root_paths(request)
        if len(sites) != 1 or getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return super().get_url_parts(request)
        site_id, root_path, root_url, _ = sites[0]
        page_path = serve_root(request) + quote(
            self.url_path[len(root_path) :], safe=RFC3986_SUBDELIMS + "/~:@"
        )
        if not getattr(settings, "WAGTAIL_APPEND_SLASH", True):
            page_path = page_path.rstrip("/") or "/"
        return (site_id, root_url, page_path)

    def is_embargoed(self, now=None) -> bool:
        return bool(self.embargo_until and self.embargo_until > (now or timezone.now()))

    def serve(self, request, *args, **kwargs):
        if self.is_embargoed():
            raise Http404("No such story")
        return super().serve(request, *args, **kwargs)

    @property
    def headline(self) -> str:
        return self.title

    @property
    def display_label(self) -> str:
        return self.label or KIND_LABELS.get(self.kind, "")

    @cached_property
    def byline_authors(self) -> list:
        return [byline.author for byline in self.bylines.select_related("author").all()]

    def get_context(self, request, *args, **kwargs):
        from broadsheet.articles.selectors import article_page_context
        from broadsheet.caching import keys

        context = super().get_context(request, *args, **kwargs)
        context.update(article_page_context(article=self, request=request))
        keys.tag(
            request,
            self,
            context["section"],
            context["authors"],
            context["topics"],
            context["experts"],
            context["read_also"],
            keys.latest(context["latest_news"]),
        )
        return context


def serve_root(request=None) -> str:
    """Where Wagtail's page tree starts on this site ("/"), worked out once per process."""
    return reverse_once("wagtail_serve", "")


class ArticleByline(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey("authors.Author", on_delete=models.PROTECT, related_name="bylines")

    panels = [FieldPanel("author")]

    def __str__(self) -> str:
        return str(self.author)
