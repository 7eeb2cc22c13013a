"""Desk screens in the Wagtail admin: the release queue (slots, reorder, pull, release now,
pause) and shared preview links."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.models import Page

from broadsheet.articles.models import ArticlePage
from broadsheet.core.outlet import outlet_settings
from broadsheet.desk.models import DeskSettings, PreviewShare, QueueEntry
from broadsheet.desk.previews import (
    can_share_preview,
    preview_share_create,
    preview_share_revoke,
    preview_shares_active,
)
from broadsheet.desk.queue import (
    queue_entry_add,
    queue_entry_move,
    queue_entry_pull,
    queue_entry_release,
    queue_pause_set,
    queue_schedule,
    waiting_entries,
)

CANDIDATE_LIMIT = 100


def _require_queue_rights(request):
    if not request.user.has_perm("desk.change_queueentry"):
        raise PermissionDenied


def queue_index(request):
    _require_queue_rights(request)
    queued = waiting_entries().values_list("article_id", flat=True)
    candidates = (
        ArticlePage.objects.filter(live=False)
        .exclude(pk__in=queued)
        .order_by("-latest_revision_created_at")[:CANDIDATE_LIMIT]
    )
    desk = DeskSettings.load()
    return TemplateResponse(
        request,
        "desk/queue.html",
        {
            "schedule": queue_schedule(),
            "candidates": candidates,
            "desk": desk,
            # Wagtail shows the admin in each user's own zone; slots are the outlet's clock.
            "outlet_zone": outlet_settings(request).zone,
            "can_edit_cadence": request.user.has_perm("desk.change_desksettings"),
        },
    )


@require_POST
def queue_add(request):
    _require_queue_rights(request)
    raw = request.POST.get("article", "")
    if not raw.isascii() or not raw.isdigit():
        raise Http404("No such story")
    article = get_object_or_404(ArticlePage, pk=int(raw), live=False)
    queue_entry_add(article=article, user=request.user)
    messages.success(request, f"“{article.title}” is in the queue.")
    return redirect("desk_queue")


@require_POST
def queue_action(request, entry_id: int, action: str):
    _require_queue_rights(request)
    entry = get_object_or_404(QueueEntry, pk=entry_id, released_at__isnull=True)
    if action == "up":
        queue_entry_move(entry=entry, by=-1, user=request.user)
    elif action == "down":
        queue_entry_move(entry=entry, by=1, user=request.user)
    elif action == "pull":
        queue_entry_pull(entry=entry, user=request.user)
        messages.success(request, f"“{entry.article.title}” was taken out of the queue.")
    elif action == "release":
        queue_entry_release(entry_id=entry.pk, user=request.user)
        messages.success(request, f"“{entry.article.title}” is live; later slots moved.")
    else:
        raise PermissionDenied
    return redirect("desk_queue")


@require_POST
def queue_pause(request):
    _require_queue_rights(request)
    queue_pause_set(paused=request.POST.get("paused") == "1", user=request.user)
    return redirect("desk_queue")


def preview_shares(request, page_id):
    """A page's shared preview links: make one (shown once), see and revoke the live ones."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not can_share_preview(page=page, user=request.user):
        raise PermissionDenied
    new_link = None
    if request.method == "POST":
        _, token = preview_share_create(page=page, user=request.user)
        new_link = request.build_absolute_uri(reverse("preview_share", args=[token]))
    return TemplateResponse(
        request,
        "desk/preview_shares.html",
        {
            "page": page,
            "shares": preview_shares_active(page=page),
            "new_link": new_link,
            "max_age_hours": round(settings.PREVIEW_SHARE_MAX_AGE.total_seconds() / 3600),
        },
    )


@require_POST
def preview_share_revoke_view(request, share_id):
    share = get_object_or_404(PreviewShare.objects.select_related("page"), pk=share_id)
    if not can_share_preview(page=share.page, user=request.user):
        raise PermissionDenied
    preview_share_revoke(share=share, user=request.user)
    messages.success(request, "The preview link no longer opens the draft.")
    return redirect("desk_preview_shares", share.page_id)
