from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from broadsheet.core.addresses import reverse_once


class Topic(index.Indexed, models.Model):
    """A subject readers can follow: a country, an organisation, a person or a theme."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        ORGANISATION = "organisation", "Organisation"
        PERSON = "person", "Person"
        THEME = "theme", "Theme"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.THEME)
    description = models.TextField(blank=True)
    aliases = models.TextField(
        blank=True, help_text="Other names the topic goes by, one per line (e.g. an acronym)."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("aliases"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_once("topics:detail", self.slug)

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


register_snippet(Topic)
