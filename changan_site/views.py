"""Project-level views: the health check a load balancer polls, and the
background jobs' health a monitor polls."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from worker.selectors import HEALTHY, job_statuses


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise. No data, no login."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@never_cache
@require_GET
def healthz_jobs(request: HttpRequest) -> JsonResponse:
    """Each background job's status (ok, retrying, failing, late) and last
    success; 503 when one is failing or late, so a monitor can page someone.
    Public: names, times and counts only. Apart from /healthz, so a stopped
    worker never takes the web servers out of the load balancer."""
    try:
        statuses = job_statuses()
    except Exception:  # any database failure means "cannot tell"
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    healthy = all(s.status in HEALTHY for s in statuses)
    jobs = {
        s.name: {
            "status": s.status,
            "last_success": s.last_success_at.isoformat() if s.last_success_at else None,
            "consecutive_failures": s.consecutive_failures,
        }
        for s in statuses
    }
    status = "ok" if healthy else "failing"
    return JsonResponse({"status": status, "jobs": jobs}, status=200 if healthy else 503)
