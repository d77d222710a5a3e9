"""Electronic signatures: the password again at the moment of signing, bound to the hash of
what was signed and to the audit event that records it."""

import json

import pytest
from django.db import connection, transaction
from django.utils import translation

from audit.chain import canonical_json
from audit.models import AuditEvent, Signature
from audit.selectors import verify_chain, verify_signature
from audit.services import Reauthentication, content_hash, reauthenticate, sign
from common.errors import Refused, ValidationFailed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def english():
    """Problems are translated messages; check them in English."""
    with translation.override("en"):
        yield


CONTENT = {"carrier": "U-2026-000001", "counted": 3, "title": "测试文件"}


def counts() -> tuple[int, int]:
    # a refused password is itself on the trail (account.login_failed): nothing else may be
    return AuditEvent.objects.exclude(action__startswith="account.").count(), Signature.objects.count()


def make_signature(org, *, signer=None, content=CONTENT, meaning=Signature.Meaning.RECEIVED):
    signer = signer or org.secretary
    credential = reauthenticate(signer=signer, password=org.password)
    return sign(signer=signer, credential=credential, meaning=meaning, target=org.safe, content=content)


# --- re-authentication -----------------------------------------------------------------------


@pytest.mark.parametrize("password", ["wrong", "", None, "correct-horse-42 ", "CORRECT-HORSE-42"])
def test_wrong_or_empty_password_refused_nothing_written(org, password):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        reauthenticate(signer=org.secretary, password=password)
    assert list(exc.value.errors) == ["password"]
    assert exc.value.errors["password"]
    assert counts() == before
    failures = AuditEvent.objects.filter(action="account.login_failed", details__channel="signing").count()
    assert failures == (1 if password else 0)  # a guess is audited; no password is no guess


def test_right_password_gives_a_credential(org):
    before = counts()
    credential = reauthenticate(signer=org.clerk, password=org.password)
    assert isinstance(credential, Reauthentication)
    assert credential.signer_id == org.clerk.pk
    assert counts() == before  # re-authenticating alone writes nothing


def test_departed_person_cannot_sign(org):
    before = counts()
    with pytest.raises(Refused):
        reauthenticate(signer=org.departed, password=org.password)
    assert counts() == before


def test_inactive_account_cannot_sign(org):
    org.staff_core.is_active = False
    org.staff_core.save()
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        reauthenticate(signer=org.staff_core, password=org.password)
    assert "password" in exc.value.errors
    assert counts() == before


def test_user_without_person_cannot_sign(org):
    user = UserFactory(username="no_person")
    before = counts()
    with pytest.raises(Refused):
        reauthenticate(signer=user, password=org.password)
    assert counts() == before


def test_credential_of_another_user_refused(org):
    credential = reauthenticate(signer=org.secretary, password=org.password)
    before = counts()
    with pytest.raises(Refused):
        sign(
            signer=org.clerk, credential=credential, meaning=Signature.Meaning.APPROVED,
            target=org.safe, content=CONTENT,
        )
    assert counts() == before


def test_forged_credential_for_another_user_refused(org):
    """A credential is only proof for the signer it names."""
    credential = reauthenticate(signer=org.clerk, password=org.password)
    before = counts()
    with pytest.raises(Refused):
        sign(
            signer=org.head_res, credential=credential, meaning=Signature.Meaning.APPROVED,
            target=org.safe, content=CONTENT,
        )
    assert counts() == before


def test_unknown_meaning_refused(org):
    credential = reauthenticate(signer=org.secretary, password=org.password)
    before = counts()
    with pytest.raises(ValueError, match="meaning"):
        sign(signer=org.secretary, credential=credential, meaning="vouched", target=org.safe, content=CONTENT)
    assert counts() == before


# --- what a signature holds ----------------------------------------------------------------------


def test_signature_event_links_to_it(org):
    before_events, before_signatures = counts()
    signature = make_signature(org, meaning=Signature.Meaning.WITNESSED)
    assert counts() == (before_events + 1, before_signatures + 1)
    signature.refresh_from_db()
    event = signature.event
    assert event.action == "signature.made"
    assert event.actor_id == org.secretary.pk
    assert event.target_type == "carriers.container" and event.target_id == str(org.safe.pk)
    assert event.details == {
        "meaning": "witnessed",
        "content_hash": content_hash(CONTENT),
        "printed_name": "secretary-name",
    }
    assert event.signature == signature  # the reverse link
    assert signature.signer == org.secretary
    assert signature.printed_name == "secretary-name"
    assert signature.signed_at == event.at
    assert signature.meaning == Signature.Meaning.WITNESSED
    assert signature.target_type == event.target_type and signature.target_id == event.target_id
    assert signature.content_hash == content_hash(CONTENT)
    assert len(signature.content_hash) == 64
    assert verify_chain().ok


