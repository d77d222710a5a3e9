from django.urls import path

from . import views

app_name = "storage"
urlpatterns = [
    path("", views.index, name="index"),
    path("containers/<int:pk>/", views.container_detail, name="container"),
    path("retentions/", views.retentions, name="retentions"),
    path("retentions/<int:pk>/start/", views.retention_start, name="retention_start"),
    path("filings/", views.filings, name="filings"),
    path("filings/<int:pk>/", views.filing_detail, name="filing"),
    path("inventories/", views.inventories, name="inventories"),
    path("inventories/<int:pk>/", views.inventory_detail, name="inventory"),
    path("inventories/<int:pk>/lines/<int:line>/undo/", views.inventory_undo, name="inventory_undo"),
    path("inventories/<int:pk>/close/", views.inventory_close, name="inventory_close"),
    path("inventories/<int:pk>/record.pdf", views.inventory_record, name="inventory_record"),
]
