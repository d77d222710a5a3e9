from django.urls import path

from . import views

app_name = "use"
urlpatterns = [
    path("", views.my_carriers, name="mine"),
    path("loans/", views.loans, name="loans"),
    path("loans/new/", views.borrow, name="borrow"),
    path("loans/<int:pk>/", views.loan_detail, name="loan"),
    path("loans/<int:pk>/<slug:step>/", views.loan_step, name="loan_step"),
    path("circulations/", views.circulations, name="circulations"),
    path("circulations/new/", views.circulation_new, name="circulation_new"),
    path("circulations/<int:pk>/", views.circulation_detail, name="circulation"),
    path("circulations/<int:pk>/cancel/", views.circulation_cancel, name="circulation_cancel"),
    path("reading/", views.sessions, name="sessions"),
    path("reading/new/", views.session_new, name="session_new"),
    path("reading/<int:pk>/", views.session_detail, name="session"),
    path("places/", views.places, name="places"),
]
