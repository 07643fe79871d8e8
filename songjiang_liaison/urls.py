import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from ops import media

from . import views

admin.site.site_header = _("松江区人大代表联系人民群众平台 管理")
admin.site.site_title = _("松江区人大代表联系人民群众平台")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico where a page names no icon (downloads, the API's JSON).
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("deputies/", include("deputies.urls")),
    path("activities/", include("contacts.urls")),
    path("calendar/", include("contacts.calendar_urls")),
    path("voters/", include("contacts.voter_urls")),
    path("opinions/", include("feedback.urls")),
    path("track/", include("feedback.track_urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("songjiang_liaison.api_urls")),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Uploaded files, with safe headers and private prefixes refused to the public (ops/media.py).
    urlpatterns.append(re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", media.serve))

handler400 = "songjiang_liaison.views.error_400"
handler403 = "songjiang_liaison.views.error_403"
handler404 = "songjiang_liaison.views.error_404"
handler500 = "songjiang_liaison.views.error_500"
