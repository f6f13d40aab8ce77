"""Bedside verification rules, pure: every refusal, every override rule.

The reference day is FOLFOX-4 day 1 for a 2.00 m² patient (de Gramont 2000): 1 ondansetron,
2 dexamethasone (ward), 3 oxaliplatin 170 mg in 250 mL over 120 min, 4 folinic acid
400 mg in Y with oxaliplatin, 5 fluorouracil bolus 800 mg, 6 fluorouracil 1200 mg in 22 h.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.administration.domain.bedside import (
    OVERRIDABLE,
    AllergyAlert,
    BedsidePolicy,
    LabelKind,
    LabelRef,
    OverrideRefused,
    Progress,
    VolumeRefused,
    bedside_check,
    bedside_decide,
    diluent_volume_ml,
    item_complete,
    parse_label,
    volume_given_check,
    ward_label_payload,
)
from corsia.testing.administration import (
    DEXA,
    FOLINATE,
    FU_BOLUS,
    NOW,
    ONDANSETRON,
    OTHER_NURSE,
    OTHER_PATIENT,
    OXALI,
    codes,
    done,
    prep,
    scan,
)

# --- labels -------------------------------------------------------------------------------


def test_labels_are_parsed_and_anything_else_is_not_a_label() -> None:
    assert parse_label("PRP00000042") == LabelRef(LabelKind.PREPARATION, 42, "PRP00000042")
    assert parse_label(" wrd17 ") == LabelRef(LabelKind.WARD, 17, "WRD17")
    for raw in ("", "PZ0000123", "PRP", "PRP0", "WRD-1", "PRP12a", "XYZ12", "PRP" + "1" * 13):
        assert parse_label(raw) is None, raw
    assert ward_label_payload(17) == "WRD17"
    with pytest.raises(ValueError, match="positive"):
        ward_label_payload(0)


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_ward_label_round_trip(item_id: int) -> None:
    parsed = parse_label(ward_label_payload(item_id))
    assert parsed is not None and (parsed.kind, parsed.number) == (LabelKind.WARD, item_id)


def test_bag_volume_is_read_from_the_preparation_text_only_when_unambiguous() -> None:
    assert diluent_volume_ml("sodio cloruro 0,9% 100 mL") == Decimal("100")
    assert diluent_volume_ml("glucosio 5% 250 ml") == Decimal("250")
    assert diluent_volume_ml("in 50,5 mL di SF") == Decimal("50.5")
    assert diluent_volume_ml("elastomero") is None
    assert diluent_volume_ml("") is None
    assert diluent_volume_ml("100 mL poi lavaggio 50 mL") is None


# --- the right path ------------------------------------------------------------------------


def test_right_patient_drug_dose_time_and_sequence_pass() -> None:
    assert codes(scan(OXALI)) == []
    assert codes(scan(replace(ONDANSETRON), day_items=(ONDANSETRON, DEXA, OXALI))) == []


# --- identity --------------------------------------------------------------------------


def test_wristband_refusals() -> None:
    assert codes(scan(OXALI, wristband_raw="", wristband_patient_id=None)) == ["wristband_missing"]
    assert codes(
        scan(OXALI, wristband_raw="B-100", wristband_readable=False, wristband_patient_id=None)
    ) == ["wristband_unreadable"]
    assert codes(scan(OXALI, wristband_patient_id=None)) == ["patient_unknown"]


def test_another_patients_wristband_is_wrong_patient_and_cannot_be_overridden() -> None:
    refusals = bedside_check(scan(OXALI, wristband_patient_id=OTHER_PATIENT))
    assert [r.code for r in refusals] == ["wrong_patient"]
    assert refusals[0].message.startswith("PAZIENTE SBAGLIATO")
    assert not refusals[0].overridable
    with pytest.raises(OverrideRefused) as refused:
        bedside_decide(refusals, {"wrong_patient": "il paziente è lui, lo conosco"})
    assert refused.value.code == "override_not_allowed"


def test_preparation_labelled_for_another_patient_is_wrong_patient() -> None:
    assert codes(scan(OXALI, preparation=prep(OXALI, patient_id=OTHER_PATIENT))) == [
        "wrong_patient"
    ]


def test_badge_refusals() -> None:
    assert codes(scan(OXALI, badge_raw="")) == ["badge_missing"]
    assert codes(scan(OXALI, badge_owner_id=None)) == ["badge_unknown"]
    assert codes(scan(OXALI, badge_owner_id=OTHER_NURSE)) == ["badge_other_user"]
    assert "badge_missing" in OVERRIDABLE
    assert "badge_other_user" not in OVERRIDABLE and "badge_unknown" not in OVERRIDABLE


# --- label, drug, dose ---------------------------------------------------------------------


def test_label_refusals_stop_the_other_checks() -> None:
    assert codes(scan(OXALI, label=None, label_raw="")) == ["label_missing"]
    assert codes(scan(OXALI, label=None, label_raw="8001234567890")) == ["label_unreadable"]
    assert codes(scan(OXALI, item=None)) == ["label_unknown"]
    assert codes(scan(OXALI, preparation=None)) == ["label_unknown"]


def test_wrong_drug_from_the_preparation_or_the_item_chosen_on_screen() -> None:
    assert codes(scan(OXALI, preparation=prep(OXALI, ingredient_code="carboplatin"))) == [
        "wrong_drug"
    ]
    assert codes(scan(OXALI, expected_item_id=FOLINATE.item_id)) == ["wrong_drug"]


def test_a_ward_label_on_a_pharmacy_drug_is_refused() -> None:
    ward_label = LabelRef(LabelKind.WARD, OXALI.item_id, "WRD3")
    assert codes(scan(OXALI, label=ward_label, label_raw="WRD3", preparation=None)) == [
        "ward_label_for_pharmacy_drug"
    ]


def test_wrong_dose_blocks_without_override() -> None:
    refusals = bedside_check(scan(OXALI, preparation=prep(OXALI, dose=Decimal("153"))))
    assert [r.code for r in refusals] == ["wrong_dose"]
    assert "153 mg" in refusals[0].message and "170 mg" in refusals[0].message
    with pytest.raises(OverrideRefused):
        bedside_decide(refusals, {"wrong_dose": "ok"})


def test_equal_doses_with_different_decimals_are_the_same_dose() -> None:
    assert codes(scan(OXALI, preparation=prep(OXALI, dose=Decimal("170.0000")))) == []


# --- order and item state -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "code"),
    [
        ("suspended", "order_suspended"),
        ("cancelled", "order_cancelled"),
        ("administered", "order_administered"),
        ("draft", "order_not_validated"),
        ("confirmed", "order_not_validated"),
        ("sent_to_pharmacy", "order_not_validated"),
        ("returned_to_prescriber", "order_not_validated"),
    ],
)
def test_order_not_administrable(state: str, code: str) -> None:
    assert codes(scan(replace(OXALI, order_state=state))) == [code]


@pytest.mark.parametrize(
    "state", ["validated", "taken_in_charge", "in_preparation", "prepared", "delivered"]
)
def test_order_administrable_states(state: str) -> None:
    assert codes(scan(replace(OXALI, order_state=state))) == []


def test_item_suspended_skipped_done_running() -> None:
    assert codes(scan(replace(OXALI, item_status="suspended"))) == ["item_suspended"]
    assert codes(scan(replace(OXALI, item_status="skipped"))) == ["item_skipped"]
    assert codes(scan(done(OXALI))) == ["already_administered"]
    assert codes(scan(replace(OXALI, progress=Progress.RUNNING))) == ["already_running"]
    assert codes(scan(replace(OXALI, progress=Progress.INTERRUPTED))) == []  # restart allowed


# --- preparation ------------------------------------------------------------------------


def test_unreleased_and_expired_preparations_block_without_override() -> None:
    assert codes(scan(OXALI, preparation=prep(OXALI, released=False))) == [
        "preparation_not_released"
    ]
    expired = bedside_check(scan(OXALI, preparation=prep(OXALI, expiry=NOW)))
    assert [r.code for r in expired] == ["preparation_expired"]
    assert "01/12/2026 alle 10:00" in expired[0].message
    assert codes(scan(OXALI, preparation=prep(OXALI, expiry=NOW + timedelta(seconds=1)))) == []
    for code in ("preparation_not_released", "preparation_expired"):
        assert code not in OVERRIDABLE


# --- time -------------------------------------------------------------------------------


def test_wrong_day_blocks_without_override() -> None:
    refusals = bedside_check(scan(replace(OXALI, scheduled_date=date(2026, 12, 2))))
    assert [r.code for r in refusals] == ["wrong_day"]
    assert "02/12/2026" in refusals[0].message
    assert not refusals[0].overridable


def test_time_window_is_a_setting_and_may_be_overridden() -> None:
    planned = replace(OXALI, planned_start=NOW - timedelta(minutes=61))
    assert codes(scan(planned)) == ["outside_time_window"]
    assert codes(scan(planned), BedsidePolicy(window_after_minutes=61)) == []
    early = replace(OXALI, planned_start=NOW + timedelta(minutes=30))
    assert codes(scan(early), BedsidePolicy(window_before_minutes=29)) == ["outside_time_window"]
    assert codes(scan(early), BedsidePolicy(window_before_minutes=30)) == []
    decision = bedside_decide(bedside_check(scan(planned)), {"outside_time_window": "ritardo DH"})
    assert decision.allowed
    assert [r.code for r in decision.overridden] == ["outside_time_window"]
    assert decision.override_reasons == {"outside_time_window": "ritardo DH"}


# --- sequence ------------------------------------------------------------------------------


def test_fluorouracil_before_oxaliplatin_and_folinic_acid_is_blocked() -> None:
    refusals = bedside_check(scan(FU_BOLUS))
    assert [r.code for r in refusals] == ["sequence_previous_not_finished"] * 2
    assert refusals[0].message == (
        "SEQUENZA: prima di Fluorouracil va completato Oxaliplatin (n. 3 dello schema)."
    )
    assert "Calcium_folinate (n. 4" in refusals[1].message


def test_folinic_acid_runs_in_y_with_oxaliplatin_once_it_has_started() -> None:
    assert codes(scan(FOLINATE)) == ["sequence_previous_not_finished"]  # oxali not started
    running = replace(OXALI, progress=Progress.RUNNING, started_at=NOW)
    day = (done(ONDANSETRON), done(DEXA), running, FOLINATE)
    assert codes(scan(FOLINATE, day_items=day)) == []
    # but a drug that does not run in Y waits for the end
    not_in_y = replace(FOLINATE, runs_with_previous=False)
    assert codes(scan(not_in_y, day_items=(*day[:3], not_in_y))) == [
        "sequence_previous_not_finished"
    ]


def test_an_interrupted_previous_drug_blocks_the_next() -> None:
    interrupted = replace(OXALI, progress=Progress.INTERRUPTED)
    day = (done(ONDANSETRON), done(DEXA), interrupted, done(FOLINATE), FU_BOLUS)
    assert codes(scan(FU_BOLUS, day_items=day)) == ["sequence_previous_not_finished"]


def test_suspended_previous_drugs_and_other_days_do_not_count() -> None:
    suspended = replace(OXALI, item_status="suspended")
    other_day = replace(FOLINATE, day_of_cycle=2, item_id=40)
    day = (done(ONDANSETRON), done(DEXA), suspended, other_day, FU_BOLUS)
    # folinate of day 1 is absent from this list on purpose: only day 1 items count
    assert codes(scan(FU_BOLUS, day_items=day)) == []


def test_interval_after_the_previous_drug_is_respected() -> None:
    # dexamethasone with 30 min to wait after it, finished 20 min ago: 10 min to go
    dexa = replace(done(DEXA, ended_minutes_ago=20), interval_after_minutes=30)
    day = (done(ONDANSETRON), dexa, OXALI)
    refusals = bedside_check(scan(OXALI, day_items=day))
    assert [r.code for r in refusals] == ["sequence_interval_not_elapsed"]
    assert refusals[0].message == (
        "Dopo Dexamethasone attendere 30 min: Oxaliplatin dalle 10:10 (mancano 10 min)."
    )
    waited = replace(done(DEXA, ended_minutes_ago=30), interval_after_minutes=30)
    assert codes(scan(OXALI, day_items=(done(ONDANSETRON), waited, OXALI))) == []


def test_sequence_override_needs_a_reason_and_is_reported() -> None:
    refusals = bedside_check(scan(FU_BOLUS))
    with pytest.raises(OverrideRefused) as no_reason:
        bedside_decide(refusals, {"sequence_previous_not_finished": "  "})
    assert no_reason.value.code == "override_reason_required"
    decision = bedside_decide(
        refusals, {"sequence_previous_not_finished": "dr. Rossi: oxaliplatino sospeso per reazione"}
    )
    assert decision.allowed
    assert len(decision.overridden) == 2


def test_an_override_does_not_unblock_another_refusal() -> None:
    refusals = bedside_check(scan(FU_BOLUS, preparation=prep(FU_BOLUS, released=False)))
    decision = bedside_decide(refusals, {"sequence_previous_not_finished": "disposto dal medico"})
    assert not decision.allowed
    assert [r.code for r in decision.blocking] == ["preparation_not_released"]


def test_override_of_a_refusal_that_did_not_occur_is_ignored() -> None:
    decision = bedside_decide(bedside_check(scan(OXALI)), {"outside_time_window": "x"})
    assert decision.allowed and decision.overridden == ()


# --- rate and volume ----------------------------------------------------------------------


def test_rate_is_checked_against_volume_and_duration() -> None:
    # 250 mL over 120 min = 125 mL/h (hand calculation)
    assert codes(scan(OXALI, rate_ml_h=Decimal("125"), bag_volume_ml=Decimal("250"))) == []
    assert codes(scan(OXALI, rate_ml_h=Decimal("150"), bag_volume_ml=Decimal("250"))) == [
        "rate_mismatch"
    ]
    assert codes(scan(OXALI, rate_ml_h=Decimal("125"), bag_volume_ml=None)) == [
        "rate_not_checkable"
    ]


def test_volume_given_is_never_above_the_bag() -> None:
    volume_given_check(volume_given_ml=Decimal("250"), bag_volume_ml=Decimal("250"))
    volume_given_check(volume_given_ml=Decimal("0"), bag_volume_ml=Decimal("250"))
    volume_given_check(volume_given_ml=Decimal("80"), bag_volume_ml=None)
    with pytest.raises(VolumeRefused) as above:
        volume_given_check(volume_given_ml=Decimal("250.1"), bag_volume_ml=Decimal("250"))
    assert above.value.code == "volume_above_bag"
    with pytest.raises(VolumeRefused) as negative:
        volume_given_check(volume_given_ml=Decimal("-1"), bag_volume_ml=Decimal("250"))
    assert negative.value.code == "volume_negative"


def test_order_complete_only_when_every_item_is_done() -> None:
    assert item_complete([Progress.DONE, Progress.DONE])
    assert not item_complete([Progress.DONE, Progress.INTERRUPTED])
    assert not item_complete([])


def test_several_refusals_are_all_reported() -> None:
    s = scan(
        replace(FU_BOLUS, item_status="suspended"),
        wristband_patient_id=OTHER_PATIENT,
        badge_owner_id=OTHER_NURSE,
        preparation=prep(FU_BOLUS, released=False, expiry=NOW - timedelta(hours=1)),
    )
    assert codes(s) == [
        "badge_other_user",
        "wrong_patient",
        "item_suspended",
        "preparation_not_released",
        "preparation_expired",
        "sequence_previous_not_finished",
        "sequence_previous_not_finished",
    ]


# --- allergies again at the bag -------------------------------------------------------------

ANAPHYLAXIS = "Allergia a oxaliplatino (anafilassi, confermata): stesso principio attivo."


def test_an_uncovered_severe_allergy_blocks_and_cannot_be_overridden() -> None:
    s = scan(OXALI, allergies=(AllergyAlert(message=ANAPHYLAXIS, hard_stop=True),))
    refusals = bedside_check(s)
    assert [r.code for r in refusals] == ["allergy_contraindicated"]
    assert refusals[0].message == (
        f"ALLERGIA: {ANAPHYLAXIS} Non somministrare: il medico deve rivalutare la prescrizione."
    )
    with pytest.raises(OverrideRefused):
        bedside_decide(refusals, {"allergy_contraindicated": "lo so"})


def test_an_allergy_the_physician_went_past_on_the_order_does_not_stop_the_nurse() -> None:
    covered = AllergyAlert(
        message=ANAPHYLAXIS,
        hard_stop=True,
        cleared_by="Dr. Neri",
        cleared_reason="desensibilizzazione",
    )
    assert codes(scan(OXALI, allergies=(covered,))) == []


def test_an_uncovered_mild_allergy_goes_on_only_with_the_nurses_reason() -> None:
    mild = AllergyAlert(message="Allergia sospetta (orticaria lieve).", hard_stop=False)
    refusals = bedside_check(scan(OXALI, allergies=(mild,)))
    assert [(r.code, r.overridable) for r in refusals] == [("allergy_warning", True)]
    assert bedside_decide(refusals, {"allergy_warning": "sentito il medico"}).allowed
    assert not bedside_decide(refusals, {}).allowed
