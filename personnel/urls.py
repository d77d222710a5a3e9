from django.urls import path

from . import views

app_name = "personnel"
urlpatterns = [
    path("", views.people, name="list"),
    path("travel/", views.travel_list, name="travel_list"),
    path("travel/new/", views.travel_new, name="travel_new"),
    path("travel/<int:pk>/", views.travel_detail, name="travel"),
    path("travel/<int:pk>/trip/", views.travel_trip, name="travel_trip"),
    path("departures/", views.departure_list, name="departure_list"),
    path("departures/new/", views.departure_new, name="departure_new"),
    path("departures/<int:pk>/", views.departure_detail, name="departure"),
    path("departures/<int:pk>/complete/", views.departure_complete, name="departure_complete"),
    path("departures/<int:pk>/end/", views.departure_end, name="departure_end"),
    path("<int:pk>/", views.person_file, name="file"),
    path("<int:pk>/training/", views.record_training, name="training"),
    path("<int:pk>/inspections/", views.record_inspection, name="inspection"),
    path("<int:pk>/pledges/", views.sign_pledge, name="pledge"),
    path("<int:pk>/post/", views.change_post, name="post"),
    path("<int:pk>/passport/", views.record_passport, name="passport"),
]
