from django.urls import path
from django.views.generic import RedirectView

from . import views
from .feeds import ArchiveAnswersFeed, SuggestionsFeed
from .suggestions import views as suggestion_views

app_name = "feedback"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="feedback:submit", permanent=False), name="index"),
    path("new/", views.submit, name="submit"),
    path("new/committees/", views.committee_options, name="committee_options"),
    path("new/done/<str:code>/", views.submitted, name="submitted"),
    path("record/", views.record, name="record"),
    path("qr/deputy/<int:pk>.svg", views.deputy_qr_svg, name="deputy_qr_svg"),
    path("qr/deputy/<int:pk>.png", views.deputy_qr_png, name="deputy_qr_png"),
    path("qr/deputy/<int:pk>/", views.deputy_qr_page, name="deputy_qr"),
    path("suggestions/", suggestion_views.public_list, name="suggestions"),
    path("suggestions/work/", suggestion_views.work, name="suggestion_work"),
    path("suggestions/new/", suggestion_views.new, name="suggestion_new"),
    path("suggestions/<int:pk>/", suggestion_views.detail, name="suggestion_detail"),
    path("suggestions/<int:pk>/edit/", suggestion_views.edit, name="suggestion_edit"),
    path("suggestions/<int:pk>/act/<slug:action>/", suggestion_views.act, name="suggestion_act"),
    path("suggestions/<int:pk>/files/<int:file_pk>/", suggestion_views.attachment, name="suggestion_file"),
    path("suggestions/feed/", SuggestionsFeed(), name="suggestions_feed"),
    path("archive/", views.archive_list, name="archive"),
    path("archive/feed/", ArchiveAnswersFeed(), name="archive_feed"),
    path("archive/<int:pk>/", views.archive_detail, name="archive_detail"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:code>/", views.track, name="track"),
    path("queue/", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/contact/", views.show_contact, name="show_contact"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/publication/", views.publication, name="publication"),
]
