"""The follow-up's services: measures in, MAGIC/NIH results computed and stored; refusals
with a code and nothing saved; signed visits read-only; audit rows written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import ProgrammingError, transaction
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.patients.models import Patient
from corsia.testing.transplant import case_opened
from corsia.testing.transplant_followup import case_in_follow_up, day
from corsia.testing.transplant_path import sibling_chosen
from corsia.transplant.models import DailyCount, Transplant
from corsia.transplant.models.followup import (
    AgvhdAssessment,
    CgvhdAssessment,
    FollowUpVisit,
    ViralLoad,
)
from corsia.transplant.selectors.followup import followup_get, meda_rows
from corsia.transplant.services import followup_gvhd as gvhd
from corsia.transplant.services import followup_records as records
from corsia.transplant.services import followup_visits as visits

pytestmark = pytest.mark.django_db


def test_agvhd_assessment_stores_measures_and_computed_grade(
    physician: User, recipient: Patient
) -> None:
    # given a case at day +30
    case = case_in_follow_up(physician, recipient.pk)
    # when rash 30 % BSA (skin 2), bilirubin 2.5 mg/dL (liver 1), 800 mL stool (lower GI 1)
    row = gvhd.agvhd_assess(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=gvhd.AgvhdInput(assessed_on=day(case, 21), rash_bsa="30", bilirubin="2.5",
                             stool_ml_per_day="800"),
    )  # fmt: skip
    # then stages 2/1/0/1 and grade II (liver or lower GI stage 1: MAGIC Table 2)
    assert (row.skin_stage, row.liver_stage, row.upper_gi_stage, row.lower_gi_stage) == (2, 1, 0, 1)
    assert (row.grade_roman, row.day, row.rash_bsa) == ("II", 21, D("30.00"))
    assert AuditEvent.objects.filter(event_type="transplant.agvhd_assessed").count() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"rash_bsa": "0", "bullae": True}, "skin_bullae_without_rash"),
        ({"rash_bsa": "10", "desquamation_bsa": "20"}, "skin_desquamation_exceeds_rash"),
        ({"rash_bsa": "1e308"}, "rash_bsa_out_of_range"),
        ({"rash_bsa": "NaN"}, "rash_bsa_invalid"),
        ({"bilirubin": "abc"}, "bilirubin_invalid"),
        ({"bilirubin_unit": "g/L"}, "bilirubin_unit_invalid"),
        ({"stool_ml_per_day": None, "stool_episodes": None}, "stool_output_missing"),
        ({"note": "x\x00y"}, "invalid_characters"),
    ],
)
def test_bad_agvhd_input_is_refused_and_nothing_saved(
    physician: User, recipient: Patient, fields: dict[str, object], code: str
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    base: dict[str, object] = {"assessed_on": day(case, 10), "bilirubin": "1", "stool_episodes": 1}
    with pytest.raises(ValidationFailed) as err:
        gvhd.agvhd_assess(
            actor=physician, workstation=None, transplant_id=case.pk,
            data=gvhd.AgvhdInput(**{**base, **fields}),  # type: ignore[arg-type]  # by case
        )  # fmt: skip
    assert err.value.code == code
    assert not AgvhdAssessment.objects.exists()


def test_assessment_before_day_zero_or_in_future_is_refused(
    physician: User, recipient: Patient
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    for on, code in ((day(case, -1), "assessed_on_before_day_zero"),
                     (timezone.localdate() + timedelta(days=1), "date_in_future")):  # fmt: skip
        with pytest.raises(ValidationFailed) as err:
            gvhd.agvhd_assess(
                actor=physician,
                workstation=None,
                transplant_id=case.pk,
                data=gvhd.AgvhdInput(assessed_on=on, bilirubin="1", stool_episodes=0),
            )
        assert err.value.code == code
    assert not AgvhdAssessment.objects.exists()


def test_agvhd_needs_the_record_permission(
    coordinator: User, physician: User, recipient: Patient
) -> None:
    # the coordinator reads the pathway but does not record it
    case = case_in_follow_up(physician, recipient.pk)
    with pytest.raises(PermissionRefused):
        gvhd.agvhd_assess(
            actor=coordinator,
            workstation=None,
            transplant_id=case.pk,
            data=gvhd.AgvhdInput(assessed_on=day(case, 3), bilirubin="1", stool_episodes=0),
        )


def test_cgvhd_scores_computed_from_measures(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk, days_ago=200)
    measures: dict[str, dict[str, Any]] = {
        "skin": {"bsa_percent": "10"},  # 1
        "mouth": {"symptoms": 1},  # 1
        "eyes": {"dry_eye_symptoms": True, "drops_per_day": 4},  # 2
        "gi": {"symptoms": False},
        "liver": {"bilirubin": "1", "bilirubin_uln": "1.2", "alt": "80", "alt_uln": "40",
                  "alp": "100", "alp_uln": "120"},  # ALT 2 × ULN: 1
        "lungs": {"fev1_percent": "85", "symptom_score": 0},
        "joints_fascia": {"symptoms": False},
    }  # fmt: skip
    row = gvhd.cgvhd_assess(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=gvhd.CgvhdInput(assessed_on=day(case, 150), measures=measures),
    )  # fmt: skip
    assert row.scores == {"skin": 1, "mouth": 1, "eyes": 2, "gi": 0, "liver": 1, "lungs": 0,
                          "joints_fascia": 0, "genital": None}  # fmt: skip
    assert row.severity == "moderate"  # an organ (not lung) scoring 2
    with pytest.raises(ValidationFailed) as err:
        gvhd.cgvhd_assess(
            actor=physician, workstation=None, transplant_id=case.pk,
            data=gvhd.CgvhdInput(assessed_on=day(case, 150),
                                 measures={**measures, "skin": {"bsa_percent": "10", "x": 1}}),
        )  # fmt: skip
    assert err.value.code == "measure_unknown"
    assert CgvhdAssessment.objects.count() == 1


def test_viral_loads_trend_with_the_hospital_threshold(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk, days_ago=40)
    records.viral_threshold_set(actor=physician, workstation=None, virus="cmv", value="1000",
                                reason="protocollo 2026")  # fmt: skip
    for n, kind, value in ((7, "not_detected", None), (14, "quantified", "500"),
                           (21, "quantified", "5000")):  # fmt: skip
        records.viral_load_record(
            actor=physician,
            workstation=None,
            transplant_id=case.pk,
            data=records.ViralLoadInput(
                virus="cmv", sampled_on=day(case, n), kind=kind, value=value
            ),
        )
    series = followup_get(user=physician, transplant_id=case.pk).viral[0]
    trend = [t for _row, t in series.rows]
    # 500 -> 5000: +1.00 log10, a significant rise that crosses the 1000 IU/mL threshold
    assert [t.change.value if t.change else None for t in trend] == [
        None,
        "new_detection",
        "significant_rise",
    ]
    assert trend[2].delta_log10 == D("1.00")
    assert [t.crosses_threshold for t in trend] == [False, False, True]
    with pytest.raises(ValidationFailed) as err:
        records.viral_load_record(
            actor=physician,
            workstation=None,
            transplant_id=case.pk,
            data=records.ViralLoadInput(
                virus="cmv", sampled_on=day(case, 22), kind="not_detected", value="10"
            ),
        )
    assert err.value.code == "viral_load_value_unexpected"
    assert ViralLoad.objects.count() == 3


def test_visit_level_classified_and_signed_visit_read_only(
    physician: User, nurse: User, recipient: Patient
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    records.trough_target_add(actor=physician, workstation=None, drug="ciclosporin", from_day=0,
                              to_day=90, low="200", high="300", reason="protocollo")  # fmt: skip
    now = timezone.now()
    visit = visits.visit_record(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=visits.VisitInput(visit_on=timezone.localdate(), conclusions="Stabile",
                               immunosuppressant="ciclosporin", level_ng_ml="150",
                               level_sampled_at=now - timedelta(minutes=30),
                               level_next_dose_at=now),
    )  # fmt: skip
    assert (visit.level_band, visit.day) == ("low", 30)
    # a concurrent edit: the version the form was built from is stale
    visits.visit_update(actor=physician, workstation=None, visit_id=visit.pk, expected_version=1,
                        data=visits.VisitInput(visit_on=timezone.localdate(), conclusions="Bene"))  # fmt: skip
    with pytest.raises(ConflictError):
        visits.visit_update(actor=physician, workstation=None, visit_id=visit.pk, expected_version=1,
                            data=visits.VisitInput(visit_on=timezone.localdate(), conclusions="Altro"))  # fmt: skip
    with pytest.raises(PermissionRefused):  # signing is a physician's decision
        visits.visit_sign(actor=nurse, workstation=None, visit_id=visit.pk, expected_version=2)
    signed = visits.visit_sign(
        actor=physician, workstation=None, visit_id=visit.pk, expected_version=2
    )
    assert signed.state == "signed"
    with pytest.raises(ConflictError) as err:
        visits.visit_update(actor=physician, workstation=None, visit_id=visit.pk, expected_version=3,
                            data=visits.VisitInput(visit_on=timezone.localdate()))  # fmt: skip
    assert err.value.code == "visit_signed"
    # the database refuses a change to a signed visit, whoever tries
    with pytest.raises(ProgrammingError), transaction.atomic():
        FollowUpVisit.objects.filter(pk=visit.pk).update(conclusions="manomesso")
    new = visits.visit_correct(actor=physician, workstation=None, visit_id=visit.pk,
                               reason="dose errata",
                               data=visits.VisitInput(visit_on=timezone.localdate(), conclusions="Bene, corretto"))  # fmt: skip
    assert (new.supersedes_id, new.state) == (visit.pk, "draft")
    assert [v.pk for v in followup_get(user=physician, transplant_id=case.pk).visits] == [new.pk]


def test_meda_rows_from_the_records(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk, days_ago=100)
    gvhd.agvhd_assess(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=gvhd.AgvhdInput(assessed_on=day(case, 25), rash_bsa="60", bilirubin="1",
                             stool_episodes=0),
    )  # skin 3: grade II  # fmt: skip
    records.response_record(actor=physician, workstation=None, transplant_id=case.pk,
                            assessed_on=day(case, 90), response="complete_remission")  # fmt: skip
    records.outcome_record(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=records.OutcomeInput(time_point="day_100", assessed_on=day(case, 100),
                                  survival="alive", performance_scale="karnofsky",
                                  performance_score=90),
    )  # fmt: skip
    (row,) = meda_rows(user=physician, transplant_id=case.pk)
    record = row.as_dict()
    assert record["days_since_hsct"] == "100"
    assert (record["agvhd_max_grade"], record["agvhd_onset_date"]) == (
        "II",
        day(case, 25).isoformat(),
    )
    assert (record["best_response"], record["relapse_or_progression"]) == (
        "complete_remission",
        "no",
    )
    assert (record["hsct_type"], record["stem_cell_source"], record["donor_type"]) == (
        "allogeneic", "peripheral_blood", "unknown",
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as err:
        records.outcome_record(
            actor=physician, workstation=None, transplant_id=case.pk,
            data=records.OutcomeInput(time_point="one_year", assessed_on=day(case, 100),
                                      survival="dead"),
        )  # fmt: skip
    assert err.value.code == "death_details_missing"


def test_a_cancelled_case_or_one_without_day_zero_takes_no_follow_up(
    physician: User, recipient: Patient
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    data = records.ViralLoadInput(virus="ebv", sampled_on=day(case, 3), kind="not_detected")
    Transplant.objects.filter(pk=case.pk).update(day_zero=None, state="conditioning")
    with pytest.raises(ConflictError) as err:
        records.viral_load_record(
            actor=physician, workstation=None, transplant_id=case.pk, data=data
        )
    assert err.value.code == "day_zero_missing"
    Transplant.objects.filter(pk=case.pk).update(state="cancelled", cancel_reason="errore")
    with pytest.raises(ConflictError) as err:
        records.viral_load_record(
            actor=physician, workstation=None, transplant_id=case.pk, data=data
        )
    assert err.value.code == "transplant_closed"
    assert not ViralLoad.objects.exists()


def test_meda_rows_take_the_chosen_donor_and_the_engraftment_from_the_counts(
    physician: User, recipient: Patient
) -> None:
    # given an HLA-identical sibling chosen, then day 0 100 days ago
    case = case_opened(physician, recipient.pk)
    sibling_chosen(physician, case)
    day_zero = timezone.localdate() - timedelta(days=100)
    Transplant.objects.filter(pk=case.pk).update(day_zero=day_zero, state="follow_up")
    case.refresh_from_db()
    # daily counts, days 0..30 (hand-made): ANC 0.2 until day 15, then 0.6 from day 16;
    # platelets 15 until day 19 with a transfusion on day 10, then 25 from day 20
    DailyCount.objects.bulk_create(
        DailyCount(
            transplant=case, patient_id=recipient.pk, on=day(case, n), author=physician,
            anc=D("0.6") if n >= 16 else D("0.2"),
            platelets=D(25) if n >= 20 else D(15), platelet_transfusion=n == 10,
        )
        for n in range(31)
    )  # fmt: skip
    records.outcome_record(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=records.OutcomeInput(time_point="day_100", assessed_on=day(case, 100),
                                  survival="alive"),
    )  # fmt: skip
    (row,) = meda_rows(user=physician, transplant_id=case.pk)
    record = row.as_dict()
    # then: neutrophils on day 16 (first of three days ≥ 0.5), platelets on day 20 (first of
    # three days ≥ 20, the transfusion ten days earlier is outside the 7-day window)
    assert record["donor_type"] == "hla_identical_sibling"
    assert (record["anc_recovery"], record["anc_recovery_date"]) == (
        "yes",
        day(case, 16).isoformat(),
    )
    assert (record["platelet_recovery"], record["platelet_recovery_date"]) == (
        "yes",
        day(case, 20).isoformat(),
    )


def test_meda_rows_without_counts_say_recovery_unknown(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk, days_ago=100)
    records.outcome_record(
        actor=physician, workstation=None, transplant_id=case.pk,
        data=records.OutcomeInput(time_point="day_100", assessed_on=day(case, 100),
                                  survival="alive"),
    )  # fmt: skip
    record = meda_rows(user=physician, transplant_id=case.pk)[0].as_dict()
    assert (record["anc_recovery"], record["anc_recovery_date"]) == ("unknown", "")
    assert record["donor_type"] == "unknown"  # allogeneic, no donor chosen yet
