"""Template helpers every reader page uses: datelines and pagination links."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def dateline_text(moment: datetime) -> str:
    """`22 June 2024 - 18:24`, in the active (the outlet's) time zone."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y - %H:%M}"


@register.simple_tag
def dateline(moment: datetime | None, css_class: str = "dateline"):
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    # Written directly rather than through format_html, on every line of every list: the date
    # parts are digits and month names, so only the class needs escaping.
    return mark_safe(
        f'<time class="{escape(css_class)}" datetime="{local.isoformat(timespec="seconds")}">'
        f"{dateline_text(local)}</time>"
    )


@register.simple_tag(takes_context=True)
def page_query(context, number: int) -> str:
    """The current query string with ?page set to `number` (omitted for page 1)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if number > 1:
        query["page"] = number
    encoded = query.urlencode()
    path = context["request"].path
    return f"{path}?{encoded}" if encoded else path


# Card and lead-image widths; the browser picks from srcset by the layout's `sizes`.
CARD_WIDTHS = (320, 640)
LEAD_WIDTHS = (640, 960, 1280)


@register.simple_tag
def picture(image, *, ratio: str = "16x9", widths: str = "card", sizes: str = "100vw", eager=False):
    """One responsive <img>: Wagtail renditions in srcset, width/height set, lazy unless eager."""
    if image is None:
        return ""
    w_ratio, h_ratio = (int(part) for part in ratio.split("x"))
    chosen = LEAD_WIDTHS if widths == "lead" else CARD_WIDTHS
    specs = [f"fill-{w}x{w * h_ratio // w_ratio}" for w in chosen]
    renditions = image.get_renditions(*specs)
    # Wagtail never upscales: on a small original several specs come out the same width, and
    # a srcset may name each width once.
    by_width = {}
    for spec in specs:
        by_width.setdefault(renditions[spec].width, renditions[spec])
    ordered = list(by_width.values())
    fallback = ordered[0]
    srcset = ", ".join(f"{r.url} {r.width}w" for r in ordered)
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="{}" '
        'decoding="async">',
        fallback.url,
        srcset,
        sizes,
        fallback.width,
        fallback.height,
        image.default_alt_text or "",
        "eager" if eager else "lazy",
    )
