"""Test settings: the same as production but for a fast password hasher."""

import os

# The suite runs on PostgreSQL without a production secret key: the embedded key file under var/
# serves (base.py refuses to start in production without DJANGO_SECRET_KEY).
os.environ.setdefault("REGISTRY_PRODUCTION", "0")

from .base import *  # noqa: E402,F401,F403
from .base import REST_FRAMEWORK  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "1000/min"}}
# Tests read messages in English unless they ask for Chinese (Accept-Language, the language
# cookie or translation.override); production's default stays zh-hans.
LANGUAGE_CODE = "en"
