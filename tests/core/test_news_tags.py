from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from broadsheet.core.templatetags.news import dateline


def test_dateline_reads_like_the_reference_in_the_outlet_time_zone():
    """Dates read `22 June 2024 - 18:24` in the outlet's zone, with an ISO datetime attribute."""
    moment = datetime(2024, 6, 22, 14, 24, tzinfo=UTC)
    with timezone.override(ZoneInfo("Asia/Baku")):
        html = dateline(moment)
    assert html == (
        '<time class="dateline" datetime="2024-06-22T18:24:00+04:00">22 June 2024 - 18:24</time>'
    )


def test_dateline_day_has_no_leading_zero():
    """Single-digit days read `5 March`, not `05 March`."""
    moment = datetime(2025, 3, 5, 6, 7, tzinfo=UTC)
    with timezone.override(ZoneInfo("UTC")):
        assert ">5 March 2025 - 06:07<" in dateline(moment)
