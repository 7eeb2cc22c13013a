# What differs from one box to the next: where Broadsheet listens and who may purge.
# deploy/varnish/run writes its own copy into the Varnish work directory; a production box keeps
# an edited copy in /etc/varnish (vcl_path searches there first).

backend broadsheet {
    .host = "127.0.0.1";
    .port = "8000";
    # Django answers 400 to a Host outside ALLOWED_HOSTS, which would mark the backend sick.
    .host_header = "localhost";
    .first_byte_timeout = 30s;
    # /healthz answers 200 while the app and its database work; a sick backend turns on
    # stale-if-error for every cached page, and Varnish stops asking it for pages.
    .probe = {
        .url = "/healthz";
        .interval = 2s;
        # Busy is not down. Each web worker answers one request at a time, so right after a
        # publish the probe waits behind the pages the purge emptied; a short timeout would
        # mark Broadsheet sick then, serving stale copies (or errors, for pages purged whole)
        # instead of the new ones. A stopped server refuses the probe at once.
        .timeout = 5s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}

# The desk worker sends its purges from here.
acl purgers {
    "127.0.0.1";
    "::1";
}
