from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("verify/", views.verify, name="verify"),
    path("verify/start/", views.verification_start, name="verification-start"),
    path("verify/<int:pk>/", views.verification_detail, name="verification"),
    path("verify/<int:pk>/status.json", views.verification_status, name="verification-status"),
    path("carriers/<int:carrier_id>/", views.carrier_history, name="carrier-history"),
    path("signatures/<int:pk>/", views.signature_detail, name="signature"),
    path("proofs/", views.proofs, name="proofs"),
    path("proofs/public-key.pem", views.public_key, name="public-key"),
]
