"""The access matrix (DESIGN.md idea 2): who sees which carrier, checked three ways.

The expected answer comes from a small oracle written here from the rule in common/access.py's
docstring, not from access.py itself:

    visible = clearance >= level AND need-to-know, where need-to-know is any of
      - the user holds the carrier,
      - the user's department is in its distribution scope,
      - the user is named in its distribution scope (scope_people),
      - the user (or a group of theirs) holds an explicit 'view_carrier' object grant,
      - the user holds a unit-wide office role (secrecy office, auditor) in the carrier's unit,
      - the user is a department head of the holder's department.
    Clearance by secrecy post: core 3, important 2, general 1, none 0; departed people have 0.
    The Django superuser flag gives nothing.

Each case is checked against common.access.restrict, the REST API (detail and list) and the HTML
detail page; invisible carriers answer exactly like missing ones.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carriers import policy as carrier_policy
from carriers.models import Carrier
from common import access
from common.grants import grant, revoke
from common.levels import Level
from personnel import roles
from tests.factories import PersonFactory, UserFactory, carrier_fields, register

# --- the oracle --------------------------------------------------------------------------------

POST_CLEARANCE = {"core": 3, "important": 2, "general": 1, "none": 0}
UNIT_WIDE = {"secrecy_office", "auditor"}


@dataclass(frozen=True)
class Who:
    unit: str
    dept: str
    post: str
    roles: frozenset
    active: bool = True
    superuser: bool = False

    @property
    def clearance(self) -> int:
        return POST_CLEARANCE[self.post] if self.active else 0


def _who(unit, dept, post, *role_names, **extra):
    return Who(unit, dept, post, frozenset(role_names), **extra)


# The people of the `org` fixture (tests/conftest.py), as plain facts.
PEOPLE = {
    "secretary": _who("U", "SEC", "core", "secrecy_office"),
    "clerk": _who("U", "SEC", "important", "secrecy_office"),
    "head_res": _who("U", "RES", "core", "department_head"),
    "head_gen": _who("U", "GEN", "important", "department_head"),
    "auditor": _who("U", "SEC", "core", "auditor"),
    "staff_core": _who("U", "RES", "core", "staff"),
    "staff_important": _who("U", "RES", "important", "staff"),
    "staff_general": _who("U", "GEN", "general", "staff"),
    "staff_none": _who("U", "GEN", "none", "staff"),
    "departed": _who("U", "RES", "core", "staff", active=False),
    "api_client": _who("U", "SEC", "important", "api_client"),
    "other_secretary": _who("X", "D", "core", "secrecy_office"),
    "superuser": _who("U", "GEN", "general", "staff", superuser=True),
}


@dataclass(frozen=True)
class Facts:
    level: int
    unit: str = "U"
    holder: str = "secretary"
    scope_departments: frozenset = field(default_factory=frozenset)
    scope_people: frozenset = field(default_factory=frozenset)
    granted: frozenset = field(default_factory=frozenset)


def may_see(name: str, carrier: Facts, people=PEOPLE) -> bool:
    me = people[name]
    if me.clearance < carrier.level:
        return False
    holder = people[carrier.holder]
    return (
        carrier.holder == name
        or (me.unit == carrier.unit and me.dept in carrier.scope_departments)
        or name in carrier.scope_people
        or name in carrier.granted
        or (bool(me.roles & UNIT_WIDE) and me.unit == carrier.unit)
        or ("department_head" in me.roles and (me.unit, me.dept) == (holder.unit, holder.dept))
    )


def test_oracle_facts_match_the_org_fixture(org):
    """The oracle's table describes the fixture people truly (so the matrix tests the fixture)."""
    for name, who in PEOPLE.items():
        user = getattr(org, name)
        person = user.person
        assert person.unit.code == who.unit, name
        assert person.department.code.split("-", 1)[1] == who.dept, name
        assert person.secrecy_post == who.post, name
        assert set(user.groups.values_list("name", flat=True)) == set(who.roles), name
        assert (person.status == "active") == who.active, name
        assert user.is_superuser == who.superuser, name


# --- checking one user against one carrier three ways --------------------------------------------


