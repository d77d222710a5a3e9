"""Printed records of one closed object (an inventory check, a destruction): A4 portrait, in the
reader's language, with the record's own marking and, at the bottom, the paper witness (the signed
audit checkpoint it was drawn from, as text and QR code), exactly like the registers' PDFs. The
same local-only rendering as the registers (registers.rendering): nothing loads from outside."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from audit import checkpoints as audit_checkpoints
from audit import services as audit_services
from common.errors import ValidationFailed

from .rendering import CJK_FAMILY, LocalOnlyFetcher, cjk_font_file
from .services import register_marking

LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class Record:
    content: bytes
    filename: str
    checkpoint_seq: int
    content_type: str = "application/pdf"


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationFailed({"lang": [_("Choose Chinese or English.")]})
    return language


def render_record(*, template: str, context: dict, actor, language: str, level, reason: str) -> tuple[bytes, dict]:
    """The PDF of one record (template extends registers/record_pdf.html) and the witness printed
    on it. Call inside the printing service's transaction."""
    font = cjk_font_file()
    witness = audit_checkpoints.witness(actor=actor, reason=reason)
    drawn_at = timezone.now()
    with translation.override(language):
        html = render_to_string(template, {
            **context, "lang": language, "marking": register_marking(level, language), "witness": witness,
            "drawn_at": timezone.localtime(drawn_at), "printed_by": audit_services.actor_name_of(actor),
            "font_url": font.as_uri(), "font_family": CJK_FAMILY,
        })
    fetcher = LocalOnlyFetcher([font.parent])
    pdf = HTML(string=html, base_url=font.parent.as_uri() + "/", url_fetcher=fetcher).write_pdf()
    return pdf, witness


def filename(stem: str) -> str:
    return f"{stem}-{timezone.localtime().strftime('%Y%m%d-%H%M%S')}.pdf"
