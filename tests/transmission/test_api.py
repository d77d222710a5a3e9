"""/api/v1/dispatches/: create, receive, resolve, the registers; 201/400/403/404/409/422 with
readable messages, never 500; Idempotency-Key; who sees what."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from audit.selectors import verify_chain
from carriers.models import Carrier
from carriers.transmission.models import Dispatch, DispatchDiscrepancy
from tests.factories import audit_count_but_security, register

from .helpers import receive, send

URL = "/api/v1/dispatches/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(org, listed, **extra):
    data = {"recipient": org.other_secretary.pk, "carriers": [c.pk for c in listed], "declared_count": len(listed),
            "channel": "confidential_courier", "password": org.password}
    data.update(extra)
    return data


def test_create_receive_and_read_both_signatures(org, outbound):
    sender, recipient = client_for(org.secretary), client_for(org.other_secretary)
    resp = sender.post(URL, body(org, outbound[:2], note="第一批"), format="json")
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["number"].startswith("U-FS-") and data["status"] == "in_transit"
    assert data["channel_label"] == "Confidential courier" and data["level"] == "SECRET"
    assert data["receiving_unit"]["code"] == "X" and data["recipient"]["username"] == "other_secretary"
    assert data["sender_signature"]["printed_name"] == "secretary-name" and data["recipient_signature"] is None
    assert {c["state"] for c in data["carriers"]} == {"in_transit"} and data["carrier_count"] == 2

    # the recipient sees it (and the carriers, distributed to their unit) before receipt
    assert recipient.get(f"{URL}{data['id']}/").status_code == 200
    resp = recipient.post(f"{URL}{data['id']}/receive/",
                          {"counted_count": 2, "container": org.other_safe.pk, "password": org.password}, format="json")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["status"] == "received" and data["receipt_number"].startswith("X-SW-")
    assert data["recipient_signature"]["printed_name"] == "other_secretary-name"
    assert data["recipient_signature"]["meaning"] == "received"
    assert {c["state"] for c in data["carriers"]} == {"received"}
    carrier = recipient.get(f"/api/v1/carriers/{outbound[0].pk}/").json()
    assert carrier["holder"]["id"] == org.other_secretary.pk and carrier["status"] == "in_custody"
    # receiving twice: 409 with the reason
    again = recipient.post(f"{URL}{data['id']}/receive/",
                           {"counted_count": 2, "container": org.other_safe.pk, "password": org.password}, format="json")
    assert again.status_code == 409 and "already been received" in again.json()["detail"]
    assert verify_chain().ok


def test_idempotent_retry_of_dispatch_creates_nothing_twice(org, outbound):
    sender = client_for(org.secretary)
    first = sender.post(URL, body(org, outbound[:2]), format="json", HTTP_IDEMPOTENCY_KEY="fs-1")
    assert first.status_code == 201
    events = audit_count_but_security()
    again = sender.post(URL, body(org, outbound[:2]), format="json", HTTP_IDEMPOTENCY_KEY="fs-1")
    assert again.status_code == 201 and again.json() == first.json() and again["Idempotent-Replay"] == "true"
    assert Dispatch.objects.count() == 1 and audit_count_but_security() == events
    other = sender.post(URL, body(org, outbound[2:]), format="json", HTTP_IDEMPOTENCY_KEY="fs-1")
    assert other.status_code == 422 and Dispatch.objects.count() == 1


def test_idempotent_retry_of_receipt(org, outbound):
    sent = send(org, outbound[:1])
    recipient = client_for(org.other_secretary)
    payload = {"counted_count": 1, "container": org.other_safe.pk, "password": org.password}
    # a refused attempt records nothing: the same key works once corrected
    bad = recipient.post(f"{URL}{sent.pk}/receive/", {**payload, "counted_count": 2}, format="json",
                         HTTP_IDEMPOTENCY_KEY="sw-1")
    assert bad.status_code == 400
    ok = recipient.post(f"{URL}{sent.pk}/receive/", payload, format="json", HTTP_IDEMPOTENCY_KEY="sw-1")
    assert ok.status_code == 200
    events = AuditEvent.objects.count()
    replay = recipient.post(f"{URL}{sent.pk}/receive/", payload, format="json", HTTP_IDEMPOTENCY_KEY="sw-1")
    assert replay.status_code == 200 and replay.json() == ok.json() and AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("change", "status", "expected"),
    [
        ({"channel": "ordinary_mail"}, 403, "never sent by ordinary mail"),
        ({"channel": "carrier_pigeon"}, 400, "channel"),
        ({"declared_count": 3}, 400, "does not match the 2 carriers"),
        ({"channel": "hand_delivery"}, 400, "courier"),
        ({"is_abroad": True}, 403, "diplomatic courier"),
        ({"password": "wrong"}, 400, "password"),
        ({"colour": "red"}, 400, "colour"),
        ({"carriers": []}, 400, "carriers"),
        ({"carriers": [2**70]}, 400, "carriers"),
        ({"recipient": 2**70}, 400, "recipient"),
        ({"recipient": "abc"}, 400, "recipient"),
        ({"receiving_unit": 2**70}, 400, "receiving_unit"),
        ({"declared_count": -1}, 400, "declared_count"),
        ({"note": "a\x00b"}, 400, "note"),
    ],
)
def test_create_refusals_are_readable_and_write_nothing(org, outbound, change, status, expected):
    events = audit_count_but_security()
    resp = client_for(org.secretary).post(URL, body(org, outbound[:2], **change), format="json")
    assert resp.status_code == status, resp.content
    assert expected in resp.content.decode()
    assert Dispatch.objects.count() == 0 and audit_count_but_security() == events
    assert set(Carrier.objects.values_list("status", flat=True)) == {"in_custody"}


def test_create_refusals_for_scope_role_recipient_and_approval(org, outbound, x_staff, abroad_approval):
    sender = client_for(org.secretary)
    in_unit_only = register(org.secretary, container=org.cabinet, copy_number="000003", title="仅限本单位")
    resp = sender.post(URL, body(org, [in_unit_only]), format="json")
    assert resp.status_code == 403 and in_unit_only.registry_number in resp.json()["detail"]
    # a person of another unit who is neither its secrecy office nor named anywhere is not offered
    resp = sender.post(URL, body(org, outbound[:1], recipient=x_staff.pk), format="json")
    assert resp.status_code == 400 and "recipient" in resp.json()
    # the recipient's unit given wrongly
    resp = sender.post(URL, body(org, outbound[:1], receiving_unit=org.unit.pk), format="json")
    assert resp.status_code == 400 and "receiving_unit" in resp.json()
    # a staff member (who cannot even see these carriers) cannot dispatch them
    resp = client_for(org.staff_core).post(URL, body(org, outbound[:1]), format="json")
    assert resp.status_code == 400 and "carriers" in resp.json()
    # the clerk sees them (unit-wide) but does not hold them
    resp = client_for(org.clerk).post(URL, body(org, outbound[:1]), format="json")
    assert resp.status_code == 409 and "do not hold" in resp.json()["detail"]
    # abroad with an approval: once; the second use is 409
    resp = sender.post(URL, body(org, outbound[:1], is_abroad=True, approval=abroad_approval.pk), format="json")
    assert resp.status_code == 201 and resp.json()["approval"] == abroad_approval.pk
    resp = sender.post(URL, body(org, outbound[1:2], is_abroad=True, approval=abroad_approval.pk), format="json")
    assert resp.status_code == 409 and "already been used" in resp.json()["detail"]
    # a carrier already in transit: 409
    resp = sender.post(URL, body(org, outbound[:1]), format="json")
    assert resp.status_code == 409


def test_receive_refusals(org, outbound, x_staff):
    sent = send(org, outbound[:2])
    url = f"{URL}{sent.pk}/receive/"
    payload = {"counted_count": 2, "container": org.other_safe.pk, "password": org.password}
    events = audit_count_but_security()
    recipient = client_for(org.other_secretary)
    resp = recipient.post(url, {**payload, "counted_count": 1}, format="json")
    assert resp.status_code == 400 and "nothing was signed" in resp.json()["counted_count"][0]
    resp = recipient.post(url, {**payload, "carriers": [outbound[0].pk]}, format="json")
    assert resp.status_code == 400 and "does not match the list" in resp.json()["counted_count"][0]
    resp = recipient.post(url, {**payload, "carriers": [2**70]}, format="json")
    assert resp.status_code == 400 and "carriers" in resp.json()
    resp = recipient.post(url, {**payload, "carriers": [outbound[2].pk], "discrepancy_note": "x"}, format="json")
    assert resp.status_code == 400 and "not on this dispatch" in resp.json()["carriers"][0]
    resp = recipient.post(url, {**payload, "extra": 1}, format="json")
    assert resp.status_code == 400 and "extra" in resp.json()
    resp = recipient.post(url, {**payload, "container": org.cabinet.pk}, format="json")
    assert resp.status_code == 400 and "container" in resp.json()  # another unit's container is not offered
    resp = recipient.post(url, {**payload, "counted_count": "many"}, format="json")
    assert resp.status_code == 400
    resp = recipient.post(url, ["not", "an", "object"], format="json")
    assert resp.status_code == 400
    # the sender may see it but is not the recipient: 403; anybody unrelated: 404
    resp = client_for(org.secretary).post(url, payload, format="json")
    assert resp.status_code == 403 and "recipient" in resp.json()["detail"]
    for outsider in (x_staff, org.staff_general, org.staff_core):
        resp = client_for(outsider).post(url, payload, format="json")
        assert resp.status_code == 404 and resp.json() == {"detail": "Not found.", "code": "not_found"}
    assert client_for(org.other_secretary).post(f"{URL}99999999999999999999/receive/", payload,
                                                format="json").status_code == 404
    assert client_for(org.other_secretary).post(f"{URL}999999999999999999/receive/", payload,
                                                format="json").status_code == 404
    assert audit_count_but_security() == events
    assert Dispatch.objects.get(pk=sent.pk).status == "in_transit"


def test_discrepancy_and_resolution_over_the_api(org, outbound):
    sent = send(org, outbound)
    recipient = client_for(org.other_secretary)
    resp = recipient.post(f"{URL}{sent.pk}/receive/", {
        "counted_count": 3, "carriers": [outbound[0].pk, outbound[1].pk], "unexpected": ["不明文件一份"],
        "discrepancy_note": "少一份，多一份", "container": org.other_safe.pk, "password": org.password,
    }, format="json")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["status"] == "discrepancy"
    kinds = {d["kind"]: d for d in data["discrepancies"]}
    assert set(kinds) == {"missing", "unexpected"}
    assert kinds["missing"]["carrier"]["registry_number"] == outbound[2].registry_number
    states = {c["registry_number"]: c["state"] for c in data["carriers"]}
    assert states[outbound[2].registry_number] == "missing" and states[outbound[0].registry_number] == "received"

    url = f"{URL}{sent.pk}/resolve/"
    missing = kinds["missing"]["id"]
    resp = recipient.post(url, {"discrepancy": missing, "resolution": "returned", "note": "x", "password": org.password},
                          format="json")
    assert resp.status_code == 403 and "sending unit" in resp.json()["detail"]
    resp = recipient.post(url, {"discrepancy": 2**70, "resolution": "lost", "note": "x", "password": org.password},
                          format="json")
    assert resp.status_code == 400
    resp = recipient.post(url, {"discrepancy": 999999, "resolution": "lost", "note": "x", "password": org.password},
                          format="json")
    assert resp.status_code == 404
    resp = recipient.post(url, {"discrepancy": missing, "resolution": "vanished", "note": "x", "password": org.password},
                          format="json")
    assert resp.status_code == 400 and "resolution" in resp.json()
    resp = client_for(org.secretary).post(url, {"discrepancy": missing, "resolution": "lost", "note": "途中遗失",
                                                "password": org.password}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert resp.status_code == 200, resp.content
    row = next(d for d in resp.json()["discrepancies"] if d["id"] == missing)
    assert row["resolution"] == "lost" and row["resolved_by"]["username"] == "secretary"
    assert resp.json()["status"] == "discrepancy"  # the unexpected item is still open
    resp = recipient.post(url, {"discrepancy": missing, "resolution": "lost", "note": "x", "password": org.password},
                          format="json")
    assert resp.status_code == 409
    resp = recipient.post(url, {"discrepancy": kinds["unexpected"]["id"], "resolution": "returned",
                                "note": "已退回来文单位", "password": org.password}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "resolved"
    assert Carrier.objects.get(pk=outbound[2].pk).status == "lost"
    assert DispatchDiscrepancy.objects.filter(resolution="").count() == 0
    assert verify_chain().ok


def test_visibility_of_dispatches_and_carriers(org, outbound, x_staff):
    sent = send(org, outbound[:2])
    detail = f"{URL}{sent.pk}/"
    for user in (org.secretary, org.clerk, org.auditor, org.other_secretary):
        assert client_for(user).get(detail).status_code == 200, user
    for user in (x_staff, org.staff_core, org.staff_general, org.head_res, org.departed):
        resp = client_for(user).get(detail)
        assert resp.status_code in (403, 404), user
        assert sent.number not in resp.content.decode()
        assert sent.number not in client_for(user).get(URL).content.decode()
    receive(org, sent)
    # after receipt the receiving office sees the carriers as held by its clerk; X's staff still do not
    office = client_for(org.other_secretary)
    listed = office.get("/api/v1/carriers/", {"holder": org.other_secretary.pk}).json()
    assert {c["id"] for c in listed["results"]} == {outbound[0].pk, outbound[1].pk}
    assert client_for(x_staff).get(f"/api/v1/carriers/{outbound[0].pk}/").status_code == 404
    assert client_for(x_staff).get(detail).status_code == 404
    assert client_for(org.other_secretary).get(f"{URL}99999999999999999999/").status_code == 404
    assert client_for(org.other_secretary).get(f"{URL}abc/").status_code == 404


def test_registers_by_direction_unit_period_and_status(org, outbound):
    first = send(org, outbound[:1])
    second = send(org, outbound[1:2])
    receive(org, first)
    sender, office = client_for(org.secretary), client_for(org.other_secretary)
    sent = sender.get(URL, {"direction": "sent", "unit": org.unit.pk}).json()
    assert [d["number"] for d in sent["results"]] == [second.number, first.number]
    received = office.get(URL, {"direction": "received"}).json()
    assert [d["number"] for d in received["results"]] == [first.number]
    assert [d["number"] for d in sender.get(URL, {"status": "in_transit"}).json()["results"]] == [second.number]
    assert sender.get(URL, {"since": "2999-01-01"}).json()["count"] == 0
    assert sender.get(URL, {"q": first.number}).json()["count"] == 1
    for bad in ({"status": "nonsense"}, {"since": "yesterday"}, {"unit": 2**70}, {"direction": "sideways"}):
        assert sender.get(URL, bad).status_code == 400, bad


def test_registers_selectors_are_set_based(org, outbound, django_assert_max_num_queries):
    from carriers.transmission import selectors

    for carrier in outbound:
        receive(org, send(org, [carrier]))
    with django_assert_max_num_queries(6):
        rows = list(selectors.dispatch_register(user=org.secretary))
        assert [len(r.handover.visible_items) for r in rows] == [1, 1, 1]
    with django_assert_max_num_queries(6):
        rows = list(selectors.receipt_register(user=org.other_secretary))
        assert [r.receipt_number[-1] for r in rows] == ["1", "2", "3"]
    assert list(selectors.receipt_register(user=org.secretary)) == []  # U received nothing


def test_recipients_endpoint(org, x_staff):
    resp = client_for(org.secretary).get(f"{URL}recipients/")
    assert resp.status_code == 200
    rows = {r["username"]: r for r in resp.json()}
    assert "other_secretary" in rows and rows["other_secretary"]["unit"]["code"] == "X"
    assert rows["other_secretary"]["is_secrecy_office"] is True
    assert "x_staff" not in rows and "clerk" not in rows  # not addressed; own unit by handover


def test_unauthenticated_is_refused(db):
    assert APIClient().get(URL).status_code == 401
