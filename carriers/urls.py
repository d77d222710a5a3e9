from django.urls import path

from . import classification_views, views

app_name = "carriers"
urlpatterns = [
    path("", views.carrier_list, name="list"),
    path("register/", views.carrier_register, name="register"),
    path("<int:pk>/", views.carrier_detail, name="detail"),
    path("classification/", classification_views.classification, name="classification"),
    path("classification/items/", classification_views.item_add, name="matter_item_add"),
    path("classification/items/<int:pk>/retire/", classification_views.item_retire, name="matter_item_retire"),
    path("classification/classifiers/", classification_views.classifier_designate, name="classifier_designate"),
    path("classification/classifiers/<int:pk>/revoke/", classification_views.classifier_revoke,
         name="classifier_revoke"),
]
