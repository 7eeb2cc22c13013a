import pytest

# A phone-sized screen: the layout is one column, so the page reads top to bottom in the order
# the reference design sets (the Latest news rail moves below the article).
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def on_phone(open_page):
    """Open a path of the live server as a reader on a phone."""
    return lambda path: open_page(path, **PHONE)
