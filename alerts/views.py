from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import tables as common_tables
from common.errors import DomainError
from common.views import render_domain_error

from . import selectors, services
from .beat import checks_status
from .forms import AcknowledgeForm
from .tables import alert_table


def _list_context(request, **extra):
    table, form = alert_table(user=request.user, params=request.GET, request=request)
    page = common_tables.paginate(table, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"form": form, "table": table, "page": page, "total": page.paginator.count, "query": query.urlencode(),
            "ack_form": AcknowledgeForm(), "schedule": checks_status(), **extra}


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
            from audit.services import SigningSecret

            secret = SigningSecret(form.cleaned_data["password"], otp=form.cleaned_data["otp"])
            services.acknowledge(actor=request.user, alert_id=alert.pk, comment=form.cleaned_data["comment"],
                                 password=secret if form.cleaned_data["password"] else None)
        except DomainError as exc:
            return render_domain_error(request, "alerts/list.html", _list_context(request, ack_form=form), exc, form)
        messages.success(request, _("Alert acknowledged."))
        return redirect("alerts:list")
    return render(request, "alerts/list.html", _list_context(request, ack_form=form), status=400)
