"""CTCAE v5.0 terms the toxicity tests name by their MedDRA code, and how they read one."""

from __future__ import annotations

from corsia.toxicity.models import CtcaeTerm

NAUSEA = "10028813"  # CTCAE v5.0 Nausea: grades 1-3, grades 4 and 5 "-"
NEUTROPENIA = "10029366"  # Neutrophil count decreased: grades 1-4, grade 5 "-"
DIARRHEA = "10012727"  # Diarrhea: grades 1-5


def term(code: str) -> CtcaeTerm:
    return CtcaeTerm.objects.get(meddra_code=code)
