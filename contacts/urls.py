"""Pages of contact activities and the performance record, mounted at /activities/."""

from django.urls import path

from . import activity_views, calendar_views, committee_views, progress_views, question_views, record_views
from .feeds import DeputyActivitiesFeed

app_name = "contacts"

urlpatterns = [
    path("", activity_views.activity_list, name="list"),
    path("my-year/", progress_views.my_year, name="my_year"),
    path("new/", activity_views.activity_create, name="create"),
    path("plan/", calendar_views.plan_create, name="plan"),
    path("committee/", committee_views.committee_contacts, name="committee"),
    path("committee/new/", committee_views.committee_contact_create, name="committee_create"),
    path("<int:pk>/held/", calendar_views.plan_held, name="held"),
    path("<int:pk>/", activity_views.activity_detail, name="detail"),
    path("<int:pk>/edit/", activity_views.activity_edit, name="edit"),
    path("<int:pk>/amend/", activity_views.activity_amend, name="amend"),
    path("<int:pk>/confirm/", activity_views.activity_confirm, name="confirm"),
    path("register/", activity_views.activity_register, name="register"),
    path("to-confirm/", activity_views.confirm_queue, name="confirm_queue"),
    path("deputies/", progress_views.overview, name="overview"),
    path("deputies/<int:deputy_id>/record/", progress_views.record, name="record"),
    path("deputies/<int:pk>/feed/", DeputyActivitiesFeed(), name="deputy_feed"),
    path("exemptions/new/", progress_views.exemption_create, name="exemption_create"),
    path("years/close/", progress_views.close_year, name="close_year"),
    path("voter-reports/", record_views.voter_reports, name="voter_reports"),
    path("voter-reports/new/", record_views.voter_report_create, name="voter_report_create"),
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
    path("research/", record_views.research, name="research"),
    path("research/new/", record_views.research_create, name="research_create"),
    path("training/", record_views.training, name="training"),
    path("training/plans/new/", record_views.training_plan_create, name="training_plan_create"),
    path("training/sessions/new/", record_views.training_session_create, name="training_session_create"),
    path(
        "training/sessions/<int:session_id>/attendance/",
        record_views.training_attendance,
        name="training_attendance",
    ),
    path("meetings/", record_views.meetings, name="meetings"),
    path("meetings/new/", record_views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/<slug:action>/", record_views.meeting_action, name="meeting_action"),
]
