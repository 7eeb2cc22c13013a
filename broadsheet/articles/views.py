"""All news: the whole archive, and one day of it."""

from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from broadsheet.articles.selectors import (
    day_articles,
    neighbouring_days,
    published_articles,
)
from broadsheet.caching import keys
from broadsheet.core.pagination import paginate

ARCHIVE_PAGE_SIZE = 30
DAY_PAGE_SIZE = 100


def news_index(request):
    articles = paginate(request, published_articles(), per_page=ARCHIVE_PAGE_SIZE)
    keys.tag(request, keys.NEWS, articles)
    today = timezone.localdate()
    return render(request, "pages/news_index.html", {"articles": articles, "today": today})


def news_day(request, year: int, month: int, day: int):
    try:
        chosen = date(year, month, day)
    except ValueError as error:
        raise Http404("No such day") from error
    articles = paginate(request, day_articles(day=chosen), per_page=DAY_PAGE_SIZE)
    previous_day, next_day = neighbouring_days(day=chosen)
    keys.tag(request, keys.NEWS, articles)
    return render(
        request,
        "pages/news_day.html",
        {"day": chosen, "articles": articles, "previous_day": previous_day, "next_day": next_day},
    )
