"""Uploads through the admin: real image types only, no SVG, no oversized files."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from wagtail.images import get_image_model

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def png(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def editor_client(client, db):
    chief = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(chief)
    return client


def upload(client, name: str, content: bytes, content_type: str):
    return client.post(
        reverse("wagtailimages:add"),
        {"title": name, "file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_a_real_image_is_accepted(editor_client):
    response = upload(editor_client, "harbour.png", png(), "image/png")
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="harbour.png").exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("logo.svg", SVG, "image/svg+xml"),
        ("logo.png", SVG, "image/png"),  # SVG under a photo's name
        ("photo.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg"),
        ("photo.jpg", b"\x00" * 2048, "image/jpeg"),
    ],
)
def test_anything_else_is_refused_with_a_form_error(editor_client, name, content, content_type):
    response = upload(editor_client, name, content, content_type)
    assert response.status_code == 200  # the form again, not a server error
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


def test_an_oversized_upload_is_refused(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10_000
    response = upload(editor_client, "huge.png", png((2000, 2000)) + b"\x00" * 20_000, "image/png")
    assert response.status_code == 200
    assert "too big" in " ".join(response.context["form"].errors["file"])
    assert not get_image_model().objects.exists()


def test_a_50_mb_form_post_to_a_reader_page_is_refused(db):
    client = Client(enforce_csrf_checks=True)  # as browsers meet the site
    body = b"q=" + b"a" * (50 * 1024 * 1024)
    response = client.post("/search/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 403)  # refused unread: no CSRF token, or too big
