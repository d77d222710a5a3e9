#!/usr/bin/env python
"""List the imports made inside functions that could move to the top of their module.

An import of one of the project's packages inside a function usually hid an import cycle.
This lists those the import contracts (pyproject.toml [tool.importlinter]) allow, i.e. no
contract forbids the importer to import that module, ignore lists disregarded, and says for
each whether moving it to module level would close a cycle of module-level imports (taken in
order: each one moved adds its import, so all the "movable" ones can move together).

    .venv/bin/python scripts/function_imports.py             movable ones, then the counts
    .venv/bin/python scripts/function_imports.py --all       also those that would cycle and
                                                             those the contracts forbid

Left out on purpose: AppConfig.ready() (Django wants those imports there), migrations,
`try: import ... except ImportError` (optional apps) and imports of other libraries (kept in
functions to start faster, e.g. WeasyPrint)."""

import argparse
import ast
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class FunctionImport:
    path: Path
    line: int
    importer: str
    imported: str
    function: str


def load_contracts() -> tuple[list[str], list[dict]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return config["root_packages"], config["contracts"]


def module_files(roots: list[str]) -> dict[str, Path]:
    files = {}
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            files[name] = path
    return files


def resolve(module: str, is_package: bool, node: ast.ImportFrom | ast.Import, known: dict) -> list[str]:
    """The project modules an import statement names (submodules where `from a import b` names one)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        names = []
        for alias in node.names:
            candidate = f"{prefix}.{alias.name}"
            names.append(candidate if candidate in known else prefix)
    result = []
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            result.append(name)
    return result


def _optional(node, parents) -> bool:
    for parent in parents:
        if isinstance(parent, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in {"ImportError", "ModuleNotFoundError"}
            for h in parent.handlers
        ):
            return True
    return False


def _visit(node, parents, function, *, name, path, is_package, files, graph, inside) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = child.name if function is None else f"{function}.{child.name}"
            _visit(child, [*parents, child], inner, name=name, path=path, is_package=is_package, files=files,
                   graph=graph, inside=inside)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            targets = [t for t in resolve(name, is_package, child, files) if t != name]
            if function is None:
                graph[name].update(targets)
            elif not (function == "ready" or function.endswith(".ready")) and not _optional(child, parents):
                inside.extend(FunctionImport(path, child.lineno, name, t, function) for t in targets)
            continue
        _visit(child, [*parents, child], function, name=name, path=path, is_package=is_package, files=files,
               graph=graph, inside=inside)


def scan(files: dict[str, Path]):
    """(module-level import graph, imports inside functions)."""
    graph: dict[str, set[str]] = {name: set() for name in files}
    inside: list[FunctionImport] = []
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        # importing a.b.c runs a and a.b first
        parts = name.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            if parent in files:
                graph[name].add(parent)
        _visit(tree, [], None, name=name, path=path, is_package=path.name == "__init__.py", files=files,
               graph=graph, inside=inside)
    return graph, inside


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _place(contract: dict, module: str):
    """(layer index, independent siblings?, sibling) of a module in a layers contract."""
    for index, raw in enumerate(contract["layers"]):
        for member in raw.replace("|", ":").split(":"):
            member = member.strip().strip("()")
            if _within(module, member):
                return index, "|" in raw, member
    return None


def forbidden_by(contracts: list[dict], importer: str, imported: str) -> str | None:
    """The id of the first contract that forbids `importer` to import `imported` (ignores disregarded)."""
    for contract in contracts:
        if contract["type"] == "forbidden":
            if any(_within(importer, s) for s in contract["source_modules"]) and any(
                _within(imported, f) for f in contract["forbidden_modules"]
            ):
                return contract["id"]
        elif contract["type"] == "layers":
            a, b = _place(contract, importer), _place(contract, imported)
            if a and b and (b[0] < a[0] or (a[0] == b[0] and a[1] and a[2] != b[2])):
                return contract["id"]
    return None


def cycle(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A path of module-level imports from start to goal, if any (breadth first: the shortest)."""
    previous = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current == goal:
            path = []
            while current is not None:
                path.append(current)
                current = previous[current]
            return path[::-1]
        for nxt in sorted(graph.get(current, ())):
            if nxt not in previous:
                previous[nxt] = current
                queue.append(nxt)
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="also list those that would cycle or are forbidden")
    args = parser.parse_args(argv)
    roots, contracts = load_contracts()
    files = module_files(roots)
    graph, inside = scan(files)
    movable, cycling, forbidden = [], [], []
    seen = set()
    for item in inside:
        if (item.path, item.line, item.imported) in seen:
            continue
        seen.add((item.path, item.line, item.imported))
        contract = forbidden_by(contracts, item.importer, item.imported)
        if contract:
            forbidden.append((item, contract))
            continue
        # moved one after the other: each move adds its edge, so the movable ones can all move
        path = cycle(graph, item.imported, item.importer)
        if path:
            cycling.append((item, [item.importer, *path]))
        else:
            graph[item.importer].add(item.imported)
            movable.append((item, None))

    def show(item, note=""):
        where = f"{item.path.relative_to(ROOT)}:{item.line}"
        print(f"  {where:<48} {item.function}(): {item.imported}{note}")

    print(f"Movable to module level ({len(movable)}): allowed by the contracts, no import cycle")
    for item, _ in movable:
        show(item)
    if args.all:
        print(f"\nAllowed by the contracts but would close a cycle today ({len(cycling)})")
        for item, path in cycling:
            show(item, f"   [{' -> '.join(path)}]")
        print(f"\nForbidden by a contract: a design change, not a move ({len(forbidden)})")
        for item, contract in forbidden:
            show(item, f"   [{contract}]")
    total = len(seen)
    print(f"\n{total} imports of project modules inside functions: {len(movable)} movable, "
          f"{len(cycling)} would cycle, {len(forbidden)} forbidden by a contract.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
