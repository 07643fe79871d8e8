from django.urls import path

from . import views

app_name = "deputies"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.profile, name="profile"),
    path("find/", views.find_my_deputy, name="find_my_deputy"),
    path("offices/", views.offices, name="offices"),
]
