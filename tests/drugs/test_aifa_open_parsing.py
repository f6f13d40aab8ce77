"""Reading the AIFA open-data files: hand-written rows, hand-computed check digits, every
bad row named by its line and a stable code, whole-file refusals with a clear code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from corsia.drugs.domain.aifa_open.files import FileKind, SourcePack, SourceShortage, parse_file
from corsia.drugs.domain.aifa_open.reading import FileRefused, price_cell

SAMPLES = Path(__file__).resolve().parents[2] / "corsia" / "drugs" / "data" / "aifa"
CLASS_HEADER = (
    "Principio Attivo;Descrizione Gruppo;Denominazione e Confezione;Prezzo al pubblico €;"
    "Titolare AIC;Codice AIC;Codice gruppo equivalenza;ATC"
)

# Check digits by hand (domain/aic.py: odd positions as they are, even ones doubled
# minus 9 above 9, sum mod 10):
# 035219029: 0+5+1+0 = 6; 3→6, 2→4, 9→18→9, 2→4 = 23; 6+23 = 29 → 9 (the 9th digit).
# 043760038: 0+3+6+0 = 9; 4→8, 7→14→5, 0→0, 3→6 = 19; 9+19 = 28 → 8.
# 035219028 ends in 8 where 9 is due: refused.


def _class_file(*rows: str) -> bytes:
    return ("\n".join([CLASS_HEADER, *rows]) + "\n").encode()


def test_a_class_a_row_is_read_with_italian_decimals_and_quoted_fields() -> None:
    content = _class_file(
        'CAPECITABINA;;"XELODA*120CPR RIV 500MG";"1.234,56";"Roche; S.p.A.";035219029;BRI;L01BC06'
    )
    parsed = parse_file(content, FileKind.CLASS_A)
    assert parsed.problems == ()
    assert parsed.rows == (
        SourcePack(
            line=2,
            aic="035219029",
            atc="L01BC06",
            ingredient="CAPECITABINA",
            description="XELODA*120CPR RIV 500MG",
            holder="Roche; S.p.A.",
            price_eur=Decimal("1234.56"),
            reimbursement_class="A",
        ),
    )


def test_bad_rows_are_named_by_line_and_code_and_the_good_ones_kept() -> None:
    content = _class_file(
        "X;;A;1,00;T;035219028;;L01BC06",  # line 2: wrong check digit
        "X;;B;1,00;T;3521902;;L01BC06",  # line 3: 7 digits
        "X;;C;1,00;T;043760038;;L1",  # line 4: not an ATC code
        "X;;D;-3,00;T;043760038;;L01EA01",  # line 5: negative price
        "X;;E;tre euro;T;043760038;;L01EA01",  # line 6: not a price
        "X;;F;885,00;T;43760038;;L01EA01",  # line 7: good (8-digit form completed)
        "X;;G;885,00;T;043760038;;L01EA01",  # line 8: the same AIC again
        ";;;;;;;",  # line 9: blank, skipped
        "X;;H;;T;;;L01EA01",  # line 10: no AIC
    )
    parsed = parse_file(content, FileKind.CLASS_H)
    assert [(p.line, p.code) for p in parsed.problems] == [
        (2, "aic_check_digit"),
        (3, "aic_format"),
        (4, "atc_format"),
        (5, "price_negative"),
        (6, "price_format"),
        (8, "aic_duplicate"),
        (10, "aic_missing"),
    ]
    assert "attesa 9" in parsed.problems[0].message
    assert parsed.rows == (
        SourcePack(
            line=7,
            aic="043760038",
            atc="L01EA01",
            ingredient="X",
            description="F",
            holder="T",
            price_eur=Decimal("885.00"),
            reimbursement_class="H",
        ),
    )


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("70,53", Decimal("70.53")),
        ("1.234,56", Decimal("1234.56")),
        ("€ 7,00", Decimal("7.00")),
        ("12.5", Decimal("12.5")),
        ("1.234", Decimal("1234")),
        ("0", Decimal("0")),
        ("", None),
    ],
)
def test_italian_prices(text: str, amount: Decimal | None) -> None:
    assert price_cell(text) == amount


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"  \r\n", "empty_file"),
        (b"Codice AIC;ATC\x00;Titolare\n", "nul_byte"),
        (b"%PDF-1.7\n1 0 obj\n", "wrong_file_kind"),
        (b"Nome medicinale;Codice AIC;Data inizio;Motivazioni\n", "wrong_file_kind"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(content: bytes, code: str) -> None:
    with pytest.raises(FileRefused) as refused:
        parse_file(content, FileKind.CLASS_A)
    assert refused.value.code == code


def test_the_shipped_samples_read_in_each_encoding() -> None:
    # classe A: UTF-8 with BOM and CRLF; classe H: Windows-1252 (€, à); carenze: cp1252
    a = parse_file((SAMPLES / "classe_a_esempio.csv").read_bytes(), FileKind.CLASS_A)
    h = parse_file((SAMPLES / "classe_h_esempio.csv").read_bytes(), FileKind.CLASS_H)
    t = parse_file((SAMPLES / "trasparenza_esempio.csv").read_bytes(), FileKind.TRANSPARENCY)
    c = parse_file((SAMPLES / "carenze_esempio.csv").read_bytes(), FileKind.SHORTAGES)
    assert (len(a.rows), len(h.rows), len(t.rows), len(c.rows)) == (5, 2, 3, 1)
    assert a.problems == h.problems == t.problems == c.problems == ()
    assert a.rows[2].holder == "Titolare di esempio; generico"
    assert h.rows[0].holder == "Titolare di esempio - Società"
    temodal = h.rows[0]
    assert isinstance(temodal, SourcePack)
    assert temodal.price_eur == Decimal("1002.10")
    first = t.rows[0]
    assert isinstance(first, SourcePack)
    assert (first.equivalence_group, first.reference_price_eur) == ("BRJ", Decimal("58.20"))
    shortage = c.rows[0]
    assert isinstance(shortage, SourceShortage)
    assert (shortage.started_on, shortage.expected_end_on) == (date(2026, 11, 1), date(2027, 1, 31))
    assert shortage.equivalent_available is True
    assert shortage.reason == "Problemi produttivi; aumento della domanda"


def test_shortage_rows_check_their_dates() -> None:
    header = "Nome medicinale;Codice AIC;Principio attivo;Forma farmaceutica e dosaggio;Titolare AIC;Data inizio;Fine presunta;Equivalente;Motivazioni;Suggerimenti/Indicazioni AIFA"
    content = "\n".join(
        [
            header,
            "XELODA;035219029;CAPECITABINA;;T;31/02/2026;;No;x;",  # no 31 February
            "XELODA;035219029;CAPECITABINA;;T;10/12/2026;01/12/2026;No;x;",  # end before start
            "XELODA;035219029;CAPECITABINA;;T;;;No;x;",  # no start
        ]
    ).encode()
    parsed = parse_file(content, FileKind.SHORTAGES)
    assert [(p.line, p.code) for p in parsed.problems] == [
        (2, "date_format"),
        (3, "dates_reversed"),
        (4, "date_missing"),
    ]


def test_a_quoted_field_spanning_lines_keeps_the_next_row_s_line_number() -> None:
    content = _class_file(
        'X;;"XELODA\n120 CPR";1,00;T;035219029;;L01BC06',  # lines 2-3
        "X;;B;1,00;T;035219028;;L01BC06",  # line 4
    )
    parsed = parse_file(content, FileKind.CLASS_A)
    assert [r.line for r in parsed.rows] == [2]
    assert [(p.line, p.code) for p in parsed.problems] == [(4, "aic_check_digit")]
