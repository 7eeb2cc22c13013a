"""All news: the whole archive, and one day of it."""

from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from broadsheet.articles.selectors import (
    FIRST_DAY,
    LAST_DAY,
    all_news_pages,
    day_listing,
    neighbouring_days,
)
from broadsheet.caching import keys
from broadsheet.core.pagination import paginate

ARCHIVE_PAGE_SIZE = 30
DAY_PAGE_SIZE = 100


def news_index(request):
    articles = paginate(request, all_news_pages(), per_page=ARCHIVE_PAGE_SIZE)
    keys.tag(request, keys.NEWS, articles)
    today = timezone.localdate()
    return render(request, "pages/news_index.html", {"articles": articles, "today": today})


def news_day(request, year: int, month: int, day: int):
    try:
        chosen = date(year, month, day)
    except ValueError as error:
        raise Http404("No such day") from error
    if not FIRST_DAY <= chosen <= LAST_DAY:
        raise Http404("No such day")
    articles = paginate(request, day_listing(day=chosen), per_page=DAY_PAGE_SIZE)
    previous_day, next_day = neighbouring_days(day=chosen)
    keys.tag(request, keys.NEWS, articles)
    return render(
        request,
        "pages/news_day.html",
        {"day": chosen, "articles": articles, "previous_day": previous_day, "next_day": next_day},
    )
