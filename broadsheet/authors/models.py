from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from broadsheet.core.addresses import reverse_once


class Author(index.Indexed, ClusterableModel):
    """A member of staff or contributor whose name goes on bylines."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    role = models.CharField(max_length=120, blank=True, help_text="e.g. Political correspondent")
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bio = models.TextField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The newsroom account that writes as this author, if any.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("user"),
        InlinePanel("links", label="Links"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_once("authors:detail", self.slug)


class AuthorLink(Orderable):
    author = ParentalKey(Author, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=60, help_text="e.g. Telegram, Email, Website")
    url = models.URLField()

    panels = [FieldPanel("label"), FieldPanel("url")]

    def __str__(self) -> str:
        return f"{self.label}: {self.url}"


register_snippet(Author)
