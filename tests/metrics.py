"""Read a metric the way Prometheus would: scrape /metrics and parse the text format."""

from prometheus_client.parser import text_string_to_metric_families


def metric_value(client, name: str, **labels) -> float:
    """The value of sample `name` with exactly these labels in /metrics (0 if absent)."""
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200, response.status_code
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0
