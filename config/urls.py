from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views
from config import health
from dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("", include("dashboard.urls")),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("carriers/", include("carriers.urls")),
    path("use/", include("carriers.use.urls")),
    path("dispatches/", include("carriers.transmission.urls")),
    path("production/", include("carriers.production.urls")),
    path("carrying/", include("carriers.carrying.urls")),
    path("declassification/", include("carriers.declassification.urls")),
    path("copying/", include("carriers.copying.urls")),
    path("destruction/", include("carriers.destruction.urls")),
    path("storage/", include("carriers.storage.urls")),
    path("holds/", include("carriers.holds.urls")),
    path("reviews/", include("carriers.reviews.urls")),
    path("audit/", include("audit.urls")),
    path("approvals/", include("approvals.urls")),
    path("meetings/", include("meetings.urls")),
    path("import/", include("ledger_import.urls")),
    path("personnel/", include("personnel.urls")),
    path("alerts/", include("alerts.urls")),
    path("incidents/", include("incidents.urls")),
    path("registers/", include("registers.urls")),
    path("lists/", include("lists.urls")),
    path("administration/", include("administration.urls")),
    path("api/v1/administration/", include("administration.api.urls")),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves its start script from ?script: nothing inline (Content-Security-Policy)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="common/swagger_ui.html"),
         name="api-docs"),
    path("healthz", health.healthz, name="healthz"),
]

handler400 = "common.api_errors.bad_request"
handler404 = "common.views.not_found"
handler403 = "common.views.forbidden"
handler500 = "common.views.server_error"
