"""A complete chart for the demo hospital's fourth patient (a fictitious person),
classical Hodgkin lymphoma on ABVD, written through the records module's services:
anamnesis, diagnosis, ECOG, first visit, vital signs, labs with flags, Ann Arbor/Lugano
staging signed, the line linking her ABVD order, the Lugano baseline PET-TC, the
radiotherapy planned after the chemotherapy, the next appointments.

No prognostic score: the IPI family is validated for non-Hodgkin lymphomas and the
catalogue holds no Hodgkin score. Idempotent: a chart that already holds a diagnosis or a
diary entry gets nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from corsia.demo.stays import appointments_record, demo_patient_id, line_on_first_order
from corsia.records import selectors, services

if TYPE_CHECKING:
    from corsia.core.actors import User

LYMPHOMA_PATIENT = 3  # index among the demo patients with a codice fiscale (Esposito Anna)


@transaction.atomic
def ensure_demo_lymphoma_chart(*, physician: User, nurse: User) -> int:
    """The Hodgkin lymphoma patient's chart (1 when written, 0 when it already has data)."""
    patient_id = demo_patient_id(LYMPHOMA_PATIENT)
    if patient_id is None or selectors.patient_has_chart_data(patient_id=patient_id):
        return 0
    now = timezone.now()
    today = timezone.localdate()
    diagnosis = services.diagnosis_record(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        data=services.DiagnosisInput(
            primary_site_code="201.52",
            diagnosed_on=today - timedelta(days=20),
            histotype="Linfoma di Hodgkin classico, sclerosi nodulare",
            stage="IIA bulky",
            staging_system="Ann Arbor / Lugano 2014",
            biomarkers=(
                services.Biomarker(marker="CD30", result="positivo"),
                services.Biomarker(marker="CD15", result="positivo"),
                services.Biomarker(marker="CD20", result="negativo"),
            ),
        ),
    )
    services.anamnesis_sign(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        data=services.Sections(
            family="Nessuna neoplasia ematologica nota in famiglia.",
            physiological="Non fumatrice. Insegnante in pensione. Menopausa a 52 anni.",
            recent_pathological="Da due mesi tosse secca e tumefazione laterocervicale "
            "sinistra; nega febbre, sudorazioni notturne e calo ponderale. Biopsia escissionale "
            "di linfonodo laterocervicale: linfoma di Hodgkin classico, sclerosi nodulare.",
            remote_pathological="Ipotiroidismo in terapia con levotiroxina.",
        ),
        expected_version=0,
    )
    services.performance_status_record(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        scale="ecog",
        value=1,
        assessed_on=today - timedelta(days=10),
    )
    services.diary_entry_sign(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        data=services.DiaryInput(
            kind="visit",
            text="Prima visita ematologica. Linfonodi laterocervicali sinistri fino a 3 cm, "
            "non dolenti; milza non palpabile. Sintomi B assenti. Massa mediastinica bulky "
            "(11 cm) alla TC. Si programmano PET-TC, biopsia osteomidollare non indicata "
            "(PET), ecocardiogramma e prove di funzionalità respiratoria prima di ABVD.",
            written_at=now - timedelta(days=10, hours=3),
        ),
    )
    services.vital_signs_record(
        actor=nurse,
        workstation=None,
        patient_id=patient_id,
        data=services.VitalsInput(
            systolic_bp="118", diastolic_bp="72", heart_rate="82", temperature_c="36,7",
            spo2="97", measured_at=now - timedelta(days=10, hours=4),
        ),
    )  # fmt: skip
    for analyte, value, unit, low, high in (
        ("VES", "48", "mm/h", None, "20"),
        ("LDH", "285", "U/L", "125", "248"),
        ("Emoglobina", "11,4", "g/dL", "12", "15,5"),
        ("Leucociti", "11,2", "10^9/L", "4", "10"),
        ("Linfociti", "0,9", "10^9/L", "1", "4"),
        ("Albumina", "3,9", "g/dL", "3,5", "5"),
    ):
        services.lab_result_record(
            actor=nurse,
            workstation=None,
            patient_id=patient_id,
            data=services.LabInput(
                analyte=analyte, value=value, unit=unit, reference_low=low, reference_high=high,
                collected_at=now - timedelta(days=10, hours=4),
            ),
        )  # fmt: skip
    services.staging_sign(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        diagnosis_id=diagnosis.pk,
        data=services.StagingInput(
            system="lugano_2014",
            criterion="clinical",
            inputs={
                "stage": "2",
                "hodgkin": True,
                "b_symptoms": False,
                "extranodal": False,
                "bulky": True,
            },
            staged_on=today - timedelta(days=7),
        ),
        expected_version=0,
    )
    line = line_on_first_order(
        physician,
        patient_id,
        lambda version_id: services.LineInput(
            number=1, intent="curative", started_on=today + timedelta(days=1),
            regimen_version_id=version_id, planned_cycles=4,
            notes="Stadio IIA bulky (sfavorevole): ABVD per 4 cicli, PET-TC interim dopo 2 "
            "cicli, quindi radioterapia ISRT.",
        ),
        lambda line_id: services.EvaluationInput(
            line_id=line_id, evaluated_on=today - timedelta(days=8), method="pet_ct",
            criteria="lugano_2014", baseline=True,
            note="PET-TC di stadiazione: captazione patologica in linfonodi laterocervicali "
            "sinistri e nella massa mediastinica (SUVmax 14); milza, fegato e midollo indenni.",
        ),
    )  # fmt: skip
    if line is None:
        return 1
    services.treatment_plan_item_record(
        actor=physician,
        workstation=None,
        patient_id=patient_id,
        data=services.PlanItemInput(
            kind="radiotherapy",
            performed_on=today + timedelta(days=130),
            description="Radioterapia ISRT 30 Gy sulla sede mediastinica dopo il 4° ciclo.",
            line_id=line.pk,
        ),
    )
    appointments_record(
        physician,
        patient_id,
        today,
        (15, "therapy", "ABVD ciclo 1, giorno 15."),
        (50, "exam", "PET-TC interim dopo 2 cicli (Deauville)."),
    )
    return 1
