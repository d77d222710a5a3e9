"""HTML pages of the storage stage: containers (their carriers and access log), temporary
retentions, archives and filings, inventory checks (a scan page for a barcode scanner and a
closing page with two signatures). The same services and selectors as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError, Refused
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import (
    AcceptFilingForm,
    AccessForm,
    ArchiveForm,
    CloseForm,
    FilingForm,
    InventoryForm,
    RetentionForm,
    ScanForm,
    StoreForm,
    container_choice,
)
from .models import Inventory


def _require(check, user):
    try:
        return check(user)
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None


# --- containers ---------------------------------------------------------------------------------


@login_required
def index(request):
    user = request.user
    return render(request, "storage/index.html", {
        "containers": selectors.container_list(user=user),
        "is_office": policy.may_run_inventories(user),
    })


def _container_context(request, container, *, access_form=None, store_form=None):
    user = request.user
    return {
        "container": container,
        "carriers": selectors.container_carriers(user=user, container=container),
        "log": selectors.access_log(user=user, container=container)[:200],
        "access_form": access_form or AccessForm(prefix="access"),
        "store_form": store_form or StoreForm(user=user, prefix="store"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def container_detail(request, pk):
    container = selectors.container_get(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "storage/container.html", _container_context(request, container))
    which = request.POST.get("which")
    if which == "store":
        form = StoreForm(request.POST, user=request.user, prefix="store")
        context = _container_context(request, container, store_form=form)
        if not form.is_valid():
            return render(request, "storage/container.html", context, status=400)
        try:
            services.store_carrier(actor=request.user, carrier_id=form.cleaned_data["carrier"].pk,
                                   container=container, note=form.cleaned_data["note"])
        except DomainError as exc:
            return render_domain_error(request, "storage/container.html", context, exc, form)
    else:
        form = AccessForm(request.POST, prefix="access")
        context = _container_context(request, container, access_form=form)
        if not form.is_valid():
            return render(request, "storage/container.html", context, status=400)
        try:
            services.log_container_access(actor=request.user, container_id=container.pk, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "storage/container.html", context, exc, form)
    return redirect("storage:container", pk=container.pk)


# --- retentions ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def retentions(request):
    user = request.user
    form = RetentionForm(request.POST if request.method == "POST" else None, user=user)
    context = {"retentions": selectors.visible_retentions(user=user)[:200], "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "storage/retentions.html", context, status=400)
        data = form.cleaned_data
        try:
            services.request_retention(actor=user, carrier_id=data["carrier"].pk, reason=data["reason"],
                                       ends_on=data["ends_on"])
        except DomainError as exc:
            return render_domain_error(request, "storage/retentions.html", context, exc, form)
        return redirect("storage:retentions")
    return render(request, "storage/retentions.html", context)


@login_required
@require_POST
def retention_start(request, pk):
    retention = selectors.retention_get(user=request.user, pk=pk)
    try:
        services.start_retention(actor=request.user, retention_id=retention.pk)
    except DomainError as exc:
        context = {"retentions": selectors.visible_retentions(user=request.user)[:200],
                   "form": RetentionForm(user=request.user)}
        return render_domain_error(request, "storage/retentions.html", context, exc)
    return redirect("storage:retentions")


# --- archives and filings ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def filings(request):
    user = request.user
    which = request.POST.get("which") if request.method == "POST" else None
    filing_form = FilingForm(request.POST if which == "filing" else None, user=user, prefix="filing")
    archive_form = ArchiveForm(request.POST if which == "archive" else None, user=user,
                               prefix="archive") if policy.may_manage_archives(user) else None
    context = {"filings": selectors.visible_filings(user=user)[:200], "archives": selectors.visible_archives(user=user),
               "filing_form": filing_form, "archive_form": archive_form}
    if request.method == "POST":
        if which == "archive":
            _require(services.check_may_manage_archives, user)
            form = archive_form
        else:
            form = filing_form
        if not form.is_valid():
            return render(request, "storage/filings.html", context, status=400)
        try:
            if which == "archive":
                services.create_archive(actor=user, **form.cleaned_data)
            else:
                filing = services.file_to_archives(actor=user, **form.service_arguments())
                return redirect("storage:filing", pk=filing.pk)
        except DomainError as exc:
            return render_domain_error(request, "storage/filings.html", context, exc, form)
        return redirect("storage:filings")
    return render(request, "storage/filings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def filing_detail(request, pk):
    filing = selectors.filing_get(user=request.user, pk=pk)
    may_accept = policy.may_accept_filing(request.user, filing)
    form = AcceptFilingForm(request.POST or None) if may_accept else None
    context = {"filing": filing, "form": form}
    if request.method == "POST":
        if form is None:
            return redirect("storage:filing", pk=filing.pk)
        if not form.is_valid():
            return render(request, "storage/filing.html", context, status=400)
        try:
            services.accept_filing(actor=request.user, filing_id=filing.pk, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "storage/filing.html", context, exc, form)
        return redirect("storage:filing", pk=filing.pk)
    return render(request, "storage/filing.html", context)


# --- inventories --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inventories(request):
    user = request.user
    office = policy.may_run_inventories(user)
    form = InventoryForm(request.POST if request.method == "POST" else None, user=user) if office else None
    context = {"inventories": selectors.visible_inventories(user=user)[:200], "form": form}
    if request.method == "POST":
        _require(services.check_may_run_inventories, user)
        if not form.is_valid():
            return render(request, "storage/inventories.html", context, status=400)
        try:
            inventory = services.open_inventory(actor=user, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "storage/inventories.html", context, exc, form)
        return redirect("storage:inventory", pk=inventory.pk)
    return render(request, "storage/inventories.html", context)


# the run page stays quick for a scanner however large the inventory: the latest scans, the
# carriers still to find, and (once closed) every finding that is not "found"
RECENT_LINES = 50
LIST_LIMIT = 500


def _inventory_context(request, inventory, *, form=None, last=None):
    lines = selectors.inventory_lines(user=request.user, inventory=inventory)
    if inventory.status == Inventory.Status.OPEN:
        sections = [
            (_("Just seen"), "seen", lines.exclude(outcome="pending")[:RECENT_LINES],
             inventory.found_count + inventory.misplaced_count + inventory.unexpected_count),
            (_("Not yet seen"), "pending", lines.filter(outcome="pending")[:LIST_LIMIT], inventory.pending_count),
        ]
    else:
        findings = (inventory.misplaced_count + inventory.unexpected_count + inventory.missing_count
                    + inventory.left_count)
        sections = [
            (_("Findings"), "findings", lines.exclude(outcome="found")[:LIST_LIMIT], findings),
            (_("Found where recorded"), "found", lines.filter(outcome="found")[:LIST_LIMIT], inventory.found_count),
        ]
    return {
        "inventory": inventory,
        "sections": [{"title": t, "name": n, "lines": rows, "total": total} for t, n, rows, total in sections],
        "incidents": selectors.inventory_incidents(user=request.user, inventory=inventory),
        "sent_to_head": selectors.inventory_incidents_sent_to_head(user=request.user, inventory=inventory),
        "form": form,
        "last": last,
        "may_run": policy.may_scan(request.user, inventory),
        "hidden": selectors.hidden_lines(user=request.user, inventory=inventory),
    }


@login_required
@require_http_methods(["GET", "POST"])
def inventory_detail(request, pk):
    """The run page: an autofocused input for the scanner (number + Enter), each scan confirmed at
    once (POST, then back here with the container kept), the list updated."""
    user = request.user
    inventory = selectors.inventory_get(user=user, pk=pk)
    sticky = container_choice(user, request.GET.get("container")) or inventory.container
    if request.method == "GET":
        form = ScanForm(user=user, initial={"container": sticky}) if policy.may_run_inventories(user) else None
        last = None
        if request.GET.get("last"):
            last = selectors.inventory_lines(user=user, inventory=inventory).filter(registry_number=request.GET["last"]).first()
        return render(request, "storage/inventory.html", _inventory_context(request, inventory, form=form, last=last))
    _require(services.check_may_run_inventories, user)
    form = ScanForm(request.POST, user=user)
    context = _inventory_context(request, inventory, form=form)
    if not form.is_valid():
        return render(request, "storage/inventory.html", context, status=400)
    container = form.cleaned_data["container"]
    try:
        line, _recorded = services.confirm_seen(actor=user, inventory_id=inventory.pk,
                                                registry_number=form.cleaned_data["registry_number"],
                                                container=container)
    except DomainError as exc:
        return render_domain_error(request, "storage/inventory.html", context, exc, form)
    query = f"?last={line.registry_number}" + (f"&container={container.pk}" if container else "")
    return redirect(reverse("storage:inventory", args=[inventory.pk]) + query)


@login_required
@require_POST
def inventory_undo(request, pk, line):
    """Take back one scan (a mistyped or wrong number) while the inventory is open."""
    user = request.user
    inventory = selectors.inventory_get(user=user, pk=pk)
    _require(services.check_may_run_inventories, user)
    number = selectors.inventory_lines(user=user, inventory=inventory).filter(pk=line).values_list(
        "registry_number", flat=True).first()
    try:
        kept = services.undo_seen(actor=user, inventory_id=inventory.pk, line_id=line)
    except DomainError as exc:
        return render_domain_error(request, "storage/inventory.html",
                                   _inventory_context(request, inventory), exc)
    if kept is None:
        messages.success(request, gettext("The scan of %(number)s is undone: the line is removed.") % {"number": number})
    else:
        messages.success(request, gettext("The scan of %(number)s is undone: it is again not yet seen.")
                         % {"number": number})
    container = container_choice(user, request.POST.get("container"))
    query = f"?container={container.pk}" if container else ""
    return redirect(reverse("storage:inventory", args=[inventory.pk]) + query)


@login_required
@require_http_methods(["GET", "POST"])
def inventory_close(request, pk):
    user = request.user
    inventory = selectors.inventory_get(user=user, pk=pk)
    if inventory.status != Inventory.Status.OPEN:
        return redirect("storage:inventory", pk=inventory.pk)
    _require(services.check_may_run_inventories, user)
    form = CloseForm(request.POST if request.method == "POST" else None, user=user)
    context = {"inventory": inventory, "form": form,
               "pending": selectors.inventory_lines(user=user, inventory=inventory).filter(
                   outcome="pending")[:LIST_LIMIT]}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "storage/inventory_close.html", context, status=400)
        try:
            services.close_inventory(actor=user, inventory_id=inventory.pk, **form.service_arguments())
        except DomainError as exc:
            return render_domain_error(request, "storage/inventory_close.html", context, exc, form)
        return redirect("storage:inventory", pk=inventory.pk)
    return render(request, "storage/inventory_close.html", context)


@login_required
@require_GET
def inventory_record(request, pk):
    """The closed inventory's record as a PDF (?lang=zh-hans|en, else the interface's language)."""
    user = request.user
    inventory = selectors.inventory_get(user=user, pk=pk)
    language = request.GET.get("lang") or ("zh-hans" if (get_language() or "").startswith("zh") else "en")
    try:
        record = services.print_inventory_record(actor=user, inventory_id=inventory.pk, language=language)
    except DomainError as exc:
        return render_domain_error(request, "storage/inventory.html", _inventory_context(request, inventory), exc)
    response = HttpResponse(record.content, content_type=record.content_type)
    response["Content-Disposition"] = f'attachment; filename="{record.filename}"'
    return response
