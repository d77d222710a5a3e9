"""Demo seeding is a registry in common: the apps register their seeders with an order and a
name; seed() runs them in order in one transaction, each receiving what the earlier ones made;
is_seeded(), logins() and the totals come from the apps that know them."""

import pytest

from common import demo


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, the apps' seeders put back afterwards."""
    monkeypatch.setattr(demo, "_seeders", {})
    return demo


def test_the_apps_register_their_seeders_in_order():
    names = [s.name for s in demo.seeders()]
    # the people first; the three administrators may follow them; then carriers, then approvals
    assert names[0] == "personnel" and names.index("carriers") < names.index("approvals") <= 3
    assert {"production", "meetings", "personnel.records", "destruction", "storage", "carrying",
            "declassification", "use", "copying"} <= set(names)
    # every seeder's code lives in its own app
    for seeder in demo.seeders():
        assert not str(seeder.seed).startswith("common.")


def test_seeders_run_in_order_with_the_context_of_the_earlier_ones(registry, db):
    calls = []

    def people(context):
        calls.append(("people", dict(context)))
        return {"people": ["ann"], "requests": 1}

    def things(context):
        calls.append(("things", dict(context)))
        return {"requests": 2}

    registry.register_seeder("things", order=20, seed=things, totals=lambda: {"things": 7})
    registry.register_seeder("people", order=10, seed=people, is_seeded=lambda: False,
                             logins=lambda: [("ann", "Ann", "staff", "core")], totals=lambda: {"people": 1})
    assert not registry.is_seeded()
    result = registry.seed()
    assert [name for name, _ in calls] == ["people", "things"]
    assert calls[0][1] == {"password": demo.DEMO_PASSWORD, "requests": 0}
    assert calls[1][1]["people"] == ["ann"] and calls[1][1]["requests"] == 1
    assert result == {"unit": None, "people": 1, "things": 7, "requests": 3}
    assert registry.logins() == [("ann", "Ann", "staff", "core")]


def test_one_transaction_a_failing_seeder_leaves_nothing(registry, db):
    from personnel.models import Unit
    from tests.factories import UnitFactory

    def makes_a_unit(context):
        UnitFactory(code="DEMO-T")

    def fails(context):
        raise RuntimeError("seeding failed")

    registry.register_seeder("unit", order=10, seed=makes_a_unit)
    registry.register_seeder("fails", order=20, seed=fails)
    with pytest.raises(RuntimeError):
        registry.seed()
    assert not Unit.objects.filter(code="DEMO-T").exists()


def test_dotted_paths_and_refusals(registry):
    registry.register_seeder("x", order=10, seed="builtins.dict", is_seeded="builtins.bool")
    assert registry.is_seeded() is False  # bool() of nothing
    with pytest.raises(ValueError, match="order 10"):
        registry.register_seeder("y", order=10, seed=dict)
    registry.register_seeder("x", order=10, seed=dict)  # the same name again replaces it (ready() twice)
    assert [s.name for s in registry.seeders()] == ["x"]


def test_seed_without_seeders_is_an_error(registry):
    with pytest.raises(RuntimeError, match="no demo seeder"):
        registry.seed()
