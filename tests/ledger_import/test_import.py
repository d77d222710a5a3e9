"""Issue 19, item 5: a unit's old ledger imported from Excel or CSV. Wrong columns refused at once;
a preview that lists every row's errors (empty or unreadable cells, the registration rules, a level
above the importer's clearance, a number repeated or already imported) and writes nothing; rows
left out by the clerk; one batch signed with the password that registers each carrier through the
registration service (its audit event and signature) and marks it imported."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from audit.models import AuditEvent, Signature
from carriers.models import Carrier
from common.errors import Conflict, ValidationFailed
from ledger_import import selectors, services
from ledger_import.models import ImportBatch, ImportedCarrier
from tests.factories import audit_count_but_security

HEADERS = ["编号", "标题", "密级", "类别", "来源", "保密期限", "定密日期", "份号", "份数", "存放位置"]


def good_row(i: int) -> list:
    return [f"OLD-{i:05d}", f"旧台账文件 {i}", "机密", "纸质", "上级机关", 10, "2020-03-01", "", 1, "CAB"]


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=HEADERS) -> bytes:
    lines = [",".join(headers)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def written():
    return (Carrier.objects.count(), ImportBatch.objects.count(), ImportedCarrier.objects.count(),
            audit_count_but_security())


def test_wrong_columns_are_refused_at_once_and_nothing_is_kept(org):
    before = written()
    headers = [h for h in HEADERS if h != "密级"]
    rows = [[v for v, h in zip(good_row(1), HEADERS, strict=True) if h != "密级"]]
    with pytest.raises(ValidationFailed) as refused:
        services.upload(actor=org.clerk, filename="ledger.csv", content=csv_bytes(rows, headers))
    assert refused.value.code == "wrong_columns" and "level" in refused.value.errors
    response = page(org.clerk).post("/import/", {"file": SimpleUploadedFile("ledger.csv", csv_bytes(rows, headers))})
    assert response.status_code == 400 and "Choose the column that holds" in response.content.decode()
    # a column named by the clerk that the file does not have
    with pytest.raises(ValidationFailed) as refused:
        services.upload(actor=org.clerk, filename="ledger.csv", content=csv_bytes([good_row(1)]),
                        mapping={"level": "Classification"})
    assert "The file has no column" in refused.value.errors["level"][0]
    for name, content in (("ledger.txt", b"x"), ("ledger.xlsx", b"not a spreadsheet")):
        with pytest.raises(ValidationFailed):
            services.upload(actor=org.clerk, filename=name, content=content)
    assert written() == before


def test_a_5000_row_spreadsheet_previews_every_bad_row_and_writes_nothing(org):
    rows = [good_row(i) for i in range(1, 5001)]
    rows[9][2] = "绝密"  # row 11: above the clerk's clearance (Secret)
    rows[99][0] = "OLD-00001"  # row 101: the number of row 2 again
    rows[999][6] = "2020-13-45"  # row 1001: not a date
    rows[2499][9] = "NOWHERE"  # row 2501: no such container
    rows[3999][1] = ""  # row 4001: no title
    rows[4999][2] = "很秘密"  # row 5001: not a level
    before = written()
    started = time.monotonic()
    response = page(org.clerk).post("/import/", {"file": SimpleUploadedFile("old-ledger.xlsx", xlsx(rows))})
    assert response.status_code == 302, response.content[:2000]
    batch = ImportBatch.objects.get()
    html = page(org.clerk).get(response["Location"])
    elapsed = time.monotonic() - started
    body = html.content.decode()
    assert html.status_code == 200
    assert "5000 rows: 4994 ready to import, 6 with errors, 0 left out." in body
    for number in (11, 101, 1001, 2501, 4001, 5001):
        assert f'id="row-{number}"' in body
    assert "your clearance does not reach it" in body and "is also on row 2" in body
    assert "is not a date" in body and "no container with the code" in body and "is not a classification level" in body
    checked = selectors.preview(batch=batch, actor=org.clerk)
    assert [row.number for row in checked.rows if row.errors] == [11, 101, 1001, 2501, 4001, 5001]
    # the upload is recorded; no carrier is registered, and none can be while a row has errors
    assert written()[0] == before[0] and ImportedCarrier.objects.count() == 0
    after_upload = written()
    with pytest.raises(ValidationFailed) as refused:
        services.import_batch(actor=org.clerk, batch_id=batch.pk, password=org.password)
    assert refused.value.code == "rows_refused" and len(refused.value.errors["rows"]) == 6
    assert refused.value.errors["rows"][0].startswith("Row 11:")
    assert written() == after_upload
    print(f"5,000-row upload and preview: {elapsed:.1f}s")


def test_rows_left_out_then_one_signed_batch(org):
    rows = [good_row(1), good_row(2), ["OLD-00003", "绝密文件", "绝密", "纸质", "上级机关", 30, "2020-03-01", "", 1, "SAFE"],
            good_row(4)]
    batch = services.upload(actor=org.clerk, filename="ledger.csv", content=csv_bytes(rows))
    client = page(org.clerk)
    assert client.post(f"/import/{batch.pk}/import/", {"password": org.password}).status_code == 400
    assert Carrier.objects.count() == 0
    assert client.post(f"/import/{batch.pk}/exclude/", {"exclude": ["4"]}).status_code == 302
    # a wrong password: refused, nothing registered
    before = written()
    response = client.post(f"/import/{batch.pk}/import/", {"password": "not-the-password"})
    assert response.status_code == 400 and written() == before
    response = client.post(f"/import/{batch.pk}/import/", {"password": org.password})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.imported_at is not None
    marks = list(ImportedCarrier.objects.filter(batch=batch).select_related("carrier"))
    assert [(m.row_number, m.legacy_number) for m in marks] == [(2, "OLD-00001"), (3, "OLD-00002"), (5, "OLD-00004")]
    for mark in marks:
        carrier = mark.carrier
        assert carrier.holder == org.clerk and carrier.container == org.cabinet and carrier.level == 2
        assert carrier.title.startswith("旧台账文件") and str(carrier.period_start) == "2020-03-01"
        assert AuditEvent.objects.filter(action="carrier.registered", target_id=str(carrier.pk)).count() == 1
        assert Signature.objects.filter(meaning="registered", event__target_id=str(carrier.pk),
                                        event__target_type="carriers.carrier").count() == 1
    event = AuditEvent.objects.get(action="ledger_import.imported")
    assert event.details["legacy_numbers"] == ["OLD-00001", "OLD-00002", "OLD-00004"]
    assert Signature.objects.filter(event__target_type="ledger_import.importbatch",
                                    event__target_id=str(batch.pk)).exists()
    # the batch is done; the same numbers again are refused row by row
    with pytest.raises(Conflict):
        services.import_batch(actor=org.clerk, batch_id=batch.pk, password=org.password)
    again = services.upload(actor=org.clerk, filename="ledger.csv", content=csv_bytes(rows[:2]))
    checked = selectors.preview(batch=again, actor=org.clerk)
    assert all("was already imported" in row.errors[0][1] for row in checked.rows)


def test_who_may_import_and_see_a_batch(org):
    batch = services.upload(actor=org.clerk, filename="ledger.csv", content=csv_bytes([good_row(1)]))
    assert page(org.staff_core).get("/import/").status_code == 403
    assert page(org.staff_core).get(f"/import/{batch.pk}/").status_code == 403
    # another member of the office: as if it did not exist (it holds the old ledger's titles)
    assert page(org.secretary).get(f"/import/{batch.pk}/").status_code == 404
    assert page(org.secretary).post(f"/import/{batch.pk}/import/", {"password": org.password}).status_code == 404
    assert page(org.clerk).get(f"/import/{batch.pk}/").status_code == 200
    assert page(org.clerk).post(f"/import/{batch.pk}/cancel/").status_code == 302
    batch.refresh_from_db()
    assert batch.status == "discarded" and batch.rows == []
    assert Carrier.objects.count() == 0
