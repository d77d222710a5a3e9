"""A register is defined once: its title, its columns, the rows it shows (through the access gate)
and the filters it takes. The same definition renders to PDF and to CSV."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import ValidationFailed
from common.levels import LEVEL_BY_CODE, Level

LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class Column:
    header_zh: str
    header_en: str
    value: Callable  # (row object) -> str, called with the register's language active
    width: str = ""  # a CSS width for the PDF table, e.g. "12%"
    css: str = ""  # CSS declarations for this column's cells in the PDF (written by us, never by users)

    def header(self, language: str) -> str:
        return self.header_zh if language == "zh-hans" else self.header_en


class PeriodForm(forms.Form):
    """The period every register takes: registered (or happened) between two dates, both included."""

    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        for name in ("date_from", "date_to"):
            value = data.get(name)
            if value is not None and not (1900 <= value.year <= 2999):
                self.add_error(name, _("Choose a date between the years 1900 and 2999."))
        if start and end and start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


def period_bounds(data) -> tuple[datetime | None, datetime | None]:
    """The period's dates as aware datetimes: [start of first day, start of the day after the last)."""
    tz = timezone.get_current_timezone()
    start = data.get("date_from")
    end = data.get("date_to")
    return (
        datetime.combine(start, time.min, tz) if start else None,
        datetime.combine(end + timedelta(days=1), time.min, tz) if end else None,
    )


@dataclass
class Extract:
    """What one register drew for one user and one set of filters."""

    rows: list  # row objects, in register order
    filters: dict  # the applied filters, cleaned, as shown in the PDF and recorded in the audit event
    period: tuple[date | None, date | None]
    unit: object = None  # the unit filtered on, if any
    level: int | None = None  # the register's own classification: the highest level among its rows
    described: list | None = None  # the filters as (label, value) for the PDF; default: describe_filters


@dataclass(frozen=True)
class Register:
    name: str
    title_zh: str
    title_en: str
    columns: tuple[Column, ...]
    draw: Callable  # (user, params) -> Extract; raises ValidationFailed on bad filters
    filter_names: tuple[str, ...] = field(default=("date_from", "date_to"))
    fields: Callable | None = None  # () -> {name: form field}: the register's own filters (for the page)

    def title(self, language: str) -> str:
        return self.title_zh if language == "zh-hans" else self.title_en

    def headers(self, language: str) -> list[str]:
        return [column.header(language) for column in self.columns]

    def cells(self, extract: Extract) -> list[list[str]]:
        """Every row as text, in the active language."""
        return [[_text(column.value(row)) for column in self.columns] for row in extract.rows]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def clean_period(params) -> tuple[dict, tuple]:
    form = PeriodForm({"date_from": params.get("date_from", ""), "date_to": params.get("date_to", "")})
    if not form.is_valid():
        raise ValidationFailed({k: v for k, v in form.errors.items()})
    data = form.cleaned_data
    return data, (data.get("date_from"), data.get("date_to"))


def signature_text(signature) -> str:
    """A signature as a register shows it: "printed name · YYYY-MM-DD HH:MM · meaning", the time in
    local time and the meaning in the active language. No signature: an empty cell."""
    if signature is None:
        return ""
    signed_at = timezone.localtime(signature.signed_at).strftime("%Y-%m-%d %H:%M")
    return f"{signature.printed_name} · {signed_at} · {signature.get_meaning_display()}"


def signatures_text(signatures) -> str:
    """Several signatures in one cell, one per line, oldest first."""
    return "\n".join(signature_text(s) for s in sorted(signatures, key=lambda s: (s.signed_at, s.pk or 0)))


# --- filters: one small form per register, built from these fields -------------------------------------

MAX_ID = 2**63 - 1


def id_field(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=MAX_ID)


def level_field() -> forms.ChoiceField:
    """The glossary codes (TOP_SECRET, SECRET, CONFIDENTIAL) or the stored numbers (3, 2, 1)."""
    choices = [(code, Level(value).label) for code, value in LEVEL_BY_CODE.items()]
    choices += [(str(value), label) for value, label in Level.choices]
    return forms.ChoiceField(label=_("Classification level"), required=False, choices=[("", "—"), *choices])


