from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import IncidentCloseForm, IncidentReportForm, IncidentStepForm
from .models import Incident


@login_required
def incident_list(request):
    status = request.GET.get("status", "open")
    status = status if status in ("open", "", *Incident.Status.values) else "open"
    incidents = selectors.incident_list(user=request.user, status=status)
    return render(request, "incidents/list.html", {"incidents": incidents[:500], "status": status,
                                                   "statuses": Incident.Status.choices})


@login_required
def report(request):
    people = selectors.people_of_unit(user=request.user)
    form = IncidentReportForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        carriers, unknown = selectors.carriers_by_numbers(user=request.user, numbers=data.pop("carriers"))
        if unknown:
            form.add_error("carriers", _("No carrier you may see has the number %(numbers)s.")
                           % {"numbers": ", ".join(unknown)})
        else:
            try:
                incident = services.report_incident(actor=request.user, carriers=carriers, **data)
            except DomainError as exc:
                return render_domain_error(request, "incidents/report.html", {"form": form}, exc, form)
            messages.success(request, _("Incident %(number)s reported; the secrecy office has been alerted.")
                             % {"number": incident.number})
            if incident.anonymous or not selectors.visible_incidents(user=request.user).filter(pk=incident.pk).exists():
                return redirect("home")
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/report.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request, incident, **extra):
    return {"incident": incident, "may_handle": policy.may_handle(request.user, incident),
            "step_form": IncidentStepForm(), "close_form": IncidentCloseForm(), **extra}


@login_required
def detail(request, pk):
    incident = selectors.incident_get(user=request.user, pk=pk)
    return render(request, "incidents/detail.html", _detail_context(request, incident))


@login_required
@require_POST
def add_step(request, pk):
    incident = selectors.incident_get(user=request.user, pk=pk)
    form = IncidentStepForm(request.POST)
    if form.is_valid():
        try:
            services.record_step(actor=request.user, incident_id=incident.pk, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "incidents/detail.html",
                                       _detail_context(request, incident, step_form=form), exc, form)
        messages.success(request, _("Recorded."))
        return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/detail.html", _detail_context(request, incident, step_form=form), status=400)


@login_required
@require_POST
def close(request, pk):
    incident = selectors.incident_get(user=request.user, pk=pk)
    form = IncidentCloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_incident(actor=request.user, incident_id=incident.pk, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "incidents/detail.html",
                                       _detail_context(request, incident, close_form=form), exc, form)
        messages.success(request, _("Incident closed."))
        return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/detail.html", _detail_context(request, incident, close_form=form), status=400)
