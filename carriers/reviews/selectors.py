"""Reads of holdings reviews and spot checks, through the gate."""

from django.shortcuts import get_object_or_404

from common import access

from .models import HoldingsReview, ReviewLine, SpotCheck, SpotCheckLine


def visible_reviews(*, user):
    return access.restrict(HoldingsReview.objects.select_related("opened_by__person", "closed_by__person"), user)


def review_get(*, user, pk) -> HoldingsReview:
    return get_object_or_404(visible_reviews(user=user), pk=pk)


def review_lines(*, user, review):
    return (access.restrict(ReviewLine.objects.filter(review=review), user)
            .select_related("carrier", "holder__person").order_by("holder__person__full_name", "carrier__registry_number"))


def my_lines(*, user):
    """The lines of open reviews this user answers for, unanswered first."""
    return (access.restrict(ReviewLine.objects.filter(holder_id=user.pk, review__closed_at__isnull=True), user)
            .select_related("carrier", "review").order_by("-answered_at", "carrier__registry_number"))


def visible_spot_checks(*, user):
    return access.restrict(SpotCheck.objects.select_related("drawn_by__person", "closed_by__person"), user)


def spot_check_get(*, user, pk) -> SpotCheck:
    return get_object_or_404(visible_spot_checks(user=user), pk=pk)


def spot_lines(*, user, check):
    return (access.restrict(SpotCheckLine.objects.filter(spot_check=check), user)
            .select_related("carrier", "carrier__container", "carrier__holder__person", "found_by__person")
            .order_by("found_at", "carrier__registry_number"))
