"""The short public tracking address `/track/<code>` (mounted at the site root; design contract)."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^(?P<code>[A-Za-z0-9]{1,32})/?$", views.track, name="track_short"),
]
