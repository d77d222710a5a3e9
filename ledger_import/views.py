"""The legacy import's pages: upload and map the columns, the preview with every row's errors
(the dry run), leave rows out, import as one signed batch. Thin: the services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import access
from common.errors import Conflict, Refused, ValidationFailed

from . import rules, selectors, services
from .forms import ImportForm, UploadForm


def _require(user):
    if not access.can(user, "register_carrier"):
        raise PermissionDenied(_("Only the secrecy office may import a ledger."))


@login_required
def upload(request):
    _require(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            batch = services.upload(actor=request.user, filename=upload_file.name, content=upload_file.read(),
                                    mapping=form.mapping())
        except ValidationFailed as exc:
            for field, errors in exc.errors.items():
                target = f"map_{field}" if f"map_{field}" in form.fields else ("file" if field == "file" else None)
                for error in errors:
                    form.add_error(target, error)
        else:
            return redirect("ledger_import:preview", pk=batch.pk)
    return render(request, "ledger_import/upload.html",
                  {"form": form, "batches": selectors.batches_of(user=request.user)},
                  status=400 if form.errors else 200)


def _preview(request, batch, *, import_form=None, refusal=None, status=200):
    checked = selectors.preview(batch=batch, actor=request.user) if batch.status == "preview" else None
    return render(request, "ledger_import/preview.html", {
        "batch": batch, "checked": checked, "fields": list(rules.FIELDS), "labels": {f: label for f, (label, _n) in rules.FIELDS.items()},
        "import_form": import_form or ImportForm(), "refusal": refusal,
    }, status=status)


@login_required
def preview(request, pk):
    _require(request.user)
    return _preview(request, selectors.batch_get(user=request.user, pk=pk))


@login_required
@require_POST
def exclude(request, pk):
    _require(request.user)
    batch = selectors.batch_get(user=request.user, pk=pk)
    rows = [int(v) for v in request.POST.getlist("exclude") if v.isdigit() and len(v) < 9]
    try:
        services.exclude_rows(actor=request.user, batch_id=batch.pk, rows=rows)
    except (ValidationFailed, Conflict) as exc:
        return _preview(request, batch, refusal=exc.message, status=exc.status)
    messages.success(request, _("The rows to leave out are saved; the preview is checked again."))
    return redirect("ledger_import:preview", pk=batch.pk)


@login_required
@require_POST
def confirm(request, pk):
    _require(request.user)
    batch = selectors.batch_get(user=request.user, pk=pk)
    form = ImportForm(request.POST)
    if not form.is_valid():
        return _preview(request, batch, import_form=form, status=400)
    try:
        carriers = services.import_batch(actor=request.user, batch_id=batch.pk, password=form.cleaned_data["password"])
    except ValidationFailed as exc:
        if "password" in exc.errors:
            form.add_error("password", exc.errors["password"])
            return _preview(request, batch, import_form=form, status=400)
        return _preview(request, batch, import_form=form, refusal=" ".join(sum(exc.errors.values(), [])[:5]),
                        status=400)
    except (Refused, Conflict) as exc:
        return _preview(request, batch, import_form=form, refusal=exc.message, status=exc.status)
    messages.success(request, _("%(count)s carriers imported and signed.") % {"count": len(carriers)})
    return redirect("ledger_import:preview", pk=batch.pk)


@login_required
@require_POST
def discard(request, pk):
    _require(request.user)
    batch = selectors.batch_get(user=request.user, pk=pk)
    try:
        services.discard(actor=request.user, batch_id=batch.pk)
    except Conflict as exc:
        return _preview(request, batch, refusal=exc.message, status=exc.status)
    messages.success(request, _("The import is discarded; nothing was registered."))
    return redirect("ledger_import:upload")
