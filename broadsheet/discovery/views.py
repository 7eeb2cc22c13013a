from django.shortcuts import render

from broadsheet.caching import keys
from broadsheet.core.pagination import paginate
from broadsheet.discovery.forms import SearchForm
from broadsheet.discovery.selectors import search_articles

SEARCH_PAGE_SIZE = 20


def search(request):
    # Results change with every story and no purge can follow each query: cached briefly.
    keys.tag(request, keys.NEWS, brief=True)
    if "q" not in request.GET:
        return render(request, "pages/search.html", {"form": SearchForm(), "results": None})
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "pages/search.html", {"form": form, "results": None}, status=400)
    query = form.cleaned_data["q"]
    results = paginate(
        request, search_articles(query=query, filters=form.filters()), per_page=SEARCH_PAGE_SIZE
    )
    return render(request, "pages/search.html", {"form": form, "query": query, "results": results})
