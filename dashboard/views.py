"""Thin views: the dashboard per role, the registry search, the notices page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import access

from . import charts, labels_pdf, scanning, selectors, services


def home(request):
    """'/': the dashboard for a registered person; the login page otherwise."""
    if not request.user.is_authenticated:
        return redirect("login")
    person = access.person_of(request.user)
    if person is None:
        return render(request, "dashboard/home.html", {"no_person": True})
    user = request.user
    counts = selectors.carrier_counts(user=user)
    alerts = selectors.alert_summary(user=user)
    roles = access.roles_of(user)
    office = bool(roles & {"secrecy_office", "unit_head", "auditor", "department_head"})
    context = {
        "counts": counts,
        "level_bars": charts.level_bars(counts["by_level"]),
        "status_bars": charts.bars(counts["by_status"]),
        "alerts": alerts,
        "severity_bars": charts.severity_bars(alerts["by_severity"]),
        "waiting": selectors.waiting_for(user=user),
        "mine": selectors.mine(user=user),
        "office": office,
    }
    context["waiting_total"] = sum(item["count"] for item in context["waiting"])
    return render(request, "dashboard/home.html", context)


@login_required
def search(request):
    """The header's search box. An exact registry number (what a scanner sends) opens the carrier;
    otherwise the matching carriers this user may open."""
    query = selectors.normalise(request.GET.get("q", ""))
    context = {"search_query": query, "results": [], "more": False, "limit": selectors.SEARCH_LIMIT}
    if query:
        carrier = selectors.exact_carrier(user=request.user, query=query)
        if carrier is not None:
            return redirect("carriers:detail", pk=carrier.pk)
        context["results"], context["more"] = selectors.search_carriers(user=request.user, query=query)
    return render(request, "dashboard/search.html", context)


@login_required
def scan_lookup(request):
    """One scanned number for an action form (GET ?number=...&action=...): the carrier with its
    title and marking and whether this user may put it into this action (and why not); 404, the
    same answer, for a carrier that does not exist and for one the user may not open."""
    action = request.GET.get("action", "")
    if action not in scanning.SCAN_ACTIONS:
        return JsonResponse({"detail": _("Unknown action for a scan.")}, status=400)
    number = selectors.normalise(request.GET.get("number", ""))
    if not number:
        return JsonResponse({"detail": _("Scan or type the registry number.")}, status=400)
    carrier = scanning.scanned_carrier(user=request.user, number=number)
    if carrier is None:
        return JsonResponse(
            {"number": number, "allowed": False,
             "detail": _("No carrier with this number that you may open: check the number.")}, status=404)
    return JsonResponse(scanning.answer(user=request.user, carrier=carrier, action=action))


@login_required
def notices(request):
    return render(request, "dashboard/notices.html", {
        **selectors.notices(user=request.user),
        "unread": selectors.unread_notice_count(user=request.user),
    })


@login_required
@require_POST
def notices_read(request):
    marked = services.mark_all_notices_read(actor=request.user)
    if marked:
        messages.success(request, _("All notices are marked as read."))
    else:
        messages.info(request, _("There were no unread notices."))
    return redirect("dashboard:notices")


MAX_LABELS = 210  # ten A4 sheets


@login_required
def labels(request):
    """Labels of the carriers named by ?ids=1,2,3 (or one: /labels/<pk>/), as a PDF; ?layout=single
    for a label printer. A carrier the user may not open answers 404, as if missing."""
    raw = request.GET.get("ids", "")
    ids = [int(part) for part in raw.split(",") if part.strip().isdigit()][:MAX_LABELS + 1]
    if not ids or len(ids) > MAX_LABELS:
        raise Http404
    return _labels_response(request, ids)


@login_required
def label(request, pk):
    return _labels_response(request, [pk])


def _labels_response(request, ids):
    carriers = selectors.carriers_for_labels(user=request.user, ids=ids)
    if carriers is None:
        raise Http404
    layout = request.GET.get("layout", "sheet")
    pdf = labels_pdf.render_pdf(carriers, layout=layout)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = "label" if len(carriers) == 1 else "labels"
    response["Content-Disposition"] = f'inline; filename="{name}-{carriers[0].pk}.pdf"'
    return response
