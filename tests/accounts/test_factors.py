"""The second factor: self-enrolment with a locally drawn QR code and ten hashed recovery codes,
the code step of the login (a code accepted once), REGISTRY["OTP_REQUIRED_ROLES"], the secrecy
office's reset, the token endpoint with a code, and every refusal audited, changing nothing."""

import hashlib
import re
from base64 import b32encode

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import factors, lockout
from accounts.models import ApiToken, AuthenticatorDevice, RecoveryCode
from audit.models import AuditEvent
from common.errors import Refused
from tests.factories import PASSWORD, api_token, enrol_totp, totp_code

NO_WAIT = override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)


def required(*roles):
    return override_settings(REGISTRY={**settings.REGISTRY, "OTP_REQUIRED_ROLES": list(roles)})


def events(action):
    return AuditEvent.objects.filter(action=action).order_by("seq")


def log_in(client, user, password=PASSWORD, next_url=None):
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


# --- enrolment ---------------------------------------------------------------------------------


def test_enrolment_qr_first_code_and_recovery_codes_shown_once(client, org):
    client.force_login(org.staff_core)
    page = client.get(reverse("accounts:factors"))
    assert page.status_code == 200 and 'id="start-form"' in page.content.decode()
    assert client.post(reverse("accounts:factors_start")).status_code == 302
    page = client.get(reverse("accounts:factors")).content.decode()
    assert '<svg' in page and 'id="enrol-qr"' in page  # drawn here, nothing fetched
    assert "<img" not in page.split('id="enrol-qr"')[1].split("</div>")[0]
    device = AuthenticatorDevice.objects.get(user=org.staff_core, confirmed=False)
    assert re.search(r'id="enrol-secret">[A-Z2-7]{32}<', page)

    wrong = "000000" if totp_code(device) != "000000" else "111111"
    refused = client.post(reverse("accounts:factors_confirm"), {"code": wrong})
    assert refused.status_code == 400 and "not correct" in refused.content.decode()
    assert not AuthenticatorDevice.objects.filter(user=org.staff_core, confirmed=True).exists()
    assert events("account.factor_failed").last().details == {"context": "enrolment", "reason": "wrong"}

    with NO_WAIT:
        done = client.post(reverse("accounts:factors_confirm"), {"code": totp_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    stored = set(RecoveryCode.objects.filter(device__user=org.staff_core).values_list("digest", flat=True))
    assert len(stored) == 10 and not any(code in stored for code in codes)
    assert hashlib.sha256(codes[0].replace("-", "").encode()).hexdigest() in stored
    event = events("account.factor_enrolled").last()
    assert event.actor == org.staff_core and event.details == {"kind": "totp", "recovery_codes": 10}
    again = client.get(reverse("accounts:factors")).content.decode()
    assert codes[0] not in again and 'id="recovery-left">10<' in again
    assert device.bin_key.hex() not in again and b32encode(device.bin_key).decode() not in again


def test_enrolling_twice_is_refused(client, org):
    enrol_totp(org.staff_core)
    client.force_login(org.staff_core)
    response = client.post(reverse("accounts:factors_start"))
    assert response.status_code == 400 and "already have an authenticator" in response.content.decode()
    assert AuthenticatorDevice.objects.filter(user=org.staff_core).count() == 1


# --- login -------------------------------------------------------------------------------------


def test_login_asks_for_the_code_and_accepts_it_once(client, org):
    device = enrol_totp(org.staff_core)
    first = log_in(client, org.staff_core, next_url="/use/")
    assert first.status_code == 302 and first["Location"] == reverse("accounts:login_code")
    assert not first.wsgi_request.user.is_authenticated
    assert client.get(reverse("carriers:list")).status_code == 302  # not logged in yet

    code = totp_code(device)
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(reverse("accounts:login_code"), {"code": wrong})
    assert refused.status_code == 400 and "not correct" in refused.content.decode()
    assert not refused.wsgi_request.user.is_authenticated
    assert events("account.factor_failed").last().details == {"context": "login", "reason": "wrong"}
    assert not events("account.login_failed").exists()  # one event per wrong code

    with NO_WAIT:
        ok = client.post(reverse("accounts:login_code"), {"code": code})
    assert ok.status_code == 302 and ok["Location"] == "/use/"
    assert client.get(reverse("carriers:list")).status_code == 200
    assert events("account.login").last().details == {"second_factor": "totp"}

    client.post(reverse("logout"))
    log_in(client, org.staff_core)
    with NO_WAIT:
        replay = client.post(reverse("accounts:login_code"), {"code": code})
    assert replay.status_code == 400 and "already used" in replay.content.decode()
    assert not replay.wsgi_request.user.is_authenticated
    assert events("account.factor_failed").last().details == {"context": "login", "reason": "replayed"}


def test_a_wrong_code_right_after_another_waits(client, org):
    device = enrol_totp(org.staff_core)
    log_in(client, org.staff_core)
    client.post(reverse("accounts:login_code"), {"code": "000000" if totp_code(device) != "000000" else "111111"})
    throttled = client.post(reverse("accounts:login_code"), {"code": totp_code(device)})
    assert throttled.status_code == 429 and "wait until" in throttled.content.decode()
    assert not throttled.wsgi_request.user.is_authenticated


def test_recovery_code_logs_in_once(client, org):
    client.force_login(org.staff_general)
    factors.start_enrolment(actor=org.staff_general)
    device = AuthenticatorDevice.objects.get(user=org.staff_general)
    codes = factors.confirm_enrolment(actor=org.staff_general, code=totp_code(device))
    client.logout()

    log_in(client, org.staff_general)
    ok = client.post(reverse("accounts:login_code"), {"code": codes[3].upper()})
    assert ok.status_code == 302 and ok.wsgi_request.user == org.staff_general
    used = events("account.recovery_code_used").last()
    assert used.details == {"context": "login", "left": 9} and codes[3] not in str(used.details)
    assert events("account.login").last().details == {"second_factor": "recovery"}

    client.post(reverse("logout"))
    log_in(client, org.staff_general)
    with NO_WAIT:
        again = client.post(reverse("accounts:login_code"), {"code": codes[3]})
    assert again.status_code == 400 and not again.wsgi_request.user.is_authenticated


def test_too_many_wrong_codes_need_the_password_again(client, org):
    device = enrol_totp(org.staff_core)
    log_in(client, org.staff_core)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    with NO_WAIT, override_settings(AXES_FAILURE_LIMIT=100):
        for _i in range(factors.PENDING_MAX_TRIES):
            client.post(reverse("accounts:login_code"), {"code": wrong})
        gone = client.post(reverse("accounts:login_code"), {"code": totp_code(device)})
    assert gone.status_code == 302 and gone["Location"] == reverse("login")
    assert not gone.wsgi_request.user.is_authenticated


def test_wrong_codes_count_towards_the_lockout(client, org):
    device = enrol_totp(org.staff_core)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    with NO_WAIT:
        for _i in range(lockout.limit()):  # the limit in force (LOGIN_FAILURE_LIMIT or the administrator's)
            log_in(client, org.staff_core)
            client.post(reverse("accounts:login_code"), {"code": wrong})
        locked = log_in(client, org.staff_core)
    assert locked.status_code == 429
    assert not locked.wsgi_request.user.is_authenticated


def test_people_without_a_factor_log_in_with_the_password(client, org):
    response = log_in(client, org.staff_core)
    assert response.status_code == 302 and response.wsgi_request.user.is_authenticated
    assert events("account.login").last().details == {"second_factor": "none"}


# --- mandatory for chosen roles -----------------------------------------------------------------


def test_required_role_is_sent_to_enrol_before_anything_else(client, org):
    with required("secrecy_office"):
        log_in(client, org.secretary)
        page = client.get(reverse("carriers:list"))
        assert page.status_code == 302 and page["Location"] == reverse("accounts:factors")
        assert client.get(reverse("accounts:factors")).status_code == 200
        api = client.get("/api/v1/carriers/")
        assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
        token = APIClient().post("/api/v1/auth/token/", {"username": "secretary", "password": PASSWORD}, format="json")
        assert token.status_code == 403 and "second factor" in token.json()["detail"]
        assert not ApiToken.objects.exists()
        old_token = APIClient()
        old_token.credentials(HTTP_AUTHORIZATION=f"Token {api_token(org.secretary)}")  # made before the rule
        refused = old_token.get("/api/v1/carriers/")
        assert refused.status_code == 403 and "second factor" in refused.json()["detail"]
        other = client.__class__()
        log_in(other, org.staff_core)
        assert other.get(reverse("carriers:list")).status_code == 200  # not a required role
        device = enrol_totp(org.secretary)
        assert client.get(reverse("carriers:list")).status_code == 200
    with required("*"):
        assert other.get(reverse("carriers:list")).status_code == 302
    assert device.confirmed


# --- the secrecy office resets, never sees -------------------------------------------------------


def test_office_resets_a_factor_of_its_unit(client, org):
    device = enrol_totp(org.staff_core)
    client.force_login(org.secretary)
    page = client.get(reverse("personnel:file", args=[org.staff_core.pk])).content.decode()
    assert 'id="factor-reset-form"' in page and device.bin_key.hex() not in page
    assert b32encode(device.bin_key).decode() not in page
    response = client.post(reverse("accounts:factors_reset", args=[org.staff_core.pk]))
    assert response.status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=org.staff_core).exists()
    event = events("account.factor_reset").last()
    assert event.actor == org.secretary and event.details == {"had_authenticator": True}


def test_reset_over_the_api_and_its_refusals(org):
    enrol_totp(org.secretary)
    enrol_totp(org.staff_core)
    api = APIClient()
    url = f"/api/v1/people/{org.secretary.pk}/reset-factor/"
    api.force_authenticate(org.secretary)
    assert api.post(url).status_code == 403  # not one's own
    api.force_authenticate(org.staff_important)
    assert api.post(f"/api/v1/people/{org.staff_core.pk}/reset-factor/").status_code in (403, 404)
    api.force_authenticate(org.other_secretary)  # another unit: cannot even see the person
    assert api.post(url).status_code == 404
    assert AuthenticatorDevice.objects.filter(user=org.secretary).exists()
    assert not events("account.factor_reset").exists()
    api.force_authenticate(org.clerk)
    ok = api.post(url)
    assert ok.status_code == 200 and ok.json() == {"person": org.secretary.pk, "enrolled": False}
    with pytest.raises(Refused):
        factors.reset_factor(actor=org.staff_core, person=org.clerk.person)


def test_own_removal_needs_password_and_code(client, org):
    device = enrol_totp(org.staff_core)
    client.force_login(org.staff_core)
    refused = client.post(reverse("accounts:factors_remove"), {"password": "wrong", "code": totp_code(device)})
    assert refused.status_code == 400 and AuthenticatorDevice.objects.filter(user=org.staff_core).exists()
    ok = client.post(reverse("accounts:factors_remove"), {"password": PASSWORD, "code": totp_code(device)})
    assert ok.status_code == 302 and not AuthenticatorDevice.objects.filter(user=org.staff_core).exists()
    assert events("account.factor_removed").exists()


# --- the token endpoint ------------------------------------------------------------------------


def test_token_endpoint_asks_for_the_code(org):
    device = enrol_totp(org.api_client)
    api = APIClient()
    url = "/api/v1/auth/token/"
    missing = api.post(url, {"username": "api_client", "password": PASSWORD}, format="json")
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    bad = api.post(url, {"username": "api_client", "password": PASSWORD, "otp": wrong}, format="json")
    assert bad.status_code == 400 and "otp" in bad.json()
    assert not ApiToken.objects.exists()
    with NO_WAIT:
        ok = api.post(url, {"username": "api_client", "password": PASSWORD, "otp": totp_code(device)}, format="json")
    assert ok.status_code == 200 and ok.json()["token"] and ok.json()["expiry"]
    assert events("account.factor_used").last().details == {"context": "token", "kind": "totp"}


def test_state_api(org):
    api = APIClient()
    api.force_authenticate(org.staff_core)
    assert api.get("/api/v1/auth/factors/").json() == {"enrolled": False, "required": False, "recovery_codes_left": 0}
    enrol_totp(org.staff_core)
    assert api.get("/api/v1/auth/factors/").json()["enrolled"] is True
