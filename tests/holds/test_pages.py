"""The pages of holds: the list, placing a hold (bad input answered 400 on the form, nothing
written), its page and lifting it with a signature, the carrier page's panel, and what a loss
incident's page offers the secrecy office."""

from django.test import Client

from audit.models import AuditEvent
from carriers.holds.models import Hold
from incidents import services as incidents


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_holds_to_the_office_and_to_nobody_else(org, held):
    page = login(org.secretary).get("/holds/")
    assert page.status_code == 200 and held.hold.number in page.content.decode()
    assert held.hold.number not in login(org.staff_core).get("/holds/").content.decode()
    assert held.hold.number not in login(org.other_secretary).get("/holds/").content.decode()
    assert login(org.staff_core).get(f"/holds/{held.hold.pk}/").status_code == 404
    assert login(org.secretary).get("/holds/?state=lifted").content.decode().count(held.hold.number) == 0


def test_placing_a_hold_on_the_page(org, held, audit_count):
    web = login(org.secretary)
    before = (audit_count(), Hold.objects.count())
    # an unknown number, a missing reason: 400 with the field's error, nothing written
    resp = web.post("/holds/new/", {"kind": "other", "reason": "核查", "carriers": "U-2026-999999"})
    assert resp.status_code == 400 and "U-2026-999999" in resp.content.decode()
    resp = web.post("/holds/new/", {"kind": "other", "reason": "", "carriers": held.free.registry_number})
    assert resp.status_code == 400
    assert (audit_count(), Hold.objects.count()) == before
    resp = web.post("/holds/new/", {"kind": "legal", "reason": "证据保全", "carriers": held.free.registry_number})
    assert resp.status_code == 302
    hold = Hold.objects.get(reason="证据保全")
    assert resp["Location"] == f"/holds/{hold.pk}/"
    assert held.free.registry_number in web.get(resp["Location"]).content.decode()
    assert login(org.staff_core).get("/holds/new/").status_code == 403


def test_the_carrier_page_shows_its_holds(org, held):
    html = login(org.staff_core).get(f"/carriers/{held.papers[0].pk}/").content.decode()
    assert held.hold.number in html and held.hold.reason in html and 'id="holds-panel"' in html
    assert "Place a hold" not in html
    office = login(org.secretary).get(f"/carriers/{held.free.pk}/").content.decode()
    assert "No holds." in office and "Place a hold" in office


def test_lifting_on_the_page_needs_the_password(org, held, audit_count):
    web = login(org.clerk)
    before = audit_count()
    resp = web.post(f"/holds/{held.hold.pk}/lift/", {"reason": "核查完毕", "password": "wrong"})
    assert resp.status_code == 400 and audit_count() == before and Hold.objects.get(pk=held.hold.pk).is_active
    resp = web.post(f"/holds/{held.hold.pk}/lift/", {"reason": "核查完毕", "password": org.password})
    assert resp.status_code == 302 and not Hold.objects.get(pk=held.hold.pk).is_active
    assert AuditEvent.objects.filter(action="hold.lifted").count() == 1
    resp = web.post(f"/holds/{held.hold.pk}/lift/", {"reason": "再次", "password": org.password})
    assert resp.status_code in (400, 403, 409)


def test_a_loss_incident_offers_to_hold_its_carriers(org, held):
    loss = incidents.report_incident(actor=org.staff_core, kind="loss", summary="遗失",
                                     carriers=[held.free, held.papers[0]])
    office = login(org.secretary)
    html = office.get(f"/incidents/{loss.pk}/").content.decode()
    assert 'id="hold-offer"' in html and held.free.registry_number in html
    form = office.get(f"/holds/new/?incident={loss.pk}").content.decode()
    assert held.free.registry_number in form and held.papers[0].registry_number not in form.split("<textarea")[-1]
    resp = office.post(f"/holds/new/?incident={loss.pk}", {"kind": "incident", "incident": loss.pk,
                                                           "reason": "遗失调查", "carriers": held.free.registry_number})
    assert resp.status_code == 302
    assert Hold.objects.get(incident=loss).carrier_count == 1
    # every carrier now held: nothing more to offer
    assert 'id="hold-offer"' not in office.get(f"/incidents/{loss.pk}/").content.decode()
    violation = incidents.report_incident(actor=org.staff_core, kind="violation", summary="违规")
    assert 'id="hold-offer"' not in office.get(f"/incidents/{violation.pk}/").content.decode()
    assert office.get("/holds/new/?incident=abc").status_code == 404
