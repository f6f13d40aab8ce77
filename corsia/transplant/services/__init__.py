"""Use cases of the transplant pathway, one file per part. Each checks the permission,
validates everything (pure rules in ``domain/``) before writing, and records its audit
event in the same transaction. Nothing is deleted.

Each part's names are re-exported here, one import line per file."""

from corsia.transplant.services.case import (
    CaseInput,
    transplant_cancel,
    transplant_open,
    transplant_update,
)

__all__ = [
    "CaseInput",
    "transplant_cancel",
    "transplant_open",
    "transplant_update",
]
