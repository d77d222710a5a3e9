"""The OpenAPI schema says what the server does (docs/api.md, "Contract").

- `AutoSchema` documents read-only fields as the server fills them: a blank or null model value
  ("medium": "" for a carrier that is not an electronic medium, an approval status when there is no
  approval yet) is in the field's schema. Request strings document what every `CharField` refuses
  (NUL, and for `CleanCharField` every control character).
- `postprocess` (a drf-spectacular postprocessing hook) is set-based: it adds the shared error
  components (`Error`: `detail` + `code`; `ValidationError`: field errors) to every operation with
  the statuses the operation can give, marks strict request bodies `additionalProperties: false`
  (unknown fields are refused), gives ids their minimum, and stamps the version.

The version is `API_VERSION` (semantic: the major number is the `/api/v1/` of the address; the
minor one grows with every addition, the patch one with every correction of the schema)."""

import re

from django.db import models
from drf_spectacular import openapi
from rest_framework import serializers

from common import deprecation
from common.api.serializers import CleanCharField, RejectUnknownFieldsMixin, SafePrimaryKeyField

API_VERSION = "1.1.1"

# A string a CharField accepts: DRF refuses NUL in every CharField (ProhibitNullCharactersValidator).
NO_NUL = r"^[^\x00]*$"
# CleanCharField refuses every control character but tab, newline and carriage return.
NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
# str.isprintable() on what a header can carry (Latin-1): no controls, no NBSP, no soft hyphen
PRINTABLE = r"^[^\x00-\x1f\x7f-\xa0\xad]*$"
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"^\^?\[0-9\]\{1,[0-9]+\}\$?$")

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"

_ERROR_SCHEMA = {
    "type": "object",
    "description": "A refusal: `detail` says why in the caller's language (Accept-Language), `code` is "
                   "stable for programs. Some refusals add fields (e.g. `locked`, `locked_until`).",
    "properties": {
        "detail": {"type": "string", "description": "Why, for a person (zh-hans or en)."},
        "code": {"type": "string", "description": "Why, for a program (e.g. not_found, conflict, "
                                                  "not_authenticated, permission_denied, locked)."},
    },
    "required": ["detail"],
    "additionalProperties": True,
}
_VALIDATION_SCHEMA = {
    "type": "object",
    "description": "Field errors: each refused field (or `non_field_errors` for the whole body) with a "
                   "list of messages, nested like the body for nested objects. A refusal that concerns "
                   "no single field has `detail` and `code` instead.",
    "properties": {
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        # a body with fields named `detail` or `code` (a department's code) has their errors here
        "detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "code": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    },
    "additionalProperties": True,
}

_DESCRIPTIONS = {
    "400": "Refused input: a field is missing, of the wrong type, too long, contains NUL or control "
           "characters, is unknown, or a rule refuses it (field errors). Nothing was changed.",
    "401": "No credentials, or a token that is unknown, expired or revoked, or a session that ended "
           "(`code`: not_authenticated, authentication_failed, session_expired).",
    "403": "Authenticated, but the caller's role or the registry's rules do not allow this "
           "(`code`: permission_denied, refused, second_factor_required...). Nothing was changed.",
    "404": "No such object, or one the caller may not see (the same answer for both).",
    "409": "The object is in a state that does not allow this, or changed meanwhile; reload and "
           "try again. Nothing was changed.",
    "413": "The request body is larger than the server accepts.",
    "415": "The request body is not `application/json`.",
    "422": "The `Idempotency-Key` was used before with another body.",
    "429": "Too many requests, or too many failed passwords or codes (the account or address is "
           "locked): wait `Retry-After` seconds.",
}
_RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"},
                                "description": "Seconds to wait before trying again."}}
_UNSAFE = {"post", "put", "patch", "delete"}
_METHODS = _UNSAFE | {"get", "head", "options", "trace"}
_AUTH_PATHS = ("/api/v1/auth/token/", "/api/v1/auth/password/")


