"""The lists (issue 18, item 3): sortable columns (whitelisted), the filtered list exported as CSV
and PDF with only what the list shows the user (audited), and the bulk actions on selected
carriers: a preview with the reason per carrier, one signature, all or nothing."""

import csv
import io
import re

import pytest
from django.test import Client

from audit.models import AuditEvent, Signature
from carriers.models import Carrier, Handover
from common.levels import Level
from tests.factories import audit_count_but_security, register


def logged_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def three(org):
    """Three carriers of the secretary, titled so that sorting shows."""
    return [
        register(org.secretary, container=org.cabinet, level=level, title=title, copy_number=f"00000{i}",
                 copies_total=3, scope_departments=[org.res])
        for i, (title, level) in enumerate(
            [("Bravo plan", Level.SECRET), ("Alpha plan", Level.CONFIDENTIAL), ("Charlie plan", Level.SECRET)], 1)
    ]


def numbers_in(html: str, carriers) -> list[str]:
    found = [(html.index(c.registry_number), c.registry_number) for c in carriers if c.registry_number in html]
    return [number for _, number in sorted(found)]


def by_title(carriers, *titles):
    index = {c.title: c.registry_number for c in carriers}
    return [index[t] for t in titles]


# --- sorting -------------------------------------------------------------------------------------


def test_sort_by_a_whitelisted_column_both_ways(org, three):
    client = logged_in(org.secretary)
    page = client.get("/carriers/?sort=title").content.decode()
    assert numbers_in(page, three) == by_title(three, "Alpha plan", "Bravo plan", "Charlie plan")
    assert 'aria-sort="ascending"' in page
    page = client.get("/carriers/?sort=-title").content.decode()
    assert numbers_in(page, three) == by_title(three, "Charlie plan", "Bravo plan", "Alpha plan")
    assert 'aria-sort="descending"' in page
    # the header links keep the filter and flip the order
    page = client.get("/carriers/?sort=title&level=SECRET&page=1").content.decode()
    assert 'href="?sort=-title&amp;level=SECRET"' in page
    assert numbers_in(page, three) == by_title(three, "Bravo plan", "Charlie plan")


@pytest.mark.parametrize("bad", ["holder__password", "password", "-", "title;drop", "x" * 300, "\x00", "select"])
def test_a_bad_sort_is_ignored_never_500(org, three, bad):
    response = logged_in(org.secretary).get("/carriers/", {"sort": bad})
    assert response.status_code == 200
    assert "aria-sort" not in response.content.decode()


def test_the_list_takes_the_same_number_of_queries_for_3_or_13_rows(org, three, django_assert_max_num_queries):
    client = logged_in(org.secretary)
    client.get("/carriers/")  # warm caches (sessions, menu counters)
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as small:
        assert client.get("/carriers/?sort=-status").status_code == 200
    assert len(small.captured_queries) > 5, "the page's queries were not seen"
    for i in range(10):
        register(org.secretary, container=org.cabinet, level=Level.SECRET, title=f"More {i}",
                 copy_number=f"{i + 1:06d}", copies_total=10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/carriers/?sort=-status").status_code == 200


# --- exports -------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_holds_only_what_the_list_shows_the_user_and_is_audited(org, three):
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="Top plan",
                   copy_number="000009", copies_total=9, scope_departments=[org.res])
    # staff_important: cleared to Secret only, Research in scope: sees the three, not the Top Secret one
    client = logged_in(org.staff_important)
    listed = client.get("/carriers/").content.decode()
    assert top.registry_number not in listed
    response = client.get("/lists/carriers/export.csv?sort=title")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0][:3] == ["Registry number", "Marking", "Title"] and "Select" not in rows[0]
    assert [r[0] for r in rows[1:]] == by_title(three, "Alpha plan", "Bravo plan", "Charlie plan")
    assert top.registry_number not in response.content.decode("utf-8-sig") and "Top plan" not in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.filter(action="list.exported").latest("seq")
    assert event.actor_id == org.staff_important.pk
    assert event.details["rows"] == 3 and event.details["format"] == "csv" and event.details["list"] == "carriers"
    # the filter applies to the export as to the page
    rows = read_csv(client.get("/lists/carriers/export.csv?level=CONFIDENTIAL"))
    assert [r[0] for r in rows[1:]] == by_title(three, "Alpha plan")


def pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_pdf_export_names_its_filters_by_label_in_either_language(org, three):
    client = logged_in(org.secretary)
    text = pdf_text(client.get("/lists/carriers/export.pdf?level=SECRET&sort=-title&lang=en"))
    assert all(n in text for n in by_title(three, "Bravo plan", "Charlie plan"))
    assert by_title(three, "Alpha plan")[0] not in text  # Confidential: filtered out
    assert "Sorted by" in text and "descending" in text and "Classification level" in text
    assert "SECRET" not in text and "-title" not in text  # the query's codes are not shown
    text = pdf_text(client.get("/lists/carriers/export.pdf?lang=zh-hans"))
    assert "登记编号" in text and all(c.registry_number in text for c in three)
    assert AuditEvent.objects.filter(action="list.exported", details__format="pdf").count() == 2


