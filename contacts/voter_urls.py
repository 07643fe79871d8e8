"""Public pages of voters' views and questions to their deputy (§二(五)), mounted at /voters/."""

from django.urls import path

from . import question_views

app_name = "voters"

urlpatterns = [
    path("deputies/<int:deputy_id>/ask/", question_views.ask, name="ask"),
    path("reports/<int:pk>/", question_views.public_report, name="report"),
]
