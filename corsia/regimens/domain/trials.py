"""Clinical-trial identifiers: EudraCT (before 2023) and CTIS (EU CTR 536/2014)."""

from __future__ import annotations

import re

from corsia.core.domain.errors import ValidationFailed

EUDRACT_PATTERN = re.compile(r"^(19|20)\d{2}-\d{6}-\d{2}$")
CTIS_PATTERN = re.compile(r"^(20)\d{2}-5\d{5}-\d{2}-\d{2}$")


def check_trial_numbers(*, eudract_number: str, ctis_number: str) -> None:
    if not eudract_number and not ctis_number:
        raise ValidationFailed(
            "Indicare il numero EudraCT o il numero CTIS dello studio.",
            code="trial_number_required",
            field="eudract_number",
        )
    if eudract_number and not EUDRACT_PATTERN.match(eudract_number):
        raise ValidationFailed(
            f"«{eudract_number}» non è un numero EudraCT (formato AAAA-NNNNNN-CC).",
            code="invalid_eudract_number",
            field="eudract_number",
        )
    if ctis_number and not CTIS_PATTERN.match(ctis_number):
        raise ValidationFailed(
            f"«{ctis_number}» non è un numero CTIS (formato AAAA-5NNNNN-NN-NN).",
            code="invalid_ctis_number",
            field="ctis_number",
        )
