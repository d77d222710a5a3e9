"""Move what the old code stored in clear into the new tables:

- Person.otp_secret (pyotp, base32, set by the secrecy office's enrol_otp) becomes a confirmed
  django-otp TOTPDevice of the person, so signing keeps asking for the same code; the field is then
  dropped (personnel 0007). The person gets no recovery codes until they renew them.
- DRF's authtoken_token rows (tokens in clear) become hashed ApiTokens expiring after
  API_TOKEN_DAYS, so clients keep working until then; the old table is dropped. Nothing happens
  where the table does not exist (a new installation)."""

import hashlib
from base64 import b32decode
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def move_secrets(apps, schema_editor):
    Person = apps.get_model("personnel", "Person")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for user_id, secret in Person.objects.exclude(otp_secret="").values_list("user_id", "otp_secret"):
        padded = secret.strip().upper() + "=" * (-len(secret.strip()) % 8)
        try:
            key = b32decode(padded).hex()
        except ValueError:
            continue
        TOTPDevice.objects.create(user_id=user_id, name="authenticator", confirmed=True, key=key)


def move_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires = timezone.now() + timedelta(days=max(1, int(settings.REGISTRY.get("API_TOKEN_DAYS", 30))))
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        ApiToken.objects.create(
            user_id=user_id, name="migrated", prefix=key[:8], digest=hashlib.sha256(key.encode()).hexdigest(),
            created_at=created or timezone.now(), expires_at=expires,
        )
    schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("personnel", "0006_keep_departed_people"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(move_secrets, migrations.RunPython.noop),
        migrations.RunPython(move_tokens, migrations.RunPython.noop),
    ]
