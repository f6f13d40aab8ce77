"""Pure rules: CTCAE grade validation, attribution, dates, worst grade, extravasation table."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.toxicity.domain import ctcae, extravasation, grading
from corsia.toxicity.domain.extravasation import Compress, ExtravasationClass, guidance_for

TODAY = date(2026, 11, 23)
# Nausea in CTCAE v5.0 (MedDRA 10028813): grades 1-3 described, grades 4 and 5 "-".
NAUSEA = {1: "Loss of appetite without alteration in eating habits", 2: "Oral intake decreased",
          3: "Inadequate oral caloric or fluid intake", 4: "", 5: ""}  # fmt: skip


def test_a_grade_the_term_defines_is_accepted() -> None:
    assert grading.ensure_grade(3, defined=grading.defined_grades(NAUSEA), term="Nausea") == 3


@pytest.mark.parametrize("grade", [4, 5])
def test_a_grade_the_term_leaves_empty_is_refused(grade: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        grading.ensure_grade(grade, defined=grading.defined_grades(NAUSEA), term="Nausea")
    assert refused.value.code == "grade_not_defined"
    assert refused.value.field == "grade"
    assert refused.value.details["defined"] == [1, 2, 3]


@pytest.mark.parametrize("grade", [0, 6, -1, True, "3", 3.0, None])
def test_grades_outside_one_to_five_or_not_integers_are_refused(grade: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        grading.ensure_grade(grade, defined={1, 2, 3, 4, 5}, term="Diarrhea")
    assert refused.value.code == "grade_out_of_range"


def test_attribution_scale_has_five_steps_with_italian_labels() -> None:
    assert [a.value for a in grading.Attribution] == [
        "unrelated", "unlikely", "possible", "probable", "definite",
    ]  # fmt: skip
    assert grading.ATTRIBUTION_LABELS_IT[grading.Attribution.UNLIKELY] == "Improbabile"
    with pytest.raises(ValidationFailed) as refused:
        grading.ensure_attribution("maybe")
    assert refused.value.code == "attribution_invalid"


def test_onset_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        grading.ensure_dates(onset=date(2026, 11, 24), resolution=None, today=TODAY)
    assert refused.value.code == "onset_in_future"


def test_resolution_before_onset_is_refused_and_same_day_is_accepted() -> None:
    with pytest.raises(ValidationFailed) as refused:
        grading.ensure_dates(onset=date(2026, 11, 10), resolution=date(2026, 11, 9), today=TODAY)
    assert refused.value.code == "resolution_before_onset"
    grading.ensure_dates(onset=date(2026, 11, 10), resolution=date(2026, 11, 10), today=TODAY)


def test_resolution_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        grading.ensure_dates(onset=date(2026, 11, 10), resolution=date(2026, 12, 1), today=TODAY)
    assert refused.value.code == "resolution_in_future"


def _event(key: str, grade: int, onset: date, resolution: date | None) -> grading.GradedEvent[str]:
    return grading.GradedEvent(key, grade, onset, resolution)


def test_worst_grade_counts_events_still_active_when_the_period_starts() -> None:
    # given the last cycle on 1 Nov: a G3 resolved on 31 Oct (before), a G2 ongoing since
    # October, a G3 that started on 5 Nov and a G1 on 10 Nov
    events = [
        _event("old-g4", 4, date(2026, 10, 1), date(2026, 10, 31)),
        _event("ongoing-g2", 2, date(2026, 10, 20), None),
        _event("new-g3", 3, date(2026, 11, 5), date(2026, 11, 8)),
        _event("new-g1", 1, date(2026, 11, 10), None),
    ]
    worst = grading.worst_in_period(events, since=date(2026, 11, 1))
    assert worst is not None and worst.key == "new-g3"
    # and an event resolved exactly on the first day of the period counts
    events.append(_event("edge-g4", 4, date(2026, 10, 25), date(2026, 11, 1)))
    worst = grading.worst_in_period(events, since=date(2026, 11, 1))
    assert worst is not None and worst.key == "edge-g4"
    # and an event that starts after the period's end does not
    assert (
        grading.worst_in_period(events, since=date(2026, 11, 9), until=date(2026, 11, 9))
        == (events[1])
    )


def test_worst_grade_ties_go_to_the_latest_onset_and_nothing_gives_none() -> None:
    a = _event("a", 3, date(2026, 11, 2), None)
    b = _event("b", 3, date(2026, 11, 6), None)
    assert grading.worst_in_period([a, b], since=date(2026, 11, 1)) == b
    assert grading.worst_in_period([], since=date(2026, 11, 1)) is None


@given(
    st.lists(
        st.tuples(
            st.integers(1, 5), st.dates(date(2026, 1, 1), TODAY), st.none() | st.integers(0, 60)
        ),
        max_size=12,
    ),
    st.dates(date(2026, 1, 1), TODAY),
)
def test_worst_grade_is_the_maximum_of_the_active_events(
    raw: list[tuple[int, date, int | None]], since: date
) -> None:
    from datetime import timedelta

    events = [
        _event(str(i), g, onset, onset + timedelta(days=d) if d is not None else None)
        for i, (g, onset, d) in enumerate(raw)
    ]
    active = [e for e in events if e.resolution is None or e.resolution >= since]
    worst = grading.worst_in_period(events, since=since)
    if not active:
        assert worst is None
    else:
        assert worst is not None
        assert worst.grade == max(e.grade for e in active)


def test_csv_row_with_dash_means_grade_not_applicable() -> None:
    row = {c: "" for c in ctcae.CSV_COLUMNS} | {
        "meddra_code": "10028813", "term": " Nausea ", "grade_1": "a", "grade_4": "-",
    }  # fmt: skip
    parsed = ctcae.row_from_csv(row, line=2)
    assert parsed.term == "Nausea"
    assert grading.defined_grades(parsed.grade_texts()) == {1}


def test_csv_row_without_any_grade_or_with_a_bad_code_is_refused() -> None:
    row = {c: "" for c in ctcae.CSV_COLUMNS} | {"meddra_code": "10028813", "term": "X"}
    with pytest.raises(ctcae.CtcaeRowError):
        ctcae.row_from_csv(row, line=2)
    with pytest.raises(ctcae.CtcaeRowError):
        ctcae.row_from_csv(row | {"meddra_code": "abc", "grade_1": "a"}, line=3)


def test_search_key_drops_case_and_accents() -> None:
    assert ctcae.search_key("  Neutrophil  COUNT décreased ") == "neutrophil count decreased"


# --- extravasation, against ESMO–EONS 2012 (Pérez Fidalgo et al., Ann Oncol 2012;23
# Suppl 7:vii167-73), Table 1 and the specific measures in the text --------------------------


def test_anthracyclines_are_vesicant_with_dexrazoxane_and_cold() -> None:
    for code in ("doxorubicin", "daunorubicin", "epirubicin", "idarubicin"):
        guidance = guidance_for(code)
        assert guidance.klass is ExtravasationClass.VESICANT, code
        assert guidance.procedure.compress is Compress.COLD
        assert "dexrazoxane" in guidance.procedure.step_codes()
    steps = guidance_for("doxorubicin").procedure.steps
    dexrazoxane = next(s for s in steps if s.code == "dexrazoxane").text_it
    # 1000 mg/m² days 1 and 2, 500 mg/m² day 3, within 6 hours
    assert "entro 6 ore" in dexrazoxane
    assert "1000 mg/m² il giorno 1 e il giorno 2, 500 mg/m² il giorno 3" in dexrazoxane


def test_vinca_alkaloids_are_vesicant_with_warm_compresses_and_hyaluronidase_never_cold() -> None:
    for code in ("vincristine", "vinblastine", "vindesine", "vinorelbine"):
        guidance = guidance_for(code)
        assert guidance.klass is ExtravasationClass.VESICANT, code
        assert guidance.procedure.compress is Compress.WARM
        assert {"warm_compress", "hyaluronidase"} <= guidance.procedure.step_codes()
        assert "cold_compress" not in guidance.procedure.step_codes()


def test_taxanes_mechlorethamine_bendamustine_mitomycin_are_vesicant() -> None:
    assert guidance_for("paclitaxel").klass is ExtravasationClass.VESICANT
    assert guidance_for("docetaxel").klass is ExtravasationClass.VESICANT
    assert guidance_for("bendamustine").klass is ExtravasationClass.VESICANT
    assert "thiosulfate" in guidance_for("chlormethine").procedure.step_codes()
    assert "dmso" in guidance_for("mitomycin").procedure.step_codes()


def test_platinum_salts_and_fluorouracil_are_irritant_oxaliplatin_warm() -> None:
    for code in ("cisplatin", "carboplatin", "oxaliplatin", "fluorouracil", "irinotecan"):
        assert guidance_for(code).klass is ExtravasationClass.IRRITANT, code
    assert guidance_for("oxaliplatin").procedure.compress is Compress.WARM
    assert guidance_for("cisplatin").procedure.compress is Compress.COLD


def test_non_vesicants_and_unknown_ingredients() -> None:
    for code in ("cyclophosphamide", "gemcitabine", "methotrexate", "bleomycin", "rituximab"):
        assert guidance_for(code).klass is ExtravasationClass.NON_VESICANT, code
    unknown = guidance_for("imatinib")
    assert unknown.klass is ExtravasationClass.UNKNOWN
    assert "farmacista" in unknown.note_it


def test_every_classified_code_is_an_ingredient_of_the_drug_catalogue() -> None:
    catalogue = (
        Path(__file__).resolve().parents[2] / "corsia" / "drugs" / "data" / "catalogue.jsonl"
    )
    rows = [
        json.loads(line)
        for line in catalogue.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    codes = {row["code"] for row in rows if row.get("type") == "ingredient"}
    assert extravasation.classified_codes() - codes == set()


def test_steps_done_are_kept_in_procedure_order_and_unknown_steps_refused() -> None:
    procedure = guidance_for("vincristine").procedure
    assert extravasation.ensure_steps(procedure, ["hyaluronidase", "stop", "stop"]) == [
        "stop",
        "hyaluronidase",
    ]
    with pytest.raises(ValidationFailed) as refused:
        extravasation.ensure_steps(procedure, ["dexrazoxane"])
    assert refused.value.code == "unknown_step"
