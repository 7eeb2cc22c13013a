from django.shortcuts import get_object_or_404, render

from broadsheet.articles.selectors import author_articles
from broadsheet.authors.models import Author
from broadsheet.caching import keys
from broadsheet.core.pagination import paginate

PAGE_SIZE = 20


def author_index(request):
    authors = Author.objects.select_related("photo")
    keys.tag(request, keys.AUTHORS)
    return render(request, "pages/author_index.html", {"authors": authors})


def author_detail(request, slug):
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    articles = paginate(request, author_articles(author=author), per_page=PAGE_SIZE)
    keys.tag(request, author, articles)
    return render(
        request,
        "pages/author.html",
        {"author": author, "links": list(author.links.all()), "articles": articles},
    )
