"""Fixtures for confidential meetings: an approved venue of unit U, an approved Secret meeting
organised by staff_core (Research) with staff_important and head_res on the list, both signed in,
and three numbered Secret carriers in Research's scope held by the organiser."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.levels import Level
from tests.factories import register

from .helpers import approve, make_meeting, transfer


@pytest.fixture
def venue(org):
    from meetings import services

    return services.create_venue(actor=org.secretary, name_zh="第一会议室", name_en="Meeting room 1",
                                 max_level=Level.TOP_SECRET, approval_reference="保会〔2026〕1号", location="A-201")


@pytest.fixture
def docs(org):
    """Three numbered Secret carriers in Research's scope, held by staff_core (the organiser)."""
    made = [
        register(org.secretary, container=org.cabinet, level=Level.SECRET, copy_number=f"00000{i}",
                 title=f"会议材料{i}", scope_departments=[org.res])
        for i in (1, 2, 3)
    ]
    transfer(org, made, taker=org.staff_core)
    return made


@pytest.fixture
def planned(org, venue):
    """A Secret meeting being planned, with staff_important and head_res on the list."""
    return make_meeting(org, venue, attendees=[org.staff_important, org.head_res])


@pytest.fixture
def meeting(org, planned):
    """The same meeting, its list approved, both attendees signed in."""
    from meetings import services

    approve(org, planned)
    services.sign_in(actor=org.staff_important, meeting_id=planned.pk)
    services.sign_in(actor=org.staff_core, meeting_id=planned.pk, user=org.head_res)
    planned.refresh_from_db()
    return planned


@pytest.fixture
def later():
    now = timezone.now()
    return now + timedelta(hours=1), now + timedelta(hours=3)
