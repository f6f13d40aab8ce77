"""The shipped scales scored against their published rules (hand calculations written out,
source cited), the hospital's own definitions checked, bad answers refused, and the
invariants every scale keeps (Hypothesis). Pure: no database."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.nursing.domain import catalogue
from corsia.nursing.domain.scales import (
    ScaleDefinition,
    ScaleDefinitionError,
    definition_from_dict,
    score,
)


def _scale(code: str) -> ScaleDefinition:
    return catalogue.shipped_definition(code)


# --- Braden (Bergstrom et al. 1987; bands Bergstrom et al. 1998) ------------------------------


def test_braden_bedridden_patient_with_poor_nutrition_is_at_high_risk() -> None:
    # sensory 2 + moisture 3 + activity 1 + mobility 2 + nutrition 2 + friction 1 = 11
    # Bergstrom 1998: 10-12 high risk
    result = score(
        _scale("braden"),
        {
            "sensory": "2",
            "moisture": "3",
            "activity": "1",
            "mobility": "2",
            "nutrition": "2",
            "friction": "1",
        },
    )
    assert result.total == 11
    assert result.band.label == "Rischio alto"


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        # all lowest: 1+1+1+1+1+1 = 6, the minimum (≤9 very high)
        (("1", "1", "1", "1", "1", "1"), 6, "Rischio molto alto"),
        # 2+2+2+1+1+1 = 9: still ≤9
        (("2", "2", "2", "1", "1", "1"), 9, "Rischio molto alto"),
        # 2+2+2+2+1+1 = 10: high (10-12)
        (("2", "2", "2", "2", "1", "1"), 10, "Rischio alto"),
        # 3+3+2+2+2+1 = 13: moderate (13-14)
        (("3", "3", "2", "2", "2", "1"), 13, "Rischio moderato"),
        # 3+3+3+2+2+2 = 15: mild (15-18)
        (("3", "3", "3", "2", "2", "2"), 15, "Rischio lieve"),
        # 4+4+3+3+3+2 = 19: no relevant risk (≥19)
        (("4", "4", "3", "3", "3", "2"), 19, "Nessun rischio rilevante"),
        # all highest: 4+4+4+4+4+3 = 23, the maximum
        (("4", "4", "4", "4", "4", "3"), 23, "Nessun rischio rilevante"),
    ],
)
def test_braden_band_edges(answers: tuple[str, ...], total: int, band: str) -> None:
    items = ("sensory", "moisture", "activity", "mobility", "nutrition", "friction")
    result = score(_scale("braden"), dict(zip(items, answers, strict=True)))
    assert (result.total, result.band.label) == (total, band)


# --- Norton (Norton, McLaren, Exton-Smith 1962: ≤14 at risk, <12 high risk) -------------------


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        (("3", "3", "2", "2", "3"), 13, "A rischio"),  # 3+3+2+2+3
        (("3", "3", "3", "2", "3"), 14, "A rischio"),  # 14: "14 or below" at risk
        (("3", "3", "3", "3", "3"), 15, "Rischio basso"),
        (("3", "2", "2", "2", "3"), 12, "A rischio"),  # 12 is not "below 12"
        (("3", "2", "2", "2", "2"), 11, "Rischio alto"),  # below 12
        (("1", "1", "1", "1", "1"), 5, "Rischio alto"),
    ],
)
def test_norton(answers: tuple[str, ...], total: int, band: str) -> None:
    items = ("physical", "mental", "activity", "mobility", "incontinence")
    result = score(_scale("norton"), dict(zip(items, answers, strict=True)))
    assert (result.total, result.band.label) == (total, band)


# --- Conley (Conley et al. 1999: ≥2 at risk) --------------------------------------------------

_CONLEY_NO = {
    "previous_falls": "no",
    "dizziness": "no",
    "incontinence": "no",
    "impaired_gait": "no",
    "agitation": "no",
    "impaired_judgement": "no",
}


def test_conley_a_fall_in_the_last_three_months_alone_puts_at_risk() -> None:
    # previous falls weigh 2 → total 2 → at risk
    result = score(_scale("conley"), {**_CONLEY_NO, "previous_falls": "yes"})
    assert (result.total, result.band.label) == (2, "A rischio di caduta")


def test_conley_dizziness_alone_does_not() -> None:
    # dizziness weighs 1 → total 1 → below the cut-off
    result = score(_scale("conley"), {**_CONLEY_NO, "dizziness": "yes"})
    assert (result.total, result.band.level) == (1, 0)


def test_conley_all_yes_is_ten() -> None:
    # 2 + 1 + 1 + 1 + 2 + 3 = 10
    result = score(_scale("conley"), dict.fromkeys(_CONLEY_NO, "yes"))
    assert result.total == 10


# --- Morse Fall Scale (Morse 1989; bands Morse 2009) ------------------------------------------


def test_morse_patient_with_a_fall_an_infusion_and_weak_gait_is_at_high_risk() -> None:
    # history 25 + secondary diagnosis 15 + no aid 0 + IV 20 + weak gait 10 + aware 0 = 70
    result = score(
        _scale("morse"),
        {
            "history": "yes",
            "secondary_diagnosis": "yes",
            "ambulatory_aid": "none",
            "iv": "yes",
            "gait": "weak",
            "mental_status": "aware",
        },
    )
    assert (result.total, result.band.label) == (70, "Rischio alto")


@pytest.mark.parametrize(
    ("aid", "gait", "mental", "total", "band"),
    [
        # secondary diagnosis 15 + aid 0 + gait 0 + mental 0 = 15
        ("none", "normal", "aware", 15, "Nessun rischio"),
        # 15 + cane 15 = 30 (25-44 low)
        ("aid", "normal", "aware", 30, "Rischio basso"),
        # 15 + furniture 30 = 45 (≥45 high)
        ("furniture", "normal", "aware", 45, "Rischio alto"),
        # 15 + 0 + impaired 20 = 35
        ("none", "impaired", "aware", 35, "Rischio basso"),
        # 15 + 30 + 20 + 15 = 80
        ("furniture", "impaired", "forgets", 80, "Rischio alto"),
    ],
)
def test_morse(aid: str, gait: str, mental: str, total: int, band: str) -> None:
    answers = {
        "history": "no",
        "secondary_diagnosis": "yes",
        "ambulatory_aid": aid,
        "iv": "no",
        "gait": gait,
        "mental_status": mental,
    }
    result = score(_scale("morse"), answers)
    assert (result.total, result.band.label) == (total, band)


def test_morse_maximum_is_125() -> None:
    # 25 + 15 + 30 + 20 + 20 + 15 = 125
    assert _scale("morse").highest == 125


# --- pain: NRS, VAS (Jensen et al. 2003), FLACC (Merkel et al. 1997) ---------------------------


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "Nessun dolore"),
        (3, "Dolore lieve"),
        (4, "Dolore moderato"),
        (6, "Dolore moderato"),
        (7, "Dolore grave"),
        (10, "Dolore grave"),
    ],
)
def test_nrs(value: int, band: str) -> None:
    result = score(_scale("nrs"), {"intensity": str(value)})
    assert (result.total, result.band.label) == (value, band)


@pytest.mark.parametrize(
    ("mm", "band"),
    [
        (4, "Nessun dolore"),
        (5, "Dolore lieve"),
        (44, "Dolore lieve"),
        (45, "Dolore moderato"),
        (74, "Dolore moderato"),
        (75, "Dolore grave"),
    ],
)
def test_vas_jensen_2003_cut_points(mm: int, band: str) -> None:
    assert score(_scale("vas"), {"mm": mm}).band.label == band


def test_flacc_crying_child_consoled_by_touch() -> None:
    # face 1 + legs 1 + activity 2 + cry 1 + consolability 1 = 6 → moderate pain (4-6)
    result = score(
        _scale("flacc"),
        {"face": "1", "legs": "1", "activity": "2", "cry": "1", "consolability": "1"},
    )
    assert (result.total, result.band.label) == (6, "Dolore moderato")


def test_flacc_seven_is_severe() -> None:
    # 2 + 2 + 1 + 1 + 1 = 7 → severe (7-10)
    result = score(
        _scale("flacc"),
        {"face": "2", "legs": "2", "activity": "1", "cry": "1", "consolability": "1"},
    )
    assert (result.total, result.band.label) == (7, "Dolore grave")


# --- Barthel (Mahoney & Barthel 1965; bands Shah et al. 1989) ---------------------------------

_BARTHEL_ITEMS = (
    "feeding",
    "bathing",
    "grooming",
    "dressing",
    "bowels",
    "bladder",
    "toilet",
    "transfers",
    "mobility",
    "stairs",
)


def test_barthel_sixty_is_severe_dependency() -> None:
    # feeding 10 + bathing 0 + grooming 5 + dressing 5 + bowels 10 + bladder 5 + toilet 5
    # + transfers 10 + mobility 10 + stairs 0 = 60 → severe (21-60)
    answers = ("10", "0", "5", "5", "10", "5", "5", "10", "10", "0")
    result = score(_scale("barthel"), dict(zip(_BARTHEL_ITEMS, answers, strict=True)))
    assert (result.total, result.band.label) == (60, "Dipendenza grave")


def test_barthel_sixty_five_is_moderate_and_full_marks_independent() -> None:
    # the same with bathing 5: 65 → moderate (61-90)
    answers = ("10", "5", "5", "5", "10", "5", "5", "10", "10", "0")
    assert score(_scale("barthel"), dict(zip(_BARTHEL_ITEMS, answers, strict=True))).band.label == (
        "Dipendenza moderata"
    )
    # 10+5+5+10+10+10+10+15+15+10 = 100
    best = ("10", "5", "5", "10", "10", "10", "10", "15", "15", "10")
    result = score(_scale("barthel"), dict(zip(_BARTHEL_ITEMS, best, strict=True)))
    assert (result.total, result.band.label) == (100, "Autonomo")
    # every item at its best but stairs with help: 95 → slight (91-99)
    slight = (*best[:-1], "5")
    assert score(_scale("barthel"), dict(zip(_BARTHEL_ITEMS, slight, strict=True))).total == 95


# --- MASCC (Klastersky et al. 2000: ≥21 low risk) ---------------------------------------------

_MASCC_FAVOURABLE = {
    "burden": "none_mild",
    "no_hypotension": "yes",
    "no_copd": "yes",
    "solid_or_no_fungal": "yes",
    "no_dehydration": "yes",
    "outpatient": "yes",
    "under_60": "yes",
}


def test_mascc_every_favourable_factor_is_26() -> None:
    # 5 + 5 + 4 + 4 + 3 + 3 + 2 = 26
    result = score(_scale("mascc"), _MASCC_FAVOURABLE)
    assert (result.total, result.band.label) == (26, "Rischio basso di complicanze")


def test_mascc_inpatient_over_60_with_moderate_symptoms_and_previous_fungal_infection() -> None:
    # moderate burden 3 + no hypotension 5 + no COPD 4 + previous fungal infection 0
    # + no dehydration 3 + inpatient 0 + age ≥ 60: 0 = 15 → high risk (< 21)
    answers = {
        **_MASCC_FAVOURABLE,
        "burden": "moderate",
        "solid_or_no_fungal": "no",
        "outpatient": "no",
        "under_60": "no",
    }
    result = score(_scale("mascc"), answers)
    assert (result.total, result.band.label) == (15, "Rischio alto di complicanze")


def test_mascc_cut_off_21() -> None:
    # 5 + 5 + 4 + 4 + 3 + inpatient 0 + age ≥ 60: 0 = 21 → low risk (≥21)
    at_21 = {**_MASCC_FAVOURABLE, "outpatient": "no", "under_60": "no"}
    assert score(_scale("mascc"), at_21).band.level == 0
    # and with moderate symptoms: 21 - 5 + 3 = 19 → high risk
    assert score(_scale("mascc"), {**at_21, "burden": "moderate"}).band.level == 1


# --- WHO oral mucositis, Karnofsky, Lansky ----------------------------------------------------


def test_who_mucositis_grade_three() -> None:
    result = score(_scale("who_mucositis"), {"grade": "3"})
    assert (result.total, result.band.label) == (3, "Mucosite di grado 3")
    assert result.items[0].label.startswith("Grado 3 – ulcere")


@pytest.mark.parametrize(
    ("kps", "level"), [(100, 0), (80, 0), (70, 1), (50, 1), (40, 2), (10, 2), (0, 2)]
)
def test_karnofsky_categories(kps: int, level: int) -> None:
    # Karnofsky's three categories: 80-100 normal activity, 50-70 unable to work,
    # 0-40 unable to care for self
    result = score(_scale("karnofsky"), {"kps": str(kps)})
    assert (result.total, result.band.level) == (kps, level)


def test_karnofsky_refuses_a_value_between_the_tens() -> None:
    with pytest.raises(ValidationFailed) as refused:
        score(_scale("karnofsky"), {"kps": "75"})
    assert refused.value.code == "option_unknown"


def test_lansky_fifty() -> None:
    result = score(_scale("lansky"), {"lps": "50"})
    assert (result.total, result.band.label) == (50, "Limitazione moderata")


def test_vip_two_signs_mean_early_phlebitis_and_resiting() -> None:
    # Jackson 1998: two of pain, erythema, swelling → score 2, early phlebitis, resite
    result = score(_scale("vip"), {"site": "2"})
    assert (result.total, result.band.label) == (2, "Flebite iniziale: rimuovere e riposizionare")
    assert score(_scale("vip"), {"site": "0"}).band.level == 0
    assert score(_scale("vip"), {"site": "5"}).band.label.startswith("Tromboflebite avanzata")


# --- bad answers ------------------------------------------------------------------------------


def _braden_all(value: str = "3") -> dict[str, object]:
    return dict.fromkeys(
        ("sensory", "moisture", "activity", "mobility", "nutrition", "friction"), value
    )


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"nutrition": None}, "item_missing", "Manca la risposta a «Alimentazione»"),
        ({"nutrition": "  "}, "item_missing", "Manca la risposta"),
        ({"nutrition": "5"}, "option_unknown", "non è una delle risposte previste"),
        ({"nutrition": "3\x00"}, "invalid_characters", "caratteri non ammessi"),
        ({"nutrition": True}, "item_invalid", "Risposta non valida"),
        ({"shoe_size": "3"}, "item_unknown", "non ha la voce «shoe_size»"),
    ],
)
def test_bad_answers_are_refused_in_italian(
    change: dict[str, object], code: str, words: str
) -> None:
    answers = {**_braden_all(), **change}
    if change.get("nutrition", "x") is None:
        del answers["nutrition"]
    with pytest.raises(ValidationFailed) as refused:
        score(_scale("braden"), answers)
    assert refused.value.code == code
    assert words in refused.value.message


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("11", "value_out_of_range"),
        ("-1", "value_out_of_range"),
        ("7.5", "value_not_whole"),
        ("1e308", "value_not_whole"),
        ("\u0663", "value_not_whole"),
        ("1_0", "value_not_whole"),
    ],
)
def test_nrs_refuses_what_is_not_a_whole_number_from_0_to_10(value: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        score(_scale("nrs"), {"intensity": value})
    assert refused.value.code == code
    assert refused.value.field == "item_intensity"


# --- the hospital's own definitions -----------------------------------------------------------


def _own() -> dict[str, Any]:
    return {
        "code": "mucosa_check",
        "name": "Controllo del cavo orale del reparto",
        "higher_is_worse": True,
        "items": [
            {
                "code": "redness",
                "label": "Arrossamento",
                "options": [
                    {"code": "no", "label": "No", "points": 0},
                    {"code": "yes", "label": "Sì", "points": 1},
                ],
            },
            {"code": "pain", "label": "Dolore (0-3)", "min": 0, "max": 3},
        ],
        "bands": [
            {"min": 0, "max": 1, "label": "Bene", "level": 0},
            {"min": 2, "max": 4, "label": "Da rivalutare", "level": 1},
        ],
    }


def test_a_hospital_scale_is_read_scored_and_round_trips() -> None:
    definition = definition_from_dict(_own())
    assert (definition.lowest, definition.highest) == (0, 4)
    # redness 1 + pain 2 = 3
    assert score(definition, {"redness": "yes", "pain": "2"}).band.label == "Da rivalutare"
    assert definition_from_dict(definition.as_dict()) == definition


def _band_no_total_reaches(raw: dict[str, Any]) -> None:
    # redness 0 or 10, pain 0-3: totals 0-3 and 10-13; nothing falls in 4-9
    raw["items"][0]["options"][1]["points"] = 10
    raw["bands"] = [
        {"min": 0, "max": 3, "label": "Bene", "level": 0},
        {"min": 4, "max": 9, "label": "Vuota", "level": 1},
        {"min": 10, "max": 13, "label": "Male", "level": 2},
    ]


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (
            lambda d: d["bands"].__setitem__(1, {"min": 3, "max": 4, "label": "x", "level": 1}),
            "manca 2",
        ),
        (
            lambda d: d["bands"].__setitem__(1, {"min": 1, "max": 4, "label": "x", "level": 1}),
            "si sovrappongono",
        ),
        (
            lambda d: d["bands"].__setitem__(1, {"min": 2, "max": 9, "label": "x", "level": 1}),
            "vanno oltre i punteggi possibili (da 0 a 4)",
        ),
        (_band_no_total_reaches, "Nessun punteggio possibile cade nella fascia «Vuota»"),
        (lambda d: d["bands"][1].__setitem__("level", -1), "negativo"),
        (lambda d: d.__setitem__("higher_is_worse", False), "devono diminuire"),
        (lambda d: d["items"][1].__setitem__("code", "redness"), "stesso codice"),
        (lambda d: d.__setitem__("code", "Bad Code"), "il codice deve iniziare"),
        (lambda d: d.__setitem__("name", "Cavo\x00orale"), "caratteri non ammessi"),
        (lambda d: d["items"][0]["options"][0].__setitem__("points", 1.5), "numero intero"),
        (lambda d: d["items"][0]["options"][0].__setitem__("points", True), "numero intero"),
        (lambda d: d["items"][1].__setitem__("max", 0), "minore del massimo"),
        (lambda d: d["items"][0]["options"].pop(), "da 2 a 30 opzioni"),
        (lambda d: d.__setitem__("items", []), "da 1 a 40 voci"),
    ],
)
def test_a_definition_that_is_not_a_scale_is_refused(mutate: Any, words: str) -> None:
    raw = copy.deepcopy(_own())
    mutate(raw)
    with pytest.raises(ScaleDefinitionError) as refused:
        definition_from_dict(raw)
    assert words in refused.value.message
    assert refused.value.code == "scale_definition_invalid"


def test_every_shipped_scale_cites_its_source_and_round_trips() -> None:
    codes = [d.code for d in catalogue.shipped()]
    assert codes == [
        "braden",
        "norton",
        "conley",
        "morse",
        "nrs",
        "vas",
        "flacc",
        "barthel",
        "mascc",
        "who_mucositis",
        "karnofsky",
        "lansky",
        "vip",
    ]
    for definition in catalogue.shipped():
        assert definition.source and definition.purpose
        assert definition_from_dict(definition.as_dict()) == definition


# --- invariants -------------------------------------------------------------------------------


@st.composite
def _answers(draw: st.DrawFn, definition: ScaleDefinition) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in definition.items:
        if item.is_number:
            assert item.minimum is not None and item.maximum is not None
            out[item.code] = str(draw(st.integers(item.minimum, item.maximum)))
        else:
            out[item.code] = draw(st.sampled_from([o.code for o in item.options]))
    return out


@st.composite
def _scale_and_two_answers(
    draw: st.DrawFn,
) -> tuple[ScaleDefinition, dict[str, str], dict[str, str]]:
    definition = draw(st.sampled_from(catalogue.shipped()))
    return definition, draw(_answers(definition)), draw(_answers(definition))


@settings(max_examples=300, deadline=None)
@given(_scale_and_two_answers())
def test_score_within_range_and_bands_monotone(
    case: tuple[ScaleDefinition, dict[str, str], dict[str, str]],
) -> None:
    definition, first, second = case
    a, b = score(definition, first), score(definition, second)
    for result in (a, b):
        assert definition.lowest <= result.total <= definition.highest
        assert result.band.minimum <= result.total <= result.band.maximum
        assert result.total == sum(s.points for s in result.items)
    low, high = sorted((a, b), key=lambda r: r.total)
    if definition.higher_is_worse:
        assert low.band.level <= high.band.level
    else:
        assert low.band.level >= high.band.level


@settings(max_examples=200, deadline=None)
@given(
    st.data(),
    st.sampled_from(catalogue.shipped()),
)
def test_any_missing_item_is_refused(data: st.DataObject, definition: ScaleDefinition) -> None:
    answers = data.draw(_answers(definition))
    missing = data.draw(st.sampled_from(sorted(answers)))
    del answers[missing]
    with pytest.raises(ValidationFailed) as refused:
        score(definition, answers)
    assert refused.value.code == "item_missing"
    assert refused.value.field == f"item_{missing}"
