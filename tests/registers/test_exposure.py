"""Issue 19, item 6: the exposure report against a scripted history. A Secret carrier is registered
by the secretary, handed to a researcher, read in a reading room, sent round a circulation, and
copied; the copy is read too, and a Top Secret extract is made of it. Who could have seen it, in a
window, as a page, a CSV and a PDF, limited to what the reader may see."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carriers import services as carrier_services
from carriers.use import services as use_services
from carriers.use.models import ReadingPlace, ReadingSession
from common.levels import Level
from registers.exposure import exposure_report
from tests.factories import audit_count_but_security, register

PAGE = "/registers/exposure/"


def page(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def history(org):
    now = timezone.now()
    lost = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="遗失的纪要",
                    scope_departments=[org.res])
    handover = carrier_services.start_handover(actor=org.secretary, password=org.password, taker=org.staff_core,
                                               carriers=[lost], declared_count=1)
    carrier_services.accept_handover(actor=org.staff_core, password=org.password, handover_id=handover.pk,
                                     counted_count=1, container=org.cabinet)
    room = ReadingPlace.objects.create(unit=org.unit, name_zh="阅览室", name_en="Reading room",
                                       kind=ReadingPlace.Kind.READING_ROOM, max_level=Level.TOP_SECRET)
    use_services.record_session(actor=org.staff_core, carrier=lost, reader=org.staff_important, place=room,
                                rules_told=True, started_at=now - timedelta(hours=2), ended_at=now - timedelta(hours=1))
    # a session three years ago: outside a window of this year
    ReadingSession.objects.create(carrier=lost, reader=org.head_res, place=room, unit=org.unit, level=lost.level,
                                  started_at=now - timedelta(days=1100), ended_at=now - timedelta(days=1100, hours=-1),
                                  rules_told=True, recorded_by=org.secretary)
    use_services.start_circulation(actor=org.staff_core, carrier=lost, readers=[org.head_res])
    copy = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="纪要复制件")
    copy.sources.add(lost)
    use_services.record_session(actor=org.secretary, carrier=copy, reader=org.clerk, place=room, rules_told=True,
                                started_at=now - timedelta(minutes=30))
    extract = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密汇编")
    extract.sources.add(copy)
    return dict(lost=lost, copy=copy, extract=extract, handover=handover, now=now)


def people(report):
    return {(row.carrier.registry_number, row.person.username, str(row.how)) for row in report.rows}


def test_who_could_have_seen_it(org, history):
    lost, copy, extract = history["lost"], history["copy"], history["extract"]
    report = exposure_report(user=org.secretary, carrier_id=lost.pk)
    assert [c.pk for c in report.carriers] == [lost.pk, copy.pk, extract.pk] and report.hidden == 0
    assert people(report) == {
        (lost.registry_number, "secretary", "Accountable holder"),
        (lost.registry_number, "staff_core", "Accountable holder"),
        (lost.registry_number, "staff_important", "Read it in a reading place"),
        (lost.registry_number, "head_res", "Read it in a reading place"),
        (lost.registry_number, "head_res", "Circulation reader"),
        (copy.registry_number, "secretary", "Accountable holder"),
        (copy.registry_number, "clerk", "Read it in a reading place"),
        (extract.registry_number, "secretary", "Accountable holder"),
    }
    holders = [row for row in report.rows if row.carrier == lost and str(row.how) == "Accountable holder"]
    assert holders[0].until == holders[1].since  # custody passes at the handover's completion
    assert f"Handover #{history['handover'].pk}" in holders[1].evidence


def test_a_window_leaves_out_what_happened_outside_it(org, history):
    now = history["now"]
    report = exposure_report(user=org.secretary, carrier_id=history["lost"].pk, start=now - timedelta(days=30), end=now)
    assert (history["lost"].registry_number, "head_res", "Read it in a reading place") not in people(report)
    assert (history["lost"].registry_number, "staff_important", "Read it in a reading place") in people(report)
    later = exposure_report(user=org.secretary, carrier_id=history["lost"].pk, start=now + timedelta(days=1))
    # only what is still going on: current holders and the open circulation and session
    assert all(row.until is None for row in later.rows)


def test_limited_to_what_the_reader_may_see(org, history):
    report = exposure_report(user=org.clerk, carrier_id=history["lost"].pk)  # cleared for Secret only
    assert history["extract"].pk not in {c.pk for c in report.carriers} and report.hidden == 1
    assert all(row.carrier.level <= Level.SECRET for row in report.rows)
    response = page(org.clerk).get(PAGE, {"carrier": history["lost"].registry_number})
    body = response.content.decode()
    assert response.status_code == 200 and history["extract"].registry_number not in body
    assert "1 copy or extract of it you may not open is left out." in body
    # asking for the Top Secret extract itself: as if it did not exist
    for number in (history["extract"].registry_number, "U-1999-999999"):
        response = page(org.clerk).get(PAGE, {"carrier": number})
        assert response.status_code == 400 and "No carrier you may open has this registry number." in \
            response.content.decode()
    assert page(org.staff_core).get(PAGE, {"carrier": history["lost"].registry_number}).status_code == 403
    assert page(org.other_secretary).get(PAGE, {"carrier": history["lost"].registry_number}).status_code == 400


def test_page_csv_and_pdf(org, history):
    lost = history["lost"]
    response = page(org.secretary).get(PAGE, {"carrier": lost.registry_number, "date_from": "2000-01-01"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "staff_important-name" in body and "Circulation reader" in body and history["extract"].registry_number in body
    before = audit_count_but_security()
    csv = page(org.secretary).get("/registers/exposure.csv", {"carrier": lost.registry_number, "lang": "en"})
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert "staff_core-name" in text and "Read it in a reading place" in text and "clerk-name" in text
    assert audit_count_but_security() == before + 1  # the export is recorded
    pdf = page(org.secretary).get("/registers/exposure.pdf", {"carrier": lost.registry_number, "lang": "zh-hans"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = page(org.secretary).get(PAGE, {"carrier": lost.registry_number, "date_from": "2026-02-31"})
    assert bad.status_code == 400
    blank = page(org.secretary).get(PAGE, {"carrier": " "})
    assert blank.status_code == 400 and "Give the registry number of the carrier." in blank.content.decode()
    assert page(org.secretary).get(PAGE).status_code == 200  # the empty form
