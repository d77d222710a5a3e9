from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import DomainError, Refused
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import (
    CertificateForm,
    DestructionRequestForm,
    ExecuteForm,
    FacilityForm,
    HandoverForm,
    ReceiveForm,
)


@login_required
def request_list(request):
    user = request.user
    return render(request, "destruction/list.html", {
        "requests": selectors.visible_requests(user=user)[:200],
        "may_manage_facilities": policy.may_manage_facilities(user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    form = DestructionRequestForm(request.POST if request.method == "POST" else None, user=request.user)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "destruction/request_form.html", context, status=400)
        try:
            destruction = services.submit_destruction_request(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "destruction/request_form.html", context, exc, form)
        return redirect("destruction:detail", pk=destruction.pk)
    return render(request, "destruction/request_form.html", context)


def _detail_context(request, destruction, **forms):
    user = request.user
    carriers, hidden = selectors.request_carriers(user=user, request=destruction)
    context = {
        "destruction": destruction,
        "carriers": carriers,
        "hidden_carriers": hidden,
        "history": selectors.request_history(request=destruction),
        "may_execute": policy.may_execute(user, destruction),
        "handover_form": None, "receive_form": None, "certificate_form": None,
    }
    if policy.may_hand_over(user, destruction):
        context["handover_form"] = forms.get("handover_form") or HandoverForm(user=user, level=destruction.level)
    if policy.may_receive(user, destruction):
        context["receive_form"] = forms.get("receive_form") or ReceiveForm()
    if policy.may_record_certificate(user, destruction):
        context["certificate_form"] = forms.get("certificate_form") or CertificateForm(
            initial={"carriers": "\n".join(c.registry_number for c in carriers),
                     "issued_on": timezone.localdate()})
    context.update({k: v for k, v in forms.items() if v is not None})
    return context


@login_required
def request_detail(request, pk):
    destruction = selectors.request_get(user=request.user, pk=pk)
    return render(request, "destruction/detail.html", _detail_context(request, destruction))


@login_required
@require_http_methods(["GET", "POST"])
def execute(request, pk):
    """The on-the-spot screen: both signers on one page, each with their own password."""
    destruction = selectors.request_get(user=request.user, pk=pk)
    form = ExecuteForm(request.POST if request.method == "POST" else None, user=request.user, level=destruction.level)
    carriers, hidden = selectors.request_carriers(user=request.user, request=destruction)
    context = {"destruction": destruction, "form": form, "carriers": carriers, "hidden_carriers": hidden,
               "may_execute": policy.may_execute(request.user, destruction)}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "destruction/execute.html", context, status=400)
        try:
            services.execute_in_house(actor=request.user, request_id=destruction.pk, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "destruction/execute.html", context, exc, form)
        return redirect("destruction:detail", pk=destruction.pk)
    return render(request, "destruction/execute.html", context)


def _post_action(request, pk, *, form_name, make_form, service):
    destruction = selectors.request_get(user=request.user, pk=pk)
    if request.method == "GET":  # e.g. the language switch on a refused action's page
        return redirect("destruction:detail", pk=destruction.pk)
    form = make_form(request.POST, destruction)
    if not form.is_valid():
        return render(request, "destruction/detail.html",
                      _detail_context(request, destruction, **{form_name: form}), status=400)
    try:
        service(actor=request.user, request_id=destruction.pk, **form.cleaned_data)
    except DomainError as exc:
        destruction = selectors.request_get(user=request.user, pk=pk)
        return render_domain_error(request, "destruction/detail.html",
                                   _detail_context(request, destruction, **{form_name: form}), exc, form)
    return redirect("destruction:detail", pk=destruction.pk)


@login_required
@require_http_methods(["GET", "POST"])
def handover(request, pk):
    return _post_action(request, pk, form_name="handover_form", service=services.hand_over_to_facility,
                        make_form=lambda data, d: HandoverForm(data, user=request.user, level=d.level))


@login_required
@require_http_methods(["GET", "POST"])
def receive(request, pk):
    return _post_action(request, pk, form_name="receive_form", service=services.receive_for_facility,
                        make_form=lambda data, d: ReceiveForm(data))


@login_required
@require_http_methods(["GET", "POST"])
def certificate(request, pk):
    return _post_action(request, pk, form_name="certificate_form", service=services.record_certificate,
                        make_form=lambda data, d: CertificateForm(data))


@login_required
@require_http_methods(["GET", "POST"])
def facilities(request):
    user = request.user
    may_manage = policy.may_manage_facilities(user)
    form = FacilityForm(request.POST if request.method == "POST" else None) if may_manage else None
    context = {"facilities": selectors.visible_facilities(user=user), "form": form, "today": timezone.localdate()}
    if request.method == "POST":
        try:
            services.check_may_manage_facilities(user)
        except Refused as exc:
            raise PermissionDenied(str(exc.message)) from None
        if not form.is_valid():
            return render(request, "destruction/facilities.html", context, status=400)
        try:
            services.create_facility(actor=user, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "destruction/facilities.html", context, exc, form)
        return redirect("destruction:facilities")
    return render(request, "destruction/facilities.html", context)


@login_required
@require_GET
def record(request, pk):
    """The destruction record as a PDF once destroyed (?lang=zh-hans|en, else the interface's)."""
    destruction = selectors.request_get(user=request.user, pk=pk)
    language = request.GET.get("lang") or ("zh-hans" if (get_language() or "").startswith("zh") else "en")
    try:
        printed = services.print_destruction_record(actor=request.user, request_id=destruction.pk, language=language)
    except DomainError as exc:
        return render_domain_error(request, "destruction/detail.html", _detail_context(request, destruction), exc)
    response = HttpResponse(printed.content, content_type=printed.content_type)
    response["Content-Disposition"] = f'attachment; filename="{printed.filename}"'
    return response
