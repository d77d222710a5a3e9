"""Readable, translated reasons in a carrier's history. The services write a short English reason
into the audit event's details (kept as written: the trail is append-only); the pages show it in
the reader's language. A reason someone typed is shown as typed."""

import re

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _status(code: str) -> str:
    from carriers.models import Handover

    return dict(Handover.Status.choices).get(code, code)


PATTERNS = (
    (re.compile(r"^handover (\d+)$"), lambda m: _("handover no. %(n)s") % {"n": m[1]}),
    (re.compile(r"^destruction request (\d+) approved$"),
     lambda m: _("destruction request no. %(n)s approved") % {"n": m[1]}),
    (re.compile(r"^destruction request (\d+)$"), lambda m: _("destruction request no. %(n)s") % {"n": m[1]}),
    (re.compile(r"^inventory (\d+): missing$"), lambda m: _("missing at inventory check no. %(n)s") % {"n": m[1]}),
    (re.compile(r"^inventory (\d+) closed$"), lambda m: _("inventory check no. %(n)s closed") % {"n": m[1]}),
    (re.compile(r"^meeting (\d+): handover (\d+) (\w+)$"),
     lambda m: _("meeting no. %(meeting)s: handover no. %(handover)s, %(status)s")
     % {"meeting": m[1], "handover": m[2], "status": _status(m[3])}),
    (re.compile(r"^meeting (\d+): withdrawn$"), lambda m: _("meeting no. %(n)s: withdrawn") % {"n": m[1]}),
    (re.compile(r"^meeting (\d+): missing at the return check$"),
     lambda m: _("meeting no. %(n)s: missing at the return check") % {"n": m[1]}),
    (re.compile(r"^reviewed: (.+)$"), lambda m: _("secrecy-period review %(number)s") % {"number": m[1]}),
)


@register.filter
def reason_label(reason):
    if not isinstance(reason, str):
        return reason
    for pattern, label in PATTERNS:
        match = pattern.match(reason)
        if match:
            return label(match)
    return reason