def test_refused_exports_change_nothing(org, three, settings):
    client = logged_in(org.secretary)
    before = audit_count_but_security()
    assert client.get("/lists/carriers/export.xls").status_code == 400
    assert client.get("/lists/carriers/export.csv?lang=fr").status_code == 400
    assert client.get("/lists/carriers/export.csv?level=NOPE").status_code == 400
    assert client.get("/lists/nothing/export.csv").status_code == 404
    settings.REGISTRY = {**settings.REGISTRY, "REGISTER_SYNC_MAX_ROWS": 2}
    response = client.get("/lists/carriers/export.csv")
    assert response.status_code == 400 and "narrow the filter" in response.content.decode()
    assert audit_count_but_security() == before


def test_handovers_list_sorts_and_exports(org, three):
    from carriers import services

    services.start_handover(actor=org.secretary, password=org.password, taker=org.staff_core,
                            carriers=three[:2], declared_count=2)
    client = logged_in(org.staff_core)
    page = client.get("/lists/handovers/?sort=-declared_count")
    assert page.status_code == 200 and 'aria-sort="descending"' in page.content.decode()
    rows = read_csv(client.get("/lists/handovers/export.csv"))
    assert len(rows) == 2 and rows[1][4] == "2"
    assert logged_in(org.staff_general).get("/lists/handovers/").content.decode().count("<tr") == 2  # header + empty


# --- bulk actions --------------------------------------------------------------------------------


def bulk(client, action, carriers, **data):
    return client.post("/lists/carriers/bulk/", {"action": action, "ids": [c.pk for c in carriers], **data})


def test_bulk_handover_preview_then_one_signature(org, three):
    client = logged_in(org.secretary)
    preview = client.get("/lists/carriers/bulk/", {"action": "handover", "ids": [c.pk for c in three]})
    html = preview.content.decode()
    assert preview.status_code == 200 and all(c.registry_number in html for c in three)
    assert 'class="refused"' not in html
    signatures = Signature.objects.count()
    response = bulk(client, "handover", three, taker=org.staff_core.pk, declared_count=3, password=org.password)
    assert response.status_code == 302 and response["Location"] == "/lists/handovers/"
    handover = Handover.objects.get()
    assert handover.status == "pending" and handover.taker_id == org.staff_core.pk
    assert sorted(handover.items.values_list("carrier_id", flat=True)) == sorted(c.pk for c in three)
    assert Signature.objects.count() == signatures + 1  # one signature for the batch


def test_bulk_handover_is_all_or_nothing_with_the_reason_per_carrier(org, three):
    not_mine = register(org.clerk, container=org.cabinet, level=Level.SECRET, title="Clerk's plan",
                        copy_number="000007", copies_total=7, scope_departments=[org.res])
    client = logged_in(org.secretary)
    before = (audit_count_but_security(), Signature.objects.count())
    preview = client.get("/lists/carriers/bulk/", {"action": "handover", "ids": [c.pk for c in [*three, not_mine]]})
    html = preview.content.decode()
    assert "1 cannot take part" in html and f"You do not hold {not_mine.registry_number}" in html
    response = bulk(client, "handover", [*three, not_mine], taker=org.staff_core.pk, declared_count=4,
                    password=org.password)
    assert response.status_code == 409 and "Nothing was done" in response.content.decode()
    # a taker without the clearance: the reason per carrier, nothing signed
    response = bulk(client, "handover", three, taker=org.staff_general.pk, declared_count=3, password=org.password)
    assert response.status_code in (403, 409) and "clearance" in response.content.decode()
    # the wrong password: 400, nothing signed
    response = bulk(client, "handover", three, taker=org.staff_core.pk, declared_count=3, password="wrong")
    assert response.status_code == 400 and "not correct" in response.content.decode()
    # a count that does not match: 400
    response = bulk(client, "handover", three, taker=org.staff_core.pk, declared_count=2, password=org.password)
    assert response.status_code == 400
    assert Handover.objects.count() == 0
    assert (audit_count_but_security(), Signature.objects.count()) == before


