from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import AcceptForm, CarryOutForm, CheckInAcceptForm, CountSignForm


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


def _form(step, data=None, user=None):
    form_class = STEPS[step][0]
    return form_class(data, user=user) if form_class is CheckInAcceptForm else form_class(data)


def _context(request, carry, step=None, form=None):
    step = step or policy.next_step(request.user, carry)
    return {
        "carry": carry,
        "hidden_carriers": carry.carrier_count - len(carry.visible_carriers),
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
