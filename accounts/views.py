from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from accounts import services


class LoginView(auth_views.LoginView):
    """The password step; what comes after it is ``services.complete_login``."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form):
        response = services.complete_login(self.request, form.get_user())
        if response is not None:
            return response
        return HttpResponseRedirect(self.get_success_url())
