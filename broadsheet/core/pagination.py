from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from broadsheet.core.prepared import Listing

# Counting every story of a 100,000-story list costs more than showing a page of it, so a list
# is counted this many pages deep at most; past that, readers page on without a total.
COUNTED_PAGES = 10


class CountedPaginator(Paginator):
    """A Paginator told its count, or told that the count is unknown (num_pages is None)."""

    def __init__(self, object_list, per_page, *, count: int | None):
        super().__init__(object_list, per_page, allow_empty_first_page=True)
        self.count = count
        self.num_pages = None if count is None else max(1, -(-count // per_page))


class ListPage(Page):
    """One page of a list whose length may be unknown: it knows whether another page follows."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(request: HttpRequest) -> int:
    """The ?page=N asked for; 404 for anything but a positive whole number."""
    raw = request.GET.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise Http404("No such page")
    return int(raw)


class QuerySetSlices:
    """A queryset read as a Listing is."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset
        self.uncounted = getattr(queryset, "uncounted", False)

    def rows(self, start: int, stop: int) -> list:
        return list(self.queryset[start:stop])

    def count_upto(self, limit: int) -> int:
        return self.queryset.order_by()[:limit].count()


def paginate(request: HttpRequest, items, *, per_page: int) -> Page:
    """The page of `items` that ?page=N asks for; 404 for anything but an existing page number.

    A queryset or a Listing (core.prepared) is read one row past the page, which says whether
    another page follows, and counted only COUNTED_PAGES deep, or not at all when its `uncounted`
    says it is longer than that; other lists (search's ranked hits) count themselves.
    """
    number = page_number(request)
    if isinstance(items, QuerySet):
        items = QuerySetSlices(items)
    if not isinstance(items, Listing | QuerySetSlices):
        paginator = Paginator(items, per_page, allow_empty_first_page=True)
        if number > paginator.num_pages:
            raise Http404("No such page")
        return paginator.page(number)
    bottom = (number - 1) * per_page
    rows = items.rows(bottom, bottom + per_page + 1)
    if not rows and number > 1:
        raise Http404("No such page")
    more = len(rows) > per_page
    rows = rows[:per_page]
    limit = COUNTED_PAGES * per_page
    if not more:
        count = bottom + len(rows)
    elif bottom + per_page < limit and not items.uncounted:
        count = items.count_upto(limit + 1)
        count = count if count <= limit else None
    else:
        count = None
    paginator = CountedPaginator(items, per_page, count=count)
    return ListPage(rows, number, paginator, more=more)
