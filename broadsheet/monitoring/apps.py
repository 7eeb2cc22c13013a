from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """What operators watch: readiness, Prometheus metrics, request ids in structured logs."""

    name = "broadsheet.monitoring"
    label = "monitoring"

    def ready(self):
        from django.core.signals import request_finished

        from broadsheet.monitoring.logs import request_id_end

        request_finished.connect(request_id_end, dispatch_uid="monitoring.request_id_end")