def _api_list_ids(client, **params):
    response = client.get("/api/v1/carriers/", {"page_size": 500, **params})
    if response.status_code == 403:  # no registered person: the API refuses the whole list
        return set()
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def check_visibility(client, user, carrier, expected: bool):
    """restrict(), the API detail and list, and the HTML detail page agree with `expected`."""
    in_gate = access.restrict(Carrier.objects.all(), user).filter(pk=carrier.pk).exists()
    assert in_gate is expected, f"restrict(): {user.username} / {carrier.get_level_display()}"
    assert access.can(user, access.VIEW, carrier) is expected

    client.force_login(user)
    api = client.get(f"/api/v1/carriers/{carrier.pk}/")
    if access.person_of(user) is None:
        assert api.status_code == 403  # the API serves registered people only
    else:
        assert api.status_code == (200 if expected else 404), f"API detail: {user.username}"
        if expected:
            assert api.json()["id"] == carrier.pk
            assert api.json()["registry_number"] == carrier.registry_number
        else:
            assert carrier.registry_number.encode() not in api.content
            assert carrier.title.encode() not in api.content
    assert (carrier.pk in _api_list_ids(client)) is expected, f"API list: {user.username}"

    html = client.get(f"/carriers/{carrier.pk}/")
    assert html.status_code == (200 if expected else 404), f"HTML detail: {user.username}"
    if expected:
        assert carrier.registry_number in html.content.decode()
    else:
        assert carrier.registry_number not in html.content.decode()
    client.logout()


MATRIX = [
    pytest.param(name, level, in_scope, id=f"{name}-{Level(level).name}-{'in_scope' if in_scope else 'out_of_scope'}")
    for name in PEOPLE
    for level in (Level.CONFIDENTIAL, Level.SECRET, Level.TOP_SECRET)
    for in_scope in (True, False)
]


@pytest.mark.parametrize(("name", "level", "in_scope"), MATRIX)
def test_access_matrix(org, client, name, level, in_scope):
    """A carrier registered by the secretary (held in SEC), scoped to RES or to nobody."""
    carrier = register(
        org.secretary, container=org.safe, level=level, title=f"matrix {level} {in_scope}",
        scope_departments=[org.res] if in_scope else [],
    )
    facts = Facts(level=level, scope_departments=frozenset({"RES"} if in_scope else set()))
    check_visibility(client, getattr(org, name), carrier, may_see(name, facts))


def test_matrix_has_both_answers():
    """The matrix is not trivially all-visible or all-hidden, and the superuser sees nothing extra."""
    answers = {
        (name, level, scope): may_see(name, Facts(level=level, scope_departments=frozenset(scope)))
        for name in PEOPLE
        for level in Level.values
        for scope in (frozenset({"RES"}), frozenset())
    }
    assert any(answers.values()) and not all(answers.values())
    assert answers[("secretary", 3, frozenset())] is True
    assert answers[("clerk", 3, frozenset())] is False
    assert answers[("staff_important", 2, frozenset({"RES"}))] is True
    assert answers[("staff_important", 3, frozenset({"RES"}))] is False
    assert not any(v for (name, _lvl, _s), v in answers.items() if name in {"superuser", "departed", "staff_none"})


# --- need-to-know routes other than a department in scope ----------------------------------------

LEVELS = (Level.CONFIDENTIAL, Level.SECRET, Level.TOP_SECRET)


def _unscoped_carriers(org, holder=None):
    holder = holder or org.secretary
    return {level: register(holder, container=org.safe, level=level, title=f"unscoped {level}") for level in LEVELS}


@pytest.mark.parametrize("name", ["staff_general", "staff_important", "staff_core", "staff_none", "superuser", "departed"])
def test_scope_people_names_a_person_bounded_by_clearance(org, client, name):
    user = getattr(org, name)
    carriers = {
        level: register(org.secretary, container=org.safe, level=level, title=f"named {level}", scope_people=[user])
        for level in LEVELS
    }
    for level, carrier in carriers.items():
        expected = may_see(name, Facts(level=level, scope_people=frozenset({name})))
        check_visibility(client, user, carrier, expected)
    # someone else of the same department is not named and sees none of them
    for level, carrier in carriers.items():
        assert not access.restrict(Carrier.objects.filter(pk=carrier.pk), org.head_gen).exists(), level


@pytest.mark.parametrize("name", ["staff_general", "staff_important", "staff_core", "superuser", "staff_none"])
def test_explicit_user_grant_shows_out_of_scope_carrier_within_clearance(org, client, name):
    user = getattr(org, name)
    carriers = _unscoped_carriers(org)
    for level, carrier in carriers.items():
        check_visibility(client, user, carrier, may_see(name, Facts(level=level)))
        assert not may_see(name, Facts(level=level))
    for carrier in carriers.values():
        grant(user_or_group=user, perm="carriers.view_carrier", obj=carrier)
    for level, carrier in carriers.items():
        check_visibility(client, user, carrier, may_see(name, Facts(level=level, granted=frozenset({name}))))
    # taking the grant back hides them again
    for carrier in carriers.values():
        revoke(user_or_group=user, perm="carriers.view_carrier", obj=carrier)
    for carrier in carriers.values():
        check_visibility(client, user, carrier, False)


