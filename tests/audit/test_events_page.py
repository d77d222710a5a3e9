"""The audit trail page on the lists' table (django-tables2, decision 0026; issue 18): newest first,
sortable by the trail's order only (a ?sort= naming anything else is ignored), a capped pager, each
event's signature linked, and one query a page however many events it shows."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from common.levels import Level
from tests.factories import register


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def seqs(html: str) -> list[int]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [int(n) for n in re.findall(r'<tr[^>]*>\s*<td[^>]*>(\d+)</td>', body)]


@pytest.mark.django_db
def test_newest_first_sortable_by_sequence_and_junk_sort_ignored(org):
    for n in range(3):
        register(org.secretary, container=org.cabinet, level=Level.SECRET, title=f"memo {n}")
    client = logged_in(org.auditor)
    html = client.get("/audit/").content.decode()
    shown = seqs(html)
    assert len(shown) > 3 and shown == sorted(shown, reverse=True)
    ascending = seqs(client.get("/audit/?sort=seq").content.decode())
    assert ascending == sorted(shown)
    assert seqs(client.get("/audit/?sort=-at").content.decode()) == shown
    for junk in ("actor_name", "details__x", "-hash", "password"):
        response = client.get(f"/audit/?sort={junk}")
        assert response.status_code == 200 and seqs(response.content.decode()) == shown, junk
    # the filters keep the order, the order keeps the filters
    html = client.get("/audit/?sort=seq&action=signature.made").content.decode()
    assert 'name="sort" value="seq"' in html
    assert 'class="sig"' in html  # a signature event links its signature


@pytest.mark.django_db
def test_one_page_costs_the_same_queries_for_few_and_many_events(org):
    client = logged_in(org.auditor)
    register(org.secretary, container=org.cabinet, level=Level.SECRET, title="first")
    client.get("/audit/")  # warm the caches of the session and the gate
    with CaptureQueriesContext(connection) as few:
        assert client.get("/audit/").status_code == 200
    for n in range(6):
        register(org.secretary, container=org.cabinet, level=Level.SECRET, title=f"more {n}")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/audit/").content.decode()
    assert len(seqs(html)) >= 12 and html.count('class="sig"') >= 6
    assert len(many.captured_queries) == len(few.captured_queries), [q["sql"][:120] for q in many.captured_queries]


@pytest.mark.django_db
def test_the_pager_keeps_filters_and_order(org):
    from audit import services as audit

    for n in range(110):  # more than a page of 100
        audit.record(actor=org.secretary, action="list.exported", details={"list": "alerts", "n": n})
    client = logged_in(org.auditor)
    first = client.get("/audit/?sort=seq")
    html = first.content.decode()
    assert 'class="pager"' in html
    link = re.search(r'<a href="\?([^"]*page=2[^"]*)">', html).group(1).replace("&amp;", "&")
    assert "sort=seq" in link
    second = seqs(client.get(f"/audit/?{link}").content.decode())
    assert second and min(second) > max(seqs(html))
    assert client.get("/audit/?page=abc").status_code == 200  # the nearest page, as the lists do
