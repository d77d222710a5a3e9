from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import DispatchForm, ReceiveForm, ResolveForm


@login_required
def inbox(request):
    """The recipient's inbox: dispatches to count and sign; for the secrecy offices also the
    dispatches with a discrepancy still open; and the notices about dispatches."""
    return render(
        request, "transmission/inbox.html",
        {
            "waiting": selectors.inbox(user=request.user),
            "open": selectors.with_open_discrepancies(user=request.user),
            "notices": selectors.visible_notices(user=request.user)[:20],
            "unread": selectors.unread_notices(user=request.user).count(),
            "may_dispatch": policy.may_dispatch(request.user),
        },
    )


@login_required
def register(request):
    """The dispatch register (direction=sent) and the receipt register (direction=received)."""
    filterset = selectors.dispatch_list(user=request.user, filters=request.GET)
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "transmission/register.html",
        {"filter": filterset, "page": page, "query": query.urlencode(),
         "direction": request.GET.get("direction", ""),
         "may_dispatch": policy.may_dispatch(request.user)},
        status=200 if filterset.is_valid() else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    if not policy.may_dispatch(request.user):
        raise PermissionDenied(_("Only the secrecy office dispatches carriers to other units."))
    form = DispatchForm(request.POST or None, user=request.user)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "transmission/new.html", context, status=400)
        try:
            sent = services.dispatch(actor=request.user, **form.service_arguments())
        except DomainError as exc:
            return render_domain_error(request, "transmission/new.html", context, exc, form)
        return redirect("transmission:detail", pk=sent.pk)
    return render(request, "transmission/new.html", context)


def _detail_context(request, dispatch, **extra):
    user = request.user
    resolvable = policy.may_resolve(user, dispatch)
    forms = extra.pop("resolve_forms", {})
    open_rows = [
        (row, forms.get(row.pk) or ResolveForm(user=user, discrepancy=row))
        for row in dispatch.discrepancies.all() if row.is_open and resolvable
    ]
    return {
        "dispatch": dispatch,
        "lines": selectors.carrier_lines(dispatch=dispatch),
        "hidden": dispatch.carrier_count - len(dispatch.handover.visible_items),
        "history": selectors.dispatch_history(dispatch=dispatch),
        "may_receive": policy.may_receive(user, dispatch),
        "resolve_rows": open_rows,
        **extra,
    }


@login_required
def detail(request, pk):
    dispatch = selectors.dispatch_get(user=request.user, pk=pk)
    return render(request, "transmission/detail.html", _detail_context(request, dispatch))


@login_required
@require_http_methods(["GET", "POST"])
def receive(request, pk):
    """Count, check and sign: the recipient ticks what arrived, gives the count, chooses the
    container, and signs; a difference needs a discrepancy note."""
    dispatch = selectors.dispatch_get(user=request.user, pk=pk)
    if not policy.may_receive(request.user, dispatch):
        return redirect("transmission:detail", pk=dispatch.pk)
    form = ReceiveForm(request.POST or None, user=request.user, dispatch=dispatch)
    context = {"dispatch": dispatch, "form": form, "lines": selectors.carrier_lines(dispatch=dispatch)}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "transmission/receive.html", context, status=400)
        try:
            services.receive(actor=request.user, dispatch_id=dispatch.pk, **form.service_arguments())
        except DomainError as exc:
            return render_domain_error(request, "transmission/receive.html", context, exc, form)
        return redirect("transmission:detail", pk=dispatch.pk)
    return render(request, "transmission/receive.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request, pk, discrepancy_pk):
    dispatch = selectors.dispatch_get(user=request.user, pk=pk)
    if request.method == "GET":
        return redirect("transmission:detail", pk=dispatch.pk)
    row = next((r for r in dispatch.discrepancies.all() if r.pk == discrepancy_pk), None)
    if row is None:
        raise Http404
    form = ResolveForm(request.POST, user=request.user, discrepancy=row)
    if not form.is_valid():
        context = _detail_context(request, dispatch, resolve_forms={row.pk: form})
        return render(request, "transmission/detail.html", context, status=400)
    try:
        services.resolve_discrepancy(actor=request.user, dispatch_id=dispatch.pk, discrepancy_id=row.pk,
                                     **form.cleaned_data)
    except DomainError as exc:
        context = _detail_context(request, dispatch, resolve_forms={row.pk: form})
        return render_domain_error(request, "transmission/detail.html", context, exc, form)
    return redirect("transmission:detail", pk=dispatch.pk)


@login_required
@require_POST
def notices_read(request):
    services.mark_notices_read(actor=request.user)
    return redirect("transmission:inbox")
