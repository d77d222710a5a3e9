"""Reads of holdings reviews and spot checks, through the gate."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from common import access

from .models import HoldingsReview, ReviewLine, SpotCheck, SpotCheckLine


def visible_reviews(*, user):
    return access.restrict(HoldingsReview.objects.select_related("opened_by__person", "closed_by__person"), user)


def reviews_with_counts(*, user):
    """The visible reviews, newest first, each with how many of its lines are answered (one query)."""
    return visible_reviews(user=user).annotate(
        answered_count=Count("lines", filter=Q(lines__answered_at__isnull=False))).order_by("-opened_at", "-pk")


def visible_review_lines(*, user):
    """Every review line the user may see (their own; the office: its unit's), with its carrier."""
    return (access.restrict(ReviewLine.objects.all(), user).select_related("review", "carrier", "holder__person")
            .order_by("review_id", "carrier__registry_number", "pk"))


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


def spot_checks_with_counts(*, user):
    """The visible spot checks, newest first, each with how many of its carriers were found."""
    return visible_spot_checks(user=user).annotate(
        found_count=Count("lines", filter=Q(lines__found_at__isnull=False))).order_by("-drawn_at", "-pk")


def spot_check_get(*, user, pk) -> SpotCheck:
    return get_object_or_404(visible_spot_checks(user=user), pk=pk)


def spot_lines(*, user, check):
    return (access.restrict(SpotCheckLine.objects.filter(spot_check=check), user)
            .select_related("carrier", "carrier__container", "carrier__holder__person", "found_by__person")
            .order_by("found_at", "carrier__registry_number"))
