"""Issue 17, item 5: an action that removes a clearance, closes an account or ends a record takes
the actor's signature (password, plus one-time code where enrolled), in the API and on the pages;
a date that must be in the future is refused when in the past (400, field error, both languages).
Refused requests change nothing (the refused password's own security record aside)."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.test import Client

from audit.models import Signature
from personnel import services
from personnel.models import Departure, Person
from tests.factories import PASSWORD, enrol_totp, totp_code

from .conftest import api, snapshot


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _state(user):
    """What a refused departure must leave as it was: the person, the account, the file."""
    return (snapshot(), Person.objects.get(user=user).status, get_user_model().objects.get(pk=user.pk).is_active,
            Signature.objects.count())


def _signatures(target_type, target_id):
    return list(Signature.objects.filter(target_type=target_type, target_id=str(target_id)).values_list(
        "signer_id", "meaning"))


# --- POST /people/{id}/depart/: removes the clearance and closes the account ------------------------


def test_a_direct_departure_without_the_password_changes_nothing(org):
    user = org.staff_general
    url = f"/api/v1/people/{user.pk}/depart/"
    before = _state(user)
    empty = api(org.secretary).post(url, {}, format="json")
    assert empty.status_code == 400 and "password" in empty.json(), empty.content
    wrong = api(org.secretary).post(url, {"password": "not-the-password"}, format="json")
    assert wrong.status_code == 400 and "password" in wrong.json(), wrong.content
    assert _state(user) == before


def test_a_direct_departure_is_signed_by_the_secrecy_office(org):
    user = org.staff_general
    resp = api(org.secretary).post(f"/api/v1/people/{user.pk}/depart/", {"password": PASSWORD}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "departed", resp.content
    person = Person.objects.get(user=user)
    assert _signatures("personnel.person", person.pk) == [(org.secretary.pk, "witnessed")]
    assert not get_user_model().objects.get(pk=user.pk).is_active


def test_a_signer_with_an_authenticator_also_gives_the_code(org):
    device = enrol_totp(org.secretary)
    user = org.staff_general
    url = f"/api/v1/people/{user.pk}/depart/"
    before = _state(user)
    without = api(org.secretary).post(url, {"password": PASSWORD}, format="json")
    assert without.status_code == 400 and "otp" in without.json(), without.content
    assert _state(user) == before
    done = api(org.secretary).post(url, {"password": PASSWORD, "otp": totp_code(device)}, format="json")
    assert done.status_code == 200, done.content


def test_the_refusal_without_a_password_reads_in_chinese(org):
    resp = api(org.secretary).post(f"/api/v1/people/{org.staff_general.pk}/depart/", {}, format="json",
                                   HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert resp.status_code == 400
    message = resp.json()["password"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


# --- the end of the disengagement period -------------------------------------------------------------


def _ended_period(org, today):
    services.leave_post(actor=org.secretary, person=org.staff_general.person, password=PASSWORD)
    departure = Departure.objects.get(person__user=org.staff_general)
    Departure.objects.filter(pk=departure.pk).update(disengagement_ends_on=today - timedelta(days=1))
    return departure


def test_ending_the_disengagement_period_is_signed(org, today):
    departure = _ended_period(org, today)
    url = f"/api/v1/departures/{departure.pk}/end-disengagement/"
    before = snapshot()
    for body in ({}, {"password": "wrong-password"}):
        refused = api(org.secretary).post(url, body, format="json")
        assert refused.status_code == 400 and "password" in refused.json(), refused.content
    assert snapshot() == before and Departure.objects.get(pk=departure.pk).disengagement_closed_at is None
    assert api(org.other_secretary).post(url, {}, format="json").status_code == 404  # another unit's: 404 first
    done = api(org.secretary).post(url, {"password": PASSWORD}, format="json")
    assert done.status_code == 200 and done.json()["disengagement_closed_at"], done.content
    assert _signatures("personnel.departure", departure.pk) == [(org.secretary.pk, "witnessed")]


def test_the_page_asks_for_the_password_to_end_the_period(org, today):
    departure = _ended_period(org, today)
    page = browser(org.secretary).get(f"/personnel/departures/{departure.pk}/")
    assert page.status_code == 200 and 'id="end-form"' in page.content.decode()
    assert 'type="password"' in page.content.decode()
    refused = browser(org.secretary).post(f"/personnel/departures/{departure.pk}/end/", {})
    assert refused.status_code == 400
    assert Departure.objects.get(pk=departure.pk).disengagement_closed_at is None
    done = browser(org.secretary).post(f"/personnel/departures/{departure.pk}/end/", {"password": PASSWORD})
    assert done.status_code == 302
    assert Departure.objects.get(pk=departure.pk).disengagement_closed_at is not None


# --- a change of secrecy post (lowering it removes a clearance) --------------------------------------


def test_lowering_a_post_is_signed_in_the_api_and_on_the_page(org):
    person = org.staff_core.person
    url = f"/api/v1/people/{org.staff_core.pk}/post/"
    before = snapshot()
    refused = api(org.secretary).post(url, {"secrecy_post": "none"}, format="json")
    assert refused.status_code == 400 and "password" in refused.json()
    page = browser(org.secretary).post(f"/personnel/{org.staff_core.pk}/post/", {"secrecy_post": "none"})
    assert page.status_code == 400
    assert snapshot() == before
    done = api(org.secretary).post(url, {"secrecy_post": "general", "password": PASSWORD}, format="json")
    assert done.status_code == 200 and done.json()["secrecy_post"] == "general"
    assert _signatures("personnel.person", person.pk) == [(org.secretary.pk, "witnessed")]
    done = browser(org.secretary).post(f"/personnel/{org.staff_core.pk}/post/",
                                       {"secrecy_post": "none", "password": PASSWORD})
    assert done.status_code == 302 and Person.objects.get(pk=person.pk).secrecy_post == "none"


# --- a leaving date must be to come -----------------------------------------------------------------


def test_a_leaving_date_in_the_past_is_refused(org, today):
    before = snapshot()
    for language, words in (("en", "has passed"), ("zh-hans", "已过")):
        resp = api(org.staff_important).post("/api/v1/departures/", {"leaves_on": "2000-01-01", "reason": "调任"},
                                             format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert resp.status_code == 400, resp.content
        assert words in resp.json()["leaves_on"][0], resp.json()
    page = browser(org.staff_important).post("/personnel/departures/new/",
                                             {"leaves_on": str(today - timedelta(days=1)), "reason": "调任"})
    assert page.status_code == 400 and Departure.objects.count() == 0
    assert snapshot() == before
    today_is_fine = api(org.staff_important).post("/api/v1/departures/", {"leaves_on": str(today), "reason": "调任"},
                                                  format="json")
    assert today_is_fine.status_code == 201, today_is_fine.content
    assert date.fromisoformat(today_is_fine.json()["leaves_on"]) == today


def test_the_pages_pass_the_one_time_code_on_with_the_password(org):
    """A signer with an authenticator signs on the pages too: the code typed with the password
    reaches the signature (it was dropped before, so such a signer could never sign there)."""
    device = enrol_totp(org.secretary)
    url = f"/personnel/{org.staff_core.pk}/post/"
    refused = browser(org.secretary).post(url, {"secrecy_post": "general", "password": PASSWORD})
    assert refused.status_code == 400 and Person.objects.get(user=org.staff_core).secrecy_post == "core"
    done = browser(org.secretary).post(url, {"secrecy_post": "general", "password": PASSWORD,
                                             "otp": totp_code(device)})
    assert done.status_code == 302, done.content.decode()[-2000:]
    assert Person.objects.get(user=org.staff_core).secrecy_post == "general"

