"""Signing needs the password again and, for people who enrolled an authenticator, its current
one-time code too: in services, over the API and in the browser forms. It is the same django-otp
device as at login, and a code is accepted once: two signatures cannot share one code."""

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.factors import flush_deferred
from approvals import services as approvals
from approvals.models import Decision
from audit.models import AuditEvent, Signature
from audit.services import SigningSecret
from common.errors import ValidationFailed
from common.levels import Level
from tests.factories import enrol_totp, register, totp_code


def test_enrolled_signer_needs_the_current_code(org):
    device = enrol_totp(org.secretary)
    before = (AuditEvent.objects.count(), Signature.objects.count())
    with pytest.raises(ValidationFailed) as missing:
        register(org.secretary, container=org.cabinet)
    assert "otp" in missing.value.errors
    good = totp_code(device)
    wrong = "000000" if good != "000000" else "111111"
    with pytest.raises(ValidationFailed) as bad:
        register(org.secretary, container=org.cabinet, password=SigningSecret(org.password, otp=wrong))
    assert "otp" in bad.value.errors
    assert Signature.objects.count() == before[1]
    flush_deferred()
    failure = AuditEvent.objects.filter(action="account.factor_failed").latest("seq")
    assert failure.details == {"context": "signing", "reason": "wrong"} and wrong not in str(failure.details)
    with override_settings(OTP_TOTP_THROTTLE_FACTOR=0):  # no waiting after the wrong code in this test
        carrier = register(org.secretary, container=org.cabinet, password=SigningSecret(org.password, otp=good))
    assert Signature.objects.filter(target_id=str(carrier.pk), signer=org.secretary).exists()


def test_one_code_signs_once(org):
    """A replayed code is refused: two handovers (here two registrations) cannot share one code."""
    device = enrol_totp(org.secretary)
    code = totp_code(device)
    register(org.secretary, container=org.cabinet, password=SigningSecret(org.password, otp=code))
    signatures = Signature.objects.count()
    with pytest.raises(ValidationFailed) as replay:
        register(org.secretary, container=org.cabinet, password=SigningSecret(org.password, otp=code))
    assert "already used" in replay.value.errors["otp"][0]
    assert Signature.objects.count() == signatures
    flush_deferred()
    assert AuditEvent.objects.filter(action="account.factor_failed", details__reason="replayed").exists()
    with override_settings(OTP_TOTP_THROTTLE_FACTOR=0):
        register(org.secretary, container=org.cabinet, password=SigningSecret(org.password, otp=totp_code(device, 1)))
    assert Signature.objects.count() == signatures + 1


def test_people_without_an_authenticator_sign_with_the_password_alone(org):
    register(org.secretary, container=org.cabinet, password=SigningSecret(org.password, otp="ignored"))
    register(org.secretary, container=org.cabinet)


def test_api_decision_with_one_time_code(org):
    device = enrol_totp(org.head_res)
    request = approvals.submit_request(actor=org.staff_core, kind="production", level=Level.SECRET, title="t", purpose="p")
    client = APIClient()
    client.force_authenticate(org.head_res)
    url = f"/api/v1/approvals/{request.pk}/approve/"
    resp = client.post(url, {"password": org.password}, format="json")
    assert resp.status_code == 400 and "otp" in resp.json()
    assert not Decision.objects.exists()
    resp = client.post(url, {"password": org.password, "otp": totp_code(device)}, format="json")
    assert resp.status_code == 200, resp.content


def test_html_form_takes_the_one_time_code(client, org):
    device = enrol_totp(org.head_res)
    request = approvals.submit_request(actor=org.staff_core, kind="production", level=Level.SECRET, title="t", purpose="p")
    client.force_login(org.head_res)
    page = client.get(reverse("approvals:detail", args=[request.pk])).content.decode()
    assert 'name="otp"' in page
    refused = client.post(reverse("approvals:approve", args=[request.pk]), {"password": org.password})
    assert refused.status_code == 400 and "one-time code" in refused.content.decode()
    ok = client.post(reverse("approvals:approve", args=[request.pk]), {"password": org.password, "otp": totp_code(device)})
    assert ok.status_code == 302
    assert Decision.objects.filter(request=request, approver=org.head_res).exists()
