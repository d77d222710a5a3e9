from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("venues/", views.venues, name="venues"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/board.json", views.board_json, name="board"),
    path("<int:pk>/<slug:action>/", views.meeting_action, name="act"),
]
