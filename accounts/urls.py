from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/sms/", views.sms_login, name="sms_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/<int:pk>/read/", views.mark_read, name="mark_read"),
    path("notifications/read-all/", views.mark_all_read, name="mark_all_read"),
    path("notifications/settings/", views.preferences, name="preferences"),
]
