"""Lead images named by `image_url` in an import file: fetched by the worker, checked, attached."""

import ipaddress
import logging
import socket
from io import BytesIO
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PillowImage
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.util import connection
from wagtail.images import get_image_model

from broadsheet.articles.models import ArticlePage
from broadsheet.imports.models import ImportedArticle

logger = logging.getLogger(__name__)

IMAGE_MAX_BYTES = 15 * 1024 * 1024
IMAGE_MAX_PIXELS = 50_000_000
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
FETCH_TIMEOUT = (5, 20)  # connect, read (seconds)
MAX_REDIRECTS = 3


class ImageFetchError(Exception):
    pass


def public_addresses(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to; ImageFetchError unless every one is on the public
    internet.

    An import file names the addresses the worker fetches: without this check a line could make it
    reach the machine's own services or the private network behind it, and the recorded error
    would tell what answered. IMPORT_IMAGES_FROM_PRIVATE_ADDRESSES lifts it for a newsroom whose
    images sit on its own network.
    """
    try:
        found = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise ImageFetchError(f"no such host: {host}") from None
    addresses = [address[0] for *_, address in found]
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise ImageFetchError(f"{host} is not a public address")
    return addresses


def public_address_check(url: str) -> None:
    """ImageFetchError unless the URL's host is public: refused before any connection is made."""
    parts = urlsplit(url)
    try:
        port = parts.port or 443
    except ValueError:  # a port out of range
        raise ImageFetchError(f"no such host: {parts.netloc}") from None
    public_addresses(parts.hostname or "", port)


class PublicConnectionMixin:
    """A urllib3 connection that resolves its host once, checks every address, and connects to
    one of the addresses it checked.

    Checking a host and then letting the connection resolve it again leaves a window: a name
    that answers with a public address to the check and a private one to the connection (DNS
    rebinding) would get through. TLS still verifies the certificate against the host's name.
    """

    def _new_conn(self) -> socket.socket:
        error = None
        for address in public_addresses(self._dns_host, self.port):
            try:
                return connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except OSError as failure:
                error = failure
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")


class PublicHTTPConnection(PublicConnectionMixin, HTTPConnection):
    pass


class PublicHTTPSConnection(PublicConnectionMixin, HTTPSConnection):
    pass


class PublicHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = PublicHTTPConnection


class PublicHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = PublicHTTPSConnection


class PublicAddressAdapter(HTTPAdapter):
    """requests' adapter, connecting only to public addresses (PublicConnectionMixin)."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": PublicHTTPConnectionPool,
            "https": PublicHTTPSConnectionPool,
        }


def image_session() -> requests.Session:
    """A session for fetching import images: public addresses only, unless settings allow more.

    It ignores proxies set in the environment, which would resolve the host themselves.
    """
    session = requests.Session()
    if not settings.IMPORT_IMAGES_FROM_PRIVATE_ADDRESSES:
        session.trust_env = False
        adapter = PublicAddressAdapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    return session


def image_download(url: str) -> tuple[bytes, str]:
    """The image's bytes and file extension; ImageFetchError unless it is a real, sane image."""
    check_first = not settings.IMPORT_IMAGES_FROM_PRIVATE_ADDRESSES
    try:
        with image_session() as session:
            for _ in range(MAX_REDIRECTS + 1):
                # Each hop is checked: a public address could redirect to a private one.
                if check_first:
                    public_address_check(url)
                response = session.get(
                    url, timeout=FETCH_TIMEOUT, stream=True, allow_redirects=False
                )
                if not response.is_redirect:
                    break
                url = urljoin(url, response.headers["Location"])
                response.close()
            else:
                raise ImageFetchError(f"more than {MAX_REDIRECTS} redirects")
            with response:
                response.raise_for_status()
                data = BytesIO()
                for chunk in response.iter_content(64 * 1024):
                    data.write(chunk)
                    if data.tell() > IMAGE_MAX_BYTES:
                        raise ImageFetchError(f"larger than {IMAGE_MAX_BYTES // 1024 // 1024} MB")
    except requests.RequestException as error:
        raise ImageFetchError(f"download failed: {type(error).__name__}: {error}"[:300]) from None
    content = data.getvalue()
    try:
        with PillowImage.open(BytesIO(content)) as probe:
            # Checked from the bytes, not the URL or the Content-Type: SVG and HTML never pass.
            kind = IMAGE_FORMATS.get(probe.format or "")
            if kind is None:
                raise ImageFetchError(f"not a JPEG, PNG, WebP or GIF image ({probe.format})")
            if probe.width * probe.height > IMAGE_MAX_PIXELS:
                raise ImageFetchError(f"{probe.width}×{probe.height} is too many pixels")
            probe.verify()
    except (OSError, SyntaxError, PillowImage.DecompressionBombError) as error:
        raise ImageFetchError(f"not a readable image ({error})"[:300]) from None
    return content, kind


def imported_image_attach(*, record_id: int) -> bool:
    """Fetch the record's image and make it the article's lead image; False if nothing to do."""
    record = ImportedArticle.objects.select_related("article").filter(pk=record_id).first()
    if record is None or not record.image_url or record.image_url == record.image_attached_url:
        return False
    url = record.image_url
    try:
        content, extension = image_download(url)
    except ImageFetchError as error:
        logger.warning("Imported image for article %s not attached: %s", record.article_id, error)
        ImportedArticle.objects.filter(pk=record.pk).update(image_error=str(error)[:300])
        return False
    with transaction.atomic():
        article = ArticlePage.objects.select_for_update().get(pk=record.article_id)
        image = get_image_model()(title=article.title[:255])
        image.file = ImageFile(BytesIO(content), name=f"import-{article.pk}.{extension}")
        image.save()
        article.lead_image = image
        revision = article.save_revision(log_action=True)
        if article.live:
            revision.publish()
        ImportedArticle.objects.filter(pk=record.pk).update(image_attached_url=url, image_error="")
    return True
