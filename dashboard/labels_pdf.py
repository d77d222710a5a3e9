"""Carrier labels: a QR code and a Code 128 barcode of the registry number, the marking and the
copy number, as a PDF rendered here (segno for the QR code, the tiny Code 128 encoder below,
WeasyPrint for the page; nothing fetched from outside). Two layouts: an A4 sheet of 3 x 7 labels
of 63.5 x 38.1 mm (the common L7160 / 21-up label stock) and one 62 x 38 mm label per page for a
label printer."""

import io

import segno
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Code 128 patterns, values 0-105 (each 11 modules: 1 bar, 0 space); the stop pattern ends with a
# 2-module bar. Code set B encodes printable ASCII: value = ord(char) - 32.
PATTERNS = (
    "11011001100", "11001101100", "11001100110", "10010011000", "10010001100", "10001001100",
    "10011001000", "10011000100", "10001100100", "11001001000", "11001000100", "11000100100",
    "10110011100", "10011011100", "10011001110", "10111001100", "10011101100", "10011100110",
    "11001110010", "11001011100", "11001001110", "11011100100", "11001110100", "11101101110",
    "11101001100", "11100101100", "11100100110", "11101100100", "11100110100", "11100110010",
    "11011011000", "11011000110", "11000110110", "10100011000", "10001011000", "10001000110",
    "10110001000", "10001101000", "10001100010", "11010001000", "11000101000", "11000100010",
    "10110111000", "10110001110", "10001101110", "10111011000", "10111000110", "10001110110",
    "11101110110", "11010001110", "11000101110", "11011101000", "11011100010", "11011101110",
    "11101011000", "11101000110", "11100010110", "11101101000", "11101100010", "11100011010",
    "11101111010", "11001000010", "11110001010", "10100110000", "10100001100", "10010110000",
    "10010000110", "10000101100", "10000100110", "10110010000", "10110000100", "10011010000",
    "10011000010", "10000110100", "10000110010", "11000010010", "11001010000", "11110111010",
    "11000010100", "10001111010", "10100111100", "10010111100", "10010011110", "10111100100",
    "10011110100", "10011110010", "11110100100", "11110010100", "11110010010", "11011011110",
    "11011110110", "11110110110", "10101111000", "10100011110", "10001011110", "10111101000",
    "10111100010", "11110101000", "11110100010", "10111011110", "10111101110", "11101011110",
    "11110101110", "11010000100", "11010010000", "11010011100",)
START_B = 104
STOP = "1100011101011"
QUIET = 10  # modules of blank space either side


class NotEncodable(ValueError):
    pass


def code128_values(text: str) -> list[int]:
    """Start B, the characters, the checksum (modulo 103, weighted by position)."""
    if not text or any(not 32 <= ord(ch) <= 126 for ch in text):
        raise NotEncodable(text)
    values = [START_B] + [ord(ch) - 32 for ch in text]
    checksum = (START_B + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    return [*values, checksum]


def code128_modules(text: str) -> str:
    """The barcode as a string of modules (1 bar, 0 space), quiet zones included."""
    return "0" * QUIET + "".join(PATTERNS[v] for v in code128_values(text)) + STOP + "0" * QUIET


def code128_svg(text: str, *, height: int = 40) -> str:
    """An SVG of the barcode: one rectangle per run of bars, one unit wide per module."""
    modules = code128_modules(text)
    rects, x = [], 0
    while x < len(modules):
        if modules[x] == "1":
            start = x
            while x < len(modules) and modules[x] == "1":
                x += 1
            rects.append(f'<rect x="{start}" y="0" width="{x - start}" height="{height}"/>')
        else:
            x += 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {len(modules)} {height}" '
            f'preserveAspectRatio="none" class="code128" role="img" aria-label="{escape(text)}">'
            f'<rect width="{len(modules)}" height="{height}" fill="#fff"/><g fill="#000">{"".join(rects)}</g></svg>')


def qr_svg(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="svg", xmldecl=False, svgns=True, nl=False,
                                                 border=2, svgclass="qr", lineclass=None)
    return buffer.getvalue().decode()


def label_data(carrier) -> dict:
    try:
        barcode = code128_svg(carrier.registry_number)
    except NotEncodable:  # a number outside printable ASCII: the QR code carries it alone
        barcode = ""
    return {
        "carrier": carrier,
        "qr": mark_safe(qr_svg(carrier.registry_number)),  # noqa: S308 - segno's own SVG, no user markup
        "barcode": mark_safe(barcode),  # noqa: S308 - drawn above, the text escaped
    }


LAYOUTS = ("sheet", "single")


def render_pdf(carriers, *, layout: str = "sheet") -> bytes:
    from weasyprint import HTML

    html = render_to_string("dashboard/labels.html", {
        "labels": [label_data(c) for c in carriers], "layout": layout if layout in LAYOUTS else "sheet",
    })
    # everything is inline (SVG, CSS): no URL is fetched
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"labels fetch nothing: {url}")
