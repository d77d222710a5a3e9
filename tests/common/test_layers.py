"""The dependency direction is checked: the import contracts of pyproject.toml hold (stages on the
core; the core on approvals, personnel, audit and common; audit imports only common; common
imports no domain app), and every module of carriers/ has its place in them."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def test_the_import_contracts_hold():
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert f"{len(CONTRACTS)} kept, 0 broken" in result.stdout


def test_the_contracts_say_what_the_design_says():
    by_id = {c["id"]: c for c in CONTRACTS}
    apps = {"accounts", "administration", "alerts", "approvals", "audit", "carriers", "config", "directory",
            "incidents", "ledger_import", "meetings", "personnel", "registers"}
    assert by_id["common"]["source_modules"] == ["common"]
    assert set(by_id["common"]["forbidden_modules"]) == apps
    assert by_id["audit"]["source_modules"] == ["audit"]
    assert set(by_id["audit"]["forbidden_modules"]) == apps - {"audit"}
    layers = by_id["layers"]["layers"]
    assert layers[0] == "config"
    stages = next(layer for layer in layers if "carriers.production" in layer)
    assert "|" in stages and layers.index(stages) <= 2  # the stages, independent of each other, near the top


def test_every_module_of_carriers_is_a_stage_or_in_the_core_layer():
    named = set()
    for layer in next(c for c in CONTRACTS if c["id"] == "layers")["layers"]:
        named.update(member.strip().strip("()") for member in layer.replace("|", ":").split(":"))
    children = {
        f"carriers.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "carriers").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path.is_dir() and (path / "__init__.py").exists())
    }
    missing = sorted(children - named)
    assert not missing, f"name these in the core (or stage) layer of pyproject.toml's layers contract: {missing}"
