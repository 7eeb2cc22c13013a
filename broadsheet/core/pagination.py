from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest


def paginate(request: HttpRequest, items, *, per_page: int) -> Page:
    """The page of `items` that ?page=N asks for; 404 for anything but an existing page number."""
    raw = request.GET.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise Http404("No such page")
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    number = int(raw)
    if number < 1 or number > paginator.num_pages:
        raise Http404("No such page")
    return paginator.page(number)
