from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common import access
from common.errors import DomainError
from common.pagination import CappedPaginator
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import CarrierRegisterForm


@login_required
def carrier_list(request):
    filterset = selectors.carrier_list(user=request.user, filters=request.GET)
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = CappedPaginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "carriers/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
        status=200 if filterset.is_valid() else 400,
    )


@login_required
def carrier_detail(request, pk):
    carrier = selectors.carrier_get(user=request.user, pk=pk)
    return render(
        request, "carriers/detail.html",
        {"carrier": carrier, "history": selectors.carrier_history(carrier=carrier)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def carrier_register(request):
    if not access.can(request.user, policy.REGISTER_CARRIER):
        raise PermissionDenied(_("Only the secrecy office may register carriers."))
    form = CarrierRegisterForm(request.POST or None, user=request.user)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "carriers/register.html", context, status=400)
        try:
            carrier = services.register_carrier(actor=request.user, **form.service_arguments())
        except DomainError as exc:
            return render_domain_error(request, "carriers/register.html", context, exc, form)
        return redirect("carriers:detail", pk=carrier.pk)
    return render(request, "carriers/register.html", context)
