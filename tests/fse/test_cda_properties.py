"""Hypothesis: whatever a signed letter holds, the builder gives a CDA the gateway's schema,
schematron and dictionaries accept, or refuses it with a clear domain error first."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from corsia.core.domain.errors import ValidationFailed
from corsia.fse.domain.cda import build_cda
from corsia.fse.sources import ucum_units
from corsia.fse.validation import validate_cda
from corsia.records.domain import letter_facts as lf
from corsia.records.domain.letters import LetterKind, content
from corsia.records.domain.vitals import Vital
from corsia.testing import fse as t

ICD9 = ["205.00", "153.3", "174.9", "201.52", "162.9", "V58.11", "204.00"]
ANALYTES = ["Emoglobina", "Neutrofili", "Piastrine", "CEA", "Ferritina", "LDH", "PCR"]
UNITS = ["g/dL", "10^9/L", "ng/mL", "U/L", "mg/L", "%", "unità arbitrarie"]
ROUTES = ["Endovenosa", "Orale", "Sottocutanea", "Intratecale", "Endovescicale"]
SEVERITIES = ["Lieve", "Moderata", "Grave", "Pericolo di vita"]

# printable text with line breaks, accents, XML specials; now and then any character at all
# (control characters included: the builder must refuse those, never write a broken CDA)
clean = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t<>&\"'"),
    max_size=300,
)
texts = clean
anything = st.one_of(clean, clean, clean, clean, clean, clean, st.text(max_size=30))
names = st.text(
    alphabet=st.characters(categories=("L", "Zs", "Pd")), min_size=1, max_size=40
).filter(lambda s: s.strip() != "")
decimals = st.decimals(
    min_value=Decimal("-1e6"), max_value=Decimal("1e9"), places=4, allow_nan=False
)


@st.composite
def toxicity(draw: st.DrawFn, i: int, on: st.SearchStrategy[date]) -> lf.ToxicityFacts:
    onset = draw(on)
    resolved = draw(st.none() | st.integers(0, 60))  # the toxicity module: never before onset
    return lf.ToxicityFacts(
        i,
        draw(names),
        draw(st.from_regex(r"100[0-9]{5}", fullmatch=True)),
        draw(st.integers(1, 5)),
        onset,
        None if resolved is None else onset + timedelta(days=resolved),
        "Possibile",
        draw(st.booleans()),
    )


@st.composite
def facts(draw: st.DrawFn, kind: LetterKind) -> lf.ChartFacts:
    start = datetime(2026, 1, 1, 8, tzinfo=t.ROME) + timedelta(
        days=draw(st.integers(0, 300)), minutes=draw(st.integers(0, 600))
    )
    end = start + timedelta(hours=draw(st.integers(1, 24 * 40)))
    when = st.builds(
        lambda m: start + timedelta(minutes=m),
        st.integers(0, int((end - start).total_seconds() // 60)),
    )
    on = st.builds(
        lambda d: start.date() + timedelta(days=d), st.integers(0, (end.date() - start.date()).days)
    )
    cf = draw(st.sampled_from(["RSSGPP58C02H501K"] * 4 + [""]))
    encounter = None
    if kind is LetterKind.DISCHARGE or draw(st.booleans()):
        encounter = lf.EncounterFacts(1, "inpatient", "Ricovero", draw(texts), start, end)
    allergy_items = draw(
        st.lists(
            st.tuples(st.integers(1, 99), names, texts, st.sampled_from(SEVERITIES)), max_size=3
        )
    )
    lines = tuple(
        lf.TherapyLine(
            item_id=i,
            ingredient=draw(names),
            ingredient_code=draw(st.sampled_from(["CYTARABINE", "DAUNORUBICIN", "UNKNOWN"])),
            dose=draw(decimals),
            unit=draw(st.sampled_from(["mg", "mg/m2", "UI"])),
            route=draw(st.sampled_from(ROUTES)),
            scheduled_on=draw(on),
            given=draw(st.none() | decimals),
            given_finished=draw(st.booleans()),
        )
        for i in range(draw(st.integers(0, 4)))
    )
    return lf.ChartFacts(
        patient=t.patient(
            surname=draw(names),
            given_names=draw(names),
            sex=draw(st.sampled_from(["M", "F", ""])),
            codice_fiscale=cf,
        ),
        encounter=encounter,
        period_start=start,
        period_end=end,
        diagnoses=tuple(
            lf.DiagnosisFacts(
                i,
                draw(st.sampled_from(ICD9)),
                draw(texts),
                draw(texts),
                "",
                "",
                draw(texts),
                "",
                "",
                "",
                start.date(),
            )
            for i in range(draw(st.integers(0, 2)))
        ),
        anamnesis=tuple(
            lf.TextFacts(f"a:{i}", draw(names), draw(texts)) for i in range(draw(st.integers(0, 2)))
        ),
        allergies=lf.AllergyFacts(
            state="listed" if allergy_items else draw(st.sampled_from(["none_known", "not_asked"])),
            text=draw(texts),
            items=tuple(allergy_items),
        ),
        diary=tuple(
            lf.TextFacts(f"d:{i}", "Diario", draw(anything), draw(when), draw(names))
            for i in range(draw(st.integers(0, 2)))
        ),
        vitals=tuple(
            lf.VitalsFacts(i, draw(when), {Vital.HEART_RATE: draw(st.none() | decimals)})
            for i in range(draw(st.integers(0, 2)))
        ),
        labs=tuple(
            lf.LabFacts(
                i,
                draw(when),
                draw(st.sampled_from(ANALYTES)),
                draw(decimals),
                draw(st.sampled_from(UNITS)),
                None,
                None,
                draw(st.sampled_from(["", "H", "L"])),
            )
            for i in range(draw(st.integers(0, 4)))
        ),
        reports=tuple(
            lf.ReportFacts(
                i,
                "imaging",
                "Immagini",
                "18748-4",
                draw(on),
                draw(texts),
                draw(texts),
                "",
                "",
                draw(texts),
            )
            for i in range(draw(st.integers(0, 2)))
        ),
        therapies=(lf.TherapyFacts(1, draw(names), 1, start.date(), "Confermato", lines),)
        if lines
        else (),
        toxicities=tuple(draw(toxicity(i, on)) for i in range(draw(st.integers(0, 2)))),
    )


@st.composite
def letters(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from([LetterKind.DISCHARGE, LetterKind.OUTPATIENT]))
    chart = draw(facts(kind))
    codes = t.DISCHARGE_TEXTS if kind is LetterKind.DISCHARGE else t.OUTPATIENT_TEXTS
    free = {code: draw(texts) for code in codes if code != "clinical_course_extra"}
    return content(kind, chart, free, assembled_at=chart.period_end)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letter=letters(), stp=st.sampled_from(["STP1200001234567", "ENI1200001234567", ""]))
def test_any_letter_gives_a_valid_cda_or_a_clear_refusal(letter: dict[str, Any], stp: str) -> None:
    try:
        xml = build_cda(
            t.cda_input(
                letter,
                stp_eni_code=stp,
                ucum_units=ucum_units(),
                signed_at=datetime.fromisoformat(letter["period"]["end"]) + timedelta(hours=1),
            )
        )
    except ValidationFailed as refused:
        assert refused.code in {"fse_text_invalid", "fse_patient_identifier_missing"}
        assert str(refused)
        event(f"refused: {refused.code}")
        return
    event("built")
    report = validate_cda(xml)
    assert report.errors == (), report.errors
    assert date.fromisoformat(letter["period"]["start"][:10]).year == 2026
