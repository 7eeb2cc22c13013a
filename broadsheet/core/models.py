import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

DEFAULT_TIME_ZONE = "Asia/Baku"
# Google shows no publisher logo smaller than this on either side.
# https://developers.google.com/search/docs/appearance/structured-data/organization
MIN_LOGO_SIDE = 112


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
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The publisher logo search engines and link previews show: at least 112×112 "
        "pixels. The site's own mark is used when empty.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("outlet_name"),
                FieldPanel("tagline"),
                FieldPanel("language"),
                FieldPanel("logo"),
            ],
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

    def clean(self):
        super().clean()
        if self.logo and min(self.logo.width, self.logo.height) < MIN_LOGO_SIDE:
            raise ValidationError(
                {"logo": f"Choose a logo at least {MIN_LOGO_SIDE}×{MIN_LOGO_SIDE} pixels."}
            )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)
