from django.http import Http404
from django.shortcuts import render

from broadsheet.articles.selectors import linked_listing
from broadsheet.caching import keys
from broadsheet.core.pagination import paginate
from broadsheet.experts.models import Expert
from broadsheet.experts.selectors import expert_by_slug

PAGE_SIZE = 20


def expert_index(request):
    experts = Expert.objects.select_related("photo")
    keys.tag(request, keys.EXPERTS)
    return render(request, "pages/expert_index.html", {"experts": experts})


def expert_detail(request, slug):
    expert = expert_by_slug(slug)
    if expert is None:
        raise Http404("No such expert")
    articles = paginate(request, linked_listing(kind="expert", entry=expert), per_page=PAGE_SIZE)
    keys.tag(request, expert, articles)
    return render(request, "pages/expert.html", {"expert": expert, "articles": articles})
