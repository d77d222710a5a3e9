from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import Conflict, Refused, ValidationFailed

from . import selectors, services
from .base import PeriodForm, level_field
from .definitions import REGISTERS
from .models import JobStatus


def request_language(request, data=None) -> str:
    """The PDF's language: lang=, else the interface's."""
    data = data if data is not None else request.GET
    return data.get("lang") or ("zh-hans" if (get_language() or "").startswith("zh") else "en")


def _filter_form(register, *, user, data=None, choices=None):
    """The register's filters as a small form (no ids: several forms share the page). choices:
    (units, departments) read once for all the page's forms (else read here)."""
    fields = dict(register.fields()) if register.fields else {}
    for name in register.filter_names:  # registers that name their filters without form fields
        if name in fields or name in ("date_from", "date_to"):
            continue
        if name == "level":
            fields[name] = level_field()
        elif name in ("unit", "department"):
            fields[name] = forms.IntegerField(label=_("Unit") if name == "unit" else _("Department"), required=False)
        else:
            fields[name] = forms.CharField(label=name, required=False, max_length=40)
    units, departments = choices if choices is not None else _filter_choices(user)
    if "unit" in fields:
        fields["unit"] = forms.ChoiceField(label=fields["unit"].label, required=False, choices=[("", "—"), *units])
    if "department" in fields:
        fields["department"] = forms.ChoiceField(label=fields["department"].label, required=False,
                                                 choices=[("", "—"), *departments])
    for name in ("date_from", "date_to"):
        fields[name] = forms.DateField(label=PeriodForm.base_fields[name].label, required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    return type("RegisterFilterForm", (PeriodForm,), fields)(data, auto_id=False)


def _filter_choices(user) -> tuple[list, list]:
    """The unit and department choices of the filter forms: one query each."""
    units = [(str(unit.pk), str(unit)) for unit in selectors.units_for_filter(user=user)]
    departments = [(str(unit.pk), str(unit)) for unit in selectors.departments_for_filter(user=user)]
    return units, departments


def _index(request, *, errors=None, status=200, chosen="", values=None):
    values = values if values is not None else request.GET
    choices = _filter_choices(request.user)  # the same for every register's form
    registers = [
        {"register": register,
         "form": _filter_form(register, user=request.user, data=values if chosen == register.name else None,
                              choices=choices)}
        for register in REGISTERS.ordered()
    ]
    return render(
        request,
        "registers/index.html",
        {
            "registers": registers,
            "language": request_language(request, values),
            "errors": errors or {},
            "chosen": chosen,
            "exports": selectors.exports_of(user=request.user),
        },
        status=status,
    )


def _require(user):
    try:
        selectors.require_register_access(user)
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None


@login_required
def index(request):
    _require(request.user)
    return _index(request)


@login_required
@require_http_methods(["GET", "POST"])
def export(request, name, fmt):
    """A register at once (small registers)."""
    data = request.POST if request.method == "POST" else request.GET
    try:
        result = services.export_register(
            actor=request.user, name=name, params=data, fmt=fmt, language=request_language(request, data)
        )
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None
    except ValidationFailed as exc:
        return _index(request, errors=exc.errors, status=400, chosen=name, values=data)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


@login_required
@require_POST
def start(request, name):
    """Queue a register export in the background and show its progress."""
    fmt = request.POST.get("format", "pdf")
    try:
        job = services.request_export(actor=request.user, name=name, params=request.POST, fmt=fmt,
                                      language=request_language(request, request.POST))
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None
    except ValidationFailed as exc:
        return _index(request, errors=exc.errors, status=400, chosen=name, values=request.POST)
    return redirect("registers:job", pk=job.pk)


def _own(request, pk):
    _require(request.user)
    job = selectors.export_get(user=request.user, export_id=pk)
    if job is None:
        raise Http404
    return job


def status_data(job) -> dict:
    return {
        "id": job.pk, "status": job.status, "status_label": str(job.get_status_display()), "progress": job.progress,
        "error": job.error, "rows": job.rows, "pages": job.pages,
        "download_url": reverse("registers:download", kwargs={"pk": job.pk}) if job.status == JobStatus.DONE else None,
        "finished": job.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.EXPIRED),
        "waiting_for_broker": job.waiting_for_broker, "may_retry": services.is_stuck(job),
        "notice": services.job_notice(job),
    }


@login_required
@require_GET
def job(request, pk):
    job = _own(request, pk)
    register = REGISTERS.get(job.register)
    return render(request, "registers/job.html", {"job": job, "register": register, "data": status_data(job)})


@login_required
@require_GET
def job_status(request, pk):
    """The job's status and progress as JSON, for the page's progress bar."""
    return JsonResponse(status_data(_own(request, pk)))


@login_required
@require_GET
def download(request, pk):
    try:
        result = services.download_export(actor=request.user, export_id=pk)
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None
    except Conflict as exc:
        job = _own(request, pk)
        return render(request, "registers/job.html",
                      {"job": job, "register": REGISTERS.get(job.register), "data": status_data(job),
                       "message": exc.message}, status=409)
    response = FileResponse(open(result.path, "rb"), content_type=result.content_type)  # noqa: SIM115
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


@login_required
@require_POST
def retry(request, pk):
    try:
        services.retry_export(actor=request.user, export_id=pk)
    except Refused as exc:
        raise PermissionDenied(str(exc.message)) from None
    except Conflict as exc:
        job = _own(request, pk)
        return render(request, "registers/job.html",
                      {"job": job, "register": REGISTERS.get(job.register), "data": status_data(job),
                       "message": exc.message}, status=409)
    return redirect("registers:job", pk=pk)


@login_required
@require_GET
def exposure(request):
    """The exposure report as a page (issue 19, item 6): the same rows as the PDF and CSV of the
    "exposure" register, asked by the carrier's registry number and a window."""
    _require(request.user)
    register = REGISTERS["exposure"]
    asked = "carrier" in request.GET
    extract, errors, status = None, {}, 200
    if asked and not request.GET["carrier"].strip():
        errors, status = {"carrier": [_("Give the registry number of the carrier.")]}, 400
    elif asked:
        try:
            extract = register.draw(user=request.user, params=request.GET)
        except ValidationFailed as exc:
            errors, status = exc.errors, 400
    language = "zh-hans" if (get_language() or "").startswith("zh") else "en"
    form = _filter_form(register, user=request.user, data=request.GET if asked else None)
    return render(request, "registers/exposure.html", {
        "register": register, "form": form, "extract": extract, "errors": errors, "headers": register.headers(language),
        "cells": register.cells(extract) if extract is not None else [],
        "title": register.title(language), "query": request.GET.urlencode(), "language": language,
    }, status=status)
