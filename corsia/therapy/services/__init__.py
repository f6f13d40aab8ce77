"""The ward therapy's use cases, one file per clinical act: ``prescribe`` (prescribe and
sign, suspend, replace), ``checks`` (the dose checks, nothing written), ``doses`` (the
nurse's record of each dose), ``corrections``
(a dose record entered in error superseded), ``cabinet`` (the ward cabinet unloaded dose by
dose, its reorder levels)."""

from corsia.therapy.services.cabinet import cabinet_level_set
from corsia.therapy.services.checks import CheckResult, prescription_checks
from corsia.therapy.services.common import Decision, PrescriptionInput
from corsia.therapy.services.corrections import CorrectionInput, dose_correct
from corsia.therapy.services.doses import DoseInput, dose_record
from corsia.therapy.services.prescribe import (
    prescription_create,
    prescription_replace,
    prescription_suspend,
)

__all__ = [
    "CheckResult",
    "CorrectionInput",
    "Decision",
    "DoseInput",
    "PrescriptionInput",
    "cabinet_level_set",
    "dose_correct",
    "dose_record",
    "prescription_checks",
    "prescription_create",
    "prescription_replace",
    "prescription_suspend",
]
