"""CSV registers are safe to open in a spreadsheet: a cell beginning with =, +, -, @, a tab or a
carriage return is neutralised with a leading single quote (OWASP CSV injection), whichever way
the CSV is made (download at once, API, background export)."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from common.csv_safety import safe_cell
from registers import services
from tests.factories import register

ROOT = Path(__file__).resolve().parents[2]
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("机密会议纪要", "机密会议纪要"),
        ("A=B", "A=B"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _title_cells(rows: list[list[str]]) -> set[str]:
    return {cell for row in rows for cell in row if "HYPERLINK" in cell or "SUM(" in cell}


@pytest.fixture
def formula_carriers(org):
    return [
        register(org.secretary, container=org.cabinet, title=FORMULA),
        register(org.secretary, container=org.cabinet, title="@SUM(1+1)*cmd|' /C calc'!A0"),
    ]


def test_carrier_ledger_download_neutralises_formulas(client, org, formula_carriers):
    client.force_login(org.secretary)
    response = client.get(reverse("registers:export", args=["carrier-ledger", "csv"]), {"lang": "en"})
    assert response.status_code == 200
    cells = _title_cells(_rows(response.content))
    assert cells == {"'" + FORMULA, "'@SUM(1+1)*cmd|' /C calc'!A0"}
    # no cell of the whole file starts a formula
    for row in _rows(response.content):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_api_and_background_export_neutralise_formulas(org, formula_carriers, settings, tmp_path):
    api = APIClient()
    api.force_authenticate(org.auditor)
    response = api.get("/api/v1/registers/carrier-ledger/", {"format": "csv"})
    assert response.status_code == 200
    assert "'" + FORMULA in _title_cells(_rows(response.content))

    settings.REGISTRY = {**settings.REGISTRY, "REGISTER_EXPORT_DIR": str(tmp_path)}
    job = services.request_export(actor=org.auditor, name="carrier-ledger", params={}, fmt="csv", language="en")
    services.run_export(export_id=job.pk)
    download = services.download_export(actor=org.auditor, export_id=job.pk)
    assert "'" + FORMULA in _title_cells(_rows(download.path.read_bytes()))


def test_every_csv_writer_is_the_safe_one():
    """Nothing writes CSV except through common.csv_safety."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "var", "tests", "bench"} or relative.as_posix() == "common/csv_safety.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bcsv\.(writer|DictWriter)\b", text):
            offenders.append(relative.as_posix())
    assert offenders == []