def _model_field(serializer, source: str):
    """The model field a dotted source ends on, and whether any relation on the way may be
    null; (None, False) when it is not a plain model path."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None or not source or source == "*":
        return None, False
    nullable_on_the_way = False
    parts = source.split(".")
    for index, name in enumerate(parts):
        try:
            field = model._meta.get_field(name)
        except Exception:
            return None, False
        if index == len(parts) - 1:
            return field, nullable_on_the_way
        if not getattr(field, "is_relation", False) or field.many_to_many or field.one_to_many:
            return None, False
        if getattr(field, "null", False) or field.auto_created and not field.concrete:
            nullable_on_the_way = True
        model = field.related_model
    return None, False


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, documenting what the server really answers and accepts."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if direction == "response" and field.read_only and not isinstance(field, serializers.BaseSerializer):
            self._widen_read_only(field)
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, SafePrimaryKeyField) and isinstance(schema, dict) and schema.get("type") == "string":
            # a pk field without a model to read its type from (VisiblePersonField...): an integer id
            schema = {**{k: v for k, v in schema.items() if k not in ("format", "pattern")}, "type": "integer"}
        if (direction == "request" and isinstance(schema, dict) and isinstance(field, serializers.CharField)
                and schema.get("type") == "string" and "pattern" not in schema and "format" not in schema
                and "enum" not in schema):
            schema["pattern"] = NO_CONTROL if isinstance(field, CleanCharField) else NO_NUL
        return schema

    def is_deprecated(self):
        return deprecation.of_view(self.view) is not None or super().is_deprecated()

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation and deprecation.of_view(self.view) is not None:
            for code, response in operation.get("responses", {}).items():
                if str(code).startswith("2"):
                    response.setdefault("headers", {}).update(deprecation.SCHEMA_HEADERS)
        return operation

    def resolve_serializer(self, serializer, direction, bypass_extensions=False):
        component = super().resolve_serializer(serializer, direction, bypass_extensions)
        if (direction == "request" and component and isinstance(component.schema, dict)
                and isinstance(serializer, RejectUnknownFieldsMixin) and "properties" in component.schema):
            component.schema["additionalProperties"] = False  # unknown fields answer 400
        return component

    @staticmethod
    def _widen_read_only(field):
        """DRF drops allow_blank/allow_null from read-only model fields; the values still come."""
        parent = getattr(field, "parent", None)
        if parent is None or not isinstance(parent, serializers.ModelSerializer):
            if field.default is None and not field.allow_null:
                field.allow_null = True
            return
        model_field, nullable_on_the_way = _model_field(parent, field.source)
        if field.default is None or nullable_on_the_way or getattr(model_field, "null", False):
            field.allow_null = True
        if (isinstance(field, serializers.CharField | serializers.ChoiceField)
                and isinstance(model_field, models.CharField | models.TextField) and model_field.blank):
            field.allow_blank = True


def _refs(schema):
    """Component names a schema refers to directly."""
    if not isinstance(schema, dict):
        return []
    ref = schema.get("$ref", "")
    if ref:
        return [ref.rsplit("/", 1)[-1]]
    found = []
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in schema.get(key, []):
            found += _refs(sub)
    return found


def _error_response(code: str, schema_name: str) -> dict:
    answer = {"description": _DESCRIPTIONS[code],
              "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}
    if code == "429":
        answer["headers"] = dict(_RETRY_AFTER)
    return answer


def _statuses(path: str, method: str, operation: dict) -> list[str]:
    params = operation.get("parameters", [])
    has_body = "requestBody" in operation
    anonymous = any(not requirement for requirement in operation.get("security", [{}]))
    unsafe = method in _UNSAFE
    codes = []
    if has_body or any(p.get("in") == "query" for p in params) or unsafe:
        codes.append("400")
    if not anonymous:
        codes.append("401")
    codes.append("403")
    if has_body or any(p.get("in") in ("path", "query") for p in params):
        # an object not there or not visible (in the path, the query or the body); a page past the last
        codes.append("404")
    if unsafe:
        codes += ["409", "413", "415", "422"]
    if path in _AUTH_PATHS or (has_body and unsafe) or any(p.get("in") == "path" for p in params):
        # signed actions and the token endpoint lock out after failed passwords; a path with an
        # id may be a signed action's too
        codes.append("429")
    return codes


def postprocess(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result["info"]["version"] = API_VERSION
    result["info"]["x-api-major"] = API_VERSION.split(".")[0]
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR] = _ERROR_SCHEMA
    components[VALIDATION_ERROR] = _VALIDATION_SCHEMA
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            for param in operation.get("parameters", []):
                schema = param.get("schema", {})
                if param.get("in") == "path" and schema.get("type") == "string" and _DIGITS.match(
                        schema.get("pattern", "")):
                    # a lookup_value_regex of digits: the id is a whole number from 1
                    schema.pop("pattern")
                    schema["type"] = "integer"
                if param.get("in") == "path" and schema.get("type") == "integer":
                    schema.setdefault("minimum", 1)
                    schema.setdefault("maximum", MAX_ID)
                if param.get("in") == "header" and param.get("name") == "Idempotency-Key":
                    # common.idempotency refuses (400) a key longer than 200 or not printable
                    param["schema"] = {"type": "string", "maxLength": 200, "pattern": PRINTABLE}
                if param.get("in") == "query" and param.get("name") in ("page", "page_size"):
                    schema.setdefault("minimum", 1)
                elif param.get("in") == "query" and schema.get("type") in ("integer", "number"):
                    if "enum" in schema:  # a choice of names (level=SECRET), not a number
                        schema["type"] = "string"
                    else:  # every numeric filter is an id (carrier=, holder=, unit=...): from 1
                        schema["type"] = "integer"
                        schema.setdefault("minimum", 1)
                        schema.setdefault("maximum", MAX_ID)
            responses = operation.setdefault("responses", {})
            for code in _statuses(path, method, operation):
                existing = responses.get(code)
                answer = _error_response(code, VALIDATION_ERROR if code == "400" else ERROR)
                if existing is None:
                    responses[code] = answer
                elif "content" not in existing:
                    # a view documented the status with a description only: keep it, add the body
                    responses[code] = {**answer, **existing, "content": answer["content"]}
    return result
