"""The report framework's pure part: filters parsed (and refused), pseudonyms, the chart,
the JSON round trip."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.reports.domain.chart import chart_svg
from corsia.reports.domain.definition import ColumnType, Params, no_progress
from corsia.reports.domain.params import params_parse
from corsia.reports.domain.pseudonymise import pseudonym, pseudonymised
from corsia.reports.domain.serial import result_from_json, result_json
from corsia.testing.reports import sample_definition

TODAY = date(2026, 6, 30)


def test_no_filters_mean_the_year_so_far() -> None:
    params = params_parse(sample_definition(), {}, today=TODAY)
    assert params == Params(period_from=date(2026, 1, 1), period_to=TODAY)


def test_the_filters_it_takes_are_read() -> None:
    raw = {"period_from": "2025-01-01", "period_to": "2025-12-31", "drug": "42"}
    params = params_parse(sample_definition(), raw, today=TODAY)
    assert (params.period_from, params.period_to, params.drug_id) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
        42,
    )
    assert Params.from_json(params.as_json()) == params


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ({"period_from": "31/12/2025"}, "date_invalid", "period_from"),
        ({"period_from": "2026-02-01", "period_to": "2026-01-01"}, "period_reversed", "period_to"),
        (
            {"period_from": "2000-01-01", "period_to": "2026-01-01"},
            "period_too_long",
            "period_from",
        ),
        ({"drug": "abc"}, "filter_invalid", "drug"),
        ({"drug": "99999999999"}, "filter_invalid", "drug"),
        ({"drug": "\x00"}, "filter_invalid", "drug"),
        ({"unit": "3"}, "filter_not_accepted", "unit"),
        ({"colour": "red"}, "filter_unknown", "colour"),
    ],
)
def test_bad_filters_are_refused_in_italian(raw: dict[str, str], code: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        params_parse(sample_definition(), raw, today=TODAY)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_pseudonymised_extract_hashes_patients_reduces_dates_drops_names() -> None:
    result = sample_definition(patient_ids=(7, 8)).run(Params(), no_progress)
    key = b"test-key"
    out = pseudonymised(result, key)
    assert [c.key for c in out.columns] == ["drug", "mg", "eur", "day", "mrn"]
    assert out.rows[0][3] == "2026-03"
    assert out.rows[0][4] == pseudonym("MRN7", key) != pseudonym("MRN7", b"other-key")
    assert str(out.rows[0][4]).startswith("P-") and len(str(out.rows[0][4])) == 18
    assert out.rows[1][4] != out.rows[0][4]
    assert "Paziente 7" not in repr(out.rows)


def test_json_round_trip_keeps_types() -> None:
    result = sample_definition(patient_ids=(7, 8)).run(Params(), no_progress)
    back = result_from_json(result_json(result))
    assert back.rows == result.rows and back.columns == result.columns
    assert isinstance(back.rows[0][1], Decimal) and back.columns[1].type is ColumnType.DECIMAL


def test_the_chart_is_labelled_and_describes_every_value() -> None:
    result = sample_definition().run(Params(), no_progress)
    svg = chart_svg(result)
    assert 'role="img"' in svg and '<title id="chart-title">Quantità per farmaco</title>' in svg
    assert "Cisplatino: Quantità (mg) 12,50" in svg and "Oxaliplatino: Quantità (mg) 100" in svg
    # the longest bar is the largest value
    assert svg.count("<rect") == 2 + 1  # two bars and the legend's key
