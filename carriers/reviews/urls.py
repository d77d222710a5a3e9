from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.review_open, name="open"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/close/", views.review_close, name="close"),
    path("lines/<int:pk>/answer/", views.answer, name="answer"),
    path("spot/draw/", views.spot_draw, name="spot_draw"),
    path("spot/<int:pk>/", views.spot, name="spot"),
    path("spot/<int:pk>/scan/", views.spot_scan, name="spot_scan"),
    path("spot/<int:pk>/close/", views.spot_close, name="spot_close"),
]
