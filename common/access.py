"""The one access gate (DESIGN.md, idea 2). It imports no domain app: each app owns the access
policy of its models in its own `policy.py` and registers it here from `AppConfig.ready()`.

- register(model, visible=..., names_carriers=...): an app's visibility rule for one model, and the
  carriers a row of it names. A row that names carriers is visible only with every carrier it
  names: the gate adds that clause itself, so no policy can forget it.
- register_action(action, check): "may this user do this (to this object)", answered by the app.
- restrict(queryset, user): the rows of a model this user may see, as one set-based query.
  A model nobody registered gives nothing (fails closed).
- can(user, action, obj=None): may this user do this (to this object)?
- carriers_named(obj): the ids of the carriers a row names (the audit trail indexes them).
- split_visible(carrier_ids, user): which of these carriers the user may open, and how many not
  (for rows shown redacted: "and 3 carriers above your clearance").

Visibility of a carrier (carriers/policy.py) = clearance at or above its level AND need-to-know.
No role bypasses clearance; the Django superuser flag gives nothing here.
Objects a user may not see are answered as missing (404) by the callers.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from common.levels import NO_CLEARANCE

CARRIER = "carriers.carrier"

# the one generic action: seeing an object (asks the visibility query for that row)
VIEW = "view"


def person_of(user):
    """The registered, active person behind a user, or None (sees and may do nothing)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        person = user.person
    except Exception:  # no profile: not a registered person, sees nothing
        return None
    # a departed person is out, whatever the account flag says
    return None if person.status == "departed" else person


def clearance_of(user) -> int:
    person = person_of(user)
    return person.clearance if person else NO_CLEARANCE


def roles_of(user) -> frozenset[str]:
    """Role names of a user, read once per request object."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_registry_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._registry_roles = cached
    return cached


def has_role(user, *names: str) -> bool:
    return bool(roles_of(user) & set(names))


def is_unit_wide(user) -> bool:
    """Holds a unit-wide office role (secrecy office, auditor: settings.REGISTRY)."""
    return bool(roles_of(user) & set(settings.REGISTRY["UNIT_WIDE_ROLES"]))


# ------------------------------------------------------------------------------ registry


@dataclass(frozen=True)
class CarrierLink:
    """How rows of a model name carriers: a carrier id column on the row itself (`field`), or rows
    of another model (`through`, a label) pointing back at it by `parent` with their own `field`."""

    field: str = "carrier_id"
    through: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Policy:
    visible: Callable[[QuerySet, object], QuerySet]
    names_carriers: tuple[CarrierLink, ...] = ()


_POLICIES: dict[str, Policy] = {}
_ACTIONS: dict[str, Callable[[object, object], bool]] = {}


def _label(model) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def register(model, visible: Callable[[QuerySet, object], QuerySet], *, names_carriers: Iterable[CarrierLink] = ()):
    """Register the visibility rule of one model (once; a second registration is a bug)."""
    label = _label(model)
    if label in _POLICIES:
        raise RuntimeError(f"access policy for {label} registered twice")
    _POLICIES[label] = Policy(visible=visible, names_carriers=tuple(names_carriers))


def register_action(action: str, check: Callable[[object, object], bool]):
    """Register who may do an action: check(user, obj_or_None) -> bool."""
    if action in _ACTIONS or action == VIEW:
        raise RuntimeError(f"action {action!r} registered twice")
    _ACTIONS[action] = check


def registered_models() -> frozenset[str]:
    return frozenset(_POLICIES)


def policy_for(model) -> Policy | None:
    return _POLICIES.get(_label(model))


# ------------------------------------------------------------------------------ answers


def visible_carrier(user, carrier_id) -> Exists:
    """EXISTS: the carrier carrier_id (an OuterRef) is one user may open: a probe of that one
    carrier row (its primary key, then the policy's tests on that row), not a set of every visible
    id. A set the database cannot hash (a million ids: beyond work_mem) it rescans for every row
    asking: 61 s for the audit trail's first page at 1,000,000 carriers; the probe costs the same
    whatever the registry's size."""
    carrier_model = apps.get_model(CARRIER)
    return Exists(restrict(carrier_model._default_manager.filter(pk=carrier_id), user))


def _inherit_carriers(queryset: QuerySet, user, links: tuple[CarrierLink, ...]) -> QuerySet:
    """Keep only the rows whose every named carrier is visible to user."""
    if not links:
        return queryset
    for link in links:
        if link.through is None:
            queryset = queryset.filter(Q(**{f"{link.field}__isnull": True}) | Q(visible_carrier(user, OuterRef(link.field))))
        else:
            through = apps.get_model(link.through)._default_manager
            # (the IS NULL alternative is no change, a row naming no carrier hides as before; under
            # an OR the database keeps the probe per row instead of turning it into an anti-join
            # that reads every visible carrier for each row asked about)
            hidden = through.filter(**{link.parent: OuterRef("pk")}).filter(
                Q(~visible_carrier(user, OuterRef(link.field))) | Q(**{f"{link.field}__isnull": True}))
            queryset = queryset.filter(~Exists(hidden))
    return queryset


def restrict(queryset: QuerySet, user) -> QuerySet:
    """The rows of queryset's model that user may see. Unknown models: nothing (fail closed)."""
    policy = _POLICIES.get(queryset.model._meta.label_lower)
    if policy is None or person_of(user) is None:
        return queryset.none()
    return _inherit_carriers(policy.visible(queryset, user), user, policy.names_carriers)


def restrict_label(label: str, user, *, inherit_carriers: bool = True) -> QuerySet:
    """restrict() over every row of a model named by its label (no import of the app).
    inherit_carriers=False leaves out the carriers clause, for a caller that applies it another
    way (the audit trail, through the carriers each event names)."""
    queryset = apps.get_model(label)._default_manager.all()
    if inherit_carriers:
        return restrict(queryset, user)
    policy = _POLICIES.get(label)
    if policy is None or person_of(user) is None:
        return queryset.none()
    return policy.visible(queryset, user)


def can(user, action: str, obj=None) -> bool:
    """May user do action (to obj)? VIEW on an object asks the visibility query for that row."""
    if person_of(user) is None:
        return False
    if action == VIEW:
        if obj is None:
            return True
        return restrict(type(obj)._default_manager.filter(pk=obj.pk), user).exists()
    check = _ACTIONS.get(action)
    if check is None:
        raise ValueError(f"unknown action {action!r}")
    if not check(user, obj):
        return False
    if obj is not None:
        return can(user, VIEW, obj)
    return True


def carriers_named(obj) -> set[int]:
    """Ids of the carriers a row names, by its registered links (a carrier names itself)."""
    if obj is None or not isinstance(obj, Model):
        return set()
    label = obj._meta.label_lower
    if label == CARRIER:
        return {obj.pk}
    policy = _POLICIES.get(label)
    ids: set[int] = set()
    for link in policy.names_carriers if policy else ():
        if link.through is None:
            value = getattr(obj, link.field, None)
            if value is not None:
                ids.add(value)
        else:
            through = apps.get_model(link.through)._default_manager
            ids.update(through.filter(**{link.parent: obj.pk}).values_list(link.field, flat=True))
    return ids


def split_visible(carrier_ids: Iterable[int], user) -> tuple[set[int], int]:
    """Of these carriers: the ids the user may open, and how many they may not (never which)."""
    wanted = set(carrier_ids)
    if not wanted:
        return set(), 0
    carrier_model = apps.get_model(CARRIER)
    visible = set(restrict(carrier_model._default_manager.filter(pk__in=wanted), user).values_list("pk", flat=True))
    return visible, len(wanted - visible)
