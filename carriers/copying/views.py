from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from carriers import selectors as carrier_selectors
from common.errors import DomainError, Refused
from common.levels import Level
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import CopyExecuteForm, CopyRequestForm, DerivationForm, LicenceForm, MakeForm
from .models import Derivation


def _require(check, user) -> None:
    """A service's own permission check, answered as the 403 page with its reason."""
    try:
        check(user)
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None


def _source_initial(request) -> str:
    """?source=<carrier id>: the registry number of that carrier if the user may see it."""
    pk = request.GET.get("source")
    if not pk:
        return ""
    carrier = carrier_selectors.visible_carriers(user=request.user).filter(pk=pk).first() if pk.isdigit() else None
    return carrier.registry_number if carrier else ""


@login_required
def index(request):
    user = request.user
    return render(request, "copying/index.html", {
        "copy_requests": selectors.visible_copy_requests(user=user)[:200],
        "derivations": selectors.visible_derivations(user=user)[:200],
    })


# --- copy requests -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def copy_request_new(request):
    """Step 1 (preview): the copies' level, period, end date and scope, and who approves; step 2:
    submit for approval."""
    user = request.user
    if request.method == "GET":
        form = CopyRequestForm(initial={"source": _source_initial(request), "copies": 1}, user=user)
        return render(request, "copying/copy_request_form.html", {"form": form})
    form = CopyRequestForm(request.POST, user=user)
    context = {"form": form}
    if not form.is_valid():
        return render(request, "copying/copy_request_form.html", context, status=400)
    source = form.cleaned_data["source"]
    context["preview"] = source
    context["authority"] = services.authority_of(source)
    if request.POST.get("step") != "submit":
        return render(request, "copying/copy_request_form.html", context)
    try:
        copy_request = services.submit_copy_request(actor=user, **form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, "copying/copy_request_form.html", context, exc, form)
    return redirect("copying:request", pk=copy_request.pk)


def _request_context(request, copy_request, execute_form=None):
    may_execute = policy.may_copy(request.user, copy_request)
    return {
        "copy_request": copy_request,
        "copies": selectors.copies_of(user=request.user, request=copy_request).select_related("container"),
        "hidden_copies": selectors.copies_hidden(user=request.user, request=copy_request),
        "may_execute": may_execute,
        "execute_form": execute_form or (CopyExecuteForm(user=request.user) if may_execute else None),
        "history": selectors.history(obj=copy_request),
    }


@login_required
def copy_request_detail(request, pk):
    copy_request = selectors.copy_request_get(user=request.user, pk=pk)
    return render(request, "copying/copy_request.html", _request_context(request, copy_request))


@login_required
@require_http_methods(["GET", "POST"])
def copy_request_execute(request, pk):
    copy_request = selectors.copy_request_get(user=request.user, pk=pk)
    if request.method == "GET":
        return redirect("copying:request", pk=copy_request.pk)
    _require(services.check_may_copy, request.user)
    form = CopyExecuteForm(request.POST, user=request.user)
    context = _request_context(request, copy_request, execute_form=form)
    context["may_execute"] = True  # keep the form (and its errors) on the page
    if not form.is_valid():
        return render(request, "copying/copy_request.html", context, status=400)
    try:
        services.execute_copy_request(actor=request.user, request_id=copy_request.pk, **form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, "copying/copy_request.html", context, exc, form)
    return redirect("copying:request", pk=copy_request.pk)


# --- extracts and compilations ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def derivation_new(request, kind):
    """Step 1 (preview): the level and period inherited from the sources, and the terms that would
    result, with the reason if they are refused; step 2: register (extract) or submit for approval
    (compilation)."""
    if kind not in Derivation.Kind.values:
        return redirect("copying:index")
    user = request.user
    if kind == Derivation.Kind.EXTRACT:
        _require(services.check_may_register_derived, user)
    template = "copying/derivation_form.html"
    if request.method == "GET":
        form = DerivationForm(initial={"sources": _source_initial(request)}, user=user, kind=kind)
        return render(request, template, {"form": form, "kind": kind})
    form = DerivationForm(request.POST, user=user, kind=kind)
    context = {"form": form, "kind": kind}
    if not form.is_valid():
        return render(request, template, context, status=400)
    sources = form.cleaned_data["sources"]
    inherited = services.requested_terms(sources=[services.terms_of_carrier(c) for c in sources])
    terms, problems = services.preview_terms(actor=user, sources=sources, kind=kind,
                                             carrier_kind=form.cleaned_data.get("carrier_kind") or "paper",
                                             medium=form.cleaned_data.get("medium") or "", **form.requested())
    context.update(sources=sources, inherited=inherited, terms=terms, marking=services._marking(terms),
                   inherited_level=Level(inherited.level).label, result_level=Level(terms.level).label)
    if request.POST.get("step") != "submit":
        for problem in problems:
            form.add_error(problem.field if problem.field in form.fields else None, str(problem.message))
        return render(request, template, context, status=400 if problems else 200)
    try:
        if kind == Derivation.Kind.EXTRACT:
            derivation = services.make_extract(actor=user, sources=sources, **form.service_arguments())
        else:
            derivation = services.submit_compilation(actor=user, parts=sources, **form.service_arguments())
    except DomainError as exc:
        return render_domain_error(request, template, context, exc, form)
    return redirect("copying:derivation", pk=derivation.pk)


def _derivation_context(request, derivation, make_form=None):
    may_make = policy.may_make_compilation(request.user, derivation)
    return {
        "derivation": derivation,
        "may_make": may_make,
        "make_form": make_form or (MakeForm(user=request.user) if may_make else None),
        "history": selectors.history(obj=derivation),
    }


@login_required
def derivation_detail(request, pk):
    derivation = selectors.derivation_get(user=request.user, pk=pk)
    return render(request, "copying/derivation.html", _derivation_context(request, derivation))


@login_required
@require_http_methods(["GET", "POST"])
def derivation_make(request, pk):
    derivation = selectors.derivation_get(user=request.user, pk=pk)
    if request.method == "GET":
        return redirect("copying:derivation", pk=derivation.pk)
    _require(services.check_may_register_derived, request.user)
    form = MakeForm(request.POST, user=request.user)
    context = _derivation_context(request, derivation, make_form=form)
    context["may_make"] = True
    if not form.is_valid():
        return render(request, "copying/derivation.html", context, status=400)
    try:
        services.make_compilation(actor=request.user, derivation_id=derivation.pk, **form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, "copying/derivation.html", context, exc, form)
    return redirect("copying:derivation", pk=derivation.pk)


# --- licences ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def licences(request):
    user = request.user
    may_manage = policy.may_manage_licences(user)
    form = LicenceForm(request.POST if request.method == "POST" else None, user=user) if may_manage else None
    context = {"licences": selectors.visible_licences(user=user), "form": form}
    if request.method == "POST":
        _require(services.check_may_manage_licences, user)
        if not form.is_valid():
            return render(request, "copying/licences.html", context, status=400)
        try:
            services.record_licence(actor=user, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "copying/licences.html", context, exc, form)
        return redirect("copying:licences")
    return render(request, "copying/licences.html", context)
