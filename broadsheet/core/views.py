from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.static import serve

from broadsheet.desk.clock import publishing_status


@never_cache
def healthz(request):
    """Liveness: 200 while the app runs and its database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": str(error)[:200]}, status=503)
    publishing = publishing_status()
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "worker": "ok" if publishing.worker_alive else "down",
            "worker_heartbeat": _iso(publishing.worker_beat_at),
            "oldest_overdue": _iso(publishing.oldest_overdue_at),
            "publishing_lag_seconds": round(publishing.lag_seconds, 3),
        }
    )


def _iso(moment):
    return moment.isoformat() if moment else None


def media_serve(request, path):
    """Uploads, where Django serves them itself (development and the demo)."""
    # MEDIA_ROOT is read per request, not frozen into the URL pattern at import.
    return serve(request, path, document_root=settings.MEDIA_ROOT)
