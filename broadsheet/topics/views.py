from django.http import Http404
from django.shortcuts import render

from broadsheet.articles.selectors import linked_listing
from broadsheet.caching import keys
from broadsheet.core.pagination import paginate
from broadsheet.topics.models import Topic
from broadsheet.topics.selectors import topic_by_slug

PAGE_SIZE = 20


def topic_index(request):
    keys.tag(request, keys.TOPICS)
    return render(
        request, "pages/topic_index.html", {"topics": Topic.objects.order_by("kind", "name")}
    )


def topic_detail(request, slug):
    topic = topic_by_slug(slug)
    if topic is None:
        raise Http404("No such topic")
    articles = paginate(request, linked_listing(kind="topic", entry=topic), per_page=PAGE_SIZE)
    keys.tag(request, topic, articles)
    return render(request, "pages/topic.html", {"topic": topic, "articles": articles})
