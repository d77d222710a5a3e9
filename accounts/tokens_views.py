"""The API tokens page (/account/tokens/): one's own tokens (the secrecy office: also those of the
people of its unit), a new token shown once, revoking, and logging out everywhere."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.errors import DomainError, ValidationFailed

from . import factors, tokens


class NewTokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, required=False,
                           help_text=gettext_lazy("To recognise the token, e.g. the system that uses it."))
    days = forms.IntegerField(label=gettext_lazy("Lifetime in days"), min_value=1, required=False)
    password = forms.CharField(label=gettext_lazy("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp = forms.CharField(label=gettext_lazy("Code from your authenticator"), required=False, max_length=40,
                          widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = tokens._max_days()
        self.fields["days"].help_text = _("At most %(max)d days (the default).") % {"max": tokens._max_days()}
        if user is not None and not factors.has_factor(user):
            del self.fields["otp"]


def _page(request, *, form=None, new_token=None, status=200, error=None):
    rows = tokens.visible_tokens(user=request.user).order_by("-created_at", "-pk")[:200]
    return render(request, "accounts/tokens.html", {
        "tokens": rows, "form": form or NewTokenForm(user=request.user), "new_token": new_token, "error": error,
    }, status=status)


@login_required
def tokens_page(request):
    return _page(request)


@login_required
@require_POST
def tokens_create(request):
    form = NewTokenForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    data = form.cleaned_data
    user = request.user
    try:
        if not user.check_password(data["password"]):
            raise ValidationFailed({"password": [_("The password is not correct.")]})
        if factors.must_enrol(user):
            raise ValidationFailed({None: [_("Your role requires a second factor: enrol an authenticator first.")]})
        if factors.has_factor(user):
            try:
                factors.check_login_code(user=user, code=data.get("otp"), request=request, context="token")
            except ValidationFailed as exc:
                raise ValidationFailed({"otp": exc.errors.get("code", [str(exc.message)])}) from None
        token, raw = tokens.create_token(user=user, name=data.get("name") or "", days=data.get("days"))
    except DomainError as exc:
        for field, field_errors in (getattr(exc, "errors", None) or {None: [str(exc.message)]}).items():
            for message in field_errors:
                form.add_error(field if field in form.fields else None, message)
        return _page(request, form=form, status=exc.status)
    return _page(request, new_token={"row": token, "raw": raw})


@login_required
@require_POST
def tokens_revoke(request, pk):
    try:
        token = tokens.revoke_token(actor=request.user, token_id=pk)
    except DomainError as exc:
        return _page(request, status=exc.status, error=str(exc.message))
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("accounts:tokens")
