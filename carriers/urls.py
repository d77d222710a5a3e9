from django.urls import path

from . import views

app_name = "carriers"
urlpatterns = [
    path("", views.carrier_list, name="list"),
    path("register/", views.carrier_register, name="register"),
    path("<int:pk>/", views.carrier_detail, name="detail"),
]
