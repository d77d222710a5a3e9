"""Audit action labels and carrier status names are registered by the apps that own them
(common.labels); common code and templates read the registry and import no app."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from common import labels
from common.templatetags.registry import ACTION_LABELS, action_label, status_label

ROOT = Path(__file__).resolve().parents[2]
NOT_SCANNED = {".venv", "var", "tests", "bench", "migrations", "node_modules"}
RECORDED = re.compile(r"""action\s*=\s*["']([a-z_]+\.[a-z_]+)["']""")


def recorded_actions() -> dict[str, str]:
    """Every audit action written as a literal `action="app.verb"` in the code, with a file."""
    found = {}
    for path in ROOT.rglob("*.py"):
        if NOT_SCANNED & set(path.relative_to(ROOT).parts):
            continue
        for code in RECORDED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def test_every_recorded_action_has_a_label():
    registered = labels.labels(labels.ACTIONS)
    missing = {code: where for code, where in recorded_actions().items()
               if code not in registered}
    assert not missing, f"add these to the labels.py of the app that records them: {missing}"


def test_each_app_registers_its_own_labels():
    # a few codes from different apps: all there, each from its app's labels module
    from approvals.labels import ACTION_LABELS as approvals_labels
    from carriers.use.labels import ACTION_LABELS as use_labels
    from personnel.labels import ACTION_LABELS as personnel_labels

    for table in (approvals_labels, use_labels, personnel_labels):
        for code, label in table.items():
            assert ACTION_LABELS[code] is label
    assert not set(approvals_labels) & set(use_labels)


def test_labels_follow_the_language_and_unknown_codes_read_as_themselves():
    with translation.override("zh-hans"):
        assert str(action_label("use.loan_lent")) == "已出借（出借人已签名）"
        assert str(status_label("archived")) == "已归档"
    with translation.override("en"):
        assert str(action_label("use.loan_lent")) == "Lent (lender signed)"
        assert str(status_label("archived")) == "Archived"
    assert action_label("nobody.registered_this") == "nobody.registered_this"
    assert status_label("no_such_status") == "no_such_status"


def test_a_code_cannot_be_registered_twice_with_another_label():
    labels.register_labels("test.table", {"a": "A"})
    labels.register_labels("test.table", [("a", "A"), ("b", "B")])  # the same label again is fine
    with pytest.raises(ValueError, match="test.table:a"):
        labels.register_labels("test.table", {"a": "Other"})
    assert labels.labels("test.table") == {"a": "A", "b": "B"}


def test_the_audit_template_shows_registered_labels():
    event = type("Event", (), {"action": "carrier.status_changed", "details": {"from": "in_custody", "to": "archived"}})
    html = Template('{% include "audit/_action.html" %}').render(Context({"event": event}))
    assert "In custody" in html and "Archived" in html
    event.action = "handover.cancelled"
    assert Template('{% include "audit/_action.html" %}').render(Context({"event": event})).strip() == "Handover cancelled"
