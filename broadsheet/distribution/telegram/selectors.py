from broadsheet.distribution.models import TelegramDelivery


def telegram_delivery_for(*, article_id: int | None) -> TelegramDelivery | None:
    if article_id is None:
        return None
    return TelegramDelivery.objects.filter(article_id=article_id).first()


def telegram_deliveries_unsettled() -> list[int]:
    """Stories whose Telegram post is still to be made or confirmed: their retry, or the check
    after a send, is due in the queue."""
    unsettled = [TelegramDelivery.Status.PENDING, TelegramDelivery.Status.SENDING]
    return list(
        TelegramDelivery.objects.filter(status__in=unsettled).values_list("article_id", flat=True)
    )
