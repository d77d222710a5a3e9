from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("scan/lookup/", views.scan_lookup, name="scan_lookup"),
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("labels/", views.labels, name="labels"),
    path("labels/<int:pk>/", views.label, name="label"),
]
