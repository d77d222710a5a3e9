"""Reads of the accounts app: the accounts locked now (for the secrecy office and the alert)."""

from django.db.models import Max, Sum
from django.utils import timezone

from personnel.models import Person

from . import lockout


def locked_usernames(*, now=None):
    """A subquery: the usernames with AXES_FAILURE_LIMIT failures or more within the cool-off."""
    from axes.models import AccessAttempt

    now = now or timezone.now()
    return (
        AccessAttempt.objects.filter(attempt_time__gte=now - lockout.cool_off())
        .values("username").annotate(n=Sum("failures_since_start")).filter(n__gte=lockout.limit())
        .values("username")
    )


def locked_people(*, user, now=None) -> list[dict]:
    """The locked accounts of the people whose file `user` may read (the secrecy office: its unit),
    each with its failures and until when it stays locked."""
    from axes.models import AccessAttempt

    from personnel import selectors as people

    now = now or timezone.now()
    persons = list(
        people.file_people(user=user).filter(user__username__in=locked_usernames(now=now))
        .select_related("user", "department").order_by("employee_number")
    )
    if not persons:
        return []
    counts = {
        row["username"]: row
        for row in AccessAttempt.objects.filter(
            attempt_time__gte=now - lockout.cool_off(), username__in=[p.user.username for p in persons]
        ).values("username").annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    }
    return [
        {"person": p, "failures": counts[p.user.username]["n"],
         "locked_until": counts[p.user.username]["last"] + lockout.cool_off()}
        for p in persons if p.user.username in counts
    ]


def due_locked_accounts(*, today, now):
    """The alert check account_locked: every person whose account is locked now (one query)."""
    from django.db.models import BigIntegerField, DateField, F, PositiveSmallIntegerField, Value

    return Person.objects.filter(user__username__in=locked_usernames(now=now)).values(
        target_id=F("pk"), target_label=F("employee_number"), alert_unit=F("unit"),
        alert_level=Value(None, output_field=PositiveSmallIntegerField()),
        due_on=Value(today, output_field=DateField()),
        alert_responsible=Value(None, output_field=BigIntegerField()),
    )


def locked_account_office(*, today, now):
    """The active secrecy office of each locked person's unit is told (one query)."""
    return (
        Person.objects.filter(user__username__in=locked_usernames(now=now))
        .filter(unit__members__user__groups__name="secrecy_office", unit__members__status="active")
        .values_list("pk", "unit__members__user_id")
    )
