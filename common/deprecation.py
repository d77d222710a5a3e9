"""Announcing that an API operation will go (docs/api.md, "Versioning and deprecation").

    @deprecated(since=date(2027, 1, 1), sunset=date(2027, 7, 1), successor="/api/v1/loans/")
    class OldView(APIView): ...

Every answer of the view (or of the named `actions` of a viewset) then carries
`Deprecation: @<unix time of since>` (RFC 9745), `Sunset: <HTTP date>` (RFC 8594) and `Link`
(`rel="deprecation"` to the guide, `rel="successor-version"` to what replaces it); the schema marks
its operations `deprecated: true` and documents the headers (common.schema.AutoSchema)."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils.http import http_date

GUIDE = "/api/docs/"  # the interactive schema, where deprecated operations are struck through


@dataclass(frozen=True)
class Deprecation:
    since: date
    sunset: date | None = None
    successor: str = ""
    link: str = GUIDE
    actions: frozenset[str] | None = None  # None: every action of the view

    def applies(self, action: str | None) -> bool:
        return self.actions is None or action in self.actions

    def headers(self) -> dict[str, str]:
        answer = {"Deprecation": f"@{calendar.timegm(self.since.timetuple())}"}
        if self.sunset:
            answer["Sunset"] = http_date(calendar.timegm(self.sunset.timetuple()))
        links = [f'<{self.link}>; rel="deprecation"; type="text/html"']
        if self.successor:
            links.append(f'<{self.successor}>; rel="successor-version"')
        answer["Link"] = ", ".join(links)
        return answer


def deprecated(*, since: date, sunset: date | None = None, successor: str = "", link: str = GUIDE,
               actions=None):
    """Class decorator for a DRF view or viewset (see the module's docstring)."""
    info = Deprecation(since=since, sunset=sunset, successor=successor, link=link,
                       actions=frozenset(actions) if actions is not None else None)

    def wrap(view_class):
        original = view_class.finalize_response

        def finalize_response(self, request, response, *args, **kwargs):
            response = original(self, request, response, *args, **kwargs)
            if info.applies(getattr(self, "action", None)):
                for name, value in info.headers().items():
                    response[name] = value
            return response

        view_class.finalize_response = finalize_response
        view_class.deprecation = info
        return view_class

    return wrap


def of_view(view) -> Deprecation | None:
    """The deprecation that applies to this view instance's current action, if any."""
    info = getattr(view, "deprecation", None)
    return info if info is not None and info.applies(getattr(view, "action", None)) else None


SCHEMA_HEADERS = {
    "Deprecation": {"schema": {"type": "string"}, "description": "RFC 9745: when the operation was "
                    "deprecated, as @<unix time>."},
    "Sunset": {"schema": {"type": "string"}, "description": "RFC 8594: the HTTP date after which the "
               "operation may answer 410 Gone."},
    "Link": {"schema": {"type": "string"}, "description": 'rel="deprecation" (the guide) and '
             'rel="successor-version" (what replaces it).'},
}
