"""HTML page of the technical settings (issue 15: the system administrator's duty): read by the
three administrators, changed and reset by the system administrator; the same selectors and
services as the API (administration/api/setting_views.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common import access
from common.errors import DomainError

from . import rules, selectors, services
from .forms import ReasonForm, SettingForm
from .views import _duties, _guard

TEMPLATE = "administration/settings.html"


def _context(request, *, bound_key="", form=None, reset_form=None) -> dict:
    rows = selectors.technical_settings(user=request.user)
    for row in rows:
        mine = row["key"] == bound_key
        row["form"] = form if mine and form is not None else SettingForm(prefix=row["key"].lower())
        row["reset_form"] = reset_form if mine and reset_form is not None else ReasonForm(prefix=f"r-{row['key'].lower()}")
    return {"rows": rows, "may_settings": access.can(request.user, rules.CHANGE_SETTING), **_duties(request.user)}


@login_required
def technical_settings(request):
    refused = _guard(request)
    if refused:
        return refused
    return render(request, TEMPLATE, _context(request))


@login_required
@require_POST
def change_setting(request, key):
    refused = _guard(request)
    if refused:
        return refused
    form = SettingForm(request.POST, prefix=key.lower())
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, bound_key=key, form=form), status=400)
    try:
        services.change_setting(actor=request.user, key=key, **form.cleaned_data)
    except DomainError as exc:
        return _refused(request, key, exc, form=form)
    return redirect("administration:settings")


@login_required
@require_POST
def reset_setting(request, key):
    refused = _guard(request)
    if refused:
        return refused
    form = ReasonForm(request.POST, prefix=f"r-{key.lower()}")
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, bound_key=key, reset_form=form), status=400)
    try:
        services.reset_setting(actor=request.user, key=key, **form.cleaned_data)
    except DomainError as exc:
        return _refused(request, key, exc, reset_form=form)
    return redirect("administration:settings")


def _refused(request, key, exc, **forms):
    from common.views import render_domain_error

    form = forms.get("form") or forms.get("reset_form")
    return render_domain_error(request, TEMPLATE, _context(request, bound_key=key, **forms), exc, form)
