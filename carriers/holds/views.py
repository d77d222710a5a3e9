from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common import access
from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import HoldForm, LiftForm


@login_required
def hold_list(request):
    state = request.GET.get("state", "active")
    state = state if state in ("active", "lifted", "") else "active"
    rows = selectors.visible_holds(user=request.user, active={"active": True, "lifted": False}.get(state))
    return render(request, "holds/list.html", {
        "holds": rows[:500], "state": state, "may_place": access.can(request.user, policy.PLACE_HOLD),
    })


@login_required
@require_http_methods(["GET", "POST"])
def hold_new(request):
    if not access.can(request.user, policy.PLACE_HOLD):
        raise PermissionDenied(_("Only the secrecy office places holds."))
    initial = {}
    incident = None
    incident_id = request.GET.get("incident") or request.POST.get("incident")
    if incident_id:
        if not str(incident_id).isdigit():
            raise Http404
        incident = selectors.incident_for_hold(user=request.user, pk=int(incident_id))
        if incident is None:
            raise Http404
        offer = selectors.incident_hold_offer(user=request.user, incident=incident)
        initial = {"kind": "incident", "incident": incident.pk,
                   "carriers": " ".join(offer["numbers"] if offer else []),
                   "reason": _("Incident %(number)s: %(kind)s") % {"number": incident.number,
                                                                  "kind": incident.get_kind_display()}}
    if not incident and request.GET.get("carriers"):
        initial = {"carriers": request.GET["carriers"][:2000]}
    form = HoldForm(request.POST or None, initial=initial)
    context = {"form": form, "incident": incident}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "holds/new.html", context, status=400)
        data = form.cleaned_data
        carriers, unknown = selectors.carriers_by_numbers(user=request.user, numbers=data["carriers"])
        if unknown:
            form.add_error("carriers", _("No carrier you may open has the number %(numbers)s.")
                           % {"numbers": ", ".join(unknown[:20])})
            return render(request, "holds/new.html", context, status=400)
        try:
            hold = services.place_hold(actor=request.user, carriers=carriers, kind=data["kind"],
                                       reason=data["reason"], incident_id=data.get("incident"))
        except DomainError as exc:
            return render_domain_error(request, "holds/new.html", context, exc, form)
        messages.success(request, _("Hold %(number)s placed on %(count)d carriers.")
                         % {"number": hold.number, "count": hold.carrier_count})
        return redirect("holds:detail", pk=hold.pk)
    return render(request, "holds/new.html", context)


def _detail_context(request, hold, **extra):
    return {"hold": hold, "carriers": selectors.hold_carriers(user=request.user, hold=hold),
            "may_lift": access.can(request.user, policy.LIFT_HOLD, hold), "lift_form": LiftForm(), **extra}


@login_required
def hold_detail(request, pk):
    hold = selectors.hold_get(user=request.user, pk=pk)
    return render(request, "holds/detail.html", _detail_context(request, hold))


@login_required
@require_POST
def hold_lift(request, pk):
    hold = selectors.hold_get(user=request.user, pk=pk)
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            services.lift_hold(actor=request.user, hold_id=hold.pk, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "holds/detail.html",
                                       _detail_context(request, hold, lift_form=form), exc, form)
        messages.success(request, _("Hold %(number)s lifted.") % {"number": hold.number})
        return redirect("holds:detail", pk=hold.pk)
    return render(request, "holds/detail.html", _detail_context(request, hold, lift_form=form), status=400)
