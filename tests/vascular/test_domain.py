"""The register's pure rules: the statistics against a hand count on a small data set
written out here, the dressing and VIP status of a device in place, the refusals of a
device's data and of dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.vascular.domain import rules, stats
from corsia.vascular.domain.codes import DeviceType, SizeUnit, TipLocation
from corsia.vascular.domain.stats import ComplicationFact as C
from corsia.vascular.domain.stats import DeviceFact
from corsia.vascular.domain.status import CareFact, status

MARCH = (date(2026, 3, 1), date(2026, 3, 31))

# The data set. Catheter-days in March 2026 (day of removal not counted), by hand:
#   A PICC  Rossi   Alfa   20 Feb → 11 Mar: 1..10 Mar = 10 days; removed in March, dwell
#         8 (20-28 Feb) + 11 = 19 days; occlusion 25 Feb (not in March), thrombosis 5 Mar
#   B PICC  Bianchi Beta   10 Mar → in place: 10..31 Mar = 22 days; CRBSI confirmed 20 Mar,
#         CRBSI suspected 25 Mar
#   C CVC   Rossi   Alfa    1 Mar →  8 Mar: 7 days, dwell 7; CRBSI confirmed 7 Mar
#   D PIV   Bianchi Gamma  30 Mar →  2 Apr: 30, 31 Mar = 2 days (removed in April);
#         phlebitis 1 Apr (not in March)
#   E PIV   Rossi   Gamma   1 Jan →  5 Jan: no day in March: not counted
#   F PIV   Bianchi Gamma  15 Mar → 18 Mar: 3 days, dwell 3; phlebitis 17 Mar
DATA = [
    DeviceFact("picc", "Rossi", "Alfa", date(2026, 2, 20), date(2026, 3, 11),
               (C("occlusion", date(2026, 2, 25)), C("thrombosis", date(2026, 3, 5)))),
    DeviceFact("picc", "Bianchi", "Beta", date(2026, 3, 10), None,
               (C("crbsi", date(2026, 3, 20)), C("crbsi", date(2026, 3, 25), "suspected"))),
    DeviceFact("cvc", "Rossi", "Alfa", date(2026, 3, 1), date(2026, 3, 8),
               (C("crbsi", date(2026, 3, 7)),)),
    DeviceFact("piv", "Bianchi", "Gamma", date(2026, 3, 30), date(2026, 4, 2),
               (C("phlebitis", date(2026, 4, 1)),)),
    DeviceFact("piv", "Rossi", "Gamma", date(2026, 1, 1), date(2026, 1, 5)),
    DeviceFact("piv", "Bianchi", "Gamma", date(2026, 3, 15), date(2026, 3, 18),
               (C("phlebitis", date(2026, 3, 17)),)),
]  # fmt: skip


def _row(f: stats.GroupFigures) -> tuple[object, ...]:
    return (
        f.key, f.devices, f.catheter_days, f.complications, f.rate, f.crbsi_confirmed,
        f.crbsi_suspected, f.crbsi_rate, f.removed, f.median_dwell_days,
    )  # fmt: skip


def D(text: str | int) -> Decimal:
    return Decimal(text)


def test_the_totals_match_the_hand_count() -> None:
    # 5 devices (E has no day in March), 10 + 22 + 7 + 2 + 3 = 44 catheter-days;
    # complications A 1, B 2, C 1, F 1 = 5: 5000 / 44 = 113.636… → 113.64;
    # CRBSI confirmed B and C = 2: 2000 / 44 = 45.4545… → 45.45 (B's suspected apart);
    # removed in March: A 19, C 7, F 3 days: median 7
    total = stats.figures("total", DATA, *MARCH)
    assert _row(total) == ("total", 5, 44, 5, D("113.64"), 2, 1, D("45.45"), 3, D(7))


def test_by_device_type_matches_the_hand_count() -> None:
    rows = [_row(f) for f in stats.grouped(DATA, *MARCH, by=lambda d: d.device_type)]
    assert rows == [
        # C: 1000 / 7 = 142.857… → 142.86
        ("cvc", 1, 7, 1, D("142.86"), 1, 0, D("142.86"), 1, D(7)),
        # A + B: 32 days, 3 complications: 93.75; CRBSI 1 (+1 suspected): 31.25; A: 19
        ("picc", 2, 32, 3, D("93.75"), 1, 1, D("31.25"), 1, D(19)),
        # D + F: 5 days, 1 phlebitis: 200.00; no CRBSI: 0.00; F: 3
        ("piv", 2, 5, 1, D("200.00"), 0, 0, D("0.00"), 1, D(3)),
    ]


def test_by_operator_and_by_brand_match_the_hand_count() -> None:
    operators = [_row(f) for f in stats.grouped(DATA, *MARCH, by=lambda d: d.operator)]
    assert operators == [
        # B, D, F: 27 days, 3 complications: 111.11; 1 CRBSI: 37.04; F: 3
        ("Bianchi", 3, 27, 3, D("111.11"), 1, 1, D("37.04"), 1, D(3)),
        # A, C: 17 days, 2 complications: 117.65; 1 CRBSI: 58.82; A 19 and C 7: 13
        ("Rossi", 2, 17, 2, D("117.65"), 1, 0, D("58.82"), 2, D(13)),
    ]
    brands = [_row(f)[:5] for f in stats.grouped(DATA, *MARCH, by=lambda d: d.brand)]
    # Beta: 2 in 22 days: 90.909… → 90.91
    assert brands == [
        ("Alfa", 2, 17, 2, D("117.65")),
        ("Beta", 1, 22, 2, D("90.91")),
        ("Gamma", 2, 5, 1, D("200.00")),
    ]


def test_no_catheter_day_no_rate() -> None:
    empty = stats.figures("x", [], *MARCH)
    assert (empty.devices, empty.rate, empty.crbsi_rate, empty.median_dwell_days) == (
        0, None, None, None,
    )  # fmt: skip


@given(
    inserted=st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    dwell=st.one_of(st.none(), st.integers(0, 400)),
    split=st.integers(0, 364),
)
def test_catheter_days_add_up_over_adjacent_periods(
    inserted: date, dwell: int | None, split: int
) -> None:
    device = DeviceFact(
        "picc", "x", "y", inserted, None if dwell is None else inserted + timedelta(days=dwell)
    )
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    middle = start + timedelta(days=split)
    whole = stats.catheter_days(device, start, end)
    parts = stats.catheter_days(device, start, middle) + stats.catheter_days(
        device, middle + timedelta(days=1), end
    )
    assert whole == parts
    assert 0 <= whole <= 365


def test_dressing_due_and_overdue() -> None:
    inserted = date(2026, 3, 1)
    # no dressing recorded: the one applied at insertion, transparent: due 8 March
    assert status(inserted_on=inserted, today=date(2026, 3, 8), care=[]).dressing_due_today
    late = status(inserted_on=inserted, today=date(2026, 3, 9), care=[])
    assert (late.dressing_due_on, late.dressing_overdue, late.days_in_place) == (
        date(2026, 3, 8), True, 8,
    )  # fmt: skip
    # gauze changed on 5 March: due 7 March (2 days), overdue on the 8th; newest first
    care = [CareFact("dressing", date(2026, 3, 5), "gauze"),
            CareFact("dressing", date(2026, 3, 2), "transparent")]  # fmt: skip
    gauze = status(inserted_on=inserted, today=date(2026, 3, 8), care=care)
    assert (gauze.dressing_due_on, gauze.dressing_overdue) == (date(2026, 3, 7), True)


def test_the_last_vip_from_two_is_flagged() -> None:
    inserted = date(2026, 3, 1)
    care = [CareFact("assessment", date(2026, 3, 3), vip=2),
            CareFact("assessment", date(2026, 3, 2), vip=0)]  # fmt: skip
    s = status(inserted_on=inserted, today=date(2026, 3, 3), care=care)
    assert (s.last_vip, s.vip_flagged) == (2, True)
    calm = status(inserted_on=inserted, today=date(2026, 3, 3), care=care[1:])
    assert (calm.last_vip, calm.vip_flagged) == (0, False)


GOOD = {
    "device_type": DeviceType.PICC, "lumens": 2, "size": Decimal(5), "size_unit": SizeUnit.FRENCH,
    "length_cm": Decimal(40), "tip_location": TipLocation.ECG, "attempts": 1,
    "planned_dwell_days": 120,
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"size": Decimal("1e308")}, "size_out_of_range"),
        ({"size": Decimal("NaN")}, "size_out_of_range"),
        ({"size_unit": SizeUnit.GAUGE, "size": Decimal(20)}, "size_unit_invalid"),
        ({"tip_location": TipLocation.NONE}, "tip_location_required"),
        ({"lumens": 0}, "lumens_out_of_range"),
        ({"attempts": 11}, "attempts_out_of_range"),
        ({"length_cm": Decimal("1e308")}, "length_out_of_range"),
        ({"planned_dwell_days": 0}, "dwell_out_of_range"),
        ({"device_type": DeviceType.PIV, "size_unit": SizeUnit.GAUGE, "size": Decimal(20),
          "tip_location": TipLocation.ECG, "lumens": 1}, "tip_location_invalid"),
    ],
)  # fmt: skip
def test_a_device_out_of_its_ranges_is_refused(change: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        rules.check_device(**{**GOOD, **change})  # type: ignore[arg-type]  # the kwargs above
    assert refused.value.code == code


def test_dates_outside_the_dwell_are_refused() -> None:
    inserted = datetime(2026, 3, 1, 10, tzinfo=UTC)
    removed = datetime(2026, 3, 5, 10, tzinfo=UTC)
    now = datetime(2026, 3, 10, tzinfo=UTC)
    cases = [
        (inserted - timedelta(minutes=1), None, "before_insertion"),
        (removed + timedelta(minutes=1), removed, "after_removal"),
        (now + timedelta(hours=1), None, "date_in_future"),
    ]
    for at, removed_at, code in cases:
        with pytest.raises(ValidationFailed) as refused:
            rules.check_within_dwell(
                at=at, inserted_at=inserted, removed_at=removed_at, now=now, field="x"
            )
        assert refused.value.code == code
