"""Pages of the use stage: my carriers, my loans (borrow, accept, return; for the secrecy office:
lend and take back), circulations and their sign-off, reading sessions and reading places. The
same services and selectors as the API."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError
from common.pagination import CappedPaginator
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import (
    CancelForm,
    CirculationForm,
    CountSignForm,
    ExtensionForm,
    LendForm,
    LoanForm,
    ReadingPlaceForm,
    ReadingSessionForm,
    SignForm,
    TakeBackForm,
)
from .models import Loan


def _form_page(request, template, form, context, call, success):
    """GET: the form; POST: the service, then `success(result)`; a refusal goes on the form with
    its status."""
    context = {**context, "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, template, context, status=400)
        try:
            result = call(form)
        except DomainError as exc:
            return render_domain_error(request, template, context, exc, form)
        return success(result)
    return render(request, template, context)


# --- my carriers and my loans -------------------------------------------------------------------------


MY_CARRIERS_PAGE = 100


@login_required
def my_carriers(request):
    user = request.user
    return render(request, "use/my_carriers.html", {
        "tab": "carriers",
        # a page at a time: a secrecy office may hold tens of thousands (bench/pages.py)
        "page": CappedPaginator(selectors.my_carriers(user=user).select_related("container"), MY_CARRIERS_PAGE)
        .get_page(request.GET.get("page")),
        "to_accept": selectors.visible_loans(user=user).filter(borrower_id=user.pk, status=Loan.Status.LENDING),
        "to_sign": selectors.circulations_to_sign(user=user),
        "to_handle": selectors.loan_list(user=user, box="to_handle"),
    })


@login_required
def loans(request):
    user = request.user
    return render(request, "use/loans.html", {
        "tab": "loans",
        "today": timezone.localdate(),
        "mine": selectors.loan_list(user=user, box="mine"),
        "to_handle": selectors.loan_list(user=user, box="to_handle"),
        "unit_out": selectors.visible_loans(user=user).filter(status__in=Loan.OUT_STATUSES).order_by("due_on", "pk")
        if policy.is_office(user) else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def borrow(request):
    office = policy.is_office(request.user)
    initial = {"carrier": request.GET.get("carrier")} if request.GET.get("carrier", "").isdigit() else None
    form = LoanForm(request.POST or None, initial=initial, user=request.user, office=office)
    return _form_page(
        request, "use/borrow.html", form, {"tab": "loans"},
        lambda f: services.request_loan(actor=request.user, **f.service_arguments()),
        lambda loan: redirect("use:loan", pk=loan.pk),
    )


def _loan_context(request, loan, **forms):
    user = request.user
    steps = policy.loan_steps(user, loan)
    defaults = {
        "lend": LendForm, "accept": CountSignForm, "return": LendForm, "extend": ExtensionForm, "cancel": CancelForm,
    }
    shown = {}
    for step, allowed in steps.items():
        if not allowed:
            continue
        if step in forms:
            shown[step] = forms[step]
        elif step == "take_back":
            shown[step] = TakeBackForm(user=user, auto_id=f"id_{step}_%s")
        else:
            shown[step] = defaults[step](auto_id=f"id_{step}_%s")
    return {"tab": "loans", "loan": loan, "forms": shown, "history": selectors.loan_history(loan=loan)}


@login_required
def loan_detail(request, pk):
    loan = selectors.loan_get(user=request.user, pk=pk)
    return render(request, "use/loan.html", _loan_context(request, loan))


LOAN_STEPS = {
    "lend": (LendForm, lambda user, loan, data: services.lend(actor=user, loan_id=loan.pk, **data)),
    "accept": (CountSignForm, lambda user, loan, data: services.accept_loan(actor=user, loan_id=loan.pk, **data)),
    "return": (LendForm, lambda user, loan, data: services.return_loan(actor=user, loan_id=loan.pk, **data)),
    "take_back": (TakeBackForm, lambda user, loan, data: services.take_back(actor=user, loan_id=loan.pk, **data)),
    "extend": (ExtensionForm, lambda user, loan, data: services.request_extension(actor=user, loan_id=loan.pk,
                                                                                   **data)),
    "cancel": (CancelForm, lambda user, loan, data: services.cancel_loan(actor=user, loan_id=loan.pk, **data)),
}


@login_required
@require_http_methods(["GET", "POST"])
def loan_step(request, pk, step):
    loan = selectors.loan_get(user=request.user, pk=pk)
    if request.method == "GET" or step not in LOAN_STEPS:
        return redirect("use:loan", pk=loan.pk)
    form_class, call = LOAN_STEPS[step]
    extra = {"user": request.user} if form_class is TakeBackForm else {}
    form = form_class(request.POST, auto_id=f"id_{step}_%s", **extra)
    if not form.is_valid():
        return render(request, "use/loan.html", _loan_context(request, loan, **{step: form}), status=400)
    try:
        call(request.user, loan, form.cleaned_data)
    except DomainError as exc:
        context = _loan_context(request, loan, **{step: form})
        context["forms"].setdefault(step, form)
        return render_domain_error(request, "use/loan.html", context, exc, form)
    return redirect("use:loan", pk=loan.pk)


# --- circulations --------------------------------------------------------------------------------------


@login_required
def circulations(request):
    return render(request, "use/circulations.html", {
        "tab": "circulations",
        "to_sign": selectors.circulations_to_sign(user=request.user),
        "rows": selectors.circulation_list(user=request.user)[:200],
    })


@login_required
@require_http_methods(["GET", "POST"])
def circulation_new(request):
    initial = {"carrier": request.GET.get("carrier")} if request.GET.get("carrier", "").isdigit() else None
    form = CirculationForm(request.POST or None, initial=initial, user=request.user)
    return _form_page(
        request, "use/circulation_new.html", form, {"tab": "circulations"},
        lambda f: services.start_circulation(actor=request.user, **f.service_arguments()),
        lambda circulation: redirect("use:circulation", pk=circulation.pk),
    )


def _circulation_context(request, circulation, form=None):
    user = request.user
    may_sign = policy.may_sign(user, circulation)
    rows = list(circulation.readers.all())
    current = next((r for r in rows if r.signed_at is None), None)
    following = next((r for r in rows if current and r.position > current.position), None)
    return {
        "tab": "circulations", "circulation": circulation, "rows": rows, "current": current, "following": following,
        "form": form or (SignForm() if may_sign else None),
        "may_cancel": policy.may_cancel_circulation(user, circulation),
        "history": selectors.circulation_history(circulation=circulation),
    }


@login_required
@require_http_methods(["GET", "POST"])
def circulation_detail(request, pk):
    circulation = selectors.circulation_get(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "use/circulation.html", _circulation_context(request, circulation))
    form = SignForm(request.POST)
    context = _circulation_context(request, circulation, form)
    if not form.is_valid():
        return render(request, "use/circulation.html", context, status=400)
    try:
        services.sign_circulation(actor=request.user, circulation_id=circulation.pk, **form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, "use/circulation.html", context, exc, form)
    return redirect("use:circulation", pk=circulation.pk)


@login_required
@require_POST
def circulation_cancel(request, pk):
    circulation = selectors.circulation_get(user=request.user, pk=pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.cancel_circulation(actor=request.user, circulation_id=circulation.pk, reason=reason)
    except DomainError as exc:
        return render_domain_error(request, "use/circulation.html", _circulation_context(request, circulation), exc)
    return redirect("use:circulation", pk=circulation.pk)


# --- reading sessions and places ----------------------------------------------------------------------------


@login_required
def sessions(request):
    return render(request, "use/sessions.html", {
        "tab": "reading", "rows": selectors.session_list(user=request.user)[:200],
    })


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    initial = {"carrier": request.GET.get("carrier")} if request.GET.get("carrier", "").isdigit() else None
    form = ReadingSessionForm(request.POST or None, initial=initial, user=request.user)
    return _form_page(
        request, "use/session_new.html", form, {"tab": "reading"},
        lambda f: services.record_session(actor=request.user, **f.cleaned_data),
        lambda session: redirect("use:session", pk=session.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    context = {"tab": "reading", "session": session, "may_end": policy.may_end_session(request.user, session)}
    if request.method == "POST":
        try:
            services.end_session(actor=request.user, session_id=session.pk)
        except DomainError as exc:
            return render_domain_error(request, "use/session.html", context, exc)
        return redirect("use:session", pk=session.pk)
    return render(request, "use/session.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def places(request):
    office = policy.may_manage_places(request.user)
    if request.method == "POST" and not office:
        raise PermissionDenied(_("Only the secrecy office manages reading places."))
    form = ReadingPlaceForm(request.POST or None) if office else None
    context = {"tab": "places", "places": selectors.visible_places(user=request.user), "form": form}
    if request.method == "POST":
        if "withdraw" in request.POST or "restore" in request.POST:
            try:
                services.update_place(actor=request.user, place_id=request.POST.get("withdraw")
                                      or request.POST.get("restore"), is_active="restore" in request.POST)
            except DomainError as exc:
                return render_domain_error(request, "use/places.html", context, exc)
            return redirect("use:places")
        if not form.is_valid():
            return render(request, "use/places.html", context, status=400)
        try:
            services.create_place(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "use/places.html", context, exc, form)
        return redirect("use:places")
    return render(request, "use/places.html", context)
