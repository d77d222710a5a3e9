import pytest

from audit.models import AuditEvent, Signature
from carriers.models import Carrier
from common.errors import Refused, ValidationFailed
from common.levels import Level
from tests.factories import register


def test_register_creates_carrier_event_and_signature(org, audit_count):
    before = audit_count()
    carrier = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, secrecy_years=None)
    assert carrier.registry_number.startswith("U-")
    assert carrier.holder == org.secretary and carrier.container == org.safe
    assert carrier.status == Carrier.Status.IN_CUSTODY
    assert carrier.secrecy_years == 30  # statutory longest period when none is set
    assert carrier.marking_zh == "绝密★30年" and carrier.marking_en == "Top Secret★30 years"
    assert audit_count() == before + 2
    event = AuditEvent.objects.get(action="carrier.registered", target_id=str(carrier.pk))
    sig = Signature.objects.get(target_id=str(carrier.pk))
    assert sig.signer == org.secretary and sig.meaning == "registered"
    assert carrier.status_event_id == event.seq


def test_wrong_password_writes_nothing(org, audit_count):
    before, carriers = audit_count(), Carrier.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        register(org.secretary, container=org.safe, password="wrong")
    assert "password" in exc.value.errors
    assert audit_count() == before and Carrier.objects.count() == carriers


def test_above_clearance_refused(org, audit_count):
    before = audit_count()
    with pytest.raises(Refused, match="clearance"):
        register(org.clerk, container=org.safe, level=Level.TOP_SECRET)
    assert audit_count() == before
