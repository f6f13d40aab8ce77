"""Patient identifiers: codice fiscale (with omocodia), STP and ENI codes, birth data.

Pure functions: the caller passes "today". The codice fiscale is decoded with
python-codicefiscale (pure Python, its Belfiore tables ship with the package).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache

from codicefiscale import codicefiscale as _cf

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed

MAX_AGE_YEARS = 120

# Omocodia: the digits of the date and place may be replaced by these letters.
_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")
_MONTH_LETTERS = "ABCDEHLMPRST"

STP_RE = re.compile(r"^STP(?P<asl>\d{3})(?P<number>\d{10})$")
ENI_RE = re.compile(r"^ENI(?P<number>\d{13})$")
CF_SHAPE_RE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)


class Sex(LabelledCode):
    MALE = "M", "maschio"
    FEMALE = "F", "femmina"


SEX_LABELS_IT = Sex.labels_it()


def compact(raw: str) -> str:
    """Upper case, without spaces or separators (as people type or scanners send it)."""
    return re.sub(r"[\s\-_.]", "", raw or "").upper()


@dataclass(frozen=True)
class FiscalCodeFacts:
    code: str
    sex: Sex
    birth_year_2: int  # the two digits written in the code (the century is not encoded)
    birth_month: int
    birth_day: int
    birthplace_code: str
    is_omocode: bool


def fiscal_code_facts(raw: str) -> FiscalCodeFacts:
    """Validate a codice fiscale (shape, month, day, Belfiore code, check character).

    Omocodic codes (digits replaced by letters after a collision) are valid.
    """
    code = compact(raw)
    if len(code) != 16 or not CF_SHAPE_RE.match(code):
        raise ValidationFailed(
            "Il codice fiscale non è valido: deve avere 16 caratteri nel formato AAAAAA00A00A000A.",
            code="fiscal_code_malformed",
            field="codice_fiscale",
        )
    try:
        decoded = _cf.decode(code)
    except ValueError as error:
        text = str(error)
        if "CIN" in text:
            message = "Il codice fiscale non è valido: il carattere di controllo non corrisponde."
            error_code = "fiscal_code_checksum"
        elif "birthplace" in text:
            message = "Il codice fiscale non è valido: il codice del luogo di nascita non esiste."
            error_code = "fiscal_code_birthplace"
        else:
            message = "Il codice fiscale non è valido: la data di nascita codificata non esiste."
            error_code = "fiscal_code_birthdate"
        raise ValidationFailed(message, code=error_code, field="codice_fiscale") from None
    day = int(code[9:11].translate(_OMOCODIA))
    return FiscalCodeFacts(
        code=code,
        sex=Sex.FEMALE if day > 40 else Sex.MALE,
        birth_year_2=int(code[6:8].translate(_OMOCODIA)),
        birth_month=_MONTH_LETTERS.index(code[8]) + 1,
        birth_day=day - 40 if day > 40 else day,
        birthplace_code=code[11] + code[12:15].translate(_OMOCODIA),
        is_omocode=code != decoded["omocodes"][0],
    )


def ensure_fiscal_code_matches(facts: FiscalCodeFacts, *, sex: str, date_of_birth: date) -> None:
    """The sex and date of birth the code encodes must be the ones entered."""
    if facts.sex != sex:
        raise ValidationFailed(
            f"Il codice fiscale {facts.code} corrisponde a una persona di sesso "
            f"{SEX_LABELS_IT[facts.sex]}, ma è stato indicato il sesso "
            f"{SEX_LABELS_IT.get(Sex(sex), sex) if sex in ('M', 'F') else sex}.",
            code="fiscal_code_sex_mismatch",
            field="sex",
        )
    encoded = (facts.birth_year_2, facts.birth_month, facts.birth_day)
    entered = (date_of_birth.year % 100, date_of_birth.month, date_of_birth.day)
    if encoded != entered:
        raise ValidationFailed(
            f"Il codice fiscale {facts.code} corrisponde alla data di nascita "
            f"{facts.birth_day:02d}/{facts.birth_month:02d}/..{facts.birth_year_2:02d}, "
            f"ma è stata indicata {date_of_birth:%d/%m/%Y}.",
            code="fiscal_code_birth_date_mismatch",
            field="date_of_birth",
        )


class ForeignCodeKind(StrEnum):
    STP = "STP"  # Straniero Temporaneamente Presente
    ENI = "ENI"  # Europeo Non Iscritto


def foreign_code_kind(raw: str) -> ForeignCodeKind:
    """Validate an STP code (STP + 3-digit region/ASL + 10 digits) or an ENI code
    (ENI + 13 digits): both 16 characters."""
    code = compact(raw)
    if STP_RE.match(code):
        return ForeignCodeKind.STP
    if ENI_RE.match(code):
        return ForeignCodeKind.ENI
    raise ValidationFailed(
        "Il codice STP/ENI non è valido: STP seguito da 13 cifre (3 della regione/ASL "
        "e 10 progressive) oppure ENI seguito da 13 cifre.",
        code="foreign_code_malformed",
        field="stp_eni_code",
    )


def ensure_birth_date_plausible(date_of_birth: date, *, today: date) -> None:
    if date_of_birth > today:
        raise ValidationFailed(
            "La data di nascita non può essere nel futuro.",
            code="birth_date_in_future",
            field="date_of_birth",
        )
    try:
        oldest = today.replace(year=today.year - MAX_AGE_YEARS)
    except ValueError:  # 29 February
        oldest = today.replace(year=today.year - MAX_AGE_YEARS, day=28)
    if date_of_birth < oldest:
        raise ValidationFailed(
            f"La data di nascita è di più di {MAX_AGE_YEARS} anni fa: controllala.",
            code="birth_date_too_old",
            field="date_of_birth",
        )


@dataclass(frozen=True)
class Birthplace:
    code: str
    name: str
    province: str  # "EE" for a foreign country
    is_foreign: bool

    def label(self) -> str:
        return self.name if self.is_foreign else f"{self.name} ({self.province})"


@cache
def _places_by_code() -> dict[str, list[dict[str, object]]]:
    data: dict[str, list[dict[str, object]]] = _cf._get_data()["codes"]
    return data


def birthplace(code: str) -> Birthplace:
    """The Italian comune or foreign country of a Belfiore code (e.g. F205, Z404)."""
    key = compact(code)
    options = _places_by_code().get(key)
    if not options:
        raise ValidationFailed(
            f"Il codice del luogo di nascita «{code}» non corrisponde a nessun comune "
            "italiano né a uno stato estero.",
            code="birthplace_unknown",
            field="place_of_birth",
        )
    active = [o for o in options if o.get("active")] or options
    chosen = active[-1]
    province = str(chosen.get("province", ""))
    return Birthplace(
        code=key, name=str(chosen["name"]), province=province, is_foreign=province == "EE"
    )


def ensure_some_identifier(*, codice_fiscale: str, stp_eni_code: str) -> None:
    if not codice_fiscale and not stp_eni_code:
        raise ValidationFailed(
            "Indica il codice fiscale oppure, per gli stranieri che non lo hanno, "
            "il codice STP o ENI.",
            code="identifier_required",
            field="codice_fiscale",
        )
