from django.urls import path  # noqa: F401  (pages are added here)

from accounts import (
    factors_views,
    sessions_views,
    tokens_views,
    views,
)

app_name = "accounts"

factors_urls = [
    path("factors/", factors_views.factors_page, name="factors"),
    path("factors/start/", factors_views.factors_start, name="factors_start"),
    path("factors/confirm/", factors_views.factors_confirm, name="factors_confirm"),
    path("factors/recovery-codes/", factors_views.factors_recovery, name="factors_recovery"),
    path("factors/remove/", factors_views.factors_remove, name="factors_remove"),
    path("factors/reset/<int:pk>/", factors_views.factors_reset, name="factors_reset"),
    path("login/code/", factors_views.login_code, name="login_code"),
    path("factors/keys/options/", factors_views.key_options, name="key_options"),
    path("factors/keys/register/", factors_views.key_register, name="key_register"),
    path("factors/keys/<int:pk>/remove/", factors_views.key_remove, name="key_remove"),
    path("login/key/options/", factors_views.login_key_options, name="login_key_options"),
    path("login/key/", factors_views.login_key, name="login_key"),
    path("tokens/", tokens_views.tokens_page, name="tokens"),
    path("tokens/new/", tokens_views.tokens_create, name="tokens_create"),
    path("tokens/<int:pk>/revoke/", tokens_views.tokens_revoke, name="tokens_revoke"),
    path("session/", sessions_views.session_status, name="session_status"),
    path("session/keepalive/", sessions_views.session_keepalive, name="session_keepalive"),
    path("logout-everywhere/", sessions_views.logout_everywhere, name="logout_everywhere"),
]

# passwords and lockouts (accounts/views.py)
password_urls = [
    path("password/", views.password_change, name="password"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/<int:pk>/unlock/", views.unlock, name="unlock"),
]

# The login page keeps its URL name "login" (LOGIN_URL) and lives in config/urls.py.
urlpatterns = [
    *password_urls,
    # second factor, API tokens and sessions (helper "otp": accounts/factors*, tokens*, sessions*)
    *factors_urls,
]
