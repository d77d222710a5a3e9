"""Exporting a register: draw the rows through the gate, note the audit chain's head, render, and
record the export in the audit trail, in one transaction."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit import services as audit_services
from audit.selectors import verify_chain
from common import access
from common.errors import ValidationFailed
from common.levels import LEVEL_EN, LEVEL_ZH, Level

from . import selectors
from .base import LANGUAGES
from .rendering import render_csv, render_pdf

FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str
    rows: int


def register_marking(level, language: str) -> str:
    """The register's own marking: the highest level among its rows."""
    if level is None:
        return ""
    level = Level(level)
    if language == "zh-hans":
        return f"{LEVEL_ZH[level]}★"
    return f"{LEVEL_EN[level]}★ ({LEVEL_ZH[level]}★)"


def describe_filters(filters: dict) -> list[tuple[str, str]]:
    """The applied filters (other than the period) as (label, value) in the active language."""
    from carriers.models import Carrier, Status
    from common.levels import LEVEL_BY_CODE
    from personnel.models import Unit

    described = []
    for key, value in filters.items():
        if key == "unit":
            unit = Unit.objects.filter(pk=int(value)).first()
            described.append((_("Unit"), str(unit) if unit else value))
        elif key == "level":
            level = LEVEL_BY_CODE.get(value) or int(value)
            described.append((_("Classification level"), Level(level).label))
        elif key == "status":
            described.append((_("Status"), Status(value).label))
        elif key == "kind":
            described.append((_("Kind"), Carrier.Kind(value).label))
    return described


def export_register(*, actor, name: str, params, fmt: str, language: str) -> Export:
    register = selectors.register_get(user=actor, name=name)
    errors = {}
    if fmt not in FORMATS:
        errors["format"] = [_("Choose PDF or CSV.")]
    if language not in LANGUAGES:
        errors["lang"] = [_("Choose zh-hans or en.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        extract = register.draw(user=actor, params=params)
        chain = verify_chain()
        drawn_at = timezone.now()
        with translation.override(language):
            headers = register.headers(language)
            cells = register.cells(extract)
            if fmt == "csv":
                content = render_csv(headers, cells)
            else:
                person = access.person_of(actor)
                content = render_pdf(
                    {
                        "lang": language,
                        "title": register.title(language),
                        "marking": register_marking(extract.level, language),
                        "headers": headers,
                        "widths": [column.width for column in register.columns],
                        "column_css": [column.css for column in register.columns],
                        "rows": cells,
                        "unit": extract.unit or (person.unit if person else None),
                        "period": extract.period,
                        "filters": describe_filters(extract.filters),
                        "chain": chain,
                        "drawn_at": timezone.localtime(drawn_at),
                        "exported_by": audit_services.actor_name_of(actor),
                    }
                )
        audit_services.record(
            actor=actor,
            action="register.exported",
            details={
                "register": register.name,
                "format": fmt,
                "language": language,
                "filters": extract.filters,
                "rows": len(cells),
                "level": extract.level,
                "chain_head": chain.head,
                "chain_count": chain.count,
                "chain_ok": chain.ok,
            },
        )
    stamp = timezone.localtime(drawn_at).strftime("%Y%m%d-%H%M%S")
    return Export(content, FORMATS[fmt], f"{register.name}-{stamp}.{fmt}", len(cells))