def test_group_grant_counts_for_members_only_within_clearance(org, client):
    group = Group.objects.create(name="reading-circle")
    org.staff_important.groups.add(group)
    org.staff_general.groups.add(group)
    carriers = _unscoped_carriers(org)
    for carrier in carriers.values():
        grant(user_or_group=group, perm="carriers.view_carrier", obj=carrier)
    for name in ("staff_important", "staff_general", "staff_core"):
        members = {"staff_important", "staff_general"}
        for level, carrier in carriers.items():
            granted = frozenset({name}) if name in members else frozenset()
            check_visibility(client, getattr(org, name), carrier, may_see(name, Facts(level=level, granted=granted)))


def test_a_grant_of_another_permission_gives_no_visibility(org, client):
    carrier = register(org.secretary, container=org.safe, level=Level.CONFIDENTIAL)
    grant(user_or_group=org.staff_general, perm="carriers.change_carrier", obj=carrier)
    check_visibility(client, org.staff_general, carrier, False)


def test_department_head_sees_carriers_held_in_their_department(org, client):
    head_sec = PersonFactory(
        user__username="head_sec", department=org.sec, unit=org.unit, secrecy_post="important",
        roles=[roles.DEPARTMENT_HEAD],
    ).user
    people = {**PEOPLE, "head_sec": _who("U", "SEC", "important", "department_head")}
    carriers = _unscoped_carriers(org)
    for level, carrier in carriers.items():
        check_visibility(client, head_sec, carrier, may_see("head_sec", Facts(level=level), people))
    assert [may_see("head_sec", Facts(level=lv), people) for lv in LEVELS] == [True, True, False]


def test_holder_and_holders_department_head(org, client):
    """A carrier held by staff_important (RES): the holder and the RES head see it, bounded by
    clearance; the GEN head does not."""
    carriers = _unscoped_carriers(org)
    # custody normally moves by handover; here the test only sets up who holds it
    Carrier.objects.filter(pk__in=[c.pk for c in carriers.values()]).update(holder=org.staff_important)
    for level, carrier in carriers.items():
        carrier.refresh_from_db()
        facts = Facts(level=level, holder="staff_important")
        for name in ("staff_important", "head_res", "head_gen", "staff_core", "secretary", "clerk"):
            check_visibility(client, getattr(org, name), carrier, may_see(name, facts))
    assert may_see("staff_important", Facts(level=Level.TOP_SECRET, holder="staff_important")) is False
    assert may_see("head_res", Facts(level=Level.TOP_SECRET, holder="staff_important")) is True


def test_unit_wide_roles_stop_at_their_own_unit(org, client):
    ours = register(org.secretary, container=org.safe, level=Level.CONFIDENTIAL)
    theirs = register(org.other_secretary, container=org.other_safe, level=Level.CONFIDENTIAL)
    check_visibility(client, org.other_secretary, ours, False)
    check_visibility(client, org.secretary, theirs, False)
    check_visibility(client, org.auditor, theirs, False)
    check_visibility(client, org.other_secretary, theirs, True)


def test_users_without_a_person_or_anonymous_see_nothing(org, client):
    carrier = register(org.secretary, container=org.safe, level=Level.CONFIDENTIAL, scope_departments=[org.res])
    nobody = UserFactory(username="no_profile")
    nobody.is_superuser = nobody.is_staff = True
    nobody.save()
    check_visibility(client, nobody, carrier, False)
    from django.contrib.auth.models import AnonymousUser

    assert not access.restrict(Carrier.objects.all(), AnonymousUser()).exists()
    assert not access.restrict(Carrier.objects.all(), None).exists()
    assert client.get(f"/api/v1/carriers/{carrier.pk}/").status_code in (401, 403)
    assert client.get(f"/carriers/{carrier.pk}/").status_code == 302  # to the login page


def test_inactive_user_sees_nothing(org, client):
    carrier = register(org.secretary, container=org.safe, level=Level.CONFIDENTIAL, scope_departments=[org.res])
    user = org.staff_core
    user.is_active = False
    user.save()
    assert not access.restrict(Carrier.objects.filter(pk=carrier.pk), user).exists()


# --- invisible answers exactly like missing ------------------------------------------------------


