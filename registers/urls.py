from django.urls import path, re_path

from . import views

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^(?P<name>[a-z0-9-]{1,40})\.(?P<fmt>pdf|csv)$", views.export, name="export"),
]
