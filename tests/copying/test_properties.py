"""Property-based tests (hypothesis): no chain of copies, extracts and compilations ever yields a
lower level or an earlier end of the secrecy period than any ancestor, and a source's
declassification condition is never dropped. Many examples through the pure rule functions, fewer
through the real services on the database."""

from datetime import date

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from carriers import rules as carrier_rules
from carriers.copying import rules
from carriers.copying import services as copying
from carriers.models import Carrier
from common.levels import Level

LEVELS = st.sampled_from([int(v) for v in Level.values])
CONDITIONS = st.sampled_from(["", "", "", "项目验收后解密", "产品定型后解密", "条约生效后"])


@st.composite
def terms(draw, label="", max_years=30):
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 1, 1)))
    condition = draw(CONDITIONS)
    if condition and draw(st.booleans()):
        years, months = None, None
    else:
        years = draw(st.one_of(st.none(), st.integers(0, max_years)))
        months = draw(st.integers(1, 11)) if years in (None, 0) else draw(st.one_of(st.none(), st.integers(0, 11)))
        years = years if years else None
    return rules.Terms(level=draw(LEVELS), period_start=start, secrecy_years=years, secrecy_months=months,
                       condition=condition, expires_on=carrier_rules.expiry(start=start, years=years, months=months),
                       label=label)


@st.composite
def requests(draw):
    """What a person may ask for a derived carrier: anything, including lower levels and shorter
    periods (which must be refused)."""
    return dict(
        level=draw(st.one_of(st.none(), LEVELS)),
        secrecy_years=draw(st.one_of(st.none(), st.integers(0, 40))),
        secrecy_months=draw(st.one_of(st.none(), st.integers(0, 11))),
        declassification_condition=draw(CONDITIONS),
        period_start=draw(st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 1, 1)))),
    )


def accepted(sources, requested):
    """The service's rule for derived terms: the terms it would register, or None if refused."""
    derived = copying.requested_terms(sources=sources, **requested)
    return None if rules.derived_not_lower(derived=derived, sources=sources) else derived


@settings(max_examples=800, deadline=None)
@given(st.lists(terms(), min_size=1, max_size=5))
def test_inherited_terms_dominate_every_source(sources):
    inherited = rules.inherited(sources)
    assert all(rules.dominates(inherited, s) for s in sources)
    assert rules.derived_not_lower(derived=inherited, sources=sources) == [] or len(inherited.condition) > rules.CONDITION_MAX


@settings(max_examples=800, deadline=None)
@given(st.lists(terms(), min_size=1, max_size=5), requests())
def test_accepted_derived_terms_never_below_a_source(sources, requested):
    derived = copying.requested_terms(sources=sources, **requested)
    problems = rules.derived_not_lower(derived=derived, sources=sources)
    if all(rules.dominates(derived, s) for s in sources) and len(derived.condition) <= rules.CONDITION_MAX:
        assert problems == []
    else:
        assert problems, "a derived carrier below a source was accepted"
        assert all(p.kind == "invalid" and p.field for p in problems)  # field errors (400)


@settings(max_examples=800, deadline=None)
@given(terms())
def test_a_copy_keeps_the_terms_exactly(source):
    copy = rules.copy_of(source)
    assert rules.copy_keeps_terms(copy=copy, source=source) is None
    assert (copy.level, copy.expires_on, copy.condition) == (source.level, source.expires_on, source.condition)
    assert rules.dominates(copy, source) and rules.dominates(source, copy)


@st.composite
def operation_dags(draw):
    """Random DAGs of operations: roots are registered carriers; each later node is a copy of one
    earlier node, or an extract / compilation of one or more earlier nodes with whatever terms
    were asked for (refused ones are dropped, as the service refuses them)."""
    nodes = [(draw(terms(label="r0")), ())]
    for i in range(1, draw(st.integers(2, 14))):
        if i < 2 or draw(st.integers(0, 4)) == 0:
            nodes.append((draw(terms(label=f"r{i}")), ()))
            continue
        op = draw(st.sampled_from(["copy", "extract", "compilation"]))
        if op == "copy":
            parent = draw(st.integers(0, len(nodes) - 1))
            nodes.append((rules.copy_of(nodes[parent][0]), (parent,)))
            continue
        least = 2 if op == "compilation" else 1
        if len(nodes) < least:
            continue
        parents = tuple(sorted(draw(st.sets(st.integers(0, len(nodes) - 1), min_size=least, max_size=min(4, len(nodes))))))
        derived = accepted([nodes[p][0] for p in parents], draw(requests()))
        if derived is not None:
            nodes.append((derived, parents))
    return nodes


