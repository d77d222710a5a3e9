"""Classification basis (定密依据) and the person responsible (定密责任人), issue 19 item 2: the
secrecy office keeps the list of secret matters and the classifiers; a registration cites its basis
and classifier; a level above the classifier's authority or above the item is refused per field
with nothing written; the basis is on the carrier, in its audit events and in the ledger."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from carriers import services
from carriers.models import Carrier, Classifier, SecretMatterItem
from common.errors import Conflict, Refused, ValidationFailed
from common.levels import Level
from tests.factories import register


def registered(org, **extra):
    return register(org.secretary, container=org.cabinet, **extra)


def counts(audit_count):
    return (audit_count(), Carrier.objects.count(), SecretMatterItem.objects.count(), Classifier.objects.count())


@pytest.mark.parametrize("who", ["staff_core", "head_res", "auditor", "unit_head"])
def test_only_the_secrecy_office_keeps_the_lists(org, basis, audit_count, who):
    before = counts(audit_count)
    user = getattr(org, who)
    with pytest.raises(Refused):
        services.add_matter_item(actor=user, code="9.9", title_zh="x", title_en="", level=Level.SECRET)
    with pytest.raises(Refused):
        services.designate_classifier(actor=user, user=org.staff_core, max_level=Level.SECRET)
    with pytest.raises(Refused):
        services.retire_matter_item(actor=user, item_id=basis.secret_item.pk, reason="废止")
    assert counts(audit_count) == before


@pytest.mark.parametrize("fields,field", [
    ({"code": " "}, "code"),
    ({"title_zh": ""}, "title_zh"),
    ({"code": "3.1"}, "code"),  # duplicate number
    ({"level": Level.SECRET, "secrecy_years": 40}, "secrecy_years"),
])
def test_bad_items_are_refused_per_field(org, basis, audit_count, fields, field):
    before = counts(audit_count)
    args = {"code": "7.1", "title_zh": "人事档案", "title_en": "", "level": Level.SECRET, **fields}
    with pytest.raises(ValidationFailed) as exc:
        services.add_matter_item(actor=org.secretary, **args)
    assert field in exc.value.errors
    assert counts(audit_count) == before


def test_designations_are_audited_and_bounded(org, basis, audit_count):
    event = AuditEvent.objects.get(action="classification.classifier_designated", target_id=str(basis.head.pk))
    assert event.details["max_level"] == Level.SECRET and event.details["reference"] == "保密〔2026〕3号"
    before = counts(audit_count)
    with pytest.raises(ValidationFailed) as exc:  # a person of another unit
        services.designate_classifier(actor=org.secretary, user=org.other_secretary, max_level=Level.SECRET)
    assert "user" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:  # above their own clearance
        services.designate_classifier(actor=org.secretary, user=org.staff_general, max_level=Level.TOP_SECRET)
    assert "max_level" in exc.value.errors
    assert counts(audit_count) == before
    # a new designation replaces the one in force
    again = services.designate_classifier(actor=org.secretary, user=org.head_res, max_level=Level.CONFIDENTIAL)
    assert Classifier.objects.get(pk=basis.head.pk).revoked_at is not None and again.revoked_at is None


def test_a_registration_cites_its_item_and_classifier(org, basis):
    carrier = registered(org, basis_item=basis.secret_item, classifier=org.head_res)
    assert (carrier.basis_kind, carrier.basis_item_id, carrier.classifier_id) == (
        "matter_item", basis.secret_item.pk, org.head_res.pk)
    assert carrier.classified_on == timezone.localdate()
    event = AuditEvent.objects.get(action="carrier.registered", target_id=str(carrier.pk))
    assert event.details["basis_kind"] == "matter_item" and event.details["basis_item"].startswith("3.1 ")
    assert event.details["classifier"] == org.head_res.pk


def test_without_a_basis_a_received_carrier_rests_on_its_originator(org, basis):
    assert registered(org).basis_kind == "originator"


@pytest.mark.parametrize("extra,field,code", [
    # the classifier's authority reaches Confidential only
    ({"basis_item": "secret", "classifier": "staff_important"}, "classifier", "above_classifier_authority"),
    # the item fixes at most Confidential
    ({"basis_item": "confidential", "classifier": "head_res"}, "level", "above_item_level"),
    # an item needs its classifier
    ({"basis_item": "secret"}, "classifier", "required"),
    # someone never designated
    ({"basis_item": "secret", "classifier": "staff_core"}, "classifier", "not_a_classifier"),
    # matter item named without the item
    ({"basis_kind": "matter_item", "classifier": "head_res"}, "basis_item", "required"),
    # derived with no sources
    ({"basis_kind": "derived"}, "basis_kind", "derived_without_sources"),
    # only production runs rest on their approved request
    ({"basis_kind": "production_approval"}, "basis_kind", "invalid_choice"),
    ({"basis_kind": "whim"}, "basis_kind", "invalid_choice"),
    ({"basis_item": "secret", "classifier": "head_res", "classified_on": "future"}, "classified_on", None),
])
def test_a_registration_without_a_valid_basis_is_refused(org, basis, audit_count, extra, field, code):
    """(code: which rule refuses it, for the reader; the refusal names the field)"""
    args = dict(extra)
    if "basis_item" in args:
        args["basis_item"] = basis.secret_item if args["basis_item"] == "secret" else basis.confidential_item
    if "classifier" in args:
        args["classifier"] = getattr(org, args["classifier"])
    if args.get("classified_on") == "future":
        args["classified_on"] = timezone.localdate() + timedelta(days=3)
    before = counts(audit_count)
    with pytest.raises(ValidationFailed) as exc:
        registered(org, **args)
    assert field in exc.value.errors, exc.value.errors
    assert counts(audit_count) == before


def test_a_retired_item_or_a_revoked_classifier_is_no_basis(org, basis, audit_count):
    services.retire_matter_item(actor=org.secretary, item_id=basis.secret_item.pk, reason="事项范围修订")
    with pytest.raises(Conflict):
        services.retire_matter_item(actor=org.secretary, item_id=basis.secret_item.pk, reason="again")
    before = counts(audit_count)
    with pytest.raises(ValidationFailed) as exc:
        registered(org, basis_item=basis.secret_item, classifier=org.head_res)
    assert "basis_item" in exc.value.errors
    services.revoke_classifier(actor=org.secretary, designation_id=basis.low.pk, reason="调岗", password=org.password)
    before = counts(audit_count)
    with pytest.raises(ValidationFailed) as exc:
        registered(org, level=Level.CONFIDENTIAL, basis_item=basis.confidential_item, classifier=org.staff_important)
    assert "classifier" in exc.value.errors
    assert counts(audit_count) == before


def test_a_derived_carrier_names_its_sources(org, basis):
    source = registered(org, basis_item=basis.secret_item, classifier=org.head_res)
    derived = registered(org, sources=[source], copy_number="000002")
    assert derived.basis_kind == "derived" and derived.basis_item_id is None


def test_every_level_or_period_change_carries_the_basis(org, basis):
    carrier = registered(org, basis_item=basis.secret_item, classifier=org.head_res)
    services.reclassify(actor=org.secretary, carrier=carrier, level=Level.CONFIDENTIAL, secrecy_years=5,
                        secrecy_months=None, reason="降密")
    event = AuditEvent.objects.get(action="carrier.reclassified", target_id=str(carrier.pk))
    assert event.details["basis"]["basis_kind"] == "matter_item"
    assert event.details["basis"]["basis_item"].startswith("3.1 ")


def test_the_ledger_shows_the_basis(org, basis):
    from registers.definitions import CARRIER_LEDGER
    from registers.selectors import ledger_extract

    cited = registered(org, basis_item=basis.secret_item, classifier=org.head_res)
    received = registered(org, copy_number="000002")
    column = next(c for c in CARRIER_LEDGER.columns if c.header_en == "Classification basis")
    rows = {c.pk: c for c in ledger_extract(user=org.auditor, params={}).rows}
    text = column.value(rows[cited.pk])
    assert "3.1" in text and "head_res-name" in text
    other = column.value(rows[received.pk])
    assert other and "3.1" not in other


def test_who_sees_the_list(org, basis):
    from common import access

    secret_only = set(access.restrict(SecretMatterItem.objects.all(), org.staff_general).values_list("code", flat=True))
    assert "3.1" not in secret_only  # above a general post's clearance
    assert set(access.restrict(SecretMatterItem.objects.all(), org.staff_core).values_list("code", flat=True)) == {
        "3.1", "5.2"}
    assert not access.restrict(SecretMatterItem.objects.all(), org.other_secretary).exists()


def test_revoking_a_designation_is_signed_and_a_refusal_writes_nothing(org, basis, audit_count):
    """Decision 0025: ending an authority to classify takes the secrecy office's signature."""
    from audit.models import Signature

    before = counts(audit_count)
    for kwargs, error in (
        ({"reason": "调岗", "password": ""}, ValidationFailed),
        ({"reason": "调岗", "password": "wrong-password"}, ValidationFailed),
        ({"reason": "  ", "password": org.password}, ValidationFailed),
    ):
        with pytest.raises(error):
            services.revoke_classifier(actor=org.secretary, designation_id=basis.low.pk, **kwargs)
    with pytest.raises(Refused):
        services.revoke_classifier(actor=org.staff_core, designation_id=basis.low.pk, reason="调岗",
                                   password=org.password)
    assert counts(audit_count) == before
    assert Classifier.objects.get(pk=basis.low.pk).revoked_at is None

    designation = services.revoke_classifier(actor=org.secretary, designation_id=basis.low.pk, reason="调岗",
                                             password=org.password)
    signature = Signature.objects.get(target_type="carriers.classifier", target_id=str(designation.pk))
    assert signature.signer_id == org.secretary.pk and signature.meaning == Signature.Meaning.WITNESSED
    assert designation.revoked_at == signature.signed_at
    event = AuditEvent.objects.get(action="classification.classifier_revoked", target_id=str(designation.pk))
    assert event.details["signature"] == signature.pk and event.details["reason"] == "调岗"
    with pytest.raises(Conflict):  # already revoked: 409 before any password is asked
        services.revoke_classifier(actor=org.secretary, designation_id=basis.low.pk, reason="again", password="")
