from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common import tables as common_tables
from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import ApproveForm, PublicationForm, RejectForm, ReleaseForm
from .models import Decision
from .tables import approval_table


@login_required
def queue(request):
    return _box(request, "to_decide")


@login_required
def mine(request):
    return _box(request, "requested")


def _box(request, box):
    table = approval_table(user=request.user, params=request.GET, box=box)
    page = common_tables.paginate(table, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "approvals/queue.html",
                  {"table": table, "page": page, "box": box, "query": query.urlencode(),
                   "export_name": "approvals-to-decide" if box == "to_decide" else "approvals-mine"})


def _detail_context(request, approval, **forms):
    review = None
    if approval.kind == "publication_review" and approval.target_id:
        review = selectors.visible_reviews(user=request.user).filter(pk=approval.target_id).first()
    return {
        "approval": approval,
        "review": review,
        "history": selectors.request_history(request=approval),
        "may_decide": policy.may_decide(request.user, approval),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
    }


@login_required
def detail(request, pk):
    approval = selectors.request_get(user=request.user, pk=pk)
    return render(request, "approvals/detail.html", _detail_context(request, approval))


def _decide(request, pk, outcome, form_class, form_name):
    form = form_class(request.POST)
    if not form.is_valid():
        # a user who may not see the request gets 404 before any form error
        approval = selectors.request_get(user=request.user, pk=pk)
        return render(request, "approvals/detail.html", _detail_context(request, approval, **{form_name: form}), status=400)
    try:
        services.decide(actor=request.user, request_id=int(pk), outcome=outcome, **form.cleaned_data)
    except DomainError as exc:
        approval = selectors.request_get(user=request.user, pk=pk)
        return render_domain_error(
            request, "approvals/detail.html", _detail_context(request, approval, **{form_name: form}), exc, form
        )
    if outcome == Decision.Outcome.APPROVE:
        messages.success(request, _("Your approval is signed and recorded."))
    else:
        messages.success(request, _("Your rejection is signed and recorded; the requester is told."))
    return redirect("approvals:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def approve(request, pk):
    if request.method == "GET":  # e.g. the language switch on a refused decision's page
        return redirect("approvals:detail", pk=pk)
    return _decide(request, pk, Decision.Outcome.APPROVE, ApproveForm, "approve_form")


@login_required
@require_http_methods(["GET", "POST"])
def reject(request, pk):
    if request.method == "GET":
        return redirect("approvals:detail", pk=pk)
    return _decide(request, pk, Decision.Outcome.REJECT, RejectForm, "reject_form")


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    if request.method == "GET":
        return redirect("approvals:detail", pk=pk)
    try:
        services.withdraw(actor=request.user, request_id=int(pk))
    except DomainError as exc:
        approval = selectors.request_get(user=request.user, pk=pk)
        return render_domain_error(request, "approvals/detail.html", _detail_context(request, approval), exc)
    messages.success(request, _("The request is withdrawn."))
    return redirect("approvals:detail", pk=pk)


@login_required
def policies(request):
    return render(request, "approvals/policies.html", {"policies": selectors.policies(user=request.user)})


@login_required
def publications(request):
    return render(request, "approvals/publications.html", {"reviews": selectors.visible_reviews(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def publication_new(request):
    form = PublicationForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "approvals/publication_form.html", {"form": form}, status=400)
        try:
            review = services.submit_publication_review(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "approvals/publication_form.html", {"form": form}, exc, form)
        return redirect("approvals:publication", pk=review.pk)
    return render(request, "approvals/publication_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def publication(request, pk):
    review = selectors.review_get(user=request.user, pk=pk)
    form = ReleaseForm(request.POST or None)
    context = {"review": review, "approval": selectors.review_request(review=review), "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "approvals/publication.html", context, status=400)
        try:
            services.record_release(actor=request.user, review_id=review.pk, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "approvals/publication.html", context, exc, form)
        return redirect("approvals:publication", pk=review.pk)
    return render(request, "approvals/publication.html", context)


@login_required
@require_POST
def notices_read(request):
    services.mark_notices_read(actor=request.user)
    return redirect(request.POST.get("next") or "approvals:queue")
