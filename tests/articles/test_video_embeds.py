"""Video embeds come only from the providers on the allow-list (VIDEO_EMBED_PROVIDERS)."""

import pytest
from wagtail.blocks import StructBlockValidationError

from broadsheet.articles.blocks import VideoBlock

PEERTUBE = {
    "address": r"^https://video\.example\.org/w/(?P<id>[A-Za-z0-9]{22})",
    "player": "https://video.example.org/videos/embed/{id}",
}


def video(url: str):
    block = VideoBlock()
    return block, block.to_python({"url": url, "title": "Harbour at dawn", "caption": ""})


def test_a_provider_the_desk_adds_is_embedded_through_its_player(settings):
    settings.VIDEO_EMBED_PROVIDERS = {**settings.VIDEO_EMBED_PROVIDERS, "PeerTube": PEERTUBE}
    block, value = video("https://video.example.org/w/9c9de5e8a8c74a3f9e1d2b")
    html = block.render(block.clean(value))
    assert 'src="https://video.example.org/videos/embed/9c9de5e8a8c74a3f9e1d2b"' in html


ALLOWED_ONLY = "Only videos from YouTube, Vimeo can be embedded."


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://video.example.org/w/9c9de5e8a8c74a3f9e1d2b", ALLOWED_ONLY),  # not listed
        ("https://evil.example/watch?v=dQw4w9WgXcQ", ALLOWED_ONLY),
        ("https://youtu.be.evil.example/dQw4w9WgXcQ", ALLOWED_ONLY),
        ("javascript:alert(1)//https://youtu.be/dQw4w9WgXcQ", "Enter a valid URL."),
    ],
)
def test_a_video_from_elsewhere_is_refused_naming_the_allowed_providers(url, error):
    block, value = video(url)
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    assert [str(m) for m in refused.value.block_errors["url"].messages] == [error]


def test_youtube_plays_from_its_no_cookie_player():
    block, value = video("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in block.render(block.clean(value))
