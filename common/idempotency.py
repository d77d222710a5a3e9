"""Idempotency-Key for REST clients: a retried write creates nothing twice (decision 0015).

One mechanism for every POST, PUT, PATCH and DELETE of the API: IdempotentMixin, part of every
API base class of common/api/views.py (tests/common/test_idempotency_urlconf.py walks the URL
conf and fails for a write endpoint without it).

The key is claimed (a row inserted, unique per user and key) in the same transaction as the
change, before the change runs. A concurrent twin with the same key blocks on that row until the
first commits, then replays its answer (`Idempotent-Replay: true`); if the first was refused, its
claim is rolled back with it and the twin runs. Same key with a different method, path or body:
422. Refused requests (4xx, 5xx) record nothing, so the client may correct and retry with the same
key. A key needs a signed-in caller (keys are per user): an anonymous request with one answers 400.

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
REPLAY_HEADER = "Idempotent-Replay"
MAX_KEY = 200
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


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
            {"detail": _("This Idempotency-Key was already used for a different request."),
             "code": "idempotency_mismatch"},
            status=422,
        )
    # a 204 (a DELETE) had no body: stored as {} (the column takes no SQL NULL), replayed without one
    body = None if record.status_code == 204 else record.response_body
    response = Response(body, status=record.status_code)
    response[REPLAY_HEADER] = "true"
    return response


def _key_refused(key: str, request):
    if len(key) > MAX_KEY or not key.isprintable():
        return Response({HEADER: [_("Use a printable key of at most 200 characters.")], "code": "invalid"},
                        status=400)
    if not getattr(request.user, "is_authenticated", False):
        return Response(
            {HEADER: [_("An Idempotency-Key is kept per signed-in caller; send this request without it.")],
             "code": "invalid"},
            status=400,
        )
    return None


def run_once(handler, request, *args, **kwargs) -> Response:
    """Run a write handler under the request's Idempotency-Key: at most once per user and key."""
    key = request.headers.get(HEADER)
    if not key:
        return handler(request, *args, **kwargs)
    refusal = _key_refused(key, request)
    if refusal is not None:
        return refusal
    digest = _request_hash(request)
    if IdempotencyRecord.objects.filter(user=request.user, key=key).exists():
        return _replay(request, key, digest)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    # a twin's uncommitted claim makes this insert wait for its transaction
                    record = IdempotencyRecord.objects.create(
                        user=request.user, key=key, endpoint=request.path[:200], request_hash=digest,
                        status_code=0, response_body={},
                    )
            except IntegrityError:
                raise _Replay from None
            response = handler(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            data = getattr(response, "data", None)
            # exactly the JSON the client got (DRF's encoder keeps microseconds)
            record.response_body = {} if data is None else json.loads(json.dumps(data, cls=JSONEncoder))
            record.save(update_fields=["status_code", "response_body"])
            return response
    except _Replay:
        return _replay(request, key, digest)


class IdempotentMixin:
    """Every POST, PUT, PATCH and DELETE of a DRF view honours Idempotency-Key (run_once). The
    check comes after authentication, permissions and throttling (DRF's `initial`), so a replay is
    given only to whom the view still admits; the handler DRF is about to call is wrapped."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        method = request.method.lower()
        if request.method not in WRITE_METHODS or method not in self.http_method_names:
            return
        handler = getattr(self, method, None)
        if handler is not None and request.headers.get(HEADER):
            setattr(self, method, functools.partial(run_once, handler))


def document_header(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS): every write operation that a
    signed-in caller may make documents the optional Idempotency-Key header and the 422 of a reused
    key (every API view has IdempotentMixin: tests/common/test_idempotency_urlconf.py)."""
    header = {
        "in": "header", "name": HEADER, "required": False,
        "schema": {"type": "string", "maxLength": MAX_KEY},
        "description": "Send a unique key to retry this request safely: the same key and body again "
                       "answer the stored answer (header Idempotent-Replay: true) without doing it twice; "
                       "the same key with another body answers 422. Keys are kept per user.",
    }
    mismatch = {"description": "This Idempotency-Key was already used for a different request."}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method.upper() not in WRITE_METHODS or not isinstance(operation, dict):
                continue
            if not any(operation.get("security") or ()):
                continue  # no caller to keep a key for (the token endpoint): a key there answers 400
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters if isinstance(p, dict)):
                parameters.append(dict(header))
            responses = operation.setdefault("responses", {})
            if "422" not in responses:
                error = next((r for code, r in responses.items() if code.startswith("4") and "content" in r), None)
                responses["422"] = {**mismatch, **({"content": error["content"]} if error else {})}
    return result
