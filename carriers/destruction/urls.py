from django.urls import path

from . import views

app_name = "destruction"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("facilities/", views.facilities, name="facilities"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/execute/", views.execute, name="execute"),
    path("<int:pk>/handover/", views.handover, name="handover"),
    path("<int:pk>/receive/", views.receive, name="receive"),
    path("<int:pk>/certificate/", views.certificate, name="certificate"),
    path("<int:pk>/record.pdf", views.record, name="record"),
]
