from django.urls import path
from django.views.generic import RedirectView

from contacts.committee_views import committee_report

from . import public_views, views

app_name = "reports"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reports:public", permanent=False), name="index"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/<int:year>/snapshot/", views.snapshot, name="snapshot"),
    path("compliance/members/", committee_report, name="committee_members"),
    path("public/", views.public_statistics, name="public"),
    path("response-times/", public_views.response_times, name="response_times"),
    path("response-times/data.json", public_views.response_times_json, name="response_times_json"),
    path("response-times/<slug:table>.csv", public_views.response_times_csv, name="response_times_csv"),
    path("handling/", views.handling_report, name="handling"),
    path("funds/", views.funds, name="funds"),
    path("articles/", views.article_list, name="articles"),
    path("articles/new/", views.article_edit, name="article_create"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/publish/", views.article_publish, name="article_publish"),
    path("exports/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
