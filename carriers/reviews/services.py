"""Every write to holdings reviews and spot checks, one transaction each with its audit event."""

import random
import uuid
from datetime import timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from carriers.models import Carrier
from common import access
from common.errors import Conflict, Refused, ValidationFailed, Violation, enforce

from . import policy, rules
from .models import HoldingsReview, ReviewLine, SpotCheck, SpotCheckLine

# carriers a holder answers for: kept, lent or out with them (not in transit, destroyed, lost...)
REVIEWED_STATUSES = ("registered", "in_custody", "archived", "on_loan", "carried_out", "in_meeting")
# carriers a spot check may find in their place
SAMPLED_STATUSES = ("registered", "in_custody", "archived")


def _office(actor, message):
    if not access.can(actor, policy.RUN_REVIEWS):
        raise Refused(message)
    return access.person_of(actor)


def _number(prefix: str, unit_code: str, year: int, pk: int) -> str:
    return f"{prefix}-{unit_code}-{year}-{pk:05d}"


# --- holdings reviews ---------------------------------------------------------------------------


def open_review(*, actor, days: int = 30, note: str = "") -> HoldingsReview:
    """The secrecy office asks every holder in the unit to confirm each carrier they hold."""
    person = _office(actor, _("Only the secrecy office opens a holdings review."))
    enforce([rules.due_days_valid(days=days)])
    with transaction.atomic():
        if HoldingsReview.objects.select_for_update().filter(unit_id=person.unit_id, closed_at__isnull=True).exists():
            raise Conflict(_("A holdings review of your unit is still open: close it first."), code="review_open")
        carriers = list(access.restrict(Carrier.objects.filter(unit_id=person.unit_id, status__in=REVIEWED_STATUSES),
                                        actor).order_by("pk").values_list("pk", "holder_id", "level"))
        if not carriers:
            raise Conflict(_("Your unit holds no carrier to review."), code="nothing_to_review")
        now = timezone.now()
        review = HoldingsReview.objects.create(
            number=f"pending-{uuid.uuid4().hex}", unit_id=person.unit_id, note=note.strip(),
            due_on=timezone.localdate(now) + timedelta(days=days), level=max(c[2] for c in carriers),
            line_count=len(carriers), opened_by=actor, opened_at=now,
        )
        review.number = _number("REV", person.unit.code, now.year, review.pk)
        HoldingsReview.objects.filter(pk=review.pk).update(number=review.number)
        ReviewLine.objects.bulk_create(ReviewLine(review=review, carrier_id=pk, holder_id=holder)
                                       for pk, holder, _level in carriers)
        audit.record(actor=actor, action="holdings_review.opened", target=review, details={
            "number": review.number, "due_on": review.due_on.isoformat(), "carriers": len(carriers),
            "holders": len({c[1] for c in carriers}), "note": review.note,
        })
    return review


def answer_line(*, actor, line_id: int, answer: str, reason: str = "") -> ReviewLine:
    """The holder confirms one carrier: keep (with a reason), return, or propose destruction. An
    answer may be changed while the review is open."""
    enforce(rules.answer_valid(answer=answer, reason=reason))
    with transaction.atomic():
        line = (access.restrict(ReviewLine.objects.filter(pk=line_id), actor).select_related("review", "carrier")
                .select_for_update(of=("self",)).first())
        if line is None:
            raise Http404
        if line.holder_id != actor.pk:
            raise Refused(_("Only the holder answers for this carrier."))
        if not line.review.is_open:
            raise Conflict(_("This holdings review is closed."), code="review_closed")
        before = line.answer
        line.answer, line.reason, line.answered_at = answer, (reason or "").strip(), timezone.now()
        line.save(update_fields=["answer", "reason", "answered_at"])
        audit.record(actor=actor, action="holdings_review.answered", target=line.carrier, details={
            "review": line.review.number, "answer": answer, "reason": line.reason, "before": before or None,
        })
    return line


def close_review(*, actor, review_id: int) -> HoldingsReview:
    with transaction.atomic():
        review = access.restrict(HoldingsReview.objects.filter(pk=review_id), actor).select_for_update().first()
        if review is None:
            raise Http404
        if not access.can(actor, policy.RUN_REVIEWS, review):
            raise Refused(_("Only the secrecy office closes a holdings review."))
        if not review.is_open:
            raise Conflict(_("This holdings review is already closed."), code="review_closed")
        counts = {answer or "unanswered": 0 for answer in ["", *rules.ANSWERS]}
        for answer in review.lines.values_list("answer", flat=True):
            counts[answer or "unanswered"] += 1
        review.closed_by, review.closed_at = actor, timezone.now()
        review.save(update_fields=["closed_by", "closed_at"])
        audit.record(actor=actor, action="holdings_review.closed", target=review,
                     details={"number": review.number, **counts})
    return review


