import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

DEFAULT_TIME_ZONE = "Asia/Baku"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"“{value}” is not a time zone name such as Asia/Baku or Europe/London."
        )


@register_setting(icon="site")
class OutletSettings(BaseSiteSetting):
    """What the outlet calls itself and where it lives: editable by the chief editor."""

    outlet_name = models.CharField(max_length=100, default="Broadsheet")
    tagline = models.CharField(max_length=200, blank=True)
    language = models.CharField(
        max_length=10, default="en", help_text="Language code of the outlet's pages, e.g. en."
    )
    time_zone = models.CharField(
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text="Every date on the site is shown in this zone, e.g. Asia/Baku.",
    )
    telegram_channel_url = models.URLField(blank=True)
    youtube_channel_url = models.URLField(blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("outlet_name"), FieldPanel("tagline"), FieldPanel("language")],
            heading="Outlet",
        ),
        FieldPanel("time_zone"),
        MultiFieldPanel(
            [FieldPanel("telegram_channel_url"), FieldPanel("youtube_channel_url")],
            heading="Channels",
        ),
    ]

    class Meta:
        verbose_name = "outlet settings"

    def __str__(self) -> str:
        return self.outlet_name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)
