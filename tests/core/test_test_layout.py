"""No test module imports another test module: shared factories, scenarios and helpers live
in ``corsia/testing`` (one module per Corsia module), fixtures in ``conftest.py`` files.

The suite lives in ``tests/<module>/``, outside the application package.
A helper kept in a test file and imported by its neighbours couples the two files (moving
or deleting a test breaks others) and hides the helper from every other module's tests.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _test_package_files() -> list[Path]:
    return sorted(
        path
        for base in (ROOT / "tests", ROOT / "bench")
        for path in base.rglob("*.py")
        if "tests" in path.relative_to(ROOT).parts
    )


def _imported_modules(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import inside a tests package
                found.append("." * node.level + (node.module or ""))
            else:
                module = node.module or ""
                found.extend(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_no_test_module_imports_another_test_module() -> None:
    files = _test_package_files()
    assert len(files) > 100  # the walk found the suite
    offending = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in files
        for module in _imported_modules(path)
        if module.startswith((".", "tests.")) or ".tests." in f"{module}."
    ]
    assert offending == [], "import it from corsia/testing instead"
