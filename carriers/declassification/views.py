from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.errors import DomainError
from common.views import render_domain_error

from . import selectors, services
from .forms import ConditionMetForm, ReviewForm


def _queue_context(request, condition_form=None):
    user = request.user
    return {
        "queue": selectors.review_queue(user=user, today=timezone.localdate())[:500],
        "window": selectors.window_days(),
        "today": timezone.localdate(),
        "reviews": selectors.visible_reviews(user=user)[:100],
        "condition_form": condition_form or ConditionMetForm(user=user),
    }


@login_required
def queue(request):
    """The review queue: carriers of the user's unit whose secrecy period ends within the window or
    has ended, and those whose declassification condition is met; the reviews proposed."""
    return render(request, "declassification/queue.html", _queue_context(request))


@login_required
@require_http_methods(["GET", "POST"])
def condition_met(request):
    if request.method == "GET":
        return redirect("declassification:queue")
    form = ConditionMetForm(request.POST, user=request.user)
    context = _queue_context(request, condition_form=form)
    if not form.is_valid():
        return render(request, "declassification/queue.html", context, status=400)
    try:
        services.record_condition_met(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, "declassification/queue.html", context, exc, form)
    return redirect("declassification:queue")


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request):
    initial = {"carrier": request.GET.get("carrier")} if request.GET.get("carrier", "").isdigit() else None
    form = ReviewForm(request.POST if request.method == "POST" else None, user=request.user, initial=initial)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "declassification/form.html", context, status=400)
        try:
            review = services.propose_review(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "declassification/form.html", context, exc, form)
        return redirect("declassification:detail", pk=review.pk)
    return render(request, "declassification/form.html", context)


@login_required
def review_detail(request, pk):
    review = selectors.review_get(user=request.user, pk=pk)
    return render(request, "declassification/detail.html", {
        "review": review, "history": selectors.review_history(review=review),
    })
