"""Caching headers on every response, and the embedded page cache in front of everything.

Both sit at the top of MIDDLEWARE: the page cache first, so a hit skips every other layer, then
the headers, outside the session and CSRF middleware so they see any cookie those set.
"""

import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, has_vary_header, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from broadsheet.caching.keys import request_tags
from broadsheet.caching.pagecache import CachedPage, PageStore, accepts_gzip, url_key

PRIVATE = "private, no-store"
# Not for shared caches, and checked with the server before each reuse: what a response
# nobody declared cacheable gets (media in development, redirects, pages a view forgot to tag).
UNDECLARED = "private, no-cache"
VALIDATORS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
# Cloudflare reads a comma-separated Cache-Tag; Varnish's xkey and Fastly's Surrogate-Key a
# space-separated list. https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/
COMMA_SEPARATED_TAG_HEADERS = frozenset({"cache-tag"})


def cache_control(directives: dict[str, int]) -> str:
    return ", ".join(["public", *(f"{name}={seconds}" for name, seconds in directives.items())])


def is_personal(request: HttpRequest, response: HttpResponse) -> bool:
    """A response for one visitor: it sets a cookie, depends on one, or is a preview."""
    return bool(
        response.cookies
        or has_vary_header(response, "Cookie")
        or getattr(request, "is_preview", False)
    )


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """`response`, or a 304 when the request's validators still match it."""
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=last_modified and parse_http_date_safe(last_modified),
        response=response,
    )


class ReaderCacheMiddleware:
    """Public, purgeable caching for tagged reader responses; private for anything else.

    A view declares its response cacheable by tagging it with what it shows (keys.tag). The
    response then gets the reader Cache-Control, its surrogate keys, an ETag and a Last-Modified.
    Whatever sets or reads a cookie (a session, a CSRF form) is `private, no-store`, tagged or not.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.public = cache_control(settings.READER_CACHE_CONTROL)
        self.brief = cache_control(settings.SEARCH_CACHE_CONTROL)
        self.ttl = settings.READER_CACHE_CONTROL["s-maxage"]
        self.brief_ttl = settings.SEARCH_CACHE_CONTROL["s-maxage"]
        self.tag_headers = [
            (name, "," if name.lower() in COMMA_SEPARATED_TAG_HEADERS else " ")
            for name in settings.CACHE_TAG_HEADERS
        ]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        tags = request_tags(request)
        if is_personal(request, response):
            response.headers["Cache-Control"] = PRIVATE
            return response
        if "Cache-Control" in response.headers:
            return response  # the view decided, e.g. never_cache on /healthz
        if request.method not in ("GET", "HEAD") or response.status_code >= 400:
            response.headers["Cache-Control"] = PRIVATE
            return response
        if tags is None or response.status_code not in (200, 304):
            response.headers["Cache-Control"] = UNDECLARED
            return response

        response.headers["Cache-Control"] = self.brief if tags.brief else self.public
        for header, separator in self.tag_headers:
            response.headers[header] = separator.join(tags.keys)
        # For the page cache in front: what to keep the page under, and for how long.
        response.cache_keys = tuple(tags.keys)
        response.cache_ttl = self.brief_ttl if tags.brief else self.ttl
        if response.status_code != 200:
            return response
        if "ETag" not in response.headers:
            set_response_etag(response)
        if "Last-Modified" not in response.headers:
            # The newest change among what the page shows, else now; the ETag (which readers'
            # browsers and Varnish send along) catches a change that moves no timestamp.
            modified = tags.modified.timestamp() if tags.modified else time.time()
            response.headers["Last-Modified"] = http_date(modified)
        return conditional(request, response)


class PageCacheMiddleware:
    """Serve reader pages from this process's PageStore; store each cacheable page rendered.

    Only what ReaderCacheMiddleware made public is kept: tagged, 200, no cookie. Pages are kept
    per scheme, host, path and query string, for their shared-cache lifetime (s-maxage), and
    dropped as soon as a purge of one of their keys reaches the journal. They are kept gzipped
    and sent so to clients that take gzip (every browser), unzipped to the others.
    """

    def __init__(self, get_response):
        if not settings.PAGE_CACHE:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.store = PageStore(
            max_bytes=settings.PAGE_CACHE_MAX_BYTES,
            poll_interval=settings.PAGE_CACHE_POLL_INTERVAL,
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        store = self.store
        store.refresh(time.monotonic())
        method = request.method
        if method != "GET" and method != "HEAD":
            return self.get_response(request)
        meta = request.META
        url = (
            f"{request.scheme}://{meta.get('HTTP_HOST') or meta.get('SERVER_NAME')}"
            f"{request.path}?{meta.get('QUERY_STRING', '')}"
        )
        page = store.get(url)
        if page is not None:
            response = self.serve(request, page)
            response.page_cache = "hit"
            return response

        # Render in full even for a conditional request, so the page is kept for the next one.
        validators = {name: meta.pop(name) for name in VALIDATORS if name in meta}
        generation = store.generation
        response = self.get_response(request)
        meta.update(validators)
        keys = getattr(response, "cache_keys", None)
        if (
            keys
            and method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            # Pages are kept by URL alone: one that differs by a request header is not kept.
            and not response.has_header("Vary")
        ):
            page = CachedPage.of(
                response, keys=(*keys, url_key(request.path)), ttl=response.cache_ttl
            )
            store.put(url, page, rendered_at_generation=generation)
            # Served as the next reader will get it: gzipped if this client takes it.
            response = self.serve(request, page)
        elif validators:
            response = conditional(request, response)
        response.page_cache = "miss"
        return response

    @staticmethod
    def serve(request: HttpRequest, page: CachedPage) -> HttpResponse:
        """`page` for this request: a 304 if it holds the page already, gzipped if it takes
        gzip, without a body for HEAD."""
        meta = request.META
        if_none_match = meta.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None and if_none_match == page.etag:
            return page.not_modified()
        response = page.clone(zipped=accepts_gzip(meta.get("HTTP_ACCEPT_ENCODING", "")))
        if request.method == "HEAD":
            response.content = b""
        if if_none_match is not None or "HTTP_IF_MODIFIED_SINCE" in meta:
            response = conditional(request, response)
        return response