# --- spot checks --------------------------------------------------------------------------------


def draw_spot_check(*, actor, strata: dict, rng: random.Random | None = None) -> SpotCheck:
    """A random sample of the unit's carriers in their place, `strata` carriers of each level
    ({level: n}); fewer if the unit keeps fewer. An empty sample is refused."""
    person = _office(actor, _("Only the secrecy office draws a spot check."))
    enforce(rules.strata_valid(strata=strata))
    rng = rng or random.SystemRandom()
    with transaction.atomic():
        kept = access.restrict(Carrier.objects.filter(unit_id=person.unit_id, status__in=SAMPLED_STATUSES), actor)
        chosen: list[tuple[int, int]] = []
        for level, count in sorted(strata.items()):
            if not count:
                continue
            ids = list(kept.filter(level=level).order_by("pk").values_list("pk", flat=True))
            chosen += [(pk, level) for pk in rng.sample(ids, min(count, len(ids)))]
        enforce([rules.sample_not_empty(drawn=len(chosen))])
        now = timezone.now()
        check = SpotCheck.objects.create(
            number=f"pending-{uuid.uuid4().hex}", unit_id=person.unit_id,
            strata={str(level): count for level, count in strata.items()}, size=len(chosen),
            level=max(level for _pk, level in chosen), drawn_by=actor, drawn_at=now,
        )
        check.number = _number("SPOT", person.unit.code, now.year, check.pk)
        SpotCheck.objects.filter(pk=check.pk).update(number=check.number)
        SpotCheckLine.objects.bulk_create(SpotCheckLine(spot_check=check, carrier_id=pk) for pk, _level in chosen)
        audit.record(actor=actor, action="spot_check.drawn", target=check, details={
            "number": check.number, "strata": check.strata, "size": check.size,
            "carriers": sorted(Carrier.objects.filter(pk__in=[pk for pk, _l in chosen])
                               .values_list("registry_number", flat=True)),
        })
    return check


def _open_check(actor, check_id: int) -> SpotCheck:
    check = access.restrict(SpotCheck.objects.filter(pk=check_id), actor).select_for_update().first()
    if check is None:
        raise Http404
    if not access.can(actor, policy.RUN_REVIEWS, check):
        raise Refused(_("Only the secrecy office checks a spot check."))
    if not check.is_open:
        raise Conflict(_("This spot check is closed."), code="spot_check_closed")
    return check


def scan(*, actor, check_id: int, registry_number: str) -> SpotCheckLine:
    """A carrier of the sample found in its place (its label scanned or its number typed)."""
    number = (registry_number or "").strip()
    if not number:
        raise ValidationFailed({"registry_number": [_("Scan or type the registry number.")]})
    with transaction.atomic():
        check = _open_check(actor, check_id)
        line = (SpotCheckLine.objects.select_for_update().select_related("carrier")
                .filter(spot_check=check, carrier__registry_number=number).first())
        if line is None:
            enforce([Violation(_("%(number)s is not in this sample.") % {"number": number[:40]},
                               field="registry_number", code="not_in_sample")])
        if line.found_at is not None:
            raise Conflict(_("%(number)s was already found.") % {"number": number}, code="already_found")
        line.found_at, line.found_by = timezone.now(), actor
        line.save(update_fields=["found_at", "found_by"])
        audit.record(actor=actor, action="spot_check.scanned", target=line.carrier,
                     details={"spot_check": check.number})
    return line


def close_spot_check(*, actor, check_id: int) -> SpotCheck:
    with transaction.atomic():
        check = _open_check(actor, check_id)
        missing = sorted(check.lines.filter(found_at__isnull=True).values_list("carrier__registry_number", flat=True))
        check.closed_by, check.closed_at, check.missing_count = actor, timezone.now(), len(missing)
        check.save(update_fields=["closed_by", "closed_at", "missing_count"])
        audit.record(actor=actor, action="spot_check.closed", target=check, details={
            "number": check.number, "size": check.size, "found": check.size - len(missing), "missing": missing,
        })
    return check
