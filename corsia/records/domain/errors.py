"""Refusals of the medical record's calculations: Italian message, stable English code,
the field at fault (``field``) and, where useful, the value refused (``details``)."""

from __future__ import annotations

from corsia.core.domain.errors import ValidationFailed


class ClinicalInputMissing(ValidationFailed):
    """A score, stage or response needs an input that was not given."""

    code = "clinical_input_missing"


class ClinicalInputOutOfRange(ValidationFailed):
    """An input outside the range the formula (or physiology) admits."""

    code = "clinical_input_out_of_range"


class ClinicalInputsInconsistent(ValidationFailed):
    """Inputs that are each valid but cannot be true together."""

    code = "clinical_inputs_inconsistent"


class StagingCategoryInvalid(ValidationFailed):
    """A T, N or M category (or a stage descriptor) not defined for the site."""

    code = "tnm_category_invalid"


class StageCombinationUndefined(ValidationFailed):
    """Valid categories whose combination has no stage group in the published table."""

    code = "tnm_combination_undefined"


class TargetLesionsInvalid(ValidationFailed):
    """RECIST 1.1 target lesions that break the selection rules or are not measurable."""

    code = "recist_target_lesions_invalid"


__all__ = [
    "ClinicalInputMissing",
    "ClinicalInputOutOfRange",
    "ClinicalInputsInconsistent",
    "StageCombinationUndefined",
    "StagingCategoryInvalid",
    "TargetLesionsInvalid",
]
