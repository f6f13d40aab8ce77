"""The hazard log names the tests that prove each control fires: every one must exist.

A row whose test was renamed or removed would claim a control nobody checks any more.
References are `path::test_name` (path from the repository root, or a file name or
module-relative path such as `tests/test_services.py`), `::test_name` continuing the
previous path, and `test_prefix_*` for a family of tests.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "safety" / "hazard-log.md"
_REF = re.compile(r"`([A-Za-z0-9_/.\-]*)::([A-Za-z0-9_]+\*?)`")


def _test_files() -> list[Path]:
    return [p for p in (ROOT / "tests").rglob("test_*.py")] + list(
        (ROOT / "bench").rglob("test_*.py")
    )


def _candidates(path: str, files: list[Path]) -> list[Path]:
    if path.startswith(("corsia/", "tests/", "bench/")):
        return [ROOT / path]
    return [f for f in files if f.as_posix().endswith("/" + path)]


def _defines(files: list[Path], name: str) -> bool:
    for f in files:
        if not f.exists():
            continue
        text = f.read_text(encoding="utf-8")
        if name.endswith("*"):
            if re.search(rf"^(async )?def {re.escape(name[:-1])}\w*\(", text, re.M):
                return True
        elif re.search(rf"^(async )?def {re.escape(name)}\(", text, re.M):
            return True
    return False


def references(text: str) -> list[tuple[int, str, str]]:
    """(line number, path, test name) of every test the log cites."""
    found: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        previous = ""
        for written, name in _REF.findall(line):
            previous = written or previous
            found.append((number, previous, name))
    return found


def test_references_are_read_from_the_log_formats() -> None:
    line = "| H | x | y | `tests/a/test_b.py::test_c`, `::test_d`, `test_e.py::test_f_*` | built |"
    assert references(line) == [
        (1, "tests/a/test_b.py", "test_c"),
        (1, "tests/a/test_b.py", "test_d"),
        (1, "test_e.py", "test_f_*"),
    ]


def test_every_test_the_hazard_log_cites_exists() -> None:
    files = _test_files()
    refs = references(LOG.read_text(encoding="utf-8"))
    assert len(refs) > 100  # the log cites its tests; an empty parse would prove nothing
    missing = [
        f"line {n}: {path}::{name}"
        for n, path, name in refs
        if not _defines(_candidates(path, files), name)
    ]
    assert missing == []
