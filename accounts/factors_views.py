"""Pages of the second factor: enrolling one's own authenticator (/account/factors/), the code step
of the login, and the secrecy office's reset button on a person's secrecy file."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.errors import DomainError
from personnel import selectors as personnel_selectors

from . import factors, factors_keys


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=40, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class RemoveForm(CodeForm):
    password = forms.CharField(label=gettext_lazy("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


def _page(request, *, status=200, error=None, **forms_):
    user = request.user
    pending = None if factors.has_factor(user) else factors.totp_device(user, confirmed=False)
    context = {
        "enrolled": factors.has_factor(user),
        "required": factors.factor_required(user),
        "device": factors.totp_device(user),
        "recovery_left": factors.recovery_codes_left(user),
        "pending": factors.provisioning(pending) if pending else None,
        "confirm_form": forms_.get("confirm_form") or CodeForm(),
        "recovery_form": forms_.get("recovery_form") or CodeForm(),
        "remove_form": forms_.get("remove_form") or RemoveForm(),
        "error": error,
        "keys": list(factors_keys.keys_of(user)),
    }
    return render(request, "accounts/factors.html", context, status=status)


def _error(exc: DomainError, form):
    """Field errors onto the form, anything else as the page's message."""
    errors = getattr(exc, "errors", None)
    if errors:
        for field, field_errors in errors.items():
            for message in field_errors:
                form.add_error(field if field in form.fields else None, message)
        return None
    return str(exc.message)


@login_required
def factors_page(request):
    return _page(request)


@login_required
@require_POST
def factors_start(request):
    try:
        factors.start_enrolment(actor=request.user)
    except DomainError as exc:
        return _page(request, status=exc.status, error=str(exc.message))
    return redirect("accounts:factors")


@login_required
@require_POST
def factors_confirm(request):
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, confirm_form=form)
    try:
        codes = factors.confirm_enrolment(actor=request.user, code=form.cleaned_data["code"], request=request)
    except DomainError as exc:
        return _page(request, status=exc.status, error=_error(exc, form), confirm_form=form)
    return render(request, "accounts/factors_codes.html", {"codes": codes, "enrolled_now": True})


@login_required
@require_POST
def factors_recovery(request):
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, recovery_form=form)
    try:
        codes = factors.renew_recovery_codes(actor=request.user, code=form.cleaned_data["code"], request=request)
    except DomainError as exc:
        return _page(request, status=exc.status, error=_error(exc, form), recovery_form=form)
    return render(request, "accounts/factors_codes.html", {"codes": codes, "enrolled_now": False})


@login_required
@require_POST
def factors_remove(request):
    form = RemoveForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, remove_form=form)
    try:
        factors.remove_own_factor(actor=request.user, password=form.cleaned_data["password"],
                                  code=form.cleaned_data["code"], request=request)
    except DomainError as exc:
        return _page(request, status=exc.status, error=_error(exc, form), remove_form=form)
    messages.success(request, _("Your authenticator and recovery codes were removed."))
    return redirect("accounts:factors")


@login_required
@require_POST
def factors_reset(request, pk):
    """The secrecy office's button on a person's secrecy file."""
    person = personnel_selectors.person_get(user=request.user, pk=pk)
    try:
        factors.reset_factor(actor=request.user, person=person)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("personnel:file", pk=person.user_id)
    messages.success(request, _("The second factor of %(name)s was reset: they enrol again at their next login.")
                     % {"name": person.full_name})
    return redirect("personnel:file", pk=person.user_id)


def login_code(request):
    """The login's second step: the code of the authenticator, or a recovery code."""
    user, _pending = factors.pending_user(request)
    if user is None:
        messages.info(request, _("Your login took too long or had too many wrong codes; enter your password again."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                return redirect(factors.finish_second_step(request, form.cleaned_data["code"]))
            except DomainError as exc:
                status = exc.status
                message = _error(exc, form)
                if message:
                    form.add_error(None, message)
                if factors.pending_user(request)[0] is None:
                    messages.info(request, _("Too many wrong codes; enter your password again."))
                    return redirect("login")
        else:
            status = 400
    return render(request, "accounts/factors_login.html",
                  {"form": form, "has_keys": factors_keys.has_keys(user)}, status=status)


# --- security keys (WebAuthn): JSON calls of static/js/webauthn.js ---------------------------------


def _json_refusal(exc: DomainError) -> JsonResponse:
    data = {"detail": str(exc.message), "code": exc.code}
    for field, messages_ in (getattr(exc, "errors", None) or {}).items():
        data[field] = messages_
    return JsonResponse(data, status=exc.status)


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


@login_required
@require_POST
def key_options(request):
    try:
        return HttpResponse(factors_keys.registration_options(request), content_type="application/json")
    except DomainError as exc:
        return _json_refusal(exc)


@login_required
@require_POST
def key_register(request):
    body = _json_body(request)
    try:
        key = factors_keys.register_key(request=request, credential=body.get("credential"), name=body.get("name", ""))
    except DomainError as exc:
        return _json_refusal(exc)
    messages.success(request, _("Security key “%(name)s” registered.") % {"name": key.name})
    return JsonResponse({"id": key.pk, "name": key.name})


@login_required
@require_POST
def key_remove(request, pk):
    try:
        factors_keys.remove_key(actor=request.user, key_id=pk)
    except DomainError as exc:
        return _page(request, status=exc.status, error=str(exc.message))
    messages.success(request, _("The security key was removed."))
    return redirect("accounts:factors")


@require_POST
def login_key_options(request):
    try:
        return HttpResponse(factors_keys.login_options(request), content_type="application/json")
    except DomainError as exc:
        return _json_refusal(exc)


@require_POST
def login_key(request):
    try:
        url = factors_keys.finish_key_login(request, _json_body(request).get("credential"))
    except DomainError as exc:
        return _json_refusal(exc)
    return JsonResponse({"next": url})
