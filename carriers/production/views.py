from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.errors import DomainError, Refused
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import EnterpriseForm, IntermediateForm, PlaceForm, ProductionRequestForm, RunForm


def _require(check, user) -> None:
    """A service's own permission check, answered as the 403 page with its reason."""
    try:
        check(user)
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None


@login_required
def request_list(request):
    user = request.user
    may_run = policy.may_run(user)
    overdue = selectors.intermediate_overdue(today=timezone.localdate(), user=user) if may_run else None
    return render(request, "production/list.html", {
        "requests": selectors.visible_requests(user=user)[:200],
        "overdue": overdue,
        "may_manage_sites": policy.may_manage_sites(user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    form = ProductionRequestForm(request.POST if request.method == "POST" else None, user=request.user)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "production/request_form.html", context, status=400)
        try:
            production = services.submit_production_request(actor=request.user, **form.service_arguments())
        except DomainError as exc:
            return render_domain_error(request, "production/request_form.html", context, exc, form)
        return redirect("production:detail", pk=production.pk)
    return render(request, "production/request_form.html", context)


def _detail_context(request, production, run_form=None):
    run = selectors.run_of(request=production)
    may_run = policy.may_run(request.user, production) and run is None
    return {
        "production": production,
        "run": run,
        "may_run": may_run,
        "run_form": run_form or (RunForm(user=request.user) if may_run else None),
        "history": selectors.request_history(production=production),
    }


@login_required
def request_detail(request, pk):
    production = selectors.request_get(user=request.user, pk=pk)
    return render(request, "production/detail.html", _detail_context(request, production))


@login_required
@require_http_methods(["GET", "POST"])
def request_run(request, pk):
    production = selectors.request_get(user=request.user, pk=pk)
    if request.method == "GET":  # e.g. the language switch on a refused run's page
        return redirect("production:detail", pk=production.pk)
    _require(services.check_may_run, request.user)
    form = RunForm(request.POST, user=request.user)
    context = _detail_context(request, production, run_form=form)
    if not form.is_valid():
        return render(request, "production/detail.html", context, status=400)
    try:
        run = services.run_production(actor=request.user, request_id=production.pk, **form.cleaned_data)
    except DomainError as exc:
        context["may_run"] = True  # keep the form (and its errors) on the page
        return render_domain_error(request, "production/detail.html", context, exc, form)
    return redirect("production:run", pk=run.pk)


@login_required
def run_detail(request, pk):
    run = selectors.run_get(user=request.user, pk=pk)
    return render(request, "production/run.html", {
        "run": run,
        "production": run.request,
        "copies": selectors.run_copies(user=request.user, run=run).select_related("container"),
        "intermediate_count": selectors.run_intermediates(user=request.user, run=run).count(),
        "hidden": selectors.run_hidden(user=request.user, run=run),
    })


@login_required
@require_http_methods(["GET", "POST"])
def run_intermediates(request, pk):
    run = selectors.run_get(user=request.user, pk=pk)
    may_register = policy.may_register_intermediate(request.user, run)
    form = IntermediateForm(request.POST if request.method == "POST" else None, user=request.user) if may_register else None
    context = {
        "run": run,
        "production": run.request,
        "intermediates": selectors.run_intermediates(user=request.user, run=run).select_related("container"),
        "hidden": selectors.run_hidden(user=request.user, run=run),
        "form": form,
    }
    if request.method == "POST":
        if form is None:
            _require(services.check_may_register_intermediate, user=request.user)
        if not form.is_valid():
            return render(request, "production/intermediates.html", context, status=400)
        try:
            services.register_intermediate(actor=request.user, run_id=run.pk, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "production/intermediates.html", context, exc, form)
        return redirect("production:intermediates", pk=run.pk)
    return render(request, "production/intermediates.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sites(request):
    """Production places and outside enterprises of the unit; the secrecy office adds them."""
    user = request.user
    may_manage = policy.may_manage_sites(user)
    which = request.POST.get("which") if request.method == "POST" else None
    place_form = PlaceForm(request.POST if which == "place" else None, prefix="place") if may_manage else None
    enterprise_form = (
        EnterpriseForm(request.POST if which == "enterprise" else None, prefix="enterprise") if may_manage else None
    )
    context = {
        "places": selectors.visible_places(user=user),
        "enterprises": selectors.visible_enterprises(user=user),
        "place_form": place_form,
        "enterprise_form": enterprise_form,
        "today": timezone.localdate(),
    }
    if request.method == "POST":
        _require(services.check_may_manage_sites, user)
        form, create = {
            "place": (place_form, services.create_place),
            "enterprise": (enterprise_form, services.create_enterprise),
        }.get(which, (None, None))
        if form is None:
            return redirect("production:sites")
        if not form.is_valid():
            return render(request, "production/sites.html", context, status=400)
        try:
            create(actor=user, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "production/sites.html", context, exc, form)
        return redirect("production:sites")
    return render(request, "production/sites.html", context)
