from django.urls import path

from . import views

app_name = "production"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("sites/", views.sites, name="sites"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/run/", views.request_run, name="run_request"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/intermediates/", views.run_intermediates, name="intermediates"),
]
