from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the database is unreachable
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _broker_status() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "eager"}
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:  # a broker outage degrades, it does not take the portal down
        return {"ok": False, "mode": "redis", "error": exc.__class__.__name__}
    return {"ok": True, "mode": "redis"}


@require_GET
@never_cache
def healthz(request):
    """Database and broker status; 503 when the database is unreachable."""
    database = _database_status()
    broker = _broker_status()
    status = "ok" if database["ok"] and broker["ok"] else ("degraded" if database["ok"] else "down")
    return JsonResponse(
        {"status": status, "database": database, "broker": broker},
        status=200 if database["ok"] else 503,
    )


def home(request):
    """The public front page; above it, for a signed-in user, the dashboard of their role."""
    from reports.dashboards import dashboard_for

    dashboard = dashboard_for(request.user)
    context = {"dashboard": dashboard}
    if dashboard is not None:
        context["dashboard_template"] = f"reports/_dashboard_{dashboard.kind}.html"
    return render(request, "home.html", context)


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # Rendered without the request's context processors: they may need the database that just failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render())
