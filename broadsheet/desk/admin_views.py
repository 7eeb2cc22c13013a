"""The release queue screen in the Wagtail admin: slots, reorder, pull, release now, pause."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from broadsheet.articles.models import ArticlePage
from broadsheet.core.outlet import outlet_settings
from broadsheet.desk.models import DeskSettings, QueueEntry
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
