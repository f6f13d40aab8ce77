"""Audit events of the drug archive, declared once."""

from __future__ import annotations

from corsia.audit.domain.events import register

DRUGS_IMPORTED = register("drugs.catalogue_imported", "Importazione archivio farmaci")
DRUGS_AIFA_LIST_IMPORTED = register(
    "drugs.aifa_list_imported", "Importazione lista AIFA classe A/H"
)
DRUGS_COMPOUNDING_VERIFIED = register(
    "drugs.compounding_verified", "Verifica dei dati di allestimento di un medicinale"
)
