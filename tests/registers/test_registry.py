"""The registry of registers discovers each installed app's registers.py; signature_text."""

import sys
import textwrap
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from audit.models import Signature
from registers.base import signature_text, signatures_text
from registers.definitions import AUDIT_EXTRACT, CARRIER_LEDGER, REGISTERS
from registers.registry import RegisterRegistry


@pytest.fixture
def fake_apps(tmp_path, monkeypatch):
    """Installed apps replaced by the real ones plus packages written under tmp_path."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(name, registers_source=None):
        package = tmp_path / name
        package.mkdir()
        (package / "__init__.py").write_text("")
        if registers_source is not None:
            (package / "registers.py").write_text(textwrap.dedent(registers_source))
        module = __import__(name)
        made.append(name)
        return SimpleNamespace(name=name, module=module)

    real = list(apps.get_app_configs())
    extra = []
    monkeypatch.setattr(apps, "get_app_configs", lambda: real + extra)
    yield lambda *a, **k: extra.append(make(*a, **k))
    for name in made:
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]


REGISTER_SOURCE = """
from registers.base import Column, Extract, Register

def _draw(*, user, params):
    return Extract(rows=[], filters={}, period=(None, None))

REGISTERS = [Register(name="{name}", title_zh="测试", title_en="Test",
                      columns=(Column("甲", "A", str),), draw=_draw)]
"""


def test_builtin_and_installed_apps_registers(fake_apps):
    fake_apps("regapp_one", REGISTER_SOURCE.replace("{name}", "one-register"))
    fake_apps("regapp_without")  # no registers.py: fine
    registry = RegisterRegistry((CARRIER_LEDGER, AUDIT_EXTRACT))
    names = list(registry)
    assert names[:2] == ["carrier-ledger", "audit-trail"]
    assert "one-register" in names
    assert registry["one-register"].title("en") == "Test"
    assert registry.get("missing") is None


def test_import_error_inside_an_apps_registers_module_propagates(fake_apps):
    fake_apps("regapp_broken", "import no_such_module_anywhere\nREGISTERS = []\n")
    registry = RegisterRegistry((CARRIER_LEDGER,))
    with pytest.raises(ModuleNotFoundError, match="no_such_module_anywhere"):
        registry.get("carrier-ledger")
    with pytest.raises(ModuleNotFoundError):  # not cached as loaded: raised again
        list(registry)


def test_duplicate_names_and_missing_list_are_configuration_errors(fake_apps):
    fake_apps("regapp_dup", REGISTER_SOURCE.replace("{name}", "carrier-ledger"))
    with pytest.raises(ImproperlyConfigured, match="defined twice"):
        list(RegisterRegistry((CARRIER_LEDGER,)))


def test_module_without_registers_list_is_an_error(fake_apps):
    fake_apps("regapp_empty", "X = 1\n")
    with pytest.raises(ImproperlyConfigured, match="defines no REGISTERS"):
        list(RegisterRegistry((CARRIER_LEDGER,)))


def test_the_project_registry_holds_the_builtin_registers():
    assert REGISTERS["carrier-ledger"] is CARRIER_LEDGER
    assert REGISTERS["audit-trail"] is AUDIT_EXTRACT


def test_signature_text_in_both_languages(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    signature = Signature(
        printed_name="张三", meaning=Signature.Meaning.RECEIVED,
        signed_at=datetime(2026, 3, 1, 1, 5, tzinfo=ZoneInfo("UTC")),
    )
    with translation.override("en"):
        assert signature_text(signature) == "张三 · 2026-03-01 09:05 · Received and counted"
    with translation.override("zh-hans"):
        text = signature_text(signature)
    assert text.startswith("张三 · 2026-03-01 09:05 · ")
    assert signature_text(None) == ""
    second = Signature(
        printed_name="李四", meaning=Signature.Meaning.APPROVED,
        signed_at=datetime(2026, 3, 1, 0, 5, tzinfo=ZoneInfo("UTC")),
    )
    with translation.override("en"):
        assert signatures_text([signature, second]).splitlines() == [
            "李四 · 2026-03-01 08:05 · Approved", "张三 · 2026-03-01 09:05 · Received and counted",
        ]
