from django.urls import path

from . import views

app_name = "lists"
urlpatterns = [
    path("<slug:name>/export.<str:fmt>", views.export, name="export"),
    path("<slug:name>/bulk/", views.bulk, name="bulk"),
    path("handovers/", views.handovers, name="handovers"),
]
