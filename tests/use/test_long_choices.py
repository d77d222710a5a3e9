"""Forms at a large registry (issue 18, item 8): a carrier field offering more carriers than
settings.REGISTRY["CARRIER_CHOICE_CAP"] is a box for registry numbers (typed or scanned) instead of a
select of every carrier (30 s to draw at 100,000 in bench/pages.py); a number outside the choices
is refused like a missing one; "my carriers" shows a page at a time."""

import re

import pytest
from django.test import Client

from carriers.use import views
from carriers.use.models import Loan
from common.levels import Level
from tests.factories import register


@pytest.fixture
def small_cap(settings):
    settings.REGISTRY = {**settings.REGISTRY, "CARRIER_CHOICE_CAP": 2}


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_few_carriers_are_still_a_select(org, docs):
    html = client_for(org.staff_core).get("/use/loans/new/").content.decode()
    assert '<select name="carrier"' in html and docs[0].registry_number in html


def test_more_than_the_cap_is_a_box_for_the_registry_number(org, docs, small_cap):
    borrower = client_for(org.staff_core)
    html = borrower.get(f"/use/loans/new/?carrier={docs[1].pk}").content.decode()
    assert '<select name="carrier"' not in html
    assert 'type="text" name="carrier"' in html and f'value="{docs[1].registry_number}"' in html
    assert docs[0].registry_number not in html  # the others are not listed
    assert "scan the label" in html
    resp = borrower.post("/use/loans/new/", {"carrier": docs[1].registry_number, "purpose": "项目研究"})
    assert resp.status_code == 302
    assert Loan.objects.get().carrier == docs[1]


def test_a_number_outside_the_choices_is_refused_like_a_missing_one(org, docs, small_cap):
    hidden = register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_departments=[org.gen],
                      title="综合处文件")
    borrower = client_for(org.staff_core)
    answers = []
    for number in (hidden.registry_number, "U-1999-999999"):
        resp = borrower.post("/use/loans/new/", {"carrier": number, "purpose": "项目研究"})
        assert resp.status_code == 400
        html = resp.content.decode()
        assert "not one of the available choices" in html and hidden.title not in html
        answers.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.replace(number, "N")))
    assert answers[0] == answers[1]
    assert not Loan.objects.exists()


def test_a_long_multiple_choice_takes_numbers_one_per_line(org, small_cap):
    from carriers.transmission.forms import DispatchForm

    outbound = [register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}",
                         scope_units=[org.other_unit], title=f"发往乙单位的文件{i}") for i in (1, 2, 3)]
    form = DispatchForm(user=org.secretary)
    assert "<textarea" in str(form["carriers"]) and outbound[0].title not in str(form["carriers"])
    form = DispatchForm({"carriers": f"{outbound[0].registry_number}\n{outbound[2].registry_number}, "},
                        user=org.secretary)
    form.is_valid()
    assert "carriers" not in form.errors, form.errors
    assert set(form.cleaned_data["carriers"]) == {outbound[0], outbound[2]}
    form = DispatchForm({"carriers": f"{outbound[0].registry_number} U-1999-999999"}, user=org.secretary)
    form.is_valid()
    assert "U-1999-999999 is not one of the available choices" in str(form.errors["carriers"])


def test_my_carriers_shows_a_page_at_a_time(org, docs, monkeypatch):
    monkeypatch.setattr(views, "MY_CARRIERS_PAGE", 2)
    office = client_for(org.secretary)
    first = office.get("/use/").content.decode()
    assert "Page 1 of 2" in first and "3 carriers" in first
    second = office.get("/use/?page=2").content.decode()
    shown = [d.registry_number for d in docs if d.registry_number in first]
    assert len(shown) == 2 and [d.registry_number for d in docs if d.registry_number in second] \
        == [d.registry_number for d in docs if d.registry_number not in shown]
    assert office.get("/use/?page=abc").status_code == 200  # the first page, not an error
