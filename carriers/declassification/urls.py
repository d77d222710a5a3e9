from django.urls import path

from . import views

app_name = "declassification"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.review_new, name="new"),
    path("condition-met/", views.condition_met, name="condition_met"),
    path("<int:pk>/", views.review_detail, name="detail"),
]
