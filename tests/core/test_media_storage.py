"""Uploaded media on S3-compatible storage, against a real S3 HTTP API on loopback (moto)."""

import io
import json
import os
import re
import subprocess
import sys
import tarfile
import urllib.request
from html import unescape

import boto3
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image
from wagtail.images import get_image_model

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.settings.environment import MEDIA_S3_VARIABLES, read_environment
from broadsheet.settings.media import media_storage
from tests.conftest import ROOT, sign_in_verified

BUCKET = "broadsheet-media"
KEYS = {"MEDIA_S3_ACCESS_KEY_ID": "newsroom", "MEDIA_S3_SECRET_ACCESS_KEY": "not-a-real-secret"}


PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    ],
}


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["MEDIA_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["MEDIA_S3_SECRET_ACCESS_KEY"],
    )


@pytest.fixture(scope="module")
def s3_endpoint():
    """An S3-compatible server on a free loopback port, with an empty bucket."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = s3_client(endpoint)
    s3.create_bucket(Bucket=BUCKET)
    # What the operator sets up (README): anyone may read the bucket's objects, nobody else write.
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    yield endpoint
    server.stop()


def s3_environment(endpoint: str) -> dict[str, str]:
    return {"MEDIA_S3_BUCKET": BUCKET, "MEDIA_S3_ENDPOINT_URL": endpoint, **KEYS}


@pytest.fixture
def s3_media(settings, monkeypatch, s3_endpoint):
    """Media settings as production derives them from MEDIA_S3_* (settings/media.py)."""
    for name, value in s3_environment(s3_endpoint).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = settings.STORAGES | {"default": media_storage(read_environment())}
    return s3_endpoint


def bucket_keys(endpoint: str) -> set[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listing.get("Contents", [])}


def jpeg(size=(1600, 900)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 80, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_photo_uploaded_in_the_admin_reaches_readers_from_the_bucket(
    s3_media, client, db, media_root
):
    """A photo uploaded through the admin is stored in the bucket, and the article page shows
    it from the bucket's public address."""
    editor = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw")
    sign_in_verified(client, editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Harbour at dawn",
            "file": SimpleUploadedFile("harbour.jpg", jpeg(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    photo = get_image_model().objects.get(title="Harbour at dawn")
    assert f"original_images/{os.path.basename(photo.file.name)}" in bucket_keys(s3_media)
    assert not media_root.exists() or not any(media_root.rglob("*.jpg"))

    article = ArticlePageFactory(title="Ferries return to the harbour", lead_image=photo)
    client.logout()
    page = client.get(article.url)
    assert page.status_code == 200
    sources = [
        unescape(src)
        for src in re.findall(r'src="([^"]+)"', page.content.decode())
        if "/images/" in src
    ]
    assert sources, "the article shows its lead photo"
    assert all(src.startswith(f"{s3_media}/{BUCKET}/images/") for src in sources)
    with urllib.request.urlopen(sources[0], timeout=10) as fetched:
        assert fetched.status == 200
        assert fetched.headers["Content-Type"].startswith("image/")
        rendition = Image.open(io.BytesIO(fetched.read()))
    assert 0 < rendition.width < 1600  # a rendition, not the original


def test_two_uploads_with_the_same_name_keep_both_photos(s3_media, db):
    """django-storages overwrites by default; two photos named alike must both survive."""
    first = get_image_model().objects.create(
        title="One", file=SimpleUploadedFile("photo.jpg", jpeg((800, 600)))
    )
    second = get_image_model().objects.create(
        title="Two", file=SimpleUploadedFile("photo.jpg", jpeg((640, 480)))
    )
    assert first.file.name != second.file.name
    assert Image.open(default_storage.open(first.file.name)).size == (800, 600)
    assert Image.open(default_storage.open(second.file.name)).size == (640, 480)


def test_production_settings_read_the_bucket_from_the_environment(s3_endpoint):
    """MEDIA_S3_* switch the media storage, and reader pages may load images from it."""
    environment = (
        {k: v for k, v in os.environ.items() if k not in MEDIA_S3_VARIABLES}
        | s3_environment(s3_endpoint)
        | {
            "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
            "MEDIA_S3_PUBLIC_URL": "https://media.example.org/photos",
        }
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings; "
            "from django.core.files.storage import storages; s = storages['default']; "
            "print(json.dumps([type(s).__name__, s.url('a b.jpg'), "
            "settings.SECURE_CSP['img-src']]))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    backend, url, image_sources = json.loads(done.stdout.strip().splitlines()[-1])
    assert backend == "S3Storage"
    assert url == "https://media.example.org/photos/a%20b.jpg"
    assert "https://media.example.org" in image_sources


def test_s3_settings_without_a_bucket_are_refused(monkeypatch):
    monkeypatch.setenv("MEDIA_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.delenv("MEDIA_S3_BUCKET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="MEDIA_S3_BUCKET"):
        read_environment()


def test_a_backup_says_media_in_the_bucket_is_not_in_the_archive(s3_media, db, tmp_path):
    """Backups cover media on local disk only; the bucket keeps its own copies (versioning)."""
    get_image_model().objects.create(title="One", file=SimpleUploadedFile("photo.jpg", jpeg()))
    output = io.StringIO()
    call_command("backup", str(tmp_path / "backup.tar"), stdout=output)
    assert "not on local disk" in output.getvalue()
    with tarfile.open(tmp_path / "backup.tar") as archive:
        assert not [name for name in archive.getnames() if name.startswith("media/")]
