from django.shortcuts import render

from broadsheet.core.pagination import paginate
from broadsheet.discovery.selectors import search_articles

SEARCH_PAGE_SIZE = 20
# Longer than any headline a reader would type; longer queries are refused, not truncated.
MAX_QUERY_LENGTH = 200


def search(request):
    if "q" not in request.GET:
        return render(request, "pages/search.html", {"query": "", "results": None})
    query = " ".join(request.GET["q"].split())
    if not query:
        return render(
            request,
            "pages/search.html",
            {"query": "", "results": None, "error": "Type a word or two to search for."},
            status=400,
        )
    if len(query) > MAX_QUERY_LENGTH:
        return render(
            request,
            "pages/search.html",
            {
                "query": query[:MAX_QUERY_LENGTH],
                "results": None,
                "error": f"Search for at most {MAX_QUERY_LENGTH} characters.",
            },
            status=400,
        )
    results = paginate(request, search_articles(query=query), per_page=SEARCH_PAGE_SIZE)
    return render(request, "pages/search.html", {"query": query, "results": results})
