from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/steps/", views.add_step, name="add_step"),
    path("<int:pk>/close/", views.close, name="close"),
]