def test_bulk_ignores_carriers_the_user_may_not_see(org, three):
    other = register(org.other_secretary, container=org.other_safe, level=Level.SECRET, title="Other unit's",
                     copy_number="000001", copies_total=1)
    client = logged_in(org.secretary)
    html = client.get("/lists/carriers/bulk/", {"action": "handover", "ids": [three[0].pk, other.pk]}).content.decode()
    assert other.registry_number not in html and "Other unit" not in html
    html = client.get("/lists/carriers/bulk/", {"action": "handover", "ids": [other.pk, "abc", "-1"]}).content.decode()
    assert "Nothing is selected" in html
    assert client.get("/lists/carriers/bulk/", {"action": "drop_tables", "ids": [three[0].pk]}).status_code == 400
    assert client.get("/lists/passwords/bulk/", {"action": "handover"}).status_code == 404


def test_bulk_destruction_request_and_inventory(org, three):
    from carriers.destruction.models import DestructionRequest
    from carriers.storage import services as storage
    from carriers.storage.models import InventoryLine

    Carrier.objects.filter(pk__in=[c.pk for c in three]).update(holder=org.staff_core)  # Research has a head
    client = logged_in(org.staff_core)
    response = bulk(client, "destruction", three, reason="Superseded", method="shredding", route="in_house",
                    password=org.password)
    assert response.status_code == 302, response.content.decode().split('<main')[1][:3000]
    request = DestructionRequest.objects.get()
    assert request.carrier_count == 3
    # the same carriers again: each is in an open request, the preview says so and nothing is done
    response = bulk(client, "destruction", three, reason="Again", method="shredding", route="in_house", password=org.password)
    assert response.status_code == 409 and DestructionRequest.objects.count() == 1

    client = logged_in(org.secretary)
    inventory = storage.open_inventory(actor=org.secretary, scope="unit")
    signatures = Signature.objects.count()
    response = bulk(client, "inventory", three, inventory=inventory.pk, password=org.password)
    assert response.status_code == 302, response.content.decode().split('role="alert"')[1][:500]
    seen = InventoryLine.objects.filter(inventory=inventory, carrier__in=three)
    assert seen.count() == 3 and not seen.filter(outcome="pending").exists()
    assert Signature.objects.count() == signatures + 1


def test_bulk_actions_offered_by_role(org, three):
    assert 'id="bulk"' in logged_in(org.secretary).get("/carriers/").content.decode()
    staff = logged_in(org.staff_core).get("/carriers/").content.decode()
    assert 'value="handover"' in staff and 'value="inventory"' not in staff
    assert Carrier.objects.count() == 3


def test_approval_lists_sort_and_export(org, three):
    from carriers.destruction import services as destruction

    Carrier.objects.filter(pk__in=[c.pk for c in three]).update(holder=org.staff_core)
    destruction.submit_destruction_request(actor=org.staff_core, carriers=three[:1], reason="Old",
                                           method="shredding", route="in_house")
    destruction.submit_destruction_request(actor=org.staff_core, carriers=three[1:2], reason="Old",
                                           method="shredding", route="in_house")
    head = logged_in(org.head_res)
    page = head.get("/approvals/?sort=-number")
    html = page.content.decode()
    assert page.status_code == 200 and 'aria-sort="descending"' in html and html.count("/approvals/") >= 2
    assert head.get("/approvals/?sort=requester__password").status_code == 200
    rows = read_csv(head.get("/lists/approvals-to-decide/export.csv?sort=number"))
    assert len(rows) == 3 and int(rows[1][0]) < int(rows[2][0])
    assert len(read_csv(logged_in(org.staff_core).get("/lists/approvals-mine/export.csv"))) == 3
    assert len(read_csv(logged_in(org.staff_general).get("/lists/approvals-to-decide/export.csv"))) == 1


def test_carriers_scanned_into_the_batch(org, three):
    other = register(org.other_secretary, container=org.other_safe, level=Level.SECRET, title="Other unit's",
                     copy_number="000001", copies_total=1)
    client = logged_in(org.secretary)
    response = client.get("/lists/carriers/bulk/", {
        "action": "handover", "ids": [three[0].pk],
        "numbers": f"{three[1].registry_number}\n{other.registry_number} NOPE-1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert three[0].registry_number in html and three[1].registry_number in html
    assert three[2].registry_number not in html and "Other unit" not in html
    assert "Not found (or not yours to see):" in html and "NOPE-1" in html  # the reader's own words
    # signing the scanned batch: one handover of both
    response = client.post("/lists/carriers/bulk/", {
        "action": "handover", "ids": [three[0].pk], "numbers": three[1].registry_number,
        "taker": org.staff_core.pk, "declared_count": 2, "password": org.password})
    assert response.status_code == 302
    assert Handover.objects.get().items.count() == 2


def test_the_lists_pages_mark_their_section_in_the_menu(org, three):
    client = logged_in(org.secretary)
    for url, section in (("/lists/handovers/", "/carriers/"), (f"/lists/carriers/bulk/?action=handover&ids={three[0].pk}",
                                                             "/carriers/")):
        html = client.get(url).content.decode()
        assert re.search(f'href="{section}" aria-current="(page|true)"', html), url
