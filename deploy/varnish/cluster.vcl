# local.vcl for several web servers: the same probe and purge ACL, one backend per web server,
# and a round-robin director over those the probe finds healthy. bench/cluster.py writes a copy
# with this machine's ports (VARNISH_LOCAL_VCL for deploy/varnish/run); a production box keeps an
# edited copy as /etc/varnish/local.vcl, one backend block per web server.

import directors;

# The probe of local.vcl: see there why it waits 5 s before calling a busy server sick.
probe broadsheet_healthz {
    .url = "/healthz";
    .interval = 2s;
    .timeout = 5s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

backend web1 {
    .host = "127.0.0.1";
    .port = "8001";
    .host_header = "localhost";
    .first_byte_timeout = 30s;
    .probe = broadsheet_healthz;
}

backend web2 {
    .host = "127.0.0.1";
    .port = "8002";
    .host_header = "localhost";
    .first_byte_timeout = 30s;
    .probe = broadsheet_healthz;
}

sub vcl_init {
    new web = directors.round_robin();
    web.add_backend(web1);
    web.add_backend(web2);
}

# Runs before broadsheet.vcl's own vcl_recv, which includes this file first.
sub vcl_recv {
    set req.backend_hint = web.backend();
}

# The desk workers send their purges from here.
acl purgers {
    "127.0.0.1";
    "::1";
}
