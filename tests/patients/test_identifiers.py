"""Identifiers (pure): codice fiscale with omocodia, STP/ENI, birth dates, search keys."""

from __future__ import annotations

from datetime import date

import pytest
from codicefiscale import codicefiscale
from hypothesis import given, settings
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.patients.domain import identifiers as ids
from corsia.patients.domain.search import QueryKind, classify, normalise, search_key

# The textbook example of the Agenzia delle Entrate: Mario Rossi, male, born on
# 10 December 1985 in San Giuliano Terme (Belfiore A562).
MARIO = "RSSMRA85T10A562S"
# The same code with omocodia on the last digit of the place (2 -> N): check char H.
MARIO_OMOCODE = "RSSMRA85T10A56NH"


def test_textbook_fiscal_code_is_decoded() -> None:
    facts = ids.fiscal_code_facts(MARIO)
    assert facts == ids.FiscalCodeFacts(
        code=MARIO,
        sex=ids.Sex.MALE,
        birth_year_2=85,
        birth_month=12,
        birth_day=10,
        birthplace_code="A562",
        is_omocode=False,
    )


def test_omocode_is_valid_and_decodes_to_the_same_facts() -> None:
    facts = ids.fiscal_code_facts(MARIO_OMOCODE)
    assert (facts.birthplace_code, facts.birth_day, facts.is_omocode) == ("A562", 10, True)


def test_lower_case_and_spaces_are_accepted() -> None:
    assert ids.fiscal_code_facts(" rssmra 85t10 a562s ").code == MARIO


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("RSSMRA85T10A562X", "fiscal_code_checksum"),  # wrong check character
        ("RSSMRA85T10A56", "fiscal_code_malformed"),  # too short
        ("RSSMRA85X10A562S", "fiscal_code_malformed"),  # X is not a month letter
        ("RSSMRA85T10Z999S", "fiscal_code_birthplace"),
    ],
)
def test_invalid_fiscal_codes_are_refused_with_a_stable_code(raw: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        ids.fiscal_code_facts(raw)
    assert refused.value.code == code
    assert refused.value.field == "codice_fiscale"
    assert "codice fiscale non è valido" in refused.value.message


def test_female_day_is_plus_40() -> None:
    # Laura Bianchi, F, 4 July 1990, born in the USA (Z404): day 04 + 40 = 44, month L.
    facts = ids.fiscal_code_facts("BNCLRA90L44Z404O")
    assert (facts.sex, facts.birth_day, facts.birth_month) == (ids.Sex.FEMALE, 4, 7)


def test_sex_must_match_the_code() -> None:
    facts = ids.fiscal_code_facts(MARIO)
    with pytest.raises(ValidationFailed) as refused:
        ids.ensure_fiscal_code_matches(facts, sex="F", date_of_birth=date(1985, 12, 10))
    assert refused.value.code == "fiscal_code_sex_mismatch"
    assert refused.value.message == (
        "Il codice fiscale RSSMRA85T10A562S corrisponde a una persona di sesso maschio, "
        "ma è stato indicato il sesso femmina."
    )


def test_birth_date_must_match_the_code() -> None:
    facts = ids.fiscal_code_facts(MARIO)
    ids.ensure_fiscal_code_matches(facts, sex="M", date_of_birth=date(1985, 12, 10))
    with pytest.raises(ValidationFailed) as refused:
        ids.ensure_fiscal_code_matches(facts, sex="M", date_of_birth=date(1985, 12, 11))
    assert refused.value.code == "fiscal_code_birth_date_mismatch"
    assert refused.value.field == "date_of_birth"
    assert "11/12/1985" in refused.value.message


@pytest.mark.parametrize(
    ("raw", "kind"),
    [("STP0300000012345", ids.ForeignCodeKind.STP), ("ENI1234567890123", ids.ForeignCodeKind.ENI)],
)
def test_stp_and_eni_codes(raw: str, kind: ids.ForeignCodeKind) -> None:
    assert len(raw) == 16
    assert ids.foreign_code_kind(raw) is kind


@pytest.mark.parametrize(
    "raw", ["STP030000001234", "STPABC0000012345", "ENI123456789012", "XYZ1234567890123", ""]
)
def test_malformed_foreign_codes(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        ids.foreign_code_kind(raw)
    assert refused.value.code == "foreign_code_malformed"


def test_birth_date_bounds() -> None:
    today = date(2026, 3, 1)
    ids.ensure_birth_date_plausible(date(1906, 3, 1), today=today)
    ids.ensure_birth_date_plausible(today, today=today)
    with pytest.raises(ValidationFailed) as future:
        ids.ensure_birth_date_plausible(date(2026, 3, 2), today=today)
    assert future.value.code == "birth_date_in_future"
    with pytest.raises(ValidationFailed) as old:
        ids.ensure_birth_date_plausible(date(1906, 2, 28), today=today)
    assert old.value.code == "birth_date_too_old"


def test_birthplace_resolves_comuni_and_foreign_countries() -> None:
    assert ids.birthplace("H501").label() == "Roma (RM)"
    usa = ids.birthplace("Z404")
    assert usa.is_foreign and usa.province == "EE"
    with pytest.raises(ValidationFailed):
        ids.birthplace("Z999")


def test_at_least_one_identifier() -> None:
    with pytest.raises(ValidationFailed) as refused:
        ids.ensure_some_identifier(codice_fiscale="", stp_eni_code="")
    assert refused.value.code == "identifier_required"


def test_search_key_is_upper_case_without_accents() -> None:
    assert normalise("D'Amico  Niccolò") == "D AMICO NICCOLO"
    assert search_key(surname="Pérez", given_names="José María") == "PEREZ JOSE MARIA"


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("rssmra85t10a562s", QueryKind.FISCAL_CODE, MARIO),
        ("STP0300000012345", QueryKind.FOREIGN_CODE, "STP0300000012345"),
        ("10000042", QueryKind.MRN, "10000042"),
        ("PZ10000042", QueryKind.WRISTBAND, "10000042"),
        ("rossi mario", QueryKind.NAME, "ROSSI MARIO"),
        ("Mario Rossi", QueryKind.NAME, "MARIO ROSSI"),
    ],
)
def test_query_kinds(typed: str, kind: QueryKind, value: str) -> None:
    query = classify(typed)
    assert query is not None
    assert (query.kind, query.value) == (kind, value)


