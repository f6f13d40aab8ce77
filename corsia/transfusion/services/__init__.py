"""Use cases of the transfusion module, one file per clinical act, re-exported here."""

from corsia.transfusion.services._common import (
    ISSUE,
    RECORD_GROUP,
    REQUEST,
    TRANSFUSE,
    VIEW,
    product_table,
)
from corsia.transfusion.services.bedside import (
    BagRefused,
    ReactionInput,
    transfusion_check,
    transfusion_end,
    transfusion_reaction_record,
    transfusion_start,
    transfusion_stop,
    transfusion_vitals_record,
)
from corsia.transfusion.services.emergency import emergency_declare
from corsia.transfusion.services.issue import bag_issue, crossmatch_record
from corsia.transfusion.services.requests import (
    RequestInput,
    blood_group_record,
    transfusion_request_cancel,
    transfusion_request_create,
)

__all__ = [
    "ISSUE",
    "RECORD_GROUP",
    "REQUEST",
    "TRANSFUSE",
    "VIEW",
    "BagRefused",
    "ReactionInput",
    "RequestInput",
    "bag_issue",
    "blood_group_record",
    "crossmatch_record",
    "emergency_declare",
    "product_table",
    "transfusion_check",
    "transfusion_end",
    "transfusion_reaction_record",
    "transfusion_request_cancel",
    "transfusion_request_create",
    "transfusion_start",
    "transfusion_stop",
    "transfusion_vitals_record",
]
