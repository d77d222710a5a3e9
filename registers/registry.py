"""The registry of registers: the ones defined here (registers/definitions.py) and those that every
installed app defines in its own `registers.py` module as `REGISTERS = [Register(...), ...]`.

The apps' modules are imported lazily, once, on first use (like admin.autodiscover): an app
without a `registers.py` is fine; an error raised while importing one that exists propagates (it
is never swallowed, and the registry stays unloaded so the next use raises it again)."""

import threading
from collections.abc import Iterator, Mapping
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

from .base import Register

MODULE_NAME = "registers"


def discover(builtin) -> dict[str, Register]:
    """Every register: the built-in ones, then each installed app's, in INSTALLED_APPS order."""
    found: dict[str, Register] = {}
    sources: dict[str, str] = {}

    def add(register, source):
        if not isinstance(register, Register):
            raise ImproperlyConfigured(f"{source}: REGISTERS holds {register!r}, not a registers.base.Register")
        if register.name in found:
            raise ImproperlyConfigured(
                f"register {register.name!r} is defined twice: in {sources[register.name]} and in {source}"
            )
        found[register.name] = register
        sources[register.name] = source

    for register in builtin:
        add(register, "registers.definitions")
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, MODULE_NAME):
            continue
        module_path = f"{config.name}.{MODULE_NAME}"
        if module_path == f"{__package__}.{MODULE_NAME}":
            continue
        module = import_module(module_path)  # an ImportError (or any error) inside it propagates
        declared = getattr(module, "REGISTERS", None)
        if declared is None:
            raise ImproperlyConfigured(f"{module_path} defines no REGISTERS list")
        for register in declared:
            add(register, module_path)
    return found


class RegisterRegistry(Mapping):
    """A read-only mapping name -> Register that discovers the apps' registers on first use."""

    def __init__(self, builtin):
        self._builtin = tuple(builtin)
        self._lock = threading.Lock()
        self._loaded: dict[str, Register] | None = None

    def _all(self) -> dict[str, Register]:
        loaded = self._loaded
        if loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = discover(self._builtin)
                loaded = self._loaded
        return loaded

    def reset(self) -> None:
        """Forget what was discovered (tests that add an app's module)."""
        with self._lock:
            self._loaded = None

    def __getitem__(self, name: str) -> Register:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def ordered(self) -> list[Register]:
        return list(self._all().values())
