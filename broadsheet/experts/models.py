from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from broadsheet.core.addresses import reverse_once


class Expert(index.Indexed, models.Model):
    """An outside voice the desk interviews and quotes, recurring across many pieces."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    nationality = models.CharField(max_length=60, blank=True, help_text="e.g. Georgian")
    country = models.CharField(max_length=60, blank=True)
    role = models.CharField(max_length=120, blank=True, help_text="e.g. Political analyst")
    institution = models.CharField(max_length=160, blank=True)
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("nationality"),
        FieldPanel("country"),
        FieldPanel("role"),
        FieldPanel("institution"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_once("experts:detail", self.slug)

    @property
    def affiliation(self) -> str:
        """`Political analyst, Institute for Regional Studies`, or whichever parts are known."""
        return ", ".join(part for part in (self.role, self.institution) if part)


register_snippet(Expert)
