from django.urls import path

from . import account_views, views

app_name = "deputies"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.profile, name="profile"),
    path("find/", views.find_my_deputy, name="find_my_deputy"),
    path("offices/", views.offices, name="offices"),
    path("join/<str:token>/", account_views.accept_invitation, name="accept_invitation"),
    path("accounts/", account_views.accounts, name="accounts"),
    path("accounts/invite/", account_views.invite, name="invite"),
    path("accounts/<int:deputy_id>/resend/", account_views.resend, name="resend_invitation"),
]
