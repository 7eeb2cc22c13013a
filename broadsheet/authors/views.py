from django.http import Http404
from django.shortcuts import render

from broadsheet.articles.selectors import linked_listing
from broadsheet.authors.models import Author
from broadsheet.authors.selectors import author_by_slug, author_links
from broadsheet.caching import keys
from broadsheet.core.pagination import paginate

PAGE_SIZE = 20


def author_index(request):
    authors = Author.objects.select_related("photo")
    keys.tag(request, keys.AUTHORS)
    return render(request, "pages/author_index.html", {"authors": authors})


def author_detail(request, slug):
    author = author_by_slug(slug)
    if author is None:
        raise Http404("No such author")
    articles = paginate(request, linked_listing(kind="author", entry=author), per_page=PAGE_SIZE)
    keys.tag(request, author, articles)
    return render(
        request,
        "pages/author.html",
        {"author": author, "links": author_links(author=author), "articles": articles},
    )
