"""The ward therapy's use cases, one file per clinical act: ``prescribe`` (prescribe and
sign, suspend, replace), ``checks`` (the dose checks, nothing written), ``doses`` (the
nurse's record of each dose)."""

from corsia.therapy.services.checks import CheckResult, prescription_checks
from corsia.therapy.services.common import Decision, PrescriptionInput
from corsia.therapy.services.doses import DoseInput, dose_record
from corsia.therapy.services.prescribe import (
    prescription_create,
    prescription_replace,
    prescription_suspend,
)

__all__ = [
    "CheckResult",
    "Decision",
    "DoseInput",
    "PrescriptionInput",
    "dose_record",
    "prescription_checks",
    "prescription_create",
    "prescription_replace",
    "prescription_suspend",
]
