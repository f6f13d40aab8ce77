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


SUBJECT_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
REASON_MAX = 1000


def check_subject_code(text: str) -> str:
    """The study's subject identifier as entered (trimmed): 1-40 letters, digits, ``.``,
    ``_``, ``/`` or ``-``, starting with a letter or a digit."""
    code = text.strip()
    if not code:
        raise ValidationFailed(
            "Indicare il codice soggetto assegnato dallo studio.",
            code="subject_code_required",
            field="subject_code",
        )
    if not SUBJECT_CODE_PATTERN.match(code):
        raise ValidationFailed(
            "Il codice soggetto ammette fino a 40 lettere, cifre e i segni . _ / -.",
            code="invalid_subject_code",
            field="subject_code",
        )
    return code


def ensure_reason(text: str, *, field: str) -> str:
    """A required reason (withdrawal, revocation), trimmed."""
    reason = text.strip()
    if not reason:
        raise ValidationFailed("Indicare il motivo.", code="reason_required", field=field)
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            f"Il motivo non può superare {REASON_MAX} caratteri.",
            code="reason_too_long",
            field=field,
        )
    return reason
