# Varnish in front of Broadsheet: reader pages cached as long as Broadsheet's Cache-Control
# s-maxage says, purged by surrogate key (xkey) or by URL when the desk changes something,
# served stale while Broadsheet revalidates or is down.
# Debian's varnish (7.1) with varnish-modules for xkey. How to run it: README, "Running behind
# Varnish".
vcl 4.1;

import std;
import xkey;

# The backend and the purge ACL (deploy/varnish/local.vcl, or the run script's own copy).
include "local.vcl";

# How long a page may be served stale when Broadsheet fails, unless its Cache-Control names a
# stale-if-error of its own.
# https://www.rfc-editor.org/rfc/rfc5861#section-4
sub broadsheet_default_stale_if_error {
    set beresp.grace = 1d;
}

sub vcl_recv {
    if (req.restarts == 0) {
        # Set only by this VCL, after a failed fetch (see vcl_synth); never taken from a client.
        unset req.http.Bs-Stale-If-Error;
        unset req.http.Bs-Revalidate;
    }

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            # A soft purge: the copy goes stale but stays for stale-if-error, so a reader still
            # gets a page when the refetch fails (Broadsheet answers its probe while its
            # database restarts: `make soak` saw 500s for pages purged whole). vcl_hit tells a
            # purged copy from an expired one and makes the next reader wait for the new page.
            set req.http.Bs-Purged = xkey.softpurge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.Bs-Purged));
        }
        return (purge);
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }

    # The editors' side, private documents and the health check are never cached; previews live
    # under /admin/.
    if (req.url ~ "^/(admin|documents)(/|\?|$)" || req.url ~ "^/healthz(\?|$)") {
        return (pass);
    }
    # A signed-in editor sees the Wagtail user bar and drafts: their pages are their own.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Readers have no state the pages depend on; analytics cookies would split the cache.
    unset req.http.Cookie;

    # One cached copy per encoding Varnish can serve, not one per browser's spelling of it.
    if (req.http.Accept-Encoding ~ "gzip") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }

    # Back from vcl_hit with a copy past stale-while-revalidate: no grace, so it is a miss
    # (the stale copy still makes the fetch a conditional one). Back after that fetch failed:
    # all of the copy's grace again (a restart keeps req.grace; it cannot be unset).
    if (req.http.Bs-Stale-If-Error) {
        set req.grace = 3650d;
    } else if (req.http.Bs-Revalidate) {
        set req.grace = 0s;
    }
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        return (deliver);
    }
    # Stale. After a failed fetch, or while the probe finds Broadsheet down, anything still in
    # grace (its stale-if-error window) beats an error page.
    if (req.http.Bs-Stale-If-Error || !std.healthy(req.backend_hint)) {
        set req.http.Bs-Stale = "if-error";
        return (deliver);
    }
    # Stale before its time: purged. The reader waits for the new page, never gets one more
    # stale copy; if that fetch fails, vcl_synth comes back for this copy.
    if (std.real(obj.http.Bs-Fresh-Until, 0) > std.time2real(now, 0)) {
        set req.http.Bs-Revalidate = "1";
        return (restart);
    }
    # Within stale-while-revalidate the reader gets the stale copy at once and a background
    # fetch refreshes it; past it, the reader waits for a fresh one (Varnish 7.1 has no
    # return (miss) here, so look again without grace).
    if (obj.ttl + std.duration(obj.http.Bs-Stale-While-Revalidate + "s", 0s) > 0s) {
        set req.http.Bs-Stale = "while-revalidate";
        return (deliver);
    }
    set req.http.Bs-Revalidate = "1";
    return (restart);
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        # Never cache an error. A background refresh that fails keeps the stale copy; a reader's
        # fetch that fails is retried once from grace (vcl_synth).
        if (bereq.is_bgfetch || !bereq.http.Bs-Stale-If-Error) {
            return (abandon);
        }
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Pages and feeds are text that gzip shrinks about fourfold: stored compressed, sent as is to
    # every browser and unzipped for a client that does not take gzip.
    if (!beresp.http.Content-Encoding && beresp.http.Content-Type ~
        "^(text/|application/(json|xml|rss\+xml|atom\+xml|feed\+json|javascript)|image/svg)") {
        set beresp.do_gzip = true;
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Broadsheet decides what is cacheable: no Cache-Control or Expires, no caching (Varnish
    # would otherwise keep such a page for default_ttl, with nothing to purge it by).
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # beresp.ttl already follows s-maxage, then max-age; beresp.grace follows
    # stale-while-revalidate (default_grace without one, but then Broadsheet asked for none).
    # Keep that window, in seconds, for vcl_hit, then widen grace to stale-if-error.
    if (beresp.http.Cache-Control ~ "(?i)stale-while-revalidate=[0-9]+") {
        set beresp.http.Bs-Stale-While-Revalidate = beresp.grace;
    } else {
        set beresp.http.Bs-Stale-While-Revalidate = "0";
    }
    if (beresp.http.Cache-Control ~ "(?i)stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "(?i)^.*stale-if-error=([0-9]+).*$", "\1") + "s",
            0s);
    } else {
        call broadsheet_default_stale_if_error;
    }
    if (beresp.grace < std.duration(beresp.http.Bs-Stale-While-Revalidate + "s", 0s)) {
        set beresp.grace = std.duration(beresp.http.Bs-Stale-While-Revalidate + "s", 0s);
    }
    # Past grace the copy still answers a conditional request to Broadsheet (a 304 is cheap).
    set beresp.keep = 1d;
    # When the copy would expire by itself (seconds since the epoch): one stale before then
    # was purged (vcl_hit).
    set beresp.http.Bs-Fresh-Until = std.time2real(now + beresp.ttl, 0);
}

sub vcl_backend_error {
    # No answer at all: as for a 5xx above.
    if (bereq.is_bgfetch || !bereq.http.Bs-Stale-If-Error) {
        return (abandon);
    }
}

sub vcl_synth {
    # A reader's fetch failed (5xx or no answer): look again, this time taking a stale copy
    # from grace; with none there, the second fetch's error is what the reader gets.
    if (resp.status == 503 && req.method != "PURGE" && !req.http.Bs-Stale-If-Error) {
        set req.http.Bs-Stale-If-Error = "1";
        return (restart);
    }
}

sub vcl_deliver {
    # The surrogate keys and the revalidation window are for this cache, not for readers.
    unset resp.http.xkey;
    unset resp.http.Bs-Stale-While-Revalidate;
    unset resp.http.Bs-Fresh-Until;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } else if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    if (req.http.Bs-Stale) {
        set resp.http.X-Cache = resp.http.X-Cache + ", stale-" + req.http.Bs-Stale;
    }
}
