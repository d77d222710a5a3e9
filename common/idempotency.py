"""Idempotency-Key for REST clients: a retried request creates nothing twice.

The key is claimed (a row inserted) in the same transaction as the change, before the change
runs. A concurrent twin with the same key blocks on that row until the first commits, then
replays its answer. Same key with a different body: 422. Refused requests (4xx) record nothing,
so the client may correct and retry with the same key."""

import functools
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from audit.chain import canonical_json, sha256_hex

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY = 200


class _Replay(Exception):
    pass


def _request_hash(request) -> str:
    return sha256_hex(f"{request.method} {request.path}\n{canonical_json(request.data)}")


def _replay(request, key: str, digest: str) -> Response:
    record = IdempotencyRecord.objects.get(user=request.user, key=key)
    if record.request_hash != digest:
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
