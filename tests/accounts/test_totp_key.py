"""An authenticator's TOTP secret is stored encrypted with a key the database does not hold
(accounts/otp_crypto.py): the row holds neither its base32 nor its hex form, another key cannot read
it, the key comes from OTP_ENCRYPTION_KEY_FILE (made by make_otp_key) or, in the embedded mode, from
SECRET_KEY; production refuses to start without the file; the upgrade moves every django-otp
TOTPDevice into the encrypted table and deletes the clear rows."""

import stat
from base64 import b32encode

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp_crypto
from accounts.models import AuthenticatorDevice
from audit.models import AuditEvent
from tests.common.test_deployment import production_env, run_manage
from tests.factories import PASSWORD, enrol_totp, totp_code


def _forms(secret: bytes) -> list[str]:
    return [secret.hex(), secret.hex().upper(), b32encode(secret).decode().rstrip("="),
            b32encode(secret).decode().rstrip("=").lower()]


def _raw_row(pk: int) -> str:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(AuthenticatorDevice._meta.db_table)
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        return " ".join(str(value) for value in cursor.fetchone())


@pytest.mark.django_db
def test_the_row_holds_no_secret_and_another_key_cannot_read_it(org):
    device = enrol_totp(org.staff_core)
    secret = device.bin_key
    assert len(secret) == 20
    row = _raw_row(device.pk)
    assert not [form for form in _forms(secret) if form in row], row
    fresh = AuthenticatorDevice.objects.get(pk=device.pk)
    assert fresh.bin_key == secret and fresh.verify_token(totp_code(fresh))
    with override_settings(SECRET_KEY="another-installation-" + "x" * 50), pytest.raises(otp_crypto.InvalidToken):
        AuthenticatorDevice.objects.get(pk=device.pk).bin_key  # noqa: B018


@pytest.mark.django_db
def test_the_key_file_is_used_when_set_and_make_otp_key_never_overwrites(tmp_path, org):
    path = tmp_path / "otp.key"
    call_command("make_otp_key", "--path", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o400 and len(otp_crypto.load_keys(str(path))) == 1
    before = path.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("make_otp_key", "--path", str(path))
    assert path.read_bytes() == before

    with override_settings(OTP_ENCRYPTION_KEY_FILE=str(path)):
        device = enrol_totp(org.staff_core)
        secret = device.bin_key
        assert AuthenticatorDevice.objects.get(pk=device.pk).bin_key == secret
    with pytest.raises(otp_crypto.InvalidToken):  # SECRET_KEY's derived key is not the file's
        AuthenticatorDevice.objects.get(pk=device.pk).bin_key  # noqa: B018


@pytest.mark.django_db
def test_a_key_that_cannot_read_the_secret_is_a_clear_refusal(client, org):
    device = enrol_totp(org.staff_core)
    code = totp_code(device)
    AuthenticatorDevice.objects.filter(pk=device.pk).update(encrypted_key=otp_crypto.encrypt(b"x" * 20)[:-4] + "AAAA")
    assert client.post(reverse("login"), {"username": org.staff_core.username, "password": PASSWORD}).status_code == 302
    refused = client.post(reverse("accounts:login_code"), {"code": code})
    assert refused.status_code == 400 and "secrecy office" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action="account.factor_failed").last()
    assert event.details == {"context": "login", "reason": "unreadable"}


@pytest.mark.django_db
def test_the_upgrade_moves_clear_totp_devices_into_encrypted_ones(org):
    from importlib import import_module

    migration = import_module("accounts.migrations.0005_encrypt_totp_secrets")
    old = TOTPDevice.objects.create(user=org.staff_core, name="authenticator", confirmed=True, last_t=12)
    secret = old.bin_key
    migration.encrypt_secrets(apps, None)

    assert not TOTPDevice.objects.exists()  # no clear row left
    device = AuthenticatorDevice.objects.get(user=org.staff_core)
    assert device.confirmed and device.last_t == 12 and device.bin_key == secret
    row = _raw_row(device.pk)
    assert not [form for form in _forms(secret) if form in row]
    code = totp_code(device)
    assert device.verify_token(code)
    assert not AuthenticatorDevice.objects.get(pk=device.pk).verify_token(code)  # accepted once


def test_production_refuses_to_start_without_the_key_file(tmp_path):
    env = production_env(tmp_path)
    assert "OTP_ENCRYPTION_KEY_FILE" in env  # the documented environment names it
    del env["OTP_ENCRYPTION_KEY_FILE"]
    done = run_manage(env, "check", tmp_path=tmp_path)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "OTP_ENCRYPTION_KEY_FILE is not set" in done.stderr, done.stderr

    env["OTP_ENCRYPTION_KEY_FILE"] = str(tmp_path / "missing.key")
    done = run_manage(env, "check", tmp_path=tmp_path)
    assert done.returncode != 0 and "not a readable Fernet key file" in done.stderr, done.stderr

    made = run_manage(env, "make_otp_key", tmp_path=tmp_path)  # the operator's first step
    assert made.returncode == 0, made.stderr
    done = run_manage(env, "check", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
