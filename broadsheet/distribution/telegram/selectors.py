from broadsheet.distribution.models import TelegramDelivery


def telegram_delivery_for(*, article_id: int | None) -> TelegramDelivery | None:
    if article_id is None:
        return None
    return TelegramDelivery.objects.filter(article_id=article_id).first()
