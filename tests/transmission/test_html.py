"""The pages, through Django's test client: the dispatch form with its scope and channel checks,
the recipient's inbox with count-and-sign, the detail with both signatures and the discrepancy
resolution; refusals written on the form, nothing changed; 404 for outsiders; Chinese."""

import re

import pytest
from django.test import Client

from carriers.models import Carrier
from carriers.transmission.models import Dispatch, DispatchDiscrepancy
from tests.factories import audit_count_but_security, register

from .helpers import receive, send


def logged_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def dispatch_form(org, carriers, **overrides):
    data = {"recipient": str(org.other_secretary.pk), "carriers": [str(c.pk) for c in carriers],
            "declared_count": str(len(carriers)), "channel": "confidential_courier", "password": org.password}
    data.update(overrides)
    return data


def test_dispatch_form_lists_what_may_be_sent(org, outbound):
    html = logged_in(org.secretary).get("/dispatches/new/").content.decode()
    assert "other_secretary-name (other_secretary) · Unit X" in html
    for carrier in outbound:
        assert f"{carrier.registry_number} · Secret★10 years" in html and "→ X" in html
    assert "Ordinary mail (never permitted)" in html and "Diplomatic courier" in html
    assert "clerk-name" not in html.split('id="id_recipient"')[1].split("</select>")[0]  # own unit: by handover


def test_dispatch_form_only_for_the_secrecy_office(org):
    assert logged_in(org.staff_core).get("/dispatches/new/").status_code == 403
    assert logged_in(org.auditor).post("/dispatches/new/", {}).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "status", "field", "text"),
    [
        ({"channel": "ordinary_mail"}, 403, "channel", "never sent by ordinary mail"),
        ({"channel": "hand_delivery"}, 400, "courier", "Name the cleared staff member"),
        ({"is_abroad": "on"}, 403, "channel", "diplomatic courier"),
        ({"declared_count": "3"}, 400, "declared_count", "does not match the 2 carriers"),
        ({"password": "nope"}, 400, "password", "password is not correct"),
    ],
)
def test_dispatch_refusals_show_on_the_form(org, outbound, overrides, status, field, text):
    events = audit_count_but_security()
    resp = logged_in(org.secretary).post("/dispatches/new/", dispatch_form(org, outbound[:2], **overrides))
    assert resp.status_code == status
    html = resp.content.decode()
    assert "Nothing was dispatched" in html
    if status == 403:  # a refusal (not a field error) heads the form
        where = re.search(r'<div class="errors" role="alert">.*?</div>', html, re.S).group(0)
    else:
        where = re.search(rf'id="field-{field}".*?</div>', html, re.S).group(0)
    assert text in where
    assert Dispatch.objects.count() == 0 and audit_count_but_security() == events


def test_out_of_scope_carrier_is_refused_on_the_form(org, outbound):
    in_unit_only = register(org.secretary, container=org.cabinet, title="仅限本单位")
    resp = logged_in(org.secretary).post("/dispatches/new/", dispatch_form(org, [outbound[0], in_unit_only]))
    assert resp.status_code == 403
    assert f"outside the distribution scope of {in_unit_only.registry_number}" in resp.content.decode()
    assert Dispatch.objects.count() == 0


def test_dispatch_inbox_count_and_sign(org, outbound):
    sender = logged_in(org.secretary)
    resp = sender.post("/dispatches/new/", dispatch_form(org, outbound[:2], note="年度计划"))
    sent = Dispatch.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/dispatches/{sent.pk}/"
    html = sender.get(resp["Location"]).content.decode()
    assert sent.number in html and "secretary-name" in html and "Handed over" in html and "Not signed yet" in html
    assert "Count and sign" not in html  # the sender does not receive

    office = logged_in(org.other_secretary)
    inbox = office.get("/dispatches/").content.decode()
    assert sent.number in inbox and f"/dispatches/{sent.pk}/receive/" in inbox
    nav = office.get("/dispatches/").content.decode().split('class="mainnav"')[1].split("</nav>")[0]
    assert "Dispatch and receipt" in nav and re.search(r"Dispatches waiting for you[^>]*>1<", nav)

    page = office.get(f"/dispatches/{sent.pk}/receive/").content.decode()
    assert "Count and sign" in page and outbound[0].registry_number in page
    form = {"carriers": [str(outbound[0].pk), str(outbound[1].pk)], "counted_count": "1",
            "container": str(org.other_safe.pk), "password": org.password}
    events = audit_count_but_security()
    refused = office.post(f"/dispatches/{sent.pk}/receive/", form)
    assert refused.status_code == 400 and "nothing was signed" in refused.content.decode()
    assert audit_count_but_security() == events
    done = office.post(f"/dispatches/{sent.pk}/receive/", {**form, "counted_count": "2"})
    assert done.status_code == 302
    html = office.get(f"/dispatches/{sent.pk}/").content.decode()
    assert "Received and counted" in html and "other_secretary-name" in html and "X-SW-" in html
    assert html.count('class="sig"') >= 2
    for carrier in Carrier.objects.filter(pk__in=[c.pk for c in outbound[:2]]):
        assert carrier.holder == org.other_secretary and carrier.status == "in_custody"
    # receiving again from the page: back to the detail, nothing more
    assert office.get(f"/dispatches/{sent.pk}/receive/").status_code == 302
    assert office.post(f"/dispatches/{sent.pk}/receive/", {**form, "counted_count": "2"}).status_code == 302
    assert Dispatch.objects.get().receipt_number.endswith("000001")


