from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import AcknowledgeForm, AlertFilterForm


def _list_context(request, **extra):
    data = request.GET.copy() if request.GET else {"status": "active"}
    form = AlertFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {"status": "active"}
    alerts = selectors.alert_list(user=request.user, **{k: filters.get(k, "") for k in ("kind", "severity", "status")})
    shown = list(alerts.prefetch_related("recipients")[:500])
    for alert in shown:
        alert.may_acknowledge = policy.may_acknowledge(request.user, alert)
    return {"form": form, "alerts": shown, "total": alerts.count(), "ack_form": AcknowledgeForm(), **extra}


@login_required
def alert_list(request):
    return render(request, "alerts/list.html", _list_context(request))


@login_required
@require_POST
def acknowledge(request, pk):
    alert = selectors.alert_get(user=request.user, pk=pk)  # 404 before any form error
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.acknowledge(actor=request.user, alert_id=alert.pk, comment=form.cleaned_data["comment"])
        except DomainError as exc:
            return render_domain_error(request, "alerts/list.html", _list_context(request, ack_form=form), exc, form)
        messages.success(request, _("Alert acknowledged."))
        return redirect("alerts:list")
    return render(request, "alerts/list.html", _list_context(request, ack_form=form), status=400)
