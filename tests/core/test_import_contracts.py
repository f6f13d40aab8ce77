"""The import contracts in ``pyproject.toml`` cover every module (ADR 0003).

``lint-imports`` checks the contracts it is given; it cannot tell that a contract is missing.
A new module, or a new ``models_*`` file, that nobody adds to the lists would be read from
other modules unchecked: these tests compare the lists with the files on disk.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "corsia"
# The tests' shared factories build rows of every module (ADR 0003): not a Corsia module.
NOT_A_MODULE = {"testing"}


def _contracts() -> list[dict[str, Any]]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        config = tomllib.load(handle)
    contracts: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _modules() -> list[str]:
    return sorted(
        path.parent.name
        for path in PACKAGE.glob("*/__init__.py")
        if path.parent.name not in NOT_A_MODULE
    )


def _models_of(module: str) -> set[str]:
    """A module's tables: its ``models.py`` or ``models/`` package and its ``models_*.py``."""
    folder = PACKAGE / module
    found = {f"corsia.{module}.{path.stem}" for path in folder.glob("models_*.py")}
    if (folder / "models.py").exists() or (folder / "models" / "__init__.py").exists():
        found.add(f"corsia.{module}.models")
    return found


def test_the_walk_finds_the_modules_and_their_tables() -> None:
    modules = _modules()
    assert {"core", "patients", "prescribing", "demo", "dispensing"} <= set(modules)
    assert _models_of("nursing") == {"corsia.nursing.models", "corsia.nursing.models_care"}
    assert _models_of("records") == {"corsia.records.models"}  # a models/ package
    assert _models_of("demo") == set()


def test_every_module_reads_no_other_module_s_tables() -> None:
    by_name = {contract["name"]: contract for contract in _contracts()}
    problems: list[str] = []
    for module in _modules():
        contract = by_name.get(f"{module} reads no other module's tables")
        if contract is None:
            problems.append(f"{module}: no contract")
            continue
        # core.models holds the abstract base models every module inherits: not a table.
        others = set().union(*(_models_of(m) for m in _modules() if m not in {module, "core"}))
        listed = set(contract["forbidden_modules"])
        if contract["type"] != "forbidden" or contract["source_modules"] != [f"corsia.{module}"]:
            problems.append(f"{module}: not a forbidden contract on corsia.{module}")
        if missing := sorted(others - listed):
            problems.append(f"{module}: does not forbid {missing}")
        if extra := sorted(listed - others):
            problems.append(f"{module}: forbids what is not another module's tables {extra}")
    assert problems == []


def test_the_modules_order_names_every_module() -> None:
    (order,) = [
        c for c in _contracts() if c["name"] == "modules import only the modules below them"
    ]
    named = {
        part.strip().removeprefix("corsia.")
        for layer in order["layers"]
        for part in layer.split("|")
    }
    assert named == {*_modules(), *NOT_A_MODULE}


def test_no_contract_has_an_ignore_list() -> None:
    assert [c["name"] for c in _contracts() if c.get("ignore_imports")] == []


def _type_only_names(tree: ast.Module, module: str) -> dict[str, int]:
    """Names imported under ``if TYPE_CHECKING:`` from another module's models -> line."""
    names: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                if isinstance(child, ast.ImportFrom) and child.module:
                    parts = child.module.split(".")
                    foreign = parts[0] == "corsia" and parts[1] not in {module, "core"}
                    if foreign and len(parts) > 2 and parts[2].startswith("models"):
                        names.update({a.asname or a.name: child.lineno for a in child.names})
    return names


def test_another_module_s_models_are_named_only_in_annotations() -> None:
    """ADR 0003: a type-only import is not a read. Used outside an annotation, the name
    would not exist at run time (a NameError on a path the tests may not walk) or, moved
    out of ``if TYPE_CHECKING:``, would read the other module's table."""
    problems: list[str] = []
    seen = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if parts[0] in NOT_A_MODULE or "migrations" in parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = _type_only_names(tree, parts[0])
        if not names:
            continue
        seen += 1
        in_annotations = {
            id(inner)
            for node in ast.walk(tree)
            for field in ("annotation", "returns")
            if (annotation := getattr(node, field, None)) is not None
            for inner in ast.walk(annotation)
        }
        problems += [
            f"{path.relative_to(ROOT)}:{node.lineno} {node.id}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and node.id in names and id(node) not in in_annotations
        ]
    assert seen > 10  # the walk found the type-only imports (records, fhir, inventory, ...)
    assert problems == []
