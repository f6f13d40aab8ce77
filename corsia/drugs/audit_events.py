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
# Staged updates from AIFA open data (services_archive): staged, decided, applied.
DRUGS_ARCHIVE_IMPORT_STAGED = register(
    "drugs.archive_import_staged", "Aggiornamento archivio farmaci da AIFA caricato"
)
DRUGS_ARCHIVE_CHANGES_DECIDED = register(
    "drugs.archive_changes_decided", "Modifiche proposte all'archivio farmaci decise"
)
DRUGS_ARCHIVE_IMPORT_APPROVED = register(
    "drugs.archive_import_approved", "Aggiornamento archivio farmaci approvato"
)
DRUGS_ARCHIVE_IMPORT_REJECTED = register(
    "drugs.archive_import_rejected",
    "Aggiornamento archivio farmaci rifiutato",
    reason_required=True,
)
DRUGS_ARCHIVE_IMPORT_APPLIED = register(
    "drugs.archive_import_applied", "Aggiornamento archivio farmaci applicato"
)
# A pack withdrawn from the market used anyway at a scan, with the pharmacist's reason (H62).
DRUGS_PACK_WITHDRAWN_OVERRIDDEN = register(
    "drugs.pack_withdrawn_overridden",
    "Uso autorizzato di una confezione ritirata dal commercio",
    reason_required=True,
)
