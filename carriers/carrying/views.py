from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.errors import DomainError
from common.views import render_domain_error

from . import selectors, services
from .forms import AcceptForm, CarryOutForm, CheckInAcceptForm, CountSignForm
from .models import CarryOutRequest


@login_required
def request_list(request):
    user = request.user
    return render(request, "carrying/list.html", {
        "requests": selectors.request_list(user=user)[:200],
        "out_now": selectors.out_now(user=user)[:200],
    })


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    form = CarryOutForm(request.POST if request.method == "POST" else None, user=request.user)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "carrying/form.html", context, status=400)
        data = dict(form.cleaned_data)
        data["carriers"] = list(data["carriers"])
        try:
            carry = services.submit_carry_out(actor=request.user, **data)
        except DomainError as exc:
            return render_domain_error(request, "carrying/form.html", context, exc, form)
        return redirect("carrying:detail", pk=carry.pk)
    return render(request, "carrying/form.html", context)


# what the current user may do next, and with which form
STEPS = {
    "check_out": (CountSignForm, services.check_out),
    "accept": (AcceptForm, services.accept_check_out),
    "check_in": (CountSignForm, services.check_in),
    "check_in_accept": (CheckInAcceptForm, services.accept_check_in),
}


def _next_step(user, carry: CarryOutRequest) -> str | None:
    status = carry.status
    cancelled_out = carry.checkout_handover_id and carry.checkout_handover.status == "cancelled"
    cancelled_in = carry.checkin_handover_id and carry.checkin_handover.status == "cancelled"
    if status == CarryOutRequest.Status.APPROVED or (status == CarryOutRequest.Status.CHECKING_OUT and cancelled_out):
        holders = {c.holder_id for c in carry.visible_carriers}
        return "check_out" if holders == {user.pk} else None
    if status == CarryOutRequest.Status.CHECKING_OUT and user.pk == carry.carrier_person_id:
        return "accept"
    if (status == CarryOutRequest.Status.CARRIED_OUT or (status == CarryOutRequest.Status.CHECKING_IN and cancelled_in)) \
            and user.pk == carry.carrier_person_id:
        return "check_in"
    if status == CarryOutRequest.Status.CHECKING_IN and carry.checkin_handover.taker_id == user.pk:
        return "check_in_accept"
    return None


def _form(step, data=None, user=None):
    form_class = STEPS[step][0]
    return form_class(data, user=user) if form_class is CheckInAcceptForm else form_class(data)


def _context(request, carry, step=None, form=None):
    step = step or _next_step(request.user, carry)
    return {
        "carry": carry,
        "step": step,
        "form": form or (_form(step, user=request.user) if step else None),
        "history": selectors.request_history(carry=carry),
    }


@login_required
def request_detail(request, pk):
    carry = selectors.request_get(user=request.user, pk=pk)
    return render(request, "carrying/detail.html", _context(request, carry))


@login_required
@require_http_methods(["GET", "POST"])
def request_step(request, pk, step):
    carry = selectors.request_get(user=request.user, pk=pk)
    if request.method == "GET" or step not in STEPS:
        return redirect("carrying:detail", pk=carry.pk)
    form = _form(step, request.POST, user=request.user)
    context = _context(request, carry, step=step, form=form)
    if not form.is_valid():
        return render(request, "carrying/detail.html", context, status=400)
    try:
        STEPS[step][1](actor=request.user, request_id=carry.pk, **form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, "carrying/detail.html", context, exc, form)
    return redirect("carrying:detail", pk=carry.pk)
