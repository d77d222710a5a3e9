from django.urls import path  # noqa: F401  (pages are added here)

from accounts import views  # noqa: F401

app_name = "accounts"

# The login page keeps its URL name "login" (LOGIN_URL) and lives in config/urls.py.
urlpatterns = []
