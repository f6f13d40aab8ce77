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
from corsia.transplant.services.collection import (
    CollectionInput,
    custody_record,
    din_of,
    product_collect,
)
from corsia.transplant.services.day_zero import (
    CountInput,
    InfusionInput,
    conditioning_set,
    count_record,
    infusion_record,
)
from corsia.transplant.services.donors import (
    DonorInput,
    donor_add,
    donor_choose,
    donor_exclude,
    donor_update,
    recipient_typing_record,
)

__all__ = [
    "CaseInput",
    "CollectionInput",
    "CountInput",
    "DonorInput",
    "InfusionInput",
    "conditioning_set",
    "count_record",
    "custody_record",
    "din_of",
    "donor_add",
    "donor_choose",
    "donor_exclude",
    "donor_update",
    "infusion_record",
    "product_collect",
    "recipient_typing_record",
    "transplant_cancel",
    "transplant_open",
    "transplant_update",
]
