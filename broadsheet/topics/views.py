from django.shortcuts import get_object_or_404, render

from broadsheet.articles.selectors import topic_articles
from broadsheet.caching import keys
from broadsheet.core.pagination import paginate
from broadsheet.topics.models import Topic

PAGE_SIZE = 20


def topic_index(request):
    keys.tag(request, keys.TOPICS)
    return render(
        request, "pages/topic_index.html", {"topics": Topic.objects.order_by("kind", "name")}
    )


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    articles = paginate(request, topic_articles(topic=topic), per_page=PAGE_SIZE)
    keys.tag(request, topic, articles)
    return render(request, "pages/topic.html", {"topic": topic, "articles": articles})