def test_empty_query() -> None:
    assert classify("  ") is None


_LETTERS = "ABCDEFGHIJKLMNOPRSTUVZ"


@settings(max_examples=60, deadline=None)
@given(
    surname=st.text(alphabet=_LETTERS, min_size=2, max_size=12),
    given_names=st.text(alphabet=_LETTERS, min_size=2, max_size=12),
    sex=st.sampled_from(["M", "F"]),
    born=st.dates(min_value=date(1930, 1, 1), max_value=date(2024, 12, 31)),
    place=st.sampled_from(["H501", "F205", "F839", "L219", "Z404", "Z129"]),
)
def test_any_encoded_code_decodes_to_the_person_and_its_omocodes_too(
    surname: str, given_names: str, sex: str, born: date, place: str
) -> None:
    # given a code built by python-codicefiscale from the person's data
    code = codicefiscale.encode(surname, given_names, sex, born.isoformat(), place)  # type: ignore[arg-type]  # "M"/"F"
    # then our reading gives back the same sex, date and place, and agrees with the entry
    facts = ids.fiscal_code_facts(code)
    assert (facts.sex, facts.birth_day, facts.birth_month) == (sex, born.day, born.month)
    assert (facts.birth_year_2, facts.birthplace_code) == (born.year % 100, place)
    ids.ensure_fiscal_code_matches(facts, sex=sex, date_of_birth=born)
    # and every omocodic variant is valid and means the same person
    for variant in codicefiscale.decode(code)["omocodes"][1:4]:
        same = ids.fiscal_code_facts(variant)
        assert (same.sex, same.birth_day, same.birthplace_code, same.is_omocode) == (
            facts.sex,
            facts.birth_day,
            facts.birthplace_code,
            True,
        )