def _missing_pk():
    return (Carrier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


@pytest.mark.parametrize("name", ["staff_general", "clerk", "other_secretary", "superuser", "departed"])
def test_api_404_for_invisible_is_identical_to_missing(org, client, name):
    carrier = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="very sensitive title")
    user = getattr(org, name)
    assert not access.restrict(Carrier.objects.filter(pk=carrier.pk), user).exists()
    client.force_login(user)
    invisible = client.get(f"/api/v1/carriers/{carrier.pk}/")
    missing = client.get(f"/api/v1/carriers/{_missing_pk()}/")
    # a departed person is out altogether (403 for every call, whatever the id), anyone else
    # gets the same 404 for an invisible carrier as for a missing one
    assert invisible.status_code == missing.status_code == (403 if name == "departed" else 404)
    assert invisible.content == missing.content
    assert invisible["Content-Type"] == missing["Content-Type"]
    assert sorted(invisible.headers) == sorted(missing.headers)
    assert b"very sensitive title" not in invisible.content


def _normalised_html(response, path):
    """The 404 page echoes the requested path (the language switch's `next`) and carries a
    per-response masked CSRF token; everything else must be the same bytes."""
    body = response.content.decode()
    body = body.replace(path, "<PATH>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="<CSRF>"', body)


@pytest.mark.parametrize("name", ["staff_general", "clerk", "other_secretary", "superuser", "departed"])
def test_html_404_for_invisible_is_identical_to_missing(org, client, name):
    carrier = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="very sensitive title")
    client.force_login(getattr(org, name))
    invisible_path, missing_path = f"/carriers/{carrier.pk}/", f"/carriers/{_missing_pk()}/"
    invisible, missing = client.get(invisible_path), client.get(missing_path)
    assert invisible.status_code == missing.status_code == 404
    assert _normalised_html(invisible, invisible_path) == _normalised_html(missing, missing_path)
    assert invisible["Content-Type"] == missing["Content-Type"]
    assert "very sensitive title" not in invisible.content.decode()
    assert carrier.registry_number not in invisible.content.decode()


def test_404_bodies_identical_for_same_length_paths(org, client):
    """Byte-for-byte, CSRF token aside: ids of equal length so the echoed path is the only change."""
    carrier = register(org.secretary, container=org.safe, level=Level.TOP_SECRET)
    missing_pk = carrier.pk + 1 if carrier.pk % 10 != 9 else carrier.pk - 1
    while Carrier.objects.filter(pk=missing_pk).exists():  # pragma: no cover - ids are fresh
        missing_pk += 1
    client.force_login(org.staff_general)
    a = client.get(f"/api/v1/carriers/{carrier.pk}/")
    b = client.get(f"/api/v1/carriers/{missing_pk}/")
    assert a.status_code == b.status_code == 404 and a.content == b.content


# --- lists are set-based: no query per row ------------------------------------------------------


def _register_many(org, count, start=0):
    from carriers.services import register_carriers_batch

    items = [
        dict(
            carrier_fields(level=Level.SECRET, title=f"bulk {start + i}", copy_number=""),
            container=org.cabinet, scope_departments=[org.res], scope_people=[org.staff_general],
        )
        for i in range(count)
    ]
    return register_carriers_batch(actor=org.secretary, password=org.password, items=items)


def _count_queries(client, url):
    # one call first: the session's last-activity write (once a minute, accounts.sessions) and the
    # token's last use are not per row, and must not make the two counts differ
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("name", ["secretary", "staff_core", "head_res"])
def test_api_list_queries_do_not_grow_with_rows(org, client, name):
    client.force_login(getattr(org, name))
    _register_many(org, 5)
    few, response = _count_queries(client, "/api/v1/carriers/?page_size=100")
    assert response.json()["count"] == 5
    _register_many(org, 35, start=5)
    many, response = _count_queries(client, "/api/v1/carriers/?page_size=100")
    assert response.json()["count"] == 40
    assert few == many, f"{few} queries for 5 carriers, {many} for 40"


@pytest.mark.parametrize("name", ["secretary", "staff_core"])
def test_html_list_queries_do_not_grow_with_rows(org, client, name):
    client.force_login(getattr(org, name))
    _register_many(org, 5)
    few, response = _count_queries(client, "/carriers/")
    assert response.content.decode().count("bulk ") == 5
    _register_many(org, 35, start=5)
    many, response = _count_queries(client, "/carriers/")
    assert response.content.decode().count("bulk ") == 40
    assert few == many, f"{few} queries for 5 carriers, {many} for 40"


def test_restrict_is_one_query(org, django_assert_num_queries):
    _register_many(org, 10)
    user = get_user_model().objects.get(pk=org.staff_core.pk)
    access.roles_of(user)  # roles are read once per request object
    person = access.person_of(user)
    carrier_policy._knows_many(user, person)  # so is how many carriers the person may know of
    with django_assert_num_queries(1):
        rows = list(access.restrict(Carrier.objects.all(), user))
    assert len(rows) == 10
