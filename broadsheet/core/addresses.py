"""Addresses of reader pages by URL name, worked out once per process.

Django's reverse() walks the URLconf on every call: a story page asks for a dozen addresses (its
topics, authors, experts, feeds), which together cost more than one of its queries.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def reverse_once(name: str, *args) -> str:
    """reverse(name, args=args), worked out once per process.

    Keyed by everything reverse() reads besides its arguments, so a test's own URLconf or a
    script prefix gets its own.
    """
    return reversed_url(name, args, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())


@lru_cache(maxsize=4096)
def reversed_url(name: str, args: tuple, root_urlconf, urlconf, script_prefix) -> str:
    return reverse(name, args=args, urlconf=urlconf)
