import time

from broadsheet.monitoring.logs import request_id_begin
from broadsheet.monitoring.metrics import REQUEST_SECONDS, REQUESTS


class RequestObservationMiddleware:
    """Give each request an id (X-Request-ID, in every log line) and count and time it.

    Outermost, so pages answered from the page cache are counted too; they have no resolved view
    and are labelled "page_cache".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        # The id stays set until the response is finished (see MonitoringConfig), so Django's
        # own log line for the response carries it too.
        request.request_id = request_id_begin(request.headers.get("X-Request-ID"))
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        view = _view_name(request, response)
        REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(view).observe(time.perf_counter() - started)
        return response


def _view_name(request, response) -> str:
    if getattr(response, "page_cache", None) == "hit":
        return "page_cache"
    match = getattr(request, "resolver_match", None)
    if match is None:  # answered before URL resolution (a redirect, a refused host)
        return "unresolved"
    # A label per view, never per URL: the set of labels stays small whatever readers request.
    return match.view_name or match._func_path
