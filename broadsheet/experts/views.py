from django.shortcuts import get_object_or_404, render

from broadsheet.articles.selectors import expert_articles
from broadsheet.caching import keys
from broadsheet.core.pagination import paginate
from broadsheet.experts.models import Expert

PAGE_SIZE = 20


def expert_index(request):
    experts = Expert.objects.select_related("photo")
    keys.tag(request, keys.EXPERTS)
    return render(request, "pages/expert_index.html", {"experts": experts})


def expert_detail(request, slug):
    expert = get_object_or_404(Expert.objects.select_related("photo"), slug=slug)
    articles = paginate(request, expert_articles(expert=expert), per_page=PAGE_SIZE)
    keys.tag(request, expert, articles)
    return render(request, "pages/expert.html", {"expert": expert, "articles": articles})
