from django.urls import path

from . import views

app_name = "holds"
urlpatterns = [
    path("", views.hold_list, name="list"),
    path("new/", views.hold_new, name="new"),
    path("<int:pk>/", views.hold_detail, name="detail"),
    path("<int:pk>/lift/", views.hold_lift, name="lift"),
]
