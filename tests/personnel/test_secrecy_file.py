"""A person's secrecy file (R10, R14): pledges, training, inspections, the secrecy post; who may
read and write it; refusals change nothing; a person is never deleted."""

from datetime import timedelta

import pytest
from django.db.models import ProtectedError

from common.errors import Refused, ValidationFailed
from personnel import services
from personnel.models import Inspection, Person, Pledge, TrainingRecord
from tests.factories import PASSWORD

from .conftest import api, snapshot, text


def training_payload(today, **extra):
    data = {"course": "保密法律法规", "held_on": str(today - timedelta(days=3)), "result": "passed", "hours": "4.0"}
    data.update(extra)
    return data


def test_secrecy_office_records_training_and_the_person_reads_it(org, today):
    url = f"/api/v1/people/{org.staff_core.pk}/training/"
    resp = api(org.secretary).post(url, training_payload(today), format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["course"] == "保密法律法规" and resp.json()["person"] == org.staff_core.pk
    assert [r["course"] for r in api(org.staff_core).get(url).json()] == ["保密法律法规"]
    assert api(org.head_res).get(url).status_code == 200  # head of the person's department
    assert api(org.staff_general).get(url).status_code == 404  # a colleague of another department
    assert api(org.other_secretary).get(url).status_code == 404  # another unit


@pytest.mark.parametrize("who,status", [("staff_core", 403), ("head_res", 403), ("other_secretary", 404)])
def test_only_the_units_secrecy_office_records_training(org, today, who, status):
    before = snapshot()
    resp = api(getattr(org, who)).post(f"/api/v1/people/{org.staff_core.pk}/training/", training_payload(today),
                                       format="json")
    assert resp.status_code == status
    assert snapshot() == before


@pytest.mark.parametrize("bad", [
    {"held_on": "2999-01-01"}, {"hours": "0"}, {"hours": "abc"}, {"result": "great"}, {"course": ""},
    {"course": "a\x00b"}, {"unknown": 1},
])
def test_bad_training_is_400_and_writes_nothing(org, today, bad):
    before = snapshot()
    resp = api(org.secretary).post(f"/api/v1/people/{org.staff_core.pk}/training/", training_payload(today, **bad),
                                   format="json")
    assert resp.status_code == 400, resp.content
    assert snapshot() == before


def test_the_person_signs_their_pledge_with_the_password(org):
    url = f"/api/v1/people/{org.staff_core.pk}/pledges/"
    before = snapshot()
    assert api(org.staff_core).post(url, {"password": "wrong"}, format="json").status_code == 400
    assert snapshot() == before
    resp = api(org.staff_core).post(url, {"password": PASSWORD}, format="json")
    assert resp.status_code == 201, resp.content
    pledge = Pledge.objects.get()
    assert (pledge.method, pledge.kind, pledge.signature.signer_id) == ("signed", "on_post", org.staff_core.pk)


def test_the_office_records_a_paper_pledge_only_with_where_it_is_kept(org):
    url = f"/api/v1/people/{org.staff_core.pk}/pledges/"
    before = snapshot()
    resp = api(org.secretary).post(url, {"password": PASSWORD}, format="json")
    assert resp.status_code == 400 and "reference" in resp.json()
    assert snapshot() == before
    resp = api(org.secretary).post(url, {"password": PASSWORD, "reference": "档案 2026-17", "kind": "departure"},
                                   format="json")
    assert resp.status_code == 201
    assert Pledge.objects.get().signature.meaning == "witnessed"
    # a colleague may neither read nor record it
    assert api(org.staff_important).post(url, {"password": PASSWORD}, format="json").status_code == 404


def test_an_inspection_finding_a_violation_is_reported_as_an_incident(org, today):
    from incidents.models import Incident

    url = f"/api/v1/people/{org.staff_core.pk}/inspections/"
    resp = api(org.secretary).post(url, {"inspector": "保密办 王某", "inspected_on": str(today),
                                         "finding": "办公桌上放置涉密文件未收存"}, format="json")
    assert resp.status_code == 201 and resp.json()["outcome"] == "no_issues"
    assert not Incident.objects.exists()
    resp = api(org.secretary).post(url, {"inspector": "保密办 王某", "inspected_on": str(today), "outcome": "violation",
                                         "finding": "使用普通手机谈论涉密事项"}, format="json")
    assert resp.status_code == 201
    inspection = Inspection.objects.get(pk=resp.json()["id"])
    incident = Incident.objects.get()
    assert (incident.kind, incident.source, incident.concerns_id) == ("violation", f"inspection:{inspection.pk}",
                                                                      org.staff_core.pk)
    assert inspection.incident_number == incident.number


def _train(org, user, days_ago=5, result="passed"):
    from django.utils import timezone

    return services.record_training(actor=org.secretary, person=user.person, course="上岗前保密培训",
                                    held_on=timezone.localdate() - timedelta(days=days_ago), result=result, hours=8)


def test_taking_up_a_post_needs_pledge_and_training(org):
    """R10: the pledge before a secret-related post; R14: training before it."""
    person = org.staff_none.person
    url = f"/api/v1/people/{org.staff_none.pk}/post/"
    before = snapshot()
    resp = api(org.secretary).post(url, {"secrecy_post": "general", "password": PASSWORD}, format="json")
    assert resp.status_code == 403 and resp.json()["code"] == "no_pledge"
    assert snapshot() == before
    services.sign_pledge(actor=org.staff_none, person=person, password=PASSWORD)
    _train(org, org.staff_none, result="failed")
    _train(org, org.staff_none, days_ago=400)  # too long ago
    resp = api(org.secretary).post(url, {"secrecy_post": "general", "password": PASSWORD}, format="json")
    assert resp.status_code == 403 and resp.json()["code"] == "no_training", text(resp)
    _train(org, org.staff_none)
    # pledge and training on file: raising the post (a higher clearance) still needs a second
    # administrator's approval (issue 15, four eyes; tests/administration/test_four_eyes.py)
    before = snapshot()
    resp = api(org.secretary).post(url, {"secrecy_post": "general", "password": PASSWORD}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "approval_required", resp.content
    assert snapshot() == before
    person.refresh_from_db()
    assert person.secrecy_post == "none"


def test_lowering_a_post_needs_neither(org):
    resp = api(org.secretary).post(f"/api/v1/people/{org.staff_core.pk}/post/", {"secrecy_post": "general",
                                                                                     "password": PASSWORD},
                                   format="json")
    assert resp.status_code == 200
    assert api(org.staff_core).post(f"/api/v1/people/{org.staff_core.pk}/post/", {"secrecy_post": "core",
                                                                                      "password": PASSWORD},
                                    format="json").status_code == 403  # only the secrecy office


def test_no_new_clearance_in_the_disengagement_period(org):
    """R12: a post/clearance raise is refused during the period."""
    person = org.staff_general.person
    services.sign_pledge(actor=org.staff_general, person=person, password=PASSWORD)
    _train(org, org.staff_general)
    services.record_departure(actor=org.secretary, person=person)
    before = snapshot()
    with pytest.raises(Refused, match="disengagement"):
        services.set_secrecy_post(actor=org.secretary, person=Person.objects.get(pk=person.pk), secrecy_post="core")
    resp = api(org.secretary).post(f"/api/v1/people/{org.staff_general.pk}/post/", {"secrecy_post": "important",
                                                                                         "password": PASSWORD},
                                   format="json")
    assert resp.status_code == 403 and resp.json()["code"] == "disengagement"
    assert snapshot() == before


def test_the_secrecy_file_shows_everything_at_a_glance(org, today):
    _train(org, org.staff_core)
    services.sign_pledge(actor=org.staff_core, person=org.staff_core.person, password=PASSWORD)
    resp = api(org.secretary).get(f"/api/v1/people/{org.staff_core.pk}/secrecy-file/")
    assert resp.status_code == 200
    data = resp.json()
    assert data["secrecy_post"] == "core" and len(data["trainings"]) == 1 and len(data["pledges"]) == 1
    assert data["training_due_on"] == str(today - timedelta(days=5) + timedelta(days=365))
    assert data["in_disengagement"] is False and data["recall"] == []


def test_a_person_is_never_deleted(org):
    """A departed person keeps their history: no delete endpoint, PROTECT everywhere."""
    _train(org, org.staff_core)
    services.record_departure(actor=org.secretary, person=org.staff_core.person)
    url = f"/api/v1/people/{org.staff_core.pk}/"
    assert api(org.secretary).delete(url).status_code == 405
    assert api(org.secretary).put(url, {}, format="json").status_code == 405
    with pytest.raises(ProtectedError):
        Person.objects.get(user=org.staff_core).delete()
    with pytest.raises(ProtectedError):
        org.staff_core.delete()
    assert Person.objects.filter(user=org.staff_core, status="departed").exists()
    assert TrainingRecord.objects.filter(person__user=org.staff_core).count() == 1


def test_the_database_refuses_to_delete_a_departed_person(org):
    """Even a raw DELETE, bypassing every PROTECT, is refused for a departed person."""
    from django.db import DatabaseError, connection, transaction

    pk = org.departed.person.pk
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM personnel_person WHERE id = %s", [pk])
    assert Person.objects.filter(pk=pk).exists()


def test_training_validation_in_the_service(org, today):
    with pytest.raises(ValidationFailed):
        services.record_training(actor=org.secretary, person=org.staff_core.person, course="x",
                                 held_on=today + timedelta(days=1), result="passed", hours=2)
    assert not TrainingRecord.objects.exists()
