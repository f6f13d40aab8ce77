"""Letters for the FSE builders' tests: realistic frozen contents made by the records
module's own pure assembly (``records.domain.letters.content``), and the hospital of the
tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from corsia.fse.domain.cda.model import CdaInput, Clinician, DocumentVersion, Hospital
from corsia.records.domain import letter_facts as lf
from corsia.records.domain.letters import LetterKind, content
from corsia.records.domain.vitals import Vital

ROME = ZoneInfo("Europe/Rome")
HOSPITAL = Hospital(
    name="Azienda Ospedaliera di Prova",
    code="120901",
    asl_code="120",
    region_name="Regione Lazio",
    document_root="2.16.840.1.113883.2.9.2.120.4.4",
    encounter_root="2.16.840.1.113883.2.9.2.120901.4.6",
    telecom="tel:+390600000000",
)
SIGNER = Clinician(tax_code="RSSMRA70A01H501S", family="Bianchi", given="Laura")


def at(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=ROME)


def patient(**fields: Any) -> lf.PatientFacts:
    base = dict(
        id=1,
        surname="Rossi",
        given_names="Giuseppe",
        sex="M",
        date_of_birth=date(1958, 3, 2),
        mrn="10000001",
        codice_fiscale="RSSGPP58C02H501K",
    )
    base.update(fields)
    return lf.PatientFacts(**base)  # type: ignore[arg-type]


def _iv_line(
    item_id: int, ingredient: str, code: str, mg: str, on: date, *, given: bool
) -> lf.TherapyLine:
    return lf.TherapyLine(
        item_id=item_id,
        ingredient=ingredient,
        ingredient_code=code,
        dose=Decimal(mg),
        unit="mg",
        route="Endovenosa",
        scheduled_on=on,
        given=Decimal(mg) if given else None,
        given_finished=True,
    )


def induction_discharge_facts() -> lf.ChartFacts:
    """A 4-week stay for AML induction (7+3) with febrile neutropenia and mucositis."""
    admitted, discharged = at(2026, 10, 1, 10), at(2026, 10, 29, 12)
    # cytarabine 200 mg days 1-7; daunorubicin 108 mg days 1-3, the third dose not given
    lines = tuple(
        _iv_line(10 + d, "Citarabina", "CYTARABINE", "200", date(2026, 10, 2 + d), given=True)
        for d in range(7)
    ) + tuple(
        _iv_line(30 + d, "Daunorubicina", "DAUNORUBICIN", "108", date(2026, 10, 2 + d), given=d < 2)
        for d in range(3)
    )
    return lf.ChartFacts(
        patient=patient(),
        encounter=lf.EncounterFacts(
            id=7,
            kind="inpatient",
            kind_label="Ricovero ordinario",
            ward="Ematologia",
            admitted_at=admitted,
            discharged_at=discharged,
        ),
        period_start=admitted,
        period_end=discharged,
        diagnoses=(
            lf.DiagnosisFacts(
                id=3,
                icd9="205.00",
                label="Leucemia mieloide acuta, senza menzione di remissione",
                histotype="LAM con mutazione NPM1",
                morphology_icdo3="9861/3",
                grade="",
                stage="",
                staging_system="",
                biomarkers="NPM1: mutato; FLT3-ITD: negativo",
                metastases="",
                diagnosed_on=date(2026, 9, 28),
            ),
        ),
        anamnesis=(
            lf.TextFacts(
                "records.anamnesis:1",
                "Anamnesi patologica remota",
                "Ipertensione arteriosa in terapia.",
            ),
        ),
        allergies=lf.AllergyFacts(
            state="listed",
            text="",
            items=(
                (1, "Amoxicillina", "Orticaria", "Moderata"),
                (2, "Mezzo di contrasto iodato", "Anafilassi", "Pericolo di vita"),
            ),
        ),
        diary=(
            lf.TextFacts(
                "records.diary:9",
                "Diario",
                "Febbre 38,9 °C: emocolture, avvio piperacillina/tazobactam.",
                at(2026, 10, 12, 22),
                "Bianchi Laura",
            ),
        ),
        vitals=(
            lf.VitalsFacts(
                1,
                at(2026, 10, 12, 22),
                {Vital.TEMPERATURE: Decimal("38.9"), Vital.HEART_RATE: Decimal("112")},
            ),
        ),
        labs=(
            lf.LabFacts(
                1,
                at(2026, 10, 12, 6),
                "Neutrofili",
                Decimal("0.1"),
                "10^9/L",
                Decimal("1.5"),
                Decimal("7"),
                "L",
            ),
            lf.LabFacts(
                2,
                at(2026, 10, 12, 6),
                "Emoglobina",
                Decimal("7.9"),
                "g/dL",
                Decimal("13"),
                Decimal("17"),
                "L",
            ),
            lf.LabFacts(
                3,
                at(2026, 10, 12, 6),
                "Procalcitonina",
                Decimal("2.3"),
                "ng/mL",
                None,
                Decimal("0.5"),
                "H",
            ),
        ),
        reports=(
            lf.ReportFacts(
                1,
                "pathology",
                "Anatomia patologica",
                "11526-1",
                date(2026, 9, 27),
                "Anatomia patologica · Biopsia osteomidollare",
                "Anatomia patologica",
                "Dr. Verdi",
                "BOM-2026-77",
                "Infiltrato blastico 80 %.",
                "9861/3",
            ),
        ),
        performance=(lf.PerformanceFacts(1, "ecog", 1, date(2026, 10, 1)),),
        therapies=(
            lf.TherapyFacts(
                order_id=5,
                regimen="7+3 (citarabina + daunorubicina)",
                cycle=1,
                start_date=date(2026, 10, 2),
                state_label="Somministrato",
                lines=lines,
            ),
        ),
        toxicities=(
            lf.ToxicityFacts(
                1,
                "Febrile neutropenia",
                "10016288",
                3,
                date(2026, 10, 12),
                date(2026, 10, 20),
                "Probabile",
                True,
            ),
            lf.ToxicityFacts(
                2, "Oral mucositis", "10028130", 2, date(2026, 10, 10), None, "Certa", False
            ),
        ),
    )


DISCHARGE_TEXTS = {
    "clinical_course": "Induzione 7+3 ben tollerata.\n\nAl giorno +10 neutropenia febbrile trattata con piperacillina/tazobactam, sfebbrata in 72 ore.",
    "discharge_therapy": "Aciclovir 400 mg x 2/die per os; posaconazolo 300 mg/die.",
    "instructions": "Controllo emocromo due volte a settimana; febbre ≥ 38 °C: chiamare il reparto.",
    "follow_up": "Aspirato midollare al giorno +28.",
    "clinical_course_extra": "",
}


def discharge_content(facts: lf.ChartFacts | None = None, **texts: str) -> dict[str, Any]:
    given = {k: v for k, v in DISCHARGE_TEXTS.items() if k != "clinical_course_extra"}
    given.update(texts)
    facts = facts or induction_discharge_facts()
    return content(LetterKind.DISCHARGE, facts, given, assembled_at=facts.period_end)


def outpatient_facts(**patient_fields: Any) -> lf.ChartFacts:
    visit = at(2026, 11, 20, 9, 30)
    return lf.ChartFacts(
        patient=patient(**patient_fields),
        encounter=None,
        period_start=visit,
        period_end=at(2026, 11, 20, 11),
        diagnoses=induction_discharge_facts().diagnoses,
        allergies=lf.AllergyFacts(
            state="none_known", text="Nessuna allergia nota (NKDA) dichiarata il 01/10/2026"
        ),
        labs=(
            lf.LabFacts(
                4,
                at(2026, 11, 18, 7),
                "Piastrine",
                Decimal("145"),
                "10^9/L",
                Decimal("150"),
                Decimal("450"),
                "L",
            ),
        ),
        therapies=(),
        toxicities=(),
    )


OUTPATIENT_TEXTS = {
    "question": "Controllo dopo induzione: valutazione della risposta.",
    "examination": "Buone condizioni generali, non linfoadenomegalie.",
    "conclusions": "Remissione completa morfologica; proseguire con il consolidamento.",
    "recommendations": "Aciclovir in profilassi.",
    "follow_up": "Ricovero per consolidamento il 01/12/2026.",
}


def outpatient_content(facts: lf.ChartFacts | None = None, **texts: str) -> dict[str, Any]:
    given = dict(OUTPATIENT_TEXTS)
    given.update(texts)
    facts = facts or outpatient_facts()
    return content(LetterKind.OUTPATIENT, facts, given, assembled_at=facts.period_end)


def cda_input(letter: dict[str, Any], **fields: Any) -> CdaInput:
    base = CdaInput(
        content=letter,
        version=DocumentVersion(set_extension="120901.LDO.4f1c2a", version=1),
        signed_at=at(2026, 10, 29, 12, 30),
        signer=SIGNER,
        hospital=HOSPITAL,
        encounter_extension="7",
        ingredient_atc={"CYTARABINE": "L01BC01", "DAUNORUBICIN": "L01DB02"},
        lab_loinc={"Emoglobina": "718-7", "Neutrofili": "751-8", "Piastrine": "777-3"},
        ucum_units=frozenset({"mg", "g/dL", "mg/dL", "ng/mL", "U/L", "U/mL"}),
    )
    return replace(base, **fields)
