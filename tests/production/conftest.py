"""Production fixtures: places and enterprises in every state R1 cares about, and helpers that
drive a request through approval (as tests/approvals does) and run it."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from approvals import services as approvals
from carriers.production import services
from carriers.production.models import ProductionPlace
from common.levels import Level


@pytest.fixture
def sites(org):
    today = timezone.localdate()
    year = timedelta(days=365)

    def place(name, **extra):
        fields = dict(name_zh=f"{name}室", name_en=f"{name} room", approval_reference="保密〔2026〕1号",
                      max_level=Level.TOP_SECRET, valid_from=today - year, valid_until=today + year)
        fields.update(extra)
        return services.create_place(actor=org.secretary, **fields)

    def enterprise(name, **extra):
        fields = dict(name=name, licence_number="JM-2026-001", licensed_level=Level.SECRET,
                      licence_valid_until=today + year)
        fields.update(extra)
        return services.create_enterprise(actor=org.secretary, **fields)

    return SimpleNamespace(
        place=place("印制"),
        low_place=place("普通印制", max_level=Level.CONFIDENTIAL),
        expired_place=place("旧印制", valid_until=today - timedelta(days=1)),
        future_place=place("新印制", valid_from=today + timedelta(days=1)),
        unapproved_place=place("未批准", approval_reference=""),
        inactive_place=_inactive(place("停用")),
        other_unit_place=services.create_place(
            actor=org.other_secretary, name_zh="乙印制室", name_en="X print room", approval_reference="X-1",
            max_level=Level.TOP_SECRET, valid_from=today - year, valid_until=today + year,
        ),
        enterprise=enterprise("甲印刷厂"),
        unlicensed=enterprise("乙印刷厂", licence_number="", licensed_level=None, licence_valid_until=None),
        expired_enterprise=enterprise("丙印刷厂", licence_valid_until=today - timedelta(days=1)),
        low_enterprise=enterprise("丁印刷厂", licensed_level=Level.CONFIDENTIAL),
        individual=enterprise("个体印刷户", is_individual=True),
        today=today,
    )


def _inactive(place):
    ProductionPlace.objects.filter(pk=place.pk).update(is_active=False)
    place.refresh_from_db()
    return place


def request_fields(org, sites, **overrides) -> dict:
    fields = dict(
        title="关于2027年度科研计划的通知", kind="paper", level=Level.SECRET, secrecy_years=10, copies=5,
        purpose="下发各处室执行", place=sites.place, scope_departments=[org.res, org.gen],
        scope_people=[org.staff_important],
    )
    fields.update(overrides)
    return fields


def submit(org, sites, *, actor=None, **overrides):
    return services.submit_production_request(actor=actor or org.staff_core, **request_fields(org, sites, **overrides))


def approve(org, production, *, user=None, **extra):
    return approvals.decide(actor=user or org.head_res, request_id=production.approval_id, outcome="approve",
                            password=org.password, **extra)


def run(org, production, *, actor=None, container=None, **extra):
    return services.run_production(actor=actor or org.secretary, password=org.password, request_id=production.pk,
                                   container=container or org.cabinet, **extra)


@pytest.fixture
def approved(org, sites):
    """A Secret request for 5 copies at the approved place, approved by the head of Research."""
    production = submit(org, sites)
    approve(org, production)
    production.refresh_from_db()
    return production
