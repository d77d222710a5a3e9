"""Pages of holdings reviews and spot checks: thin, the services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import access
from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import AnswerForm, DrawForm, OpenReviewForm, ScanForm

INDEX = "reviews/index.html"


def _index_context(request, **extra):
    user = request.user
    may_run = access.can(user, policy.RUN_REVIEWS)
    return {
        "may_run": may_run, "my_lines": selectors.my_lines(user=user)[:1000],
        "reviews": selectors.visible_reviews(user=user)[:100], "spot_checks": selectors.visible_spot_checks(user=user)[:100],
        "open_form": extra.pop("open_form", None) or OpenReviewForm(),
        "draw_form": extra.pop("draw_form", None) or DrawForm(), "answer_form": AnswerForm(), **extra,
    }


@login_required
def index(request):
    return render(request, INDEX, _index_context(request))


@login_required
@require_POST
def review_open(request):
    form = OpenReviewForm(request.POST)
    if not form.is_valid():
        return render(request, INDEX, _index_context(request, open_form=form), status=400)
    try:
        review = services.open_review(actor=request.user, days=form.cleaned_data["days"],
                                      note=form.cleaned_data["note"])
    except DomainError as exc:
        return render_domain_error(request, INDEX, _index_context(request, open_form=form), exc, form)
    messages.success(request, _("Holdings review %(number)s opened.") % {"number": review.number})
    return redirect("reviews:review", pk=review.pk)


@login_required
@require_POST
def answer(request, pk):
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return render(request, INDEX, _index_context(request, refusal=_("Choose an answer.")), status=400)
    try:
        line = services.answer_line(actor=request.user, line_id=pk, **form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, INDEX, _index_context(request), exc)
    messages.success(request, _("Answer for %(number)s recorded.") % {"number": line.carrier.registry_number})
    return redirect("reviews:index")


@login_required
def review(request, pk):
    item = selectors.review_get(user=request.user, pk=pk)
    return render(request, "reviews/review.html", {
        "review": item, "lines": selectors.review_lines(user=request.user, review=item),
        "may_close": item.is_open and access.can(request.user, policy.RUN_REVIEWS, item),
    })


@login_required
@require_POST
def review_close(request, pk):
    item = selectors.review_get(user=request.user, pk=pk)
    try:
        services.close_review(actor=request.user, review_id=item.pk)
    except DomainError as exc:
        return render_domain_error(request, "reviews/review.html", {
            "review": item, "lines": selectors.review_lines(user=request.user, review=item)}, exc)
    messages.success(request, _("Holdings review %(number)s closed.") % {"number": item.number})
    return redirect("reviews:review", pk=item.pk)


@login_required
@require_POST
def spot_draw(request):
    form = DrawForm(request.POST)
    if not form.is_valid():
        return render(request, INDEX, _index_context(request, draw_form=form), status=400)
    try:
        check = services.draw_spot_check(actor=request.user, strata=form.strata())
    except DomainError as exc:
        return render_domain_error(request, INDEX, _index_context(request, draw_form=form), exc, form)
    messages.success(request, _("Spot check %(number)s drawn: %(size)d carriers.")
                     % {"number": check.number, "size": check.size})
    return redirect("reviews:spot", pk=check.pk)


def _spot_context(request, check, **extra):
    return {"check": check, "lines": selectors.spot_lines(user=request.user, check=check),
            "may_run": check.is_open and access.can(request.user, policy.RUN_REVIEWS, check),
            "scan_form": extra.pop("scan_form", None) or ScanForm(), **extra}


@login_required
def spot(request, pk):
    check = selectors.spot_check_get(user=request.user, pk=pk)
    return render(request, "reviews/spot.html", _spot_context(request, check))


@login_required
@require_POST
def spot_scan(request, pk):
    check = selectors.spot_check_get(user=request.user, pk=pk)
    form = ScanForm(request.POST)
    if not form.is_valid():
        return render(request, "reviews/spot.html", _spot_context(request, check, scan_form=form), status=400)
    try:
        line = services.scan(actor=request.user, check_id=check.pk, **form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, "reviews/spot.html", _spot_context(request, check, scan_form=form), exc,
                                   form)
    messages.success(request, _("%(number)s found.") % {"number": line.carrier.registry_number})
    return redirect("reviews:spot", pk=check.pk)


@login_required
@require_POST
def spot_close(request, pk):
    check = selectors.spot_check_get(user=request.user, pk=pk)
    try:
        services.close_spot_check(actor=request.user, check_id=check.pk)
    except DomainError as exc:
        return render_domain_error(request, "reviews/spot.html", _spot_context(request, check), exc)
    messages.success(request, _("Spot check %(number)s closed.") % {"number": check.number})
    return redirect("reviews:spot", pk=check.pk)
