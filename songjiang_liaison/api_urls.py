"""REST API v1. Each app registers its viewsets in its own `api.py` (`register(router)`)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api
from contacts import api as contacts_api
from deputies import api as deputies_api
from feedback import api as feedback_api
from feedback import public_api as feedback_public_api
from reports import api as reports_api
from reports import public_api as reports_public_api


class Router(DefaultRouter):
    """Object ids in API paths are whole numbers (at most 18 digits, within PostgreSQL's bigint):
    `/opinions/abc/` is a 404 from the URL resolver, never a lookup with a word for an id. A viewset
    with another kind of key says so with `lookup_value_regex`."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if not hasattr(viewset, "lookup_value_regex"):
            viewset.lookup_value_regex = "[0-9]{1,18}"
        return super().get_lookup_regex(viewset, lookup_prefix)


router = Router()
extra_urls = []
for module in (
    accounts_api,
    deputies_api,
    contacts_api,
    feedback_api,
    feedback_public_api,
    reports_api,
    reports_public_api,
):
    module.register(router)
    extra_urls += getattr(module, "urlpatterns", [])

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script from this URL (?script) instead of inline: the
    # Content-Security-Policy allows scripts from the portal's files only (docs/csp.md).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    *extra_urls,
    path("", include(router.urls)),
]