def choice_field(label, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *choices])


def level_value(value) -> int | None:
    if value in (None, ""):
        return None
    return LEVEL_BY_CODE.get(value) or int(value)


@dataclass
class Filters:
    """A register's cleaned filters: the values, the period, and how they read in the PDF."""

    data: dict
    period: tuple
    applied: dict  # non-empty filters as strings (shown in the audit event)
    described: list  # [(label, value)] for the PDF header, lazily translated

    def bounds(self):
        return period_bounds(self.data)


def clean_filters(params, fields: dict) -> Filters:
    """Clean params with the period fields plus the register's own fields; 400 on any bad value."""
    from personnel.models import Unit

    form_class = type("RegisterFilters", (PeriodForm,), dict(fields))
    names = [*fields, "date_from", "date_to"]
    form = form_class({name: params.get(name, "") or "" for name in names})
    if not form.is_valid():
        raise ValidationFailed({key: list(value) for key, value in form.errors.items()})
    data = form.cleaned_data
    applied, described = {}, []
    ids = [data[name] for name in ("unit", "department") if data.get(name)]
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=ids)} if ids else {}
    for name, form_field in form.fields.items():
        value = data.get(name)
        if value in (None, ""):
            continue
        if name in ("date_from", "date_to"):
            applied[name] = value.isoformat()
            continue
        applied[name] = str(value)
        if isinstance(form_field, forms.ChoiceField):
            text = dict(form_field.choices).get(value, value)
        elif name in ("unit", "department"):
            text = units.get(value) or value
        else:
            text = value
        described.append((form_field.label, text))
    return Filters(data, (data.get("date_from"), data.get("date_to")), applied, described)


def in_period(queryset, field: str, filters: Filters):
    start, end = filters.bounds()
    if start:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{field}__lt": end})
    return queryset



# --- shared by the stages' registers -------------------------------------------------------------------


def person_name(user) -> str:
    """A user as registers print them: the person's full name, else the username; nobody: empty."""
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()


def common_fields(*, department: bool = False, status_choices=None, kind_label=None, kind_choices=None,
                  **extra) -> dict:
    """The filters most registers take, in their usual order: unit, (department), level, (status),
    (kind), then the register's own `extra` fields."""
    fields = {"unit": id_field(_("Unit"))}
    if department:
        fields["department"] = id_field(_("Department"))
    fields["level"] = level_field()
    if status_choices is not None:
        fields["status"] = choice_field(_("Status"), status_choices)
    if kind_choices is not None:
        fields["kind"] = choice_field(kind_label, kind_choices)
    fields.update(extra)
    return fields


def approval_signatures(row) -> str:
    """The signatures on the decisions of a row's approval (prefetch approval__decisions), oldest
    first, one per line; no approval: an empty cell."""
    if row.approval_id is None:
        return ""
    return signatures_text(decision.signature for decision in row.approval.decisions.all())


COMMON_LOOKUPS = {"unit": "unit_id", "department": "department_id", "level": "level", "status": "status"}


def apply_filters(rows, data, **lookups):
    """Narrow rows by each filter present in data. A filter maps to an ORM lookup: unit → unit_id,
    department → department_id, level → level, status → status unless `lookups` says otherwise
    (a lookup name, a callable value → Q, or None to leave that filter out); other filters (kind,
    scope …) apply only when named in `lookups`. The level is converted with level_value."""
    for name, lookup in {**COMMON_LOOKUPS, **lookups}.items():
        value = data.get(name)
        if not value or lookup is None:
            continue
        if name == "level":
            value = level_value(value)
        rows = rows.filter(lookup(value)) if callable(lookup) else rows.filter(**{lookup: value})
    return rows


def extract_of(rows, filters: Filters, *, level_of=lambda row: row.level) -> Extract:
    """The Extract of a register's rows (in order) and cleaned filters; its level is the highest
    among the rows."""
    rows = list(rows)
    return Extract(rows=rows, filters=filters.applied, period=filters.period, described=filters.described,
                   level=max((level_of(row) for row in rows), default=None))