def test_discrepancy_recorded_and_resolved_on_the_pages(org, outbound):
    sent = send(org, outbound)
    office = logged_in(org.other_secretary)
    resp = office.post(f"/dispatches/{sent.pk}/receive/", {
        "carriers": [str(outbound[0].pk), str(outbound[1].pk)], "counted_count": "2",
        "discrepancy_note": "封套内只有两份", "container": str(org.other_safe.pk), "password": org.password,
    })
    assert resp.status_code == 302
    html = office.get(f"/dispatches/{sent.pk}/").content.decode()
    assert "Discrepancy unresolved" in html and "Listed carrier missing" in html and "Missing, unresolved" in html
    row = DispatchDiscrepancy.objects.get()
    assert f'id="resolve-{row.pk}"' in html
    # the sending office hears of it in its inbox
    inbox = logged_in(org.secretary).get("/dispatches/").content.decode()
    assert "A dispatch was received with a discrepancy" in inbox and sent.number in inbox
    url = f"/dispatches/{sent.pk}/discrepancies/{row.pk}/resolve/"
    refused = office.post(url, {"resolution": "found", "note": "找到了", "password": org.password})
    assert refused.status_code == 400 and "Choose the container" in refused.content.decode()
    refused = office.post(url, {"resolution": "returned", "note": "退回", "password": org.password})
    assert refused.status_code == 403 and "sending unit" in refused.content.decode()
    ok = office.post(url, {"resolution": "found", "note": "夹在另一封中", "container": str(org.other_safe.pk),
                           "password": org.password})
    assert ok.status_code == 302
    html = office.get(f"/dispatches/{sent.pk}/").content.decode()
    assert "Discrepancy resolved" in html and "Found and received" in html and "夹在另一封中" in html
    assert Carrier.objects.get(pk=outbound[2].pk).holder == org.other_secretary


def test_outsiders_get_404_and_registers_list_what_is_visible(org, outbound, x_staff):
    sent = send(org, outbound[:1])
    for user in (x_staff, org.staff_core):
        client = logged_in(user)
        assert client.get(f"/dispatches/{sent.pk}/").status_code == 404
        assert client.get(f"/dispatches/{sent.pk}/receive/").status_code == 404
        assert client.post(f"/dispatches/{sent.pk}/discrepancies/1/resolve/", {}).status_code == 404
        assert sent.number not in client.get("/dispatches/register/?direction=sent").content.decode()
    assert logged_in(org.secretary).get("/dispatches/99999999999999999999/").status_code == 404
    register_page = logged_in(org.secretary).get("/dispatches/register/?direction=sent").content.decode()
    assert sent.number in register_page and "Dispatch register" in register_page
    assert logged_in(org.secretary).get("/dispatches/register/?status=nonsense").status_code == 400
    receive(org, sent)
    receipts = logged_in(org.other_secretary).get("/dispatches/register/?direction=received").content.decode()
    assert "Receipt register" in receipts and sent.number in receipts and "X-SW-" in receipts


def test_pages_read_in_chinese(org, outbound):
    sent = send(org, outbound[:1])
    office = logged_in(org.other_secretary, "zh-hans")
    office.cookies["django_language"] = "zh-hans"
    inbox = office.get("/dispatches/").content.decode()
    for term in ("收发与传递", "待签收", "清点并签收", "机要交通", "待您签收的发文"):
        assert term in inbox, term
    page = office.get(f"/dispatches/{sent.pk}/receive/").content.decode()
    for term in ("清点数量", "签收", "存放设施", "您的密码（签名）"):
        assert term in page, term
    sender = logged_in(org.secretary, "zh-hans")
    sender.cookies["django_language"] = "zh-hans"
    form = sender.get("/dispatches/new/").content.decode()
    for term in ("发文", "机要通信", "外交信使", "普通邮寄（一律禁止）", "知悉范围"):
        assert term in form, term
    refused = sender.post("/dispatches/new/", dispatch_form(org, outbound[1:2], channel="ordinary_mail"))
    assert "普通邮寄" in refused.content.decode() and "never" not in refused.content.decode()
