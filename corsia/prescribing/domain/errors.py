"""Refusals of the dose engine: Italian message, stable English code, the field at fault."""

from __future__ import annotations

from corsia.core.domain.errors import CorsiaError, ValidationFailed


class RenalFunctionMissing(ValidationFailed):
    """An AUC (Calvert) dose needs a creatinine value or a measured GFR."""

    code = "renal_function_required"


class DoseLimitExceeded(CorsiaError):
    """A dose above a hard limit: the order is blocked."""

    code = "dose_limit_exceeded"
    status = 422


class MaxSingleDoseExceeded(DoseLimitExceeded):
    code = "max_dose_exceeded"


class CumulativeDoseExceeded(DoseLimitExceeded):
    code = "cumulative_dose_exceeded"


class AllergyContraindicated(ValidationFailed):
    """A drug of the order matches a severe, life-threatening or confirmed allergy of the
    patient: refused unless the physician overrides it with a reason."""

    code = "allergy_contraindicated"


class AllergyWarningUnacknowledged(ValidationFailed):
    """A drug of the order matches a mild or suspected allergy: the physician acknowledges
    the warning before going on."""

    code = "allergy_warning_unacknowledged"


class PgxContraindicated(ValidationFailed):
    """A drug of the order is contraindicated by the patient's pharmacogenomic result at the
    dose prescribed (CPIC "avoid", or a poor metaboliser at a dose above the recommended
    one): refused unless overridden with a reason."""

    code = "pgx_contraindicated"


class PgxWarningUnacknowledged(ValidationFailed):
    """A pharmacogenomic recommendation asks for a lower starting dose than the one
    prescribed: acknowledged before going on."""

    code = "pgx_warning_unacknowledged"


__all__ = [
    "AllergyContraindicated",
    "AllergyWarningUnacknowledged",
    "CumulativeDoseExceeded",
    "DoseLimitExceeded",
    "MaxSingleDoseExceeded",
    "PgxContraindicated",
    "PgxWarningUnacknowledged",
    "RenalFunctionMissing",
    "ValidationFailed",
]
