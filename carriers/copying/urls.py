from django.urls import path

from . import views

app_name = "copying"
urlpatterns = [
    path("", views.index, name="index"),
    path("requests/new/", views.copy_request_new, name="request_new"),
    path("requests/<int:pk>/", views.copy_request_detail, name="request"),
    path("requests/<int:pk>/execute/", views.copy_request_execute, name="execute"),
    path("derivations/new/<slug:kind>/", views.derivation_new, name="derivation_new"),
    path("derivations/<int:pk>/", views.derivation_detail, name="derivation"),
    path("derivations/<int:pk>/make/", views.derivation_make, name="make"),
    path("licences/", views.licences, name="licences"),
]