def test_content_hash_is_canonical(org):
    """The same facts in any key order give the same hash."""
    reordered = json.loads(json.dumps(dict(reversed(list(CONTENT.items())))))
    assert canonical_json(reordered) == canonical_json(CONTENT)
    assert content_hash(reordered) == content_hash(CONTENT)
    assert content_hash({**CONTENT, "counted": 4}) != content_hash(CONTENT)


def test_one_credential_covers_a_batch(org):
    credential = reauthenticate(signer=org.secretary, password=org.password)
    before_events, before_signatures = counts()
    with transaction.atomic():
        signatures = [
            sign(signer=org.secretary, credential=credential, meaning="received", target=org.safe, content={"n": n})
            for n in range(3)
        ]
    assert counts() == (before_events + 3, before_signatures + 3)
    assert len({s.event_id for s in signatures}) == 3


def test_signature_rolled_back_with_its_transaction(org):
    credential = reauthenticate(signer=org.secretary, password=org.password)
    before = counts()

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        sign(signer=org.secretary, credential=credential, meaning="approved", target=org.safe, content=CONTENT)
        raise Abort
    assert counts() == before


# --- verification ------------------------------------------------------------------------------


def test_good_signature_has_no_problem(org):
    signature = make_signature(org)
    assert verify_signature(signature) == []
    assert verify_signature(signature, CONTENT) == []
    # the same facts in another key order still match
    assert verify_signature(signature, dict(reversed(list(CONTENT.items())))) == []


def test_changed_content_is_found(org):
    signature = make_signature(org)
    problems = verify_signature(signature, {**CONTENT, "counted": 2})
    assert len(problems) == 1
    assert "changed" in str(problems[0])
    assert verify_signature(signature, {**CONTENT, "extra": True})
    assert verify_signature(signature, {})


def test_signature_of_other_content_does_not_match(org):
    first = make_signature(org, content={"a": 1})
    second = make_signature(org, content={"a": 2})
    assert verify_signature(first, {"a": 1}) == [] and verify_signature(second, {"a": 2}) == []
    assert verify_signature(first, {"a": 2}) and verify_signature(second, {"a": 1})


def _tamper(sql: str, params) -> None:
    """Change a row with the append-only triggers off, inside the test transaction only."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in ("audit_auditevent", "audit_signature"):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        for table in ("audit_auditevent", "audit_signature"):
            cursor.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_change")
            cursor.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_truncate")


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_altered_event_is_found(org):
    signature = make_signature(org)
    _tamper(
        "UPDATE audit_auditevent SET details = jsonb_set(details, '{printed_name}', '\"someone\"') WHERE seq = %s",
        [signature.event_id],
    )
    signature = Signature.objects.select_related("event").get(pk=signature.pk)
    problems = verify_signature(signature, CONTENT)
    assert any("altered" in str(p) for p in problems)
    assert verify_chain().broken_seq == signature.event_id


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_signature_row_not_matching_its_event_is_found(org):
    signature = make_signature(org)
    _tamper("UPDATE audit_signature SET content_hash = %s WHERE id = %s", [content_hash({"other": 1}), signature.pk])
    signature = Signature.objects.select_related("event").get(pk=signature.pk)
    problems = verify_signature(signature)
    assert any("does not match its audit event" in str(p) for p in problems)
    assert verify_chain().ok  # the chain itself is intact: the signature row was changed


@pytest.mark.as_owner  # switches the audit triggers off: only the owner of the tables can
def test_signature_signer_changed_is_found(org):
    signature = make_signature(org)
    _tamper("UPDATE audit_signature SET signer_id = %s WHERE id = %s", [org.clerk.pk, signature.pk])
    signature = Signature.objects.select_related("event").get(pk=signature.pk)
    assert any("does not match its audit event" in str(p) for p in verify_signature(signature, CONTENT))
