"""Pages of contact activities and the performance record, mounted at /activities/."""

from django.urls import path

from . import calendar_views, committee_views, question_views, views
from .feeds import DeputyActivitiesFeed

app_name = "contacts"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("my-year/", views.my_year, name="my_year"),
    path("new/", views.activity_create, name="create"),
    path("plan/", calendar_views.plan_create, name="plan"),
    path("committee/", committee_views.committee_contacts, name="committee"),
    path("committee/new/", committee_views.committee_contact_create, name="committee_create"),
    path("<int:pk>/held/", calendar_views.plan_held, name="held"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/amend/", views.activity_amend, name="amend"),
    path("<int:pk>/confirm/", views.activity_confirm, name="confirm"),
    path("register/", views.activity_register, name="register"),
    path("to-confirm/", views.confirm_queue, name="confirm_queue"),
    path("deputies/", views.overview, name="overview"),
    path("deputies/<int:deputy_id>/record/", views.record, name="record"),
    path("deputies/<int:pk>/feed/", DeputyActivitiesFeed(), name="deputy_feed"),
    path("exemptions/new/", views.exemption_create, name="exemption_create"),
    path("years/close/", views.close_year, name="close_year"),
    path("voter-reports/", views.voter_reports, name="voter_reports"),
    path("voter-reports/new/", views.voter_report_create, name="voter_report_create"),
    path("voter-reports/plan/", calendar_views.voter_report_plan, name="voter_report_plan"),
    path("voter-reports/<int:pk>/held/", calendar_views.voter_report_held, name="voter_report_held"),
    path(
        "voter-reports/<int:report_id>/questions/new/",
        question_views.question_record,
        name="voter_question_record",
    ),
    path("voter-questions/", question_views.question_queue, name="voter_questions"),
    path("voter-questions/<int:pk>/answer/", question_views.question_answer, name="voter_question_answer"),
    path(
        "voter-questions/<int:pk>/<slug:action>/",
        question_views.question_moderate,
        name="voter_question_moderate",
    ),
    path("research/", views.research, name="research"),
    path("research/new/", views.research_create, name="research_create"),
    path("training/", views.training, name="training"),
    path("training/plans/new/", views.training_plan_create, name="training_plan_create"),
    path("training/sessions/new/", views.training_session_create, name="training_session_create"),
    path(
        "training/sessions/<int:session_id>/attendance/",
        views.training_attendance,
        name="training_attendance",
    ),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/<slug:action>/", views.meeting_action, name="meeting_action"),
]
