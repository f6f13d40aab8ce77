"""List the compounding data missing for the products the shipped regimen library uses.

Run from the repository root: ``.venv/bin/python corsia/drugs/data/compounding_gaps.py``.
Reads the regimen library (``corsia/regimens/data/library/*.yaml``) and the shipped
``catalogue.jsonl``; prints, per product the pharmacy compounds for a regimen, the
compounding fields missing (``corsia.drugs.domain.compounding_data``), a count per field,
and the ingredients compounded by a regimen that have no product in the archive.
``tests/drugs/test_compounding_data.py`` checks the same list.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from corsia.drugs.domain.compounding_data import (  # noqa: E402  # run as a script
    FIELD_LABELS_IT,
    in_scope,
    missing_compounding_fields,
    missing_counts,
    regimen_scope,
)
from corsia.regimens.data.loader import load_documents  # noqa: E402

CATALOGUE = Path(__file__).resolve().parent / "catalogue.jsonl"


def catalogue_products(path: Path = CATALOGUE) -> Iterator[dict[str, Any]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            record = json.loads(line)
            if record["type"] == "product":
                yield record


def library_scope() -> dict[str, set[str]]:
    """Ingredient -> formulations compounded by the shipped regimens."""
    return regimen_scope(
        component for document in load_documents() for component in document["components"]
    )


def gaps(path: Path = CATALOGUE) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """``({product code: missing field keys}, [ingredients without a product])``."""
    scope = library_scope()
    products = list(catalogue_products(path))
    found = {p["code"]: missing_compounding_fields(p) for p in products if in_scope(p, scope)}
    covered = {p["ingredient"] for p in products if in_scope(p, scope)}
    return found, sorted(set(scope) - covered)


def main() -> None:
    found, without_product = gaps()
    write = sys.stdout.write
    for code, missing in sorted(found.items()):
        text = ", ".join(FIELD_LABELS_IT[k] for k in missing) or "completo"
        write(f"{code}: {text}\n")
    write(f"\n{len(found)} medicinali allestiti per gli schemi della libreria\n")
    for key, count in missing_counts(found.values()).items():
        write(f"  senza {FIELD_LABELS_IT[key]}: {count}\n")
    write(f"principi attivi senza medicinale in archivio: {', '.join(without_product)}\n")


if __name__ == "__main__":
    main()
