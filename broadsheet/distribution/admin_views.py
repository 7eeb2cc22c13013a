from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from broadsheet.distribution.models import TelegramDelivery
from broadsheet.distribution.telegram.services import telegram_delivery_retry

RETRYABLE = (TelegramDelivery.Status.UNCONFIRMED, TelegramDelivery.Status.FAILED)


def story_edit_url(delivery: TelegramDelivery) -> str | None:
    if Page.objects.filter(pk=delivery.article_id).exists():
        return reverse("wagtailadmin_pages:edit", args=[delivery.article_id])
    return None


@require_http_methods(["GET", "POST"])
def telegram_delivery_retry_view(request, pk: int):
    """An editor who checked the channel asks for the story to be posted again."""
    delivery = get_object_or_404(TelegramDelivery, pk=pk, status__in=RETRYABLE)
    page = Page.objects.filter(pk=delivery.article_id).first()
    if page is None or not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    if request.method == "POST":
        telegram_delivery_retry(delivery=delivery)
        messages.success(request, f"“{delivery}” will be posted again.")
        return redirect("telegramdelivery:inspect", pk=delivery.pk)
    return TemplateResponse(
        request,
        "distribution/admin/telegram_delivery_retry.html",
        {"delivery": delivery, "page_title": "Post again to Telegram", "header_icon": "mail"},
    )
