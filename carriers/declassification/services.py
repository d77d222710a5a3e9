"""Every write of the secrecy-period reviews. One function per action, keyword-only arguments,
one transaction, the rules checked first, the audit events written inside the same transaction.

A review is proposed by someone of the carrier's originating unit (the registering unit when none
is recorded) and submitted for approval (kind "declassification", variant = the outcome). When the
last approver approves, the outcome handler applies it in the same transaction: extend and
downgrade through carriers.services.reclassify (re-marked, audited with before and after),
declassify through carriers.services.transition (status "declassified"). Recording that a
declassification condition is met opens a review for the originating unit; it stays open (and
is reported by the check "declassification_review_due") until a review is applied."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import services as alerts
from approvals import kit
from approvals import services as approvals
from approvals.models import ApprovalRequest, RequestKind
from audit import services as audit
from carriers import rules as carrier_rules
from carriers import services as carrier_services
from carriers.holds.rules import refuse_if_held
from carriers.models import Carrier
from common import access
from common.errors import Refused, enforce

from . import rules
from .models import ConditionMet, DeclassificationReview, Outcome

REVIEW_DUE_CHECK = "declassification_review_due"


def _person(actor):
    person = access.person_of(actor)
    if person is None:
        raise Refused(_("Only registered people can submit requests."))
    return person


def _locked_carrier(actor, carrier) -> Carrier:
    """The carrier, visible to the actor (else 404), locked for this transaction."""
    return kit.locked_or_404(Carrier, actor, getattr(carrier, "pk", carrier))


def reviewing_unit_id(carrier: Carrier) -> int:
    return carrier.originating_unit_id or carrier.unit_id


def new_terms(carrier: Carrier, *, outcome: str, new_level, new_years, new_months) -> dict:
    """The level, period, end and marking the carrier would have after the review."""
    if outcome == Outcome.DECLASSIFY:
        return {"new_level": None, "new_secrecy_years": None, "new_secrecy_months": None, "new_expires_on": None,
                "new_marking_zh": "", "new_marking_en": ""}
    level = new_level if outcome == Outcome.DOWNGRADE else carrier.level
    if new_years is None and new_months is None:
        new_years, new_months = carrier.secrecy_years, carrier.secrecy_months
    zh, en = carrier_rules.marking(level=level, years=new_years, months=new_months,
                                   condition=carrier.declassification_condition)
    return {
        "new_level": level if outcome == Outcome.DOWNGRADE else None, "new_secrecy_years": new_years,
        "new_secrecy_months": new_months,
        "new_expires_on": carrier_rules.expiry(start=carrier.period_start, years=new_years, months=new_months),
        "new_marking_zh": zh, "new_marking_en": en,
    }


def propose_review(
    *, actor, carrier, outcome: str, reason: str, new_level: int | None = None, new_secrecy_years: int | None = None,
    new_secrecy_months: int | None = None,
) -> DeclassificationReview:
    """Propose to extend, downgrade or declassify a carrier, for approval."""
    person = _person(actor)
    with transaction.atomic():
        locked = _locked_carrier(actor, carrier)
        if outcome != Outcome.EXTEND:  # a held carrier is not declassified or downgraded (holds)
            refuse_if_held([locked], field="carrier")
        unit_id = reviewing_unit_id(locked)
        has_period = new_secrecy_years is not None or new_secrecy_months is not None
        enforce([
            rules.carrier_reviewable(status=locked.status, status_label=locked.get_status_display()),
            rules.reviewer_of_unit(actor_unit_id=person.unit_id, reviewing_unit_id=unit_id),
            rules.reason_given(reason=reason),
            *rules.outcome_terms(outcome=outcome, new_level=new_level, new_years=new_secrecy_years,
                                 new_months=new_secrecy_months),
        ])
        years, months = (new_secrecy_years, new_secrecy_months) if has_period else (locked.secrecy_years,
                                                                                   locked.secrecy_months)
        enforce([
            rules.never_unclassified(new_level=new_level) if outcome == Outcome.DOWNGRADE else None,
            rules.downgrade_lower(level=locked.level, new_level=new_level) if outcome == Outcome.DOWNGRADE else None,
            rules.extension_longer(years=locked.secrecy_years, months=locked.secrecy_months, new_years=new_secrecy_years,
                                   new_months=new_secrecy_months) if outcome == Outcome.EXTEND else None,
        ])
        enforce([
            rules.within_statutory_maximum(level=new_level if outcome == Outcome.DOWNGRADE else locked.level,
                                           years=years, months=months) if outcome != Outcome.DECLASSIFY else None,
            rules.declassifiable_now(outcome=outcome, status=locked.status, status_label=locked.get_status_display()),
            rules.one_open_review(has_open=DeclassificationReview.objects.filter(
                carrier=locked, status=DeclassificationReview.Status.SUBMITTED).exists()),
        ])
        terms = new_terms(locked, outcome=outcome, new_level=new_level, new_years=new_secrecy_years,
                          new_months=new_secrecy_months)
        review = DeclassificationReview.objects.create(
            carrier=locked, unit_id=unit_id, requester=actor, outcome=outcome, reason=reason,
            condition_met=ConditionMet.objects.filter(carrier=locked, closed_at__isnull=True).first(),
            level=locked.level, secrecy_years=locked.secrecy_years, secrecy_months=locked.secrecy_months,
            expires_on=locked.expires_on, **terms,
        )
        audit.record(actor=actor, action="declassification.proposed", target=review, details=terms_of(review))
        review.approval = approvals.submit_request(
            actor=actor, kind=RequestKind.DECLASSIFICATION, variant=outcome, level=locked.level,
            title=f"{locked.registry_number}: {Outcome(outcome).label}"[:300], purpose=reason, target=review,
            authority_unit=review.unit,
        )
        review.save(update_fields=["approval"])
    return review


def terms_of(review: DeclassificationReview) -> dict:
    """What the approver signs: JSON-plain values only."""
    return {
        "declassification_review": review.pk, "carrier": review.carrier.registry_number, "outcome": review.outcome,
        "reason": review.reason, "level": review.level, "secrecy_years": review.secrecy_years,
        "secrecy_months": review.secrecy_months,
        "expires_on": review.expires_on.isoformat() if review.expires_on else None,
        "new_level": review.new_level, "new_secrecy_years": review.new_secrecy_years,
        "new_secrecy_months": review.new_secrecy_months,
        "new_expires_on": review.new_expires_on.isoformat() if review.new_expires_on else None,
        "new_marking_zh": review.new_marking_zh, "new_marking_en": review.new_marking_en,
        "condition_met": review.condition_met_id,
    }


def _apply(review: DeclassificationReview, approval: ApprovalRequest, *, actor) -> None:
    """An approved review is applied to the carrier at once (in the decision's transaction)."""
    carrier = review.carrier
    if review.outcome != Outcome.EXTEND:  # held since it was proposed: the decision is refused, nothing changes
        refuse_if_held([carrier])
    why = {"declassification_review": review.pk, "outcome": review.outcome, "approval": approval.pk}
    reason = f"{review.number}: {review.reason}"[:500]
    if review.outcome == Outcome.DECLASSIFY:
        carrier = carrier_services.transition(carrier=carrier, to_status=Carrier.Status.DECLASSIFIED, actor=actor,
                                              reason=reason, details=why)
    else:
        carrier = carrier_services.reclassify(
            actor=actor, carrier=carrier, level=review.new_level or review.level,
            secrecy_years=review.new_secrecy_years, secrecy_months=review.new_secrecy_months, reason=reason,
            details=why,
        )
    now = timezone.now()
    review.status = DeclassificationReview.Status.APPLIED
    review.applied_at = now
    review.save(update_fields=["status", "applied_at"])
    closed = list(ConditionMet.objects.select_for_update().filter(carrier=carrier, closed_at__isnull=True))
    ConditionMet.objects.filter(pk__in=[c.pk for c in closed]).update(closed_by=review, closed_at=now)
    for record in closed:
        alerts.resolve_for_target(kind=REVIEW_DUE_CHECK, target=record, reason=f"reviewed: {review.number}")
    _resolve_period_alerts(carrier, review)
    audit.record(actor=actor, action="declassification.applied", target=review,
                 details={**why, "carrier": carrier.registry_number, "status": carrier.status,
                          "level": carrier.level, "expires_on": carrier.expires_on,
                          "conditions_closed": [c.pk for c in closed]})


def _resolve_period_alerts(carrier: Carrier, review: DeclassificationReview) -> None:
    """The period alerts this review has just cleared, resolved at once rather than on the next run."""
    today = timezone.localdate()
    window = int(settings.REGISTRY.get("SECRECY_EXPIRY_WINDOW_DAYS", 90))
    ended = carrier.status == Carrier.Status.DECLASSIFIED
    reason = f"reviewed: {review.number}"
    if ended or carrier.expires_on is None or carrier.expires_on >= today:
        alerts.resolve_for_target(kind="secrecy_ended", target=carrier, reason=reason)
    if ended or carrier.expires_on is None or carrier.expires_on > today + timedelta(days=window):
        alerts.resolve_for_target(kind="secrecy_expiring", target=carrier, reason=reason)


# the approval's final outcome: approved -> applied to the carrier now; otherwise mirrored
approvals.OUTCOME_HANDLERS[RequestKind.DECLASSIFICATION] = kit.hand_off(
    DeclassificationReview, action="declassification.decided", on_approved=_apply,
)
approvals.SIGNED_TERMS[RequestKind.DECLASSIFICATION] = kit.signed_terms(DeclassificationReview, terms_of)


def record_condition_met(*, actor, carrier, note: str, met_on=None) -> ConditionMet:
    """Record that a carrier's declassification condition is met: a review is now due from its
    originating unit. Anyone who may see the carrier may record it."""
    _person(actor)
    today = timezone.localdate()
    met_on = met_on or today
    with transaction.atomic():
        locked = _locked_carrier(actor, carrier)
        enforce([
            rules.carrier_reviewable(status=locked.status, status_label=locked.get_status_display()),
            rules.has_condition(condition=locked.declassification_condition),
            rules.condition_not_open(has_open=ConditionMet.objects.filter(carrier=locked, closed_at__isnull=True).exists()),
            rules.note_given(note=note),
            rules.met_on_valid(met_on=met_on, today=today),
        ])
        record = ConditionMet.objects.create(
            carrier=locked, unit_id=reviewing_unit_id(locked), level=locked.level,
            condition=locked.declassification_condition, note=note, met_on=met_on, recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit.record(actor=actor, action="declassification.condition_met", target=locked,
                     details={"condition_met": record.pk, "condition": record.condition, "note": note,
                              "met_on": met_on, "reviewing_unit": record.unit_id})
    return record