def ancestors(nodes, i):
    seen, stack = set(), list(nodes[i][1])
    while stack:
        p = stack.pop()
        if p not in seen:
            seen.add(p)
            stack.extend(nodes[p][1])
    return seen


@settings(max_examples=500, deadline=None)
@given(operation_dags())
def test_no_chain_yields_less_than_any_ancestor(nodes):
    for i, (node, _parents) in enumerate(nodes):
        for a in ancestors(nodes, i):
            ancestor = nodes[a][0]
            assert node.level >= ancestor.level
            assert node.expiry_key >= ancestor.expiry_key
            assert set(ancestor.conditions()) <= set(node.conditions())


def test_the_order_is_what_the_rule_says():
    """Examples the properties rest on: a condition-only period ends after any date."""
    dated = rules.Terms(level=2, period_start=date(2026, 1, 1), secrecy_years=10, secrecy_months=None, condition="",
                        expires_on=date(2036, 1, 1))
    until = rules.Terms(level=1, period_start=date(2026, 1, 1), secrecy_years=None, secrecy_months=None,
                        condition="验收后", expires_on=None)
    both = rules.inherited([dated, until])
    assert (both.level, both.expires_on, both.condition) == (2, None, "验收后")
    assert not rules.dominates(dated, until) and rules.dominates(both, dated) and rules.dominates(both, until)


# --- the same property through the real services on the database --------------------------------


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_chain_through_the_services_yields_less(org, licence, data):
    """Copies, extracts and compilations made through the services, on carriers registered through
    the core: every carrier made has at least the level, at least the end date and every condition
    of every ancestor (read back from the database by its lineage)."""
    from carriers.copying import selectors
    from common.errors import DomainError
    from tests.factories import register

    from .conftest import (
        approve_compilation,
        approved_copy,
        ask_compilation,
        execute,
        extract,
        make,
    )

    made: list[Carrier] = []
    for i in range(data.draw(st.integers(1, 2), label="roots")):
        t = data.draw(terms(max_years=9), label=f"root{i}")
        made.append(register(org.secretary, container=org.safe, level=t.level, secrecy_years=t.secrecy_years,
                             secrecy_months=t.secrecy_months, declassification_condition=t.condition,
                             period_start=t.period_start, title=f"root {i}", copy_number="",
                             scope_departments=[org.res]))
    for step in range(data.draw(st.integers(1, 3), label="steps")):
        op = data.draw(st.sampled_from(["copy", "extract", "compilation"]), label=f"op{step}")
        if op == "copy":
            source = data.draw(st.sampled_from(made), label="source")
            request = approved_copy(org, source, copies=1)
            execute(org, request, container=org.safe)
            made.extend(selectors.copies_of(user=org.secretary, request=request))
            continue
        least = 2 if op == "compilation" else 1
        if len(made) < least:
            continue
        parts = data.draw(st.lists(st.sampled_from(made), min_size=least, max_size=3, unique_by=lambda c: c.pk),
                          label="parts")
        requested = data.draw(requests(), label="requested")
        try:
            if op == "extract":
                derivation = extract(org, parts, **requested)
            else:
                derivation = ask_compilation(org, parts, **requested)
                approve_compilation(org, derivation)
                make(org, derivation)
                derivation.refresh_from_db()
        except DomainError:
            continue  # refused (e.g. below a source): nothing was made
        made.append(derivation.carrier)
    for carrier in made:
        carrier.refresh_from_db()
        mine = copying.terms_of_carrier(carrier)
        for ancestor in selectors.lineage(user=org.secretary, carrier=carrier)["ancestors"]:
            assert rules.dominates(mine, copying.terms_of_carrier(ancestor)), (carrier, ancestor)
