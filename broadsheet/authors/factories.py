import factory
from django.utils.text import slugify

from broadsheet.authors.models import Author


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.LazyAttribute(lambda author: slugify(author.name))
    role = "Correspondent"
