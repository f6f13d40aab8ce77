"""The Italian AIC code (Autorizzazione all'Immissione in Commercio) of a pack.

An AIC pack code has 9 digits: the first 8 identify the medicinal product and the
pack, the 9th is a check digit. The check digit is the "codice farmaco" mod-10 rule
printed on the pharmaceutical stamp (bollino, DM Sanità 2 agosto 2001): add the
digits in odd positions as they are and the digits in even positions doubled (the
two digits of a product of 10 or more are added, i.e. minus 9); the check digit is
that sum modulo 10. Unlike Luhn, the doubling starts from the 2nd digit counting
from the left and the check digit is the remainder itself, not its complement.

The rule was verified against every one of the 7,931 real AIC codes of the AIFA
"lista di trasparenza" (see tests/test_aic.py).
"""

from __future__ import annotations

from corsia.core.domain.errors import ValidationFailed

AIC_LENGTH = 9


class InvalidAic(ValidationFailed):
    code = "invalid_aic"


def aic_check_digit(first_eight: str) -> int:
    """The check digit of the 8 leading digits of an AIC pack code."""
    if len(first_eight) != AIC_LENGTH - 1 or not first_eight.isdigit():
        raise InvalidAic(
            "Servono le prime 8 cifre del codice AIC.", field="aic", details={"value": first_eight}
        )
    total = 0
    for position, char in enumerate(first_eight):
        digit = int(char)
        if position % 2 == 1:  # 2nd, 4th, 6th, 8th digit
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10


def is_valid_aic(code: str) -> bool:
    return (
        len(code) == AIC_LENGTH
        and code.isascii()
        and code.isdigit()
        and aic_check_digit(code[:8]) == int(code[8])
    )


def normalize_aic(raw: str) -> str:
    """A clean 9-digit AIC from what people and files write.

    Accepts surrounding blanks, the Code 39 field identifier ``A`` of the stamp
    (``A012345678``) and the 8-digit form some exports print after dropping the
    leading zero (``44155024`` is ``044155024``). Refuses anything whose check digit
    is wrong.
    """
    value = raw.strip().upper()
    if value.startswith("A") and len(value) == AIC_LENGTH + 1:
        value = value[1:]
    if len(value) == AIC_LENGTH - 1 and value.isdigit():
        value = "0" + value
    if len(value) != AIC_LENGTH or not value.isascii() or not value.isdigit():
        raise InvalidAic(
            f"Il codice AIC «{raw.strip()}» deve avere 9 cifre.",
            field="aic",
            details={"value": raw},
        )
    if not is_valid_aic(value):
        raise InvalidAic(
            f"Il codice AIC «{value}» ha la cifra di controllo errata "
            f"(attesa {aic_check_digit(value[:8])}).",
            code="aic_check_digit",
            field="aic",
            details={"value": value},
        )
    return value
