"""Signing needs the password again and, for people who enrolled an authenticator, its current
one-time code too: in services, over the API and in the browser forms."""

import pyotp
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from approvals import services as approvals
from approvals.models import Decision
from audit.models import AuditEvent, Signature
from audit.services import SigningSecret
from common.errors import Refused, ValidationFailed
from common.levels import Level
from personnel import services as personnel
from tests.factories import register


def enrol(org, user):
    uri = personnel.enrol_one_time_code(actor=org.secretary, person=user.person)
    user.person.refresh_from_db()
    assert uri.startswith("otpauth://totp/") and user.person.otp_secret
    return pyotp.TOTP(user.person.otp_secret)


def test_enrolled_signer_needs_the_current_code(org):
    totp = enrol(org, org.secretary)
    before = (AuditEvent.objects.count(), Signature.objects.count())
    with pytest.raises(ValidationFailed) as missing:
        register(org.secretary, container=org.cabinet)
    assert "otp" in missing.value.errors
    wrong = "000000" if totp.now() != "000000" else "111111"
    with pytest.raises(ValidationFailed) as bad:
        register(org.secretary, container=org.cabinet, password=SigningSecret(org.password, otp=wrong))
    assert "otp" in bad.value.errors
    assert (AuditEvent.objects.count(), Signature.objects.count()) == before
    carrier = register(org.secretary, container=org.cabinet, password=SigningSecret(org.password, otp=totp.now()))
    assert Signature.objects.filter(target_id=str(carrier.pk), signer=org.secretary).exists()


def test_people_without_an_authenticator_sign_with_the_password_alone(org):
    register(org.secretary, container=org.cabinet, password=SigningSecret(org.password, otp="ignored"))
    register(org.secretary, container=org.cabinet)


def test_enrolment_is_audited_without_the_secret_and_limited(org):
    enrol(org, org.head_res)
    event = AuditEvent.objects.filter(action="person.otp_enrolled").latest("seq")
    assert event.details == {} and org.head_res.person.otp_secret not in str(event.details)
    with pytest.raises(Refused):
        personnel.enrol_one_time_code(actor=org.staff_core, person=org.head_res.person)
    personnel.enrol_one_time_code(actor=org.head_res, person=org.head_res.person, remove=True)
    org.head_res.person.refresh_from_db()
    assert org.head_res.person.otp_secret == ""


def test_api_decision_with_one_time_code(org):
    totp = enrol(org, org.head_res)
    request = approvals.submit_request(actor=org.staff_core, kind="production", level=Level.SECRET, title="t", purpose="p")
    client = APIClient()
    client.force_authenticate(org.head_res)
    url = f"/api/v1/approvals/{request.pk}/approve/"
    resp = client.post(url, {"password": org.password}, format="json")
    assert resp.status_code == 400 and "otp" in resp.json()
    assert not Decision.objects.exists()
    resp = client.post(url, {"password": org.password, "otp": totp.now()}, format="json")
    assert resp.status_code == 200, resp.content


def test_html_form_takes_the_one_time_code(client, org):
    totp = enrol(org, org.head_res)
    request = approvals.submit_request(actor=org.staff_core, kind="production", level=Level.SECRET, title="t", purpose="p")
    client.force_login(org.head_res)
    page = client.get(reverse("approvals:detail", args=[request.pk])).content.decode()
    assert 'name="otp"' in page
    refused = client.post(reverse("approvals:approve", args=[request.pk]), {"password": org.password})
    assert refused.status_code == 400 and "one-time code" in refused.content.decode()
    ok = client.post(reverse("approvals:approve", args=[request.pk]), {"password": org.password, "otp": totp.now()})
    assert ok.status_code == 302
    assert Decision.objects.filter(request=request, approver=org.head_res).exists()
