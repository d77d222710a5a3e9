from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms import PasswordChangeForm
from common import access
from common.errors import DomainError
from common.views import render_domain_error
from personnel import roles


class LoginView(auth_views.LoginView):
    """The password step; what comes after it is ``services.complete_login``."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form):
        response = services.complete_login(self.request, form.get_user())
        if response is not None:
            return response
        return HttpResponseRedirect(self.get_success_url())


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """The person changes their own password (the current one, then the new one twice)."""
    form = PasswordChangeForm(request.POST or None)
    context = {"form": form, "tab": "password", "can_unlock": access.has_role(request.user, roles.SECRECY_OFFICE)}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/password_change.html", context, status=400)
        try:
            services.change_password(user=request.user, old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password"], request=request)
        except DomainError as exc:
            return render_domain_error(request, "accounts/password_change.html", context, exc, form)
        messages.success(request, _("Your password was changed. Your other sessions are ended."))
        return redirect("accounts:password")
    return render(request, "accounts/password_change.html", context)


@login_required
@require_http_methods(["GET"])
def lockouts(request):
    """The secrecy office: the accounts of its unit locked now, each with a button to unlock it."""
    if not access.has_role(request.user, roles.SECRECY_OFFICE):
        raise PermissionDenied(_("Only the secrecy office sees and lifts lockouts."))
    return render(request, "accounts/lockouts.html", {"rows": selectors.locked_people(user=request.user),
                                                       "tab": "lockouts", "can_unlock": True})


@login_required
@require_http_methods(["POST"])
def unlock(request, pk):
    try:
        services.unlock_account(actor=request.user, person_id=pk)
    except DomainError as exc:
        context = {"rows": selectors.locked_people(user=request.user), "tab": "lockouts", "can_unlock": True}
        return render_domain_error(request, "accounts/lockouts.html", context, exc)
    messages.success(request, _("The account is unlocked."))
    return redirect("accounts:lockouts")
