from wagtail.admin.panels import Panel


class TelegramDeliveryPanel(Panel):
    """The story's Telegram post as the worker last left it, in the article editor."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", "Telegram post")
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "distribution/admin/telegram_delivery_panel.html"

        def get_context_data(self, parent_context=None):
            from broadsheet.distribution.telegram.selectors import telegram_delivery_for

            context = super().get_context_data(parent_context)
            context["delivery"] = telegram_delivery_for(article_id=self.instance.pk)
            return context
