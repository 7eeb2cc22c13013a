import factory
from django.utils.text import slugify

from broadsheet.experts.models import Expert


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"Expert {n}")
    slug = factory.LazyAttribute(lambda expert: slugify(expert.name))
    nationality = "Veskan"
    role = "Political analyst"
    institution = "Institute for Regional Studies"
