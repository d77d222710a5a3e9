"""Personnel fixtures: a head of the secrecy office's department (so that requests the office
submits on someone's behalf have a first approver), API clients, helpers that drive an approval
request through every step, and a snapshot of what a refusal must leave unchanged."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from approvals import services as approvals
from approvals.models import ApprovalRequest, ApprovalRequestUserObjectPermission, Decision
from audit.models import AuditEvent
from personnel import roles
from personnel.models import (
    Departure,
    Inspection,
    PassportMovement,
    Person,
    Pledge,
    TrainingRecord,
    TravelRequest,
)
from tests.factories import PASSWORD, PersonFactory


@pytest.fixture
def head_sec(org):
    """Head of the secrecy office's department (U-SEC)."""
    return PersonFactory(user__username="head_sec", department=org.sec, unit=org.unit, secrecy_post="core",
                         roles=[roles.DEPARTMENT_HEAD], full_name="head_sec-name").user


@pytest.fixture
def today():
    return timezone.localdate()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def deciders(request) -> list:
    return list(
        ApprovalRequestUserObjectPermission.objects.filter(content_object=request).select_related("user")
        .order_by("user__username").values_list("user", flat=True)
    )


def approve_all(request: ApprovalRequest, *, until_last: bool = False) -> ApprovalRequest:
    """Approve every step (with the first eligible approver); stop before the last one when asked."""
    from django.contrib.auth import get_user_model

    while True:
        request.refresh_from_db()
        if not request.is_open:
            return request
        waiting = request.steps.filter(status="waiting").count()
        if until_last and waiting == 0:
            return request
        approver = get_user_model().objects.get(pk=deciders(request)[0])
        approvals.decide(actor=approver, request_id=request.pk, outcome="approve", password=PASSWORD)


def last_approver(request: ApprovalRequest):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=deciders(request)[0])


def snapshot():
    """Everything a refused request must leave as it was."""
    return (
        # a refused password is itself on the trail (account.login_failed): nothing else may be
        AuditEvent.objects.exclude(action__startswith="account.").count(), ApprovalRequest.objects.count(), Decision.objects.count(),
        TravelRequest.objects.count(), Departure.objects.count(), Pledge.objects.count(),
        TrainingRecord.objects.count(), Inspection.objects.count(), PassportMovement.objects.count(),
        list(Person.objects.order_by("pk").values_list("status", "secrecy_post")),
        list(TravelRequest.objects.order_by("pk").values_list("status", flat=True)),
        list(Departure.objects.order_by("pk").values_list("status", flat=True)),
    )


@pytest.fixture
def trip_dates(today):
    return today + timedelta(days=10), today + timedelta(days=20)
