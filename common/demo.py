"""Demo data for trying the registry out, made by the apps themselves through their real services
(so every row is audited and every registration signed). This module only runs them: each app
registers its seeder from `AppConfig.ready()` with an order and a name,

    demo.register_seeder("use", order=110, seed="carriers.use.demo.seed")

and `seed()` runs them in order in one transaction. A seeder receives the context the earlier
ones produced (`password`, and e.g. `unit`, `departments`, `people`, `containers`, `carriers`)
and returns what it adds to it; a `requests` count it returns is added up. `is_seeded()`,
`logins()` and the totals printed after seeding come from the apps that know them.

Callables may be given as dotted paths, imported when the demo runs (not at start-up)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.module_loading import import_string

DEMO_PASSWORD = "Registry-Demo-2026"


@dataclass(frozen=True)
class Seeder:
    name: str
    order: int
    seed: Callable | str
    is_seeded: Callable | str | None = None
    logins: Callable | str | None = None
    totals: Callable | str | None = None


_seeders: dict[str, Seeder] = {}


def register_seeder(name: str, *, order: int, seed: Callable | str, is_seeded: Callable | str | None = None,
                    logins: Callable | str | None = None, totals: Callable | str | None = None) -> None:
    """Register (or re-register, e.g. when ready() runs twice) the seeder called `name`.
    `seed(context) -> dict | None`; `is_seeded() -> bool`: the demo is already there;
    `logins() -> [(username, full name, roles, secrecy post)]`; `totals() -> {name: count}`,
    asked after every seeder ran."""
    for other in _seeders.values():
        if other.order == order and other.name != name:
            raise ValueError(f"demo seeders {other.name!r} and {name!r} both have order {order}")
    _seeders[name] = Seeder(name=name, order=order, seed=seed, is_seeded=is_seeded, logins=logins, totals=totals)


def seeders() -> list[Seeder]:
    return sorted(_seeders.values(), key=lambda s: s.order)


def _call(function, *args):
    return (import_string(function) if isinstance(function, str) else function)(*args)


def is_seeded() -> bool:
    return any(_call(s.is_seeded) for s in seeders() if s.is_seeded)


def seed() -> dict:
    """Run every registered seeder in order, in one transaction. Returns the totals the apps
    report (people, containers, carriers...) and `requests`, the approval requests made."""
    if not _seeders:
        raise RuntimeError("no demo seeder is registered (are the apps installed?)")
    with transaction.atomic():
        context: dict = {"password": DEMO_PASSWORD, "requests": 0}
        for seeder in seeders():
            made = dict(_call(seeder.seed, context) or {})
            requests = made.pop("requests", 0)
            context.update(made)
            context["requests"] += requests
        totals: dict = {}
        for seeder in seeders():
            if seeder.totals:
                totals.update(_call(seeder.totals))
    return {"unit": context.get("unit"), **totals, "requests": context["requests"]}


def logins() -> list[tuple[str, str, str, str]]:
    rows = []
    for seeder in seeders():
        if seeder.logins:
            rows.extend(_call(seeder.logins))
    return rows
