"""Every django-otp TOTPDevice (its secret in clear in otp_totp_totpdevice.key) becomes an
AuthenticatorDevice of the same person, its secret encrypted with the key the database does not
hold (accounts/otp_crypto.py), with the same confirmation, time step, last accepted step and throttle
(so a code already used stays refused); the clear rows are then deleted. A session verified with an
old device asks for the second step again. Irreversible in effect: going back leaves the
authenticators encrypted (reverse is a no-op), never puts a secret back in clear."""

from django.db import migrations

COPIED = ("user_id", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_timestamp",
          "throttling_failure_count", "step", "t0", "digits", "tolerance", "drift", "last_t")


def encrypt_secrets(apps, schema_editor):
    from accounts import otp_crypto

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    AuthenticatorDevice = apps.get_model("accounts", "AuthenticatorDevice")
    for device in TOTPDevice.objects.order_by("pk").iterator():
        AuthenticatorDevice.objects.create(
            encrypted_key=otp_crypto.encrypt(bytes.fromhex(device.key)),
            **{name: getattr(device, name) for name in COPIED},
        )
    TOTPDevice.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_authenticator_device"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(encrypt_secrets, migrations.RunPython.noop),
    ]
