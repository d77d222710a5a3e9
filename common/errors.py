"""Errors the services raise. Each carries the HTTP status it maps to and a message a person
understands; the API's exception handler and the HTML views both render them."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message=None, *, code: str | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        super().__init__(str(self.message))

    default_message = _("The request was refused.")

    def as_data(self):
        return {"detail": str(self.message), "code": self.code}


class ValidationFailed(DomainError):
    """400: field errors, {field: [messages]}; field None or "non_field_errors" for the whole."""

    status = 400
    code = "invalid"

    def __init__(self, errors: dict, *, code: str | None = None):
        self.errors = {k or "non_field_errors": [str(m) for m in v] for k, v in errors.items()}
        first = next(iter(self.errors.values()))[0]
        super().__init__(first, code=code)

    def as_data(self):
        return self.errors


class Refused(DomainError):
    """403: the rules or the user's rights forbid it; the message says why."""

    status = 403
    code = "refused"
    default_message = _("You may not do this.")


class Conflict(DomainError):
    """409: the object changed or is in a state that does not allow this."""

    status = 409
    code = "conflict"
    default_message = _("This conflicts with the current state; reload and try again.")


@dataclass(frozen=True)
class Violation:
    """A rule's answer when something is not allowed: which field, why, and how to refuse."""

    message: str
    field: str | None = None
    code: str = "invalid"
    kind: str = "invalid"  # "invalid" -> 400, "refused" -> 403, "conflict" -> 409


def enforce(violations) -> None:
    """Raise for the first kind of violation found; field errors are gathered together."""
    violations = [v for v in violations if v is not None]
    if not violations:
        return
    for kind, exc in (("refused", Refused), ("conflict", Conflict)):
        for violation in violations:
            if violation.kind == kind:
                raise exc(violation.message, code=violation.code)
    errors: dict = {}
    for violation in violations:
        errors.setdefault(violation.field or "non_field_errors", []).append(violation.message)
    raise ValidationFailed(errors, code=violations[0].code)
