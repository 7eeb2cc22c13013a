import factory
from django.utils.text import slugify

from broadsheet.home.models import HomePage
from broadsheet.sections.models import SectionPage


class SectionPageFactory(factory.Factory):
    """A live section under the home page, listed in the main navigation."""

    class Meta:
        model = SectionPage

    title = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.LazyAttribute(lambda section: slugify(section.title))
    show_in_menus = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        section = HomePage.objects.get().add_child(instance=model_class(**kwargs))
        section.save_revision().publish()
        return section
