from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from broadsheet.articles.models import ArticlePage
from broadsheet.discovery.services import topic_promote


@require_POST
def topic_promote_view(request, page_id: int):
    article = get_object_or_404(ArticlePage, pk=page_id)
    if not (
        request.user.has_perm("topics.add_topic")
        and article.permissions_for_user(request.user).can_edit()
    ):
        raise PermissionDenied
    name = request.POST.get("topic_name", "").strip()
    if not name or len(name) > 120:
        messages.error(request, "Give the new topic a name of at most 120 characters.")
    else:
        topic = topic_promote(name=name, article=article, user=request.user)
        messages.success(
            request, f"“{topic.name}” is a topic and is on this story’s draft; publish to show it."
        )
    return redirect("wagtailadmin_pages:edit", article.pk)
