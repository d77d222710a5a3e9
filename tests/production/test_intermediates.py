"""R1, intermediate materials: drafts, revisions, proofs, negatives, semi-finished products and waste
of a run are carriers of the run at its level and marking; kept ones are in custody like the final
copies, those to destroy are pending destruction with a date, and the overdue are listed."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent, Signature
from carriers import services as carrier_services
from carriers.models import Carrier
from carriers.production import selectors, services
from common.errors import Refused, ValidationFailed
from common.levels import Level

from .conftest import approve, run, submit


@pytest.fixture
def made(org, approved):
    return run(org, approved)


def intermediate(org, made, *, actor=None, **fields):
    defaults = dict(intermediate_kind="proof", disposition="keep", description="第一次校样")
    defaults.update(fields)
    return services.register_intermediate(actor=actor or org.secretary, password=org.password, run_id=made.pk,
                                          **defaults)


def test_kept_material_is_in_custody_at_the_runs_level_and_marking(org, made):
    carrier = intermediate(org, made, container=org.room)
    copy = made.carriers.get(copy_number="000001")
    assert carrier.production_run == made and carrier.intermediate_kind == "proof"
    assert (carrier.level, carrier.marking_zh, carrier.marking_en) == (copy.level, copy.marking_zh, copy.marking_en)
    assert (carrier.secrecy_years, carrier.expires_on) == (copy.secrecy_years, copy.expires_on)
    assert carrier.status == "in_custody" and carrier.container == org.room and carrier.holder == org.secretary
    assert carrier.disposition == "keep" and carrier.dispose_by is None
    assert carrier.copy_number == "" and carrier.title.endswith("第一次校样")
    assert set(carrier.scope_departments.all()) == set(copy.scope_departments.all())
    registered = AuditEvent.objects.get(action="carrier.registered", target_id=str(carrier.pk))
    assert registered.details["intermediate_kind"] == "proof" and registered.details["disposition"] == "keep"
    assert Signature.objects.filter(target_type="carriers.carrier", target_id=str(carrier.pk), meaning="registered").exists()
    # the run's copies are untouched: intermediate materials are no extra copies
    assert made.carriers.filter(intermediate_kind="").count() == 5


def test_material_to_destroy_is_pending_destruction_with_a_date(org, made, settings):
    settings.REGISTRY = {**settings.REGISTRY, "INTERMEDIATE_DISPOSAL_DAYS": 3}
    carrier = intermediate(org, made, intermediate_kind="waste", disposition="destroy", description="印坏的第3页")
    assert carrier.status == "pending_destruction" and carrier.level == Level.SECRET
    assert carrier.dispose_by == timezone.localdate() + timedelta(days=3)
    assert carrier.container == made.container  # kept in the run's container until destroyed
    moved = AuditEvent.objects.get(action="carrier.status_changed", target_id=str(carrier.pk))
    assert (moved.details["from"], moved.details["to"]) == ("in_custody", "pending_destruction")


def test_the_default_disposal_period_is_seven_days(org, made):
    from django.conf import settings

    assert settings.REGISTRY["INTERMEDIATE_DISPOSAL_DAYS"] == 7
    carrier = intermediate(org, made, intermediate_kind="draft", disposition="destroy")
    assert carrier.dispose_by == timezone.localdate() + timedelta(days=7)


@pytest.mark.parametrize("kind", ["draft", "revision", "proof", "negative", "semi_finished", "waste"])
def test_every_kind_of_intermediate_material(org, made, kind):
    assert intermediate(org, made, intermediate_kind=kind).intermediate_kind == kind


def test_top_secret_intermediates_need_a_safe(org, sites):
    production = submit(org, sites, level=Level.TOP_SECRET, secrecy_years=30, scope_people=[])
    approve(org, production)
    approve(org, production, user=org.secretary)
    made = run(org, production, container=org.safe)
    with pytest.raises(ValidationFailed, match="may not hold"):
        intermediate(org, made, container=org.cabinet)
    assert intermediate(org, made).level == Level.TOP_SECRET  # the run's safe by default


def test_refusals_write_nothing(org, made, audit_count):
    before = (Carrier.objects.count(), audit_count())
    with pytest.raises(ValidationFailed):
        intermediate(org, made, intermediate_kind="manuscript")
    with pytest.raises(ValidationFailed):
        intermediate(org, made, disposition="sell")
    with pytest.raises(ValidationFailed, match="at most 200"):
        intermediate(org, made, description="长" * 201)
    with pytest.raises(ValidationFailed, match="password"):
        services.register_intermediate(actor=org.secretary, password="x", run_id=made.pk,
                                       intermediate_kind="draft", disposition="keep")
    with pytest.raises(Refused):
        intermediate(org, made, actor=org.staff_core)
    with pytest.raises(Http404):
        intermediate(org, made, actor=org.other_secretary)
    with pytest.raises(ValidationFailed, match="may not hold"):
        intermediate(org, made, container=org.ordinary)
    assert (Carrier.objects.count(), audit_count()) == before


def test_the_level_rule():
    from carriers.production import rules

    assert rules.intermediate_same_level(level=2, run_level=2) is None
    assert rules.intermediate_same_level(level=1, run_level=2).code == "intermediate_level"


# --- the overdue list, for the scheduled checks ----------------------------------------------------


def test_overdue_lists_only_those_past_their_date_and_not_destroyed(org, made):
    today = timezone.localdate()
    due = intermediate(org, made, intermediate_kind="waste", disposition="destroy")
    destroyed = intermediate(org, made, intermediate_kind="draft", disposition="destroy")
    carrier_services.transition(carrier=destroyed, to_status="destroyed", actor=org.secretary, reason="粉碎")
    kept = intermediate(org, made, intermediate_kind="proof", disposition="keep")
    later = today + timedelta(days=8)
    assert list(selectors.intermediate_overdue(today=later)) == [due]
    # on the last day it is not yet overdue
    assert list(selectors.intermediate_overdue(today=today + timedelta(days=7))) == []
    assert list(selectors.intermediate_overdue(today=today)) == []
    assert kept not in selectors.intermediate_overdue(today=today + timedelta(days=1000))


def test_overdue_not_yet_due_from_a_later_registration(org, made):
    today = timezone.localdate()
    old = intermediate(org, made, intermediate_kind="waste", disposition="destroy")
    Carrier.objects.filter(pk=old.pk).update(dispose_by=today - timedelta(days=1))
    fresh = intermediate(org, made, intermediate_kind="negative", disposition="destroy")
    overdue = list(selectors.intermediate_overdue(today=today))
    assert old in overdue and fresh not in overdue


def test_overdue_is_one_query_and_follows_the_gate_for_a_user(org, made, django_assert_num_queries):
    due = intermediate(org, made, intermediate_kind="waste", disposition="destroy")
    later = timezone.localdate() + timedelta(days=30)
    with django_assert_num_queries(1):
        assert [c.pk for c in selectors.intermediate_overdue(today=later)] == [due.pk]
    assert list(selectors.intermediate_overdue(today=later, user=org.secretary)) == [due]
    assert list(selectors.intermediate_overdue(today=later, user=org.other_secretary)) == []
    assert list(selectors.intermediate_overdue(today=later, user=org.staff_general)) == []
