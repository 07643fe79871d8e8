from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from ops import health


@require_GET
@never_cache
def healthz(request):
    """Each part's status (ops.health): database, cache, broker, worker, outbox; 503 when the database
    is unreachable, 200 "degraded" naming the part when anything else is down."""
    body, status = health.report()
    return JsonResponse(body, status=status)


@require_GET
def favicon(request):
    """/favicon.ico, asked for by browsers where a page names no icon: the portal's icon."""
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.svg"))


# The language switch in every page's header posts without a CSRF token, so that a public page carries
# no per-visitor token and can be cached whole (songjiang_liaison/pagecache.py). Another site making a
# visitor's browser switch language is harmless; `next` is still checked against the allowed hosts.
set_language = csrf_exempt(i18n.set_language)


def home(request):
    """The public front page, or for a signed-in user with a role the dashboard of that role instead;
    both with the task cards of the menu, 反映意见 first, each with its line of description."""
    from reports.dashboards import dashboard_for

    from .navigation import home_cards, menu_items

    dashboard = dashboard_for(request.user)
    context = {"dashboard": dashboard, "cards": home_cards(menu_items(request, request.user))}
    if dashboard is not None:
        context["dashboard_template"] = f"reports/_dashboard_{dashboard.kind}.html"
    return render(request, "home.html", context)


def _api_error(request, status: int):
    """Under /api/ an error is JSON with `detail`, as the schema documents it (not the HTML page)."""
    if not request.path_info.startswith("/api/"):
        return None
    from rest_framework import exceptions

    kinds = {400: exceptions.ParseError, 403: exceptions.PermissionDenied, 404: exceptions.NotFound}
    return JsonResponse({"detail": str(kinds[status].default_detail)}, status=status)


def error_400(request, exception=None):
    return _api_error(request, 400) or render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    return _api_error(request, 403) or render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return _api_error(request, 404) or render(request, "errors/404.html", status=404)


def error_500(request):
    # Rendered without the request's context processors: they may need the database that just failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render())
