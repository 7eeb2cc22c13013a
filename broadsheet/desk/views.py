from django.http import Http404
from django.shortcuts import render

from broadsheet.caching import keys
from broadsheet.core.pagination import paginate
from broadsheet.desk.previews import preview_share_for_token
from broadsheet.desk.selectors import public_corrections

PAGE_SIZE = 30


def corrections_index(request):
    corrections = paginate(request, public_corrections(), per_page=PAGE_SIZE)
    keys.tag(request, keys.NEWS)
    return render(request, "pages/corrections.html", {"corrections": corrections})


def shared_preview(request, token):
    """A story's latest draft, for whoever holds a live preview link: never cached or indexed."""
    share = preview_share_for_token(token)
    if share is None:
        raise Http404("This preview link has expired or was revoked.")
    draft = share.page.specific.get_latest_revision_as_object()
    # Marked as a preview, the response is `private, no-store` and kept out of the page cache
    # and purges (caching/middleware.py), like Wagtail's own previews.
    request.is_preview = True
    request.preview_mode = draft.default_preview_mode
    response = draft.serve_preview(request, draft.default_preview_mode)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    # The link is the key: no Referer carries it to another page or site.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
