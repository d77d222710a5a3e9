"""The API's JSON parser, with limits: a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE answers 413
and one nested deeper than REGISTRY["API_JSON_MAX_DEPTH"] (default 32) answers 400, both as JSON,
before anything else reads it (no RecursionError, no 500, no HTML page)."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError


class BodyTooLarge(APIException):
    status_code = 413
    default_code = "too_large"


def max_body_bytes() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440)


def max_depth() -> int:
    return int(settings.REGISTRY.get("API_JSON_MAX_DEPTH", 32))


def too_large() -> BodyTooLarge:
    return BodyTooLarge(_("The request body is larger than %(limit)d bytes.") % {"limit": max_body_bytes()})


def too_deep() -> ParseError:
    return ParseError(_("JSON parse error - arrays or objects nest more than %(depth)d deep.") % {"depth": max_depth()},
                      code="too_deep")


def depth(value) -> int:
    """How deeply arrays and objects nest in a parsed value (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_body_bytes()
        declared = (parser_context or {}).get("request")
        length = getattr(declared, "META", {}).get("CONTENT_LENGTH") if declared is not None else None
        if length and str(length).isdigit() and int(length) > limit:
            raise too_large()
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise too_large()
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise too_deep() from None
        if depth(data) > max_depth():
            raise too_deep()
        return data
