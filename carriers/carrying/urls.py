from django.urls import path

from . import views

app_name = "carrying"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/check-out/", views.request_step, {"step": "check_out"}, name="check_out"),
    path("<int:pk>/accept/", views.request_step, {"step": "accept"}, name="accept"),
    path("<int:pk>/check-in/", views.request_step, {"step": "check_in"}, name="check_in"),
    path("<int:pk>/check-in/accept/", views.request_step, {"step": "check_in_accept"}, name="check_in_accept"),
]
