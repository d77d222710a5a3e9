from django.urls import path

from . import views

app_name = "ledger_import"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/exclude/", views.exclude, name="exclude"),
    path("<int:pk>/import/", views.confirm, name="confirm"),
    path("<int:pk>/cancel/", views.discard, name="cancel"),
]
