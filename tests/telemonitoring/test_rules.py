"""Plausibility, thresholds, the symptom diary's answers and alert rules, the chart's
geometry: pure rules against hand-worked values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from corsia.core.domain.errors import ValidationFailed
from corsia.telemonitoring.domain import chart, plausibility, thresholds
from corsia.telemonitoring.domain.parameters import Observation, Parameter
from corsia.telemonitoring.domain.questionnaires import (
    DiaryContext,
    clean_answers,
    diary_alerts,
    response_to_fhir,
)
from corsia.telemonitoring.questionnaires import (
    SYMPTOM_DIARY,
    questionnaire,
    questionnaire_resource,
    response_validate,
)

P = Parameter


def _codes(observations: list[Observation], **kw: object) -> list[tuple[str, str]]:
    return [
        (d.parameter.value, d.code)
        for d in plausibility.doubts(observations, **kw)  # type: ignore[arg-type]  # kw as given
    ]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        (P.HEART_RATE, Decimal(400)),
        (P.SPO2, Decimal(101)),
        (P.TEMPERATURE, Decimal(45)),
        (P.WEIGHT, Decimal("0.5")),
        (P.SYSTOLIC, Decimal(300)),
    ],
)
def test_implausible_values_are_doubted(parameter: Parameter, value: Decimal) -> None:
    assert _codes([Observation(parameter, value)]) == [(parameter.value, "out_of_range")]


def test_plausible_values_are_not_doubted() -> None:
    observations = [
        Observation(P.SYSTOLIC, Decimal(120)),
        Observation(P.DIASTOLIC, Decimal(80)),
        Observation(P.HEART_RATE, Decimal(72)),
        Observation(P.SPO2, Decimal(100)),
        Observation(P.TEMPERATURE, Decimal("42.0")),
    ]
    assert _codes(observations) == []


def test_weight_change_over_ten_percent_in_a_day() -> None:
    # 70 → 77.1 kg: 7.1 / 70 = 10.14 % > 10 %; 70 → 77 kg is exactly 10 %, accepted
    assert _codes([Observation(P.WEIGHT, Decimal("77.1"))], previous_weight=Decimal(70)) == [
        ("weight", "weight_change")
    ]
    assert _codes([Observation(P.WEIGHT, Decimal(77))], previous_weight=Decimal(70)) == []
    doubt = plausibility.doubts(
        [Observation(P.WEIGHT, Decimal("56"))], previous_weight=Decimal(70)
    )[0]
    assert doubt.message == ("Il peso è cambiato del 20 % rispetto alla pesata precedente (70 kg).")


def test_diastolic_not_below_systolic_and_device_flag() -> None:
    obs = [Observation(P.SYSTOLIC, Decimal(90)), Observation(P.DIASTOLIC, Decimal(95))]
    assert _codes(obs) == [("diastolic", "diastolic_over_systolic")]
    assert _codes([Observation(P.SPO2, Decimal(97))], device_flags=("sensor_displaced",)) == [
        ("spo2", "device_flag")
    ]


def test_thresholds_default_and_urgent_fever_after_chemotherapy() -> None:
    limits = thresholds.DEFAULT_LIMITS[P.TEMPERATURE]
    assert thresholds.check(P.TEMPERATURE, Decimal("37.9"), limits, after_chemotherapy=True) is None
    breach = thresholds.check(P.TEMPERATURE, Decimal("38.0"), limits, after_chemotherapy=True)
    assert breach is not None
    assert (breach.above, breach.urgent, breach.limit) == (True, True, Decimal("37.9"))
    assert breach.message == "Temperatura corporea 38 °C: sopra la soglia (37,9 °C)"
    calm = thresholds.check(P.TEMPERATURE, Decimal("38.0"), limits, after_chemotherapy=False)
    assert calm is not None and calm.urgent is False
    low = thresholds.check(
        P.SPO2, Decimal(89), thresholds.DEFAULT_LIMITS[P.SPO2], after_chemotherapy=False
    )
    assert low is not None and (low.above, low.urgent) == (False, True)
    assert thresholds.validate_limits(Decimal(100), Decimal(90)) is not None
    assert thresholds.validate_limits(None, None) == "Indica almeno una soglia."
    assert thresholds.validate_limits(Decimal(50), Decimal(110)) is None


# --- the symptom diary --------------------------------------------------------------------


def test_the_diary_is_a_valid_fhir_questionnaire_in_our_own_words() -> None:
    resource = questionnaire_resource(SYMPTOM_DIARY)
    assert resource["resourceType"] == "Questionnaire"
    form = questionnaire(SYMPTOM_DIARY)
    assert [i.link_id for i in form.items] == [
        "temperature", "stools", "mouth", "nausea", "vomiting", "pain", "fatigue",
    ]  # fmt: skip
    text = " ".join(i.text for i in form.items).lower()
    assert "pro-ctcae" not in text
    # PRO-CTCAE's item stems are not ours to ship
    assert "in the last 7 days" not in text and "negli ultimi 7 giorni" not in text


CALM = {"mouth": "0", "nausea": "0", "pain": "2", "fatigue": "1"}


def test_answers_are_typed_and_refused_when_wrong() -> None:
    form = questionnaire(SYMPTOM_DIARY)
    assert clean_answers(form, {**CALM, "temperature": "38,4", "stools": "3"}) == {
        "temperature": Decimal("38.4"),
        "stools": 3,
        "mouth": "0",
        "nausea": "0",
        "pain": 2,
        "fatigue": "1",
    }
    for bad, field in (
        ({**CALM, "mouth": "9"}, "mouth"),
        ({**CALM, "temperature": "383"}, "temperature"),
        ({**CALM, "stools": "-1"}, "stools"),
        ({**CALM, "pain": ""}, "pain"),
        ({**CALM, "temperature": "NaN"}, "temperature"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            clean_answers(form, bad)
        assert exc.value.field == field


def test_the_response_is_a_valid_fhir_questionnaire_response() -> None:
    form = questionnaire(SYMPTOM_DIARY)
    answers = clean_answers(form, {**CALM, "temperature": "38.4"})
    resource = response_to_fhir(
        form, answers, patient_ref="Patient/7", authored="2026-12-05T08:00:00+01:00"
    )
    response_validate(resource)
    assert resource["questionnaire"] == "urn:corsia:questionnaire:diario-sintomi|1"
    assert resource["item"][0] == {
        "linkId": "temperature",
        "text": form.items[0].text,
        "answer": [{"valueDecimal": 38.4}],
    }
    assert resource["item"][1]["answer"] == [
        {"valueCoding": {"code": "0", "display": "Bene, nessun fastidio"}}
    ]


AFTER_CHEMO = DiaryContext(after_chemotherapy=True, baseline_stools=1)


def _rules(
    answers: dict[str, object], context: DiaryContext = AFTER_CHEMO
) -> list[tuple[str, bool, int]]:
    return [
        (h.rule, h.urgent, h.suggested_grade)
        for h in diary_alerts(answers, context)  # type: ignore[arg-type]  # typed answers
    ]


def test_fever_after_chemotherapy_is_urgent_with_the_instruction_to_call() -> None:
    hits = diary_alerts({"temperature": Decimal("38.0")}, AFTER_CHEMO)
    assert [(h.rule, h.urgent, h.suggested_grade, h.meddra_code) for h in hits] == [
        ("fever_after_chemotherapy", True, 1, "10016558")
    ]
    assert hits[0].instruction.startswith("Chiama subito il reparto")
    assert _rules({"temperature": Decimal("37.9")}) == []
    assert _rules({"temperature": Decimal("39.5")}) == [("fever_after_chemotherapy", True, 2)]
    off_cycle = DiaryContext(after_chemotherapy=False, baseline_stools=1)
    assert _rules({"temperature": Decimal("38.5")}, off_cycle) == [("fever", False, 1)]


def test_diarrhoea_counts_stools_over_baseline() -> None:
    # baseline 1: 4 stools = 3 over (no alert), 5 = 4 over (grade 2), 8 = 7 over (grade 3)
    assert _rules({"stools": 4}) == []
    assert _rules({"stools": 5}) == [("diarrhoea", False, 2)]
    assert _rules({"stools": 8}) == [("diarrhoea", True, 3)]
    assert _rules({"stools": 6}, DiaryContext(True, baseline_stools=3)) == []


def test_mucositis_unable_to_eat_and_others() -> None:
    assert _rules({"mouth": "3"}) == [("mucositis_unable_to_eat", True, 3)]
    assert _rules({"mouth": "2"}) == []
    assert _rules({"vomiting": 6, "pain": 7, "fatigue": "3", "nausea": "3"}) == [
        ("vomiting", True, 3),
        ("nausea", False, 3),
        ("pain", False, 2),
        ("fatigue", False, 3),
    ]


def test_chart_geometry() -> None:
    series = [
        (datetime(2026, 12, 1, 8, tzinfo=UTC), Decimal(120), False),
        (datetime(2026, 12, 3, 8, tzinfo=UTC), Decimal(140), False),
        (datetime(2026, 12, 5, 8, tzinfo=UTC), Decimal(400), True),
    ]
    drawn = chart.chart(series, low=Decimal(90), high=Decimal(180))
    # values and limits 90..400, span 310, padded by 31 → 59..431; inner height 160
    # x: 48 + t/4 days × 540
    assert [(p.x, p.y) for p in drawn.points] == [
        (48.0, round(12 + float((Decimal(431) - 120) / 372) * 160, 1)),
        (318.0, round(12 + float((Decimal(431) - 140) / 372) * 160, 1)),
        (588.0, round(12 + float((Decimal(431) - 400) / 372) * 160, 1)),
    ]
    assert drawn.polyline.count(",") == 2  # the unconfirmed value is a marker, not on the line
    assert [line.kind for line in drawn.lines] == ["low", "high"]
