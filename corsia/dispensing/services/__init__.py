"""Direct distribution's acts (one module each), re-exported."""

from corsia.dispensing.services.closures import delegation_revoke, plan_close
from corsia.dispensing.services.delegations import DelegationInput, delegation_record
from corsia.dispensing.services.dispensings import (
    DispensingInput,
    dispensing_record,
    dispensing_reference,
    scan_market_warnings,
)
from corsia.dispensing.services.file_f import FILE_F_DIRECT
from corsia.dispensing.services.plans import PlanInput, plan_record

__all__ = [
    "FILE_F_DIRECT",
    "DelegationInput",
    "DispensingInput",
    "PlanInput",
    "delegation_record",
    "delegation_revoke",
    "dispensing_record",
    "dispensing_reference",
    "plan_close",
    "plan_record",
    "scan_market_warnings",
]
