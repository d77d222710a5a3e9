"""The secrecy office's page of the classification basis: the unit's list of secret matters (add,
retire) and its classifiers (designate with the highest level of their authority, revoke)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import access
from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .classification_forms import DesignationForm, MatterItemForm, ReasonForm, RevokeForm

TEMPLATE = "carriers/classification.html"


def _context(request, **forms):
    user = request.user
    may_manage = access.can(user, policy.MANAGE_CLASSIFICATION)
    return {
        "items": selectors.matter_items(user=user),
        "classifiers": selectors.classifiers(user=user),
        "may_manage": may_manage,
        "item_form": forms.get("item_form") or MatterItemForm(),
        "designation_form": forms.get("designation_form") or (DesignationForm(user=user) if may_manage else None),
        "reason_form": ReasonForm(),
    }


@login_required
def classification(request):
    return render(request, TEMPLATE, _context(request))


def _done(request, message):
    messages.success(request, message)
    return redirect("carriers:classification")


@login_required
@require_POST
def item_add(request):
    form = MatterItemForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, item_form=form), status=400)
    try:
        item = services.add_matter_item(actor=request.user, **{**form.cleaned_data,
                                                               "title_en": form.cleaned_data["title_en"] or ""})
    except DomainError as exc:
        return render_domain_error(request, TEMPLATE, _context(request, item_form=form), exc, form)
    return _done(request, _("Item %(code)s added to the list of secret matters.") % {"code": item.code})


@login_required
@require_POST
def item_retire(request, pk):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, {**_context(request), "refusal": _("Give the reason.")}, status=400)
    try:
        item = services.retire_matter_item(actor=request.user, item_id=pk, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return render_domain_error(request, TEMPLATE, _context(request), exc)
    return _done(request, _("Item %(code)s retired.") % {"code": item.code})


@login_required
@require_POST
def classifier_designate(request):
    form = DesignationForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, designation_form=form), status=400)
    try:
        services.designate_classifier(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, TEMPLATE, _context(request, designation_form=form), exc, form)
    return _done(request, _("Classifier designated."))


@login_required
@require_POST
def classifier_revoke(request, pk):
    form = RevokeForm(request.POST)
    if not form.is_valid():
        refusal = _("Give the reason.") if form.has_error("reason") else _("Enter your password to sign.")
        return render(request, TEMPLATE, {**_context(request), "refusal": refusal}, status=400)
    try:
        services.revoke_classifier(actor=request.user, designation_id=pk, **form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, TEMPLATE, _context(request), exc)
    return _done(request, _("Designation revoked."))
