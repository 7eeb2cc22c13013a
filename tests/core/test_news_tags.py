from datetime import UTC, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from broadsheet.core.templatetags.news import dateline, picture


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


def test_picture_names_each_width_once_for_a_small_original(db, settings, tmp_path):
    """A small upload, which Wagtail will not upscale, still gives a valid srcset."""
    settings.MEDIA_ROOT = tmp_path
    buffer = BytesIO()
    PillowImage.new("RGB", (300, 300), "#884422").save(buffer, "JPEG")
    image = get_image_model().objects.create(
        title="Headshot", file=ImageFile(buffer, name="headshot.jpg")
    )
    html = str(picture(image, ratio="1x1"))
    srcset = html.split('srcset="')[1].split('"')[0]
    widths = [entry.rsplit(" ", 1)[1] for entry in srcset.split(", ")]
    assert widths == ["300w"]
    assert 'width="300" height="300"' in html
