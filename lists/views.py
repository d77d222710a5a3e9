"""Thin views: a list's export, the bulk actions' preview and signing, the handovers list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common import tables as common_tables
from common.errors import DomainError, Refused, ValidationFailed

from . import selectors, services
from .forms import FORMS

# which bulk actions each list offers
ACTIONS = {"carriers": ("handover", "inventory", "destruction"), "alerts": ("acknowledge",)}
BACK = {"carriers": "carriers:list", "alerts": "alerts:list"}


def _language(request) -> str:
    wanted = request.GET.get("lang")
    if wanted:
        return wanted
    return "zh-hans" if (get_language() or "").startswith("zh") else "en"


@login_required
@require_GET
def export(request, name, fmt):
    try:
        result = services.export_list(actor=request.user, name=name, params=request.GET, fmt=fmt,
                                      language=_language(request))
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None
    except ValidationFailed as exc:
        return render(request, "lists/refused.html", {"errors": exc.errors, "back": _back(name, request)},
                      status=400)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


def _back(name, request) -> str:
    url_name = BACK.get(name) or ("lists:handovers" if name == "handovers" else "home")
    query = request.GET.copy()
    for key in ("lang", "action", "ids"):
        query.pop(key, None)
    return reverse(url_name) + (f"?{query.urlencode()}" if query else "")


def _preview(request, name, action, ids, form):
    user = request.user
    data = form.data if form.is_bound else {}
    if name == "alerts":
        return selectors.selected_alerts(user=user, ids=ids)
    carriers = selectors.selected_carriers(user=user, ids=ids)
    if action == "handover":
        taker = None
        if form.is_bound and "taker" in form.fields:
            taker = form.fields["taker"].queryset.filter(pk=data.get("taker") or 0).first() if str(
                data.get("taker") or "").isdigit() else None
        return selectors.handover_preview(user=user, carriers=carriers, taker=taker)
    if action == "destruction":
        return selectors.destruction_preview(user=user, carriers=carriers, method=data.get("method") or "")
    inventory = None
    if form.is_bound and str(data.get("inventory") or "").isdigit():
        inventory = form.fields["inventory"].queryset.filter(pk=data["inventory"]).first()
    return selectors.inventory_preview(user=user, carriers=carriers, inventory=inventory)


def _run(request, name, action, rows, form):
    user, cleaned = request.user, form.cleaned_data
    if name == "alerts":
        alerts = services.bulk_acknowledge(actor=user, password=cleaned["password"],
                                           alert_ids=[row["alert"].pk for row in rows], comment=cleaned["comment"])
        messages.success(request, _("%(count)d alerts acknowledged, signed once.") % {"count": len(alerts)})
        return redirect("alerts:list")
    carriers = [row["carrier"] for row in rows]
    if action == "handover":
        handover = services.bulk_handover(actor=user, password=cleaned["password"], taker=cleaned["taker"],
                                          carriers=carriers, declared_count=cleaned["declared_count"],
                                          note=cleaned["note"])
        messages.success(request, _("Handover %(number)s of %(count)d carriers is signed by you; it waits for "
                                    "%(taker)s to count and sign.") % {
            "number": handover.pk, "count": len(carriers),
            "taker": getattr(getattr(cleaned["taker"], "person", None), "full_name", "") or cleaned["taker"].username})
        return redirect(reverse("lists:handovers"))
    if action == "inventory":
        services.bulk_inventory(actor=user, password=cleaned["password"], inventory_id=cleaned["inventory"].pk,
                                carriers=carriers)
        messages.success(request, _("%(count)d carriers marked as seen in the inventory, signed once.")
                         % {"count": len(carriers)})
        return redirect("storage:inventory", pk=cleaned["inventory"].pk)
    request_ = services.bulk_destruction(actor=user, password=cleaned["password"], carriers=carriers,
                                         reason=cleaned["reason"], method=cleaned["method"], route=cleaned["route"],
                                         facility=cleaned.get("facility"))
    messages.success(request, _("The destruction request for %(count)d carriers is submitted for approval.")
                     % {"count": len(carriers)})
    return redirect("destruction:detail", pk=request_.pk)


@login_required
@require_http_methods(["GET", "POST"])
def bulk(request, name):
    """GET: the preview of the selected rows with the reason each would be refused, and the form;
    POST: the batch, signed once, all or nothing (a refusal changes nothing and shows the preview
    again with the reasons)."""
    data = request.POST if request.method == "POST" else request.GET
    action = data.get("action") or ""
    if name not in ACTIONS:
        raise Http404
    if action not in ACTIONS[name]:
        return render(request, "lists/refused.html", {
            "errors": {"action": [_("Choose one of the actions the list offers.")]},
            "back": reverse(BACK[name])}, status=400)
    ids = data.getlist("ids")
    not_found = []
    if name == "carriers" and data.get("numbers"):  # carriers scanned (or typed) into the batch
        scanned, not_found = selectors.scanned_ids(user=request.user, numbers=data.get("numbers"))
        ids = [*ids, *map(str, scanned)]
    form_class = FORMS[action]
    kwargs = {"user": request.user} if action in ("handover", "inventory", "destruction") else {}
    form = form_class(request.POST if request.method == "POST" else None, **kwargs)
    rows = _preview(request, name, action, ids, form)
    context = {"name": name, "action": action, "rows": rows, "form": form, "back": reverse(BACK[name]),
               "refused": [row for row in rows if row["reasons"]], "not_found": not_found,
               "declared_hint": len(rows), "max_selected": selectors.MAX_SELECTED}
    status = 200
    if not rows:
        context["nothing"] = True
        status = 400 if request.method == "POST" else 200
    if request.method == "POST" and rows:
        if context["refused"]:
            context["refusal"] = _("Nothing was done: %(count)d of the selected rows cannot take part; "
                                   "unselect them or settle the reason first.") % {"count": len(context["refused"])}
            status = 409
        elif form.is_valid():
            try:
                return _run(request, name, action, rows, form)
            except DomainError as exc:
                rows = _preview(request, name, action, ids, form)
                context.update(rows=rows, refused=[row for row in rows if row["reasons"]])
                from common.views import render_domain_error

                return render_domain_error(request, "lists/bulk.html", context, exc, form)
        else:
            status = 400
    return render(request, "lists/bulk.html", context, status=status)


@login_required
@require_GET
def handovers(request):
    table = selectors.handover_table(user=request.user, params=request.GET)
    page = common_tables.paginate(table, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "lists/handovers.html", {"table": table, "page": page, "query": query.urlencode()})
