from django.urls import path, re_path

from . import views

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    path("exposure/", views.exposure, name="exposure"),
    re_path(r"^(?P<name>[a-z0-9-]{1,40})\.(?P<fmt>pdf|csv)$", views.export, name="export"),
    re_path(r"^(?P<name>[a-z0-9-]{1,40})/export/$", views.start, name="start"),
    path("exports/<int:pk>/", views.job, name="job"),
    path("exports/<int:pk>/status.json", views.job_status, name="job-status"),
    path("exports/<int:pk>/download/", views.download, name="download"),
    path("exports/<int:pk>/retry/", views.retry, name="retry"),
]
