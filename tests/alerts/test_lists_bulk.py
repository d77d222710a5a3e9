"""The alerts list as a sortable table (issue 18, item 3), its export, and the bulk
acknowledgement: a preview, one signature for the batch, all or nothing."""

import csv
import io

from django.test import Client

from alerts.models import Alert
from audit.models import AuditEvent, Signature
from tests.alerts.test_api_html import alerts  # noqa: F401, F811 - the fixture
from tests.factories import audit_count_but_security


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_alerts_sort_and_export_through_the_gate(org, alerts):  # noqa: F811
    mine, staffs = alerts
    client = logged_in(org.secretary)
    page = client.get("/alerts/?sort=-severity")
    assert page.status_code == 200 and 'aria-sort="descending"' in page.content.decode()
    assert client.get("/alerts/?sort=recipients__password").status_code == 200
    rows = list(csv.reader(io.StringIO(client.get("/lists/alerts/export.csv").content.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[0][0] == "Kind" and "Acknowledge" not in rows[0]
    # staff_core sees only the alert they are responsible for, in the page and in the export
    rows = list(csv.reader(io.StringIO(logged_in(org.staff_core).get("/lists/alerts/export.csv").content.decode("utf-8-sig"))))
    assert len(rows) == 2 and staffs.target_label in rows[1]
    assert AuditEvent.objects.filter(action="list.exported", details__list="alerts").count() == 2


def test_bulk_acknowledge_signed_once_all_or_nothing(org, alerts):  # noqa: F811
    mine, staffs = alerts
    # the head of Research sees staff_core's alert but may not acknowledge it: refused with the reason
    before = (audit_count_but_security(), Signature.objects.count())
    client = logged_in(org.head_res)
    response = client.post("/lists/alerts/bulk/", {"action": "acknowledge", "ids": [mine.pk, staffs.pk],
                                                   "password": org.password})
    html = response.content.decode()
    assert response.status_code == 409 and 'class="refused"' in html and "Nothing was done" in html
    assert mine.target_label not in html  # not visible to them: dropped as if never sent
    # the wrong password: 400
    client = logged_in(org.staff_core)
    response = client.post("/lists/alerts/bulk/", {"action": "acknowledge", "ids": [staffs.pk], "password": "wrong"})
    assert response.status_code == 400
    assert (audit_count_but_security(), Signature.objects.count()) == before
    assert Alert.objects.filter(status="acknowledged").count() == 0

    client = logged_in(org.secretary)
    preview = client.get("/lists/alerts/bulk/", {"action": "acknowledge", "ids": [mine.pk, staffs.pk]})
    assert preview.status_code == 200 and 'class="refused"' not in preview.content.decode()
    response = client.post("/lists/alerts/bulk/", {"action": "acknowledge", "ids": [mine.pk, staffs.pk],
                                                   "comment": "Seen", "password": org.password})
    assert response.status_code == 302
    assert Alert.objects.filter(status="acknowledged", acknowledged_by=org.secretary).count() == 2
    assert Signature.objects.count() == before[1] + 1
    # again: both are no longer open; the reason per alert, nothing done
    response = client.post("/lists/alerts/bulk/", {"action": "acknowledge", "ids": [mine.pk, staffs.pk],
                                                   "password": org.password})
    assert response.status_code == 409 and "already been acknowledged" in response.content.decode()


def queries_of(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: the session's first read, the menu's counters
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_alerts_page_takes_no_query_per_row(org, alerts, carriers, expire, today, run):  # noqa: F811
    from datetime import timedelta

    two = queries_of(logged_in(org.secretary), "/alerts/?sort=due_on")
    assert two > 5, "the page's queries were not seen"
    for carrier in carriers[1:]:
        expire(carrier, today - timedelta(days=2))
    run("secrecy_ended")
    assert Alert.objects.count() == 5
    assert queries_of(logged_in(org.secretary), "/alerts/?sort=due_on") <= two
