from django.urls import path

from . import views

app_name = "transmission"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("register/", views.register, name="register"),
    path("new/", views.new, name="new"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/receive/", views.receive, name="receive"),
    path("<int:pk>/discrepancies/<int:discrepancy_pk>/resolve/", views.resolve, name="resolve"),
]
