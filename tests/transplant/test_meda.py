"""The MED-A record of a transplant's follow-up: columns, values, consistency refused."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.transplant.domain.meda import (
    COLUMNS,
    AgvhdGrade,
    CgvhdSeverity,
    DeathCause,
    DonorType,
    HsctRelatedCause,
    HsctType,
    MedAFollowUp,
    MedATransplant,
    PerformanceScale,
    Recovery,
    Response,
    StemCellSource,
    Survival,
    TimePoint,
    meda_record,
)

TX = MedATransplant(
    centre_code="IT123",
    patient_upn="UPN-0042",
    hsct_date=date(2026, 1, 10),
    hsct_type=HsctType.ALLOGENEIC,
    source=StemCellSource.PERIPHERAL_BLOOD,
    donor=DonorType.UNRELATED,
)

DAY_100 = MedAFollowUp(
    time_point=TimePoint.DAY_100,
    assessed_on=date(2026, 4, 20),  # day +100: 21 + 28 + 31 + 20 = 100 days after 10 Jan
    survival=Survival.ALIVE,
    neutrophil_recovery=Recovery.YES,
    neutrophil_date=date(2026, 1, 27),
    platelet_recovery=Recovery.YES,
    platelet_date=date(2026, 2, 3),
    agvhd_max_grade=AgvhdGrade.II,
    agvhd_onset=date(2026, 2, 14),
    cgvhd=CgvhdSeverity.NONE,
    relapse_or_progression=False,
    best_response=Response.COMPLETE_REMISSION,
    performance_scale=PerformanceScale.KARNOFSKY,
    performance_score=80,
)


def test_day_100_record() -> None:
    record = meda_record(TX, DAY_100).as_dict()
    assert list(record) == [name for name, _ in COLUMNS]
    assert record["days_since_hsct"] == "100"
    assert record["survival_status"] == "alive"
    assert record["anc_recovery_date"] == "2026-01-27"
    assert record["agvhd_max_grade"] == "II"
    assert record["agvhd_onset_date"] == "2026-02-14"
    assert record["cgvhd"] == "none"
    assert record["relapse_or_progression"] == "no"
    assert record["performance_score"] == "80"
    assert record["main_cause_of_death"] == ""
    assert record["second_transplant"] == "no"


def test_death_record() -> None:
    dead = dataclasses.replace(
        DAY_100,
        time_point=TimePoint.ONE_YEAR,
        assessed_on=date(2026, 9, 1),
        survival=Survival.DEAD,
        death_date=date(2026, 8, 30),
        death_cause=DeathCause.HSCT_RELATED,
        death_hsct_related_cause=HsctRelatedCause.GVHD,
        cgvhd=CgvhdSeverity.SEVERE,
        cgvhd_onset=date(2026, 6, 1),
    )
    record = meda_record(TX, dead).as_dict()
    assert record["main_cause_of_death"] == "hsct_related"
    assert record["hsct_related_cause"] == "gvhd"
    assert record["cgvhd"] == "severe"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"assessed_on": date(2026, 1, 9)}, "follow_up_before_day_zero"),
        ({"agvhd_onset": date(2026, 1, 5)}, "agvhd_onset_out_of_period"),
        ({"agvhd_onset": None}, "agvhd_onset_missing"),
        ({"agvhd_max_grade": AgvhdGrade.NONE}, "agvhd_onset_unexpected"),
        ({"survival": Survival.DEAD}, "death_details_missing"),
        ({"death_cause": DeathCause.OTHER}, "death_details_unexpected"),
        ({"neutrophil_date": None}, "recovery_date_inconsistent"),
        ({"cgvhd": CgvhdSeverity.MILD}, "cgvhd_onset_inconsistent"),
        ({"relapse_or_progression": True}, "relapse_date_inconsistent"),
        ({"second_transplant": True}, "second_transplant_date_inconsistent"),
        ({"performance_score": 85}, "performance_score_invalid"),
        ({"performance_scale": None}, "performance_inconsistent"),
        (
            {
                "survival": Survival.DEAD,
                "death_date": date(2026, 2, 1),
                "death_cause": DeathCause.RELAPSE_OR_PROGRESSION,
            },
            "event_after_death",
        ),
        (
            {
                "survival": Survival.DEAD,
                "death_date": date(2026, 4, 1),
                "death_cause": DeathCause.UNKNOWN,
                "death_hsct_related_cause": HsctRelatedCause.INFECTION,
            },
            "hsct_related_cause_inconsistent",
        ),
    ],
)
def test_inconsistent_follow_up_is_refused(changes: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        meda_record(TX, dataclasses.replace(DAY_100, **changes))  # type: ignore[arg-type]  # by case
    assert err.value.code == code


def test_transplant_checks() -> None:
    with pytest.raises(ValidationFailed) as err:
        dataclasses.replace(TX, donor=DonorType.NONE)
    assert err.value.code == "donor_inconsistent"
    with pytest.raises(ValidationFailed) as err:
        dataclasses.replace(TX, patient_upn="A\x00B")
    assert err.value.code == "patient_upn_invalid"
