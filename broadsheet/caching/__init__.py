"""Delivery: caching headers, surrogate keys, the in-process page cache and purging on change."""
