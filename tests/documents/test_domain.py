"""Pure rules: fingerprints, file names, the document context, versions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.documents.domain.context import display, sample_sheet_context, sheet_context
from corsia.documents.domain.files import (
    download_filename,
    ensure_code,
    ensure_pdf,
    sha256_hex,
)
from corsia.documents.domain.signatures import SignatureReport
from corsia.documents.domain.versions import (
    DocumentVersion,
    correction_version,
    next_template_version,
)


def test_sha256_matches_the_fips_180_2_test_vector() -> None:
    # FIPS 180-2, appendix B.1: SHA-256("abc")
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_only_pdf_bytes_are_accepted() -> None:
    ensure_pdf(b"%PDF-1.7\n...")
    with pytest.raises(ValidationFailed) as error:
        ensure_pdf(b"<html>")
    assert error.value.code == "not_a_pdf"


@pytest.mark.parametrize("code", ["therapy_sheet", "discharge_letter2", "ab"])
def test_valid_codes(code: str) -> None:
    assert ensure_code(code) == code


@pytest.mark.parametrize("code", ["", "a", "Therapy", "2sheet", "x-y", "../etc", "a b"])
def test_invalid_codes_are_refused(code: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        ensure_code(code, field="kind")
    assert (error.value.code, error.value.field) == ("invalid_code", "kind")


def test_download_filename_shows_version_and_signature_state() -> None:
    assert (
        download_filename(
            kind="therapy_sheet", mrn="000123", created_on=date(2025, 3, 1), version=2, signed=True
        )
        == "therapy-sheet_000123_2025-03-01_v2_firmato.pdf"
    )
    assert (
        download_filename(
            kind="therapy_sheet", mrn="", created_on=date(2025, 3, 1), version=1, signed=False
        )
        == "therapy-sheet_2025-03-01_v1_NON-firmato.pdf"
    )


@given(st.text(max_size=80), st.text(max_size=30))
def test_download_filename_is_always_safe_ascii(kind: str, mrn: str) -> None:
    name = download_filename(
        kind=kind, mrn=mrn, created_on=date(2025, 1, 1), version=1, signed=True
    )
    assert name.isascii()
    assert "/" not in name and "\\" not in name and '"' not in name
    assert name.endswith("_v1_firmato.pdf")


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("156,4 mg", "156,4 mg"),
        (3, "3"),
        (Decimal("156.40"), "156,40"),
        (Decimal("0.5"), "0,5"),
        (date(2025, 3, 1), "01/03/2025"),
        (None, "—"),
        (True, "sì"),
    ],
)
def test_display_values(value: object, printed: str) -> None:
    assert display(value, field="f") == printed


@pytest.mark.parametrize("value", [1.5, datetime(2025, 1, 1, tzinfo=UTC), Decimal("NaN"), object()])
def test_display_refuses_floats_datetimes_and_others(value: object) -> None:
    with pytest.raises(ValidationFailed) as error:
        display(value, field="sections.0.rows.1.value")
    assert error.value.field == "sections.0.rows.1.value"


def test_sheet_context_is_normalised() -> None:
    result = sheet_context(
        {
            "title": "Foglio",
            "sections": [
                {
                    "heading": "Farmaci",
                    "rows": [["Peso", Decimal("70.5")], {"label": "BSA", "value": "1,84 m²"}],
                    "table": {"columns": ["Farmaco", "Dose"], "rows": [["cisplatino", 120]]},
                }
            ],
        }
    )
    assert result == {
        "title": "Foglio",
        "subtitle": "",
        "notes": "",
        "sections": [
            {
                "heading": "Farmaci",
                "rows": [
                    {"label": "Peso", "value": "70,5"},
                    {"label": "BSA", "value": "1,84 m²"},
                ],
                "table": {"columns": ["Farmaco", "Dose"], "rows": [["cisplatino", "120"]]},
            }
        ],
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"titel": "x"}, "titel"),
        ({"sections": "x"}, "sections"),
        ({"sections": [{"rows": []}]}, "sections.0.heading"),
        ({"sections": [{"heading": "A", "rows": [["only label"]]}]}, "sections.0.rows.0"),
        ({"sections": [{"heading": "A", "rows": [["", "v"]]}]}, "sections.0.rows.0.label"),
        ({"sections": [{"heading": "A", "rows": [["Dose", 1.2]]}]}, "sections.0.rows.0.value"),
        (
            {"sections": [{"heading": "A", "table": {"columns": ["a", "b"], "rows": [["1"]]}}]},
            "sections.0.table.rows.0",
        ),
        ({"sections": [{"heading": "A", "table": {"columns": []}}]}, "sections.0.table.columns"),
    ],
)
def test_malformed_context_names_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        sheet_context(data)
    assert (error.value.code, error.value.field) == ("invalid_document_context", field)


def test_the_sample_context_is_valid() -> None:
    assert sheet_context(sample_sheet_context())["sections"][1]["table"]["columns"][1] == (
        "Principio attivo"
    )


def test_a_correction_is_the_next_version_and_needs_a_reason() -> None:
    assert correction_version(DocumentVersion(version=1, superseded=False), reason="dose") == 2
    with pytest.raises(ValidationFailed) as error:
        correction_version(DocumentVersion(version=1, superseded=False), reason="  ")
    assert error.value.code == "reason_required"


def test_only_the_latest_version_can_be_corrected() -> None:
    with pytest.raises(ConflictError) as error:
        correction_version(DocumentVersion(version=1, superseded=True), reason="peso errato")
    assert error.value.code == "document_already_superseded"


def test_template_versions_follow_the_edited_one() -> None:
    assert next_template_version(None, expected=0) == 1
    assert next_template_version(3, expected=3) == 4
    assert next_template_version(3, expected=None) == 4
    with pytest.raises(ConflictError) as error:
        next_template_version(3, expected=2)
    assert error.value.code == "stale_version"


def test_signature_report_verdicts() -> None:
    assert not SignatureReport(signed=False).valid
    ok = SignatureReport(signed=True, intact=True, trusted=True, covers_whole_file=True)
    assert ok.valid and ok.summary_it == "Firma valida: documento integro."
    tampered = SignatureReport(signed=True, intact=False, trusted=True, covers_whole_file=True)
    assert not tampered.valid and "alterato" in tampered.summary_it
    appended = SignatureReport(signed=True, intact=True, trusted=True, covers_whole_file=False)
    assert not appended.valid
    untrusted = SignatureReport(signed=True, intact=True, trusted=False, covers_whole_file=True)
    assert not untrusted.valid
