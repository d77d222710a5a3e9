"""Idempotency-Key for REST clients: a retried request creates nothing twice.

The key is claimed (a row inserted) in the same transaction as the change, before the change
runs. A concurrent twin with the same key blocks on that row until the first commits, then
replays its answer. Same key with a different body: 422. Refused requests (4xx) record nothing,
so the client may correct and retry with the same key.

The record keeps no secret in any recoverable form: the body is compared through an HMAC-SHA256
keyed from SECRET_KEY (a stolen table cannot be brute-forced offline), computed over the canonical
body with every password, one-time code and token removed at any depth (SECRET_FIELDS)."""

import functools
import hmac
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY = 200


class _Replay(Exception):
    pass


# keys whose values never reach the record, at any depth of the body
SECRET_FIELDS = frozenset({"password", "otp", "code", "token", "new_password", "old_password"})
_HMAC_SALT = "common.idempotency.request_hash"


def without_secrets(data):
    """The body with every SECRET_FIELDS key removed from every object, however deep."""
    if isinstance(data, dict):
        return {key: without_secrets(value) for key, value in data.items() if str(key).lower() not in SECRET_FIELDS}
    if isinstance(data, list | tuple):
        return [without_secrets(value) for value in data]
    return data


def canonical_json(data) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the same text for the same body."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def _message(request) -> str:
    return f"{request.method} {request.path}\n{canonical_json(without_secrets(request.data))}"


def _digest(message: str, secret) -> str:
    return salted_hmac(_HMAC_SALT, message, secret=secret, algorithm="sha256").hexdigest()


def _request_hash(request) -> str:
    return _digest(_message(request), settings.SECRET_KEY)


def _same_request(request, stored: str, digest: str) -> bool:
    """The stored digest matches this request (under the current key or a fallback key still
    accepted, so that rotating SECRET_KEY does not break a retry in flight)."""
    if hmac.compare_digest(stored, digest):
        return True
    message = _message(request)
    return any(hmac.compare_digest(stored, _digest(message, old)) for old in settings.SECRET_KEY_FALLBACKS)


def _replay(request, key: str, digest: str) -> Response:
    record = IdempotencyRecord.objects.get(user=request.user, key=key)
    if not _same_request(request, record.request_hash, digest):
        return Response(
            {"detail": _("This Idempotency-Key was already used for a different request."), "code": "idempotency_mismatch"},
            status=422,
        )
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replay"] = "true"
    return response


def idempotent(view_method):
    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY or not key.isprintable():
            return Response({HEADER: [_("Use a printable key of at most 200 characters.")]}, status=400)
        digest = _request_hash(request)
        if IdempotencyRecord.objects.filter(user=request.user, key=key).exists():
            return _replay(request, key, digest)
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        record = IdempotencyRecord.objects.create(
                            user=request.user, key=key, endpoint=request.path[:200], request_hash=digest,
                            status_code=0, response_body={},
                        )
                except IntegrityError:
                    raise _Replay from None
                response = view_method(self, request, *args, **kwargs)
                if response.status_code >= 400:
                    transaction.set_rollback(True)
                    return response
                record.status_code = response.status_code
                # exactly the JSON the client got (DRF's encoder keeps microseconds)
                record.response_body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                record.save(update_fields=["status_code", "response_body"])
                return response
        except _Replay:
            return _replay(request, key, digest)

    return wrapper
