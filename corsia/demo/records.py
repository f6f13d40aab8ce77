"""A short chart for a demo patient (fictitious): diagnosis, performance status, anamnesis,
three days of vital signs with a ward round, tumour markers, a pathology and a CT report.
The two complete charts, with a stay from admission to discharge, are in ``stays.py``. Idempotent: a patient who already has
a diagnosis or a diary entry gets nothing added."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from corsia.patients import selectors as patient_selectors
from corsia.records import selectors, services

if TYPE_CHECKING:
    from corsia.core.actors import User

# (patient index among those with a codice fiscale, ICD-9-CM site, histotype, stage,
#  markers, marker analyte, its values from the oldest)
DEMO_CHARTS = (
    (1, "174.4", "Carcinoma duttale infiltrante", "IIA", (("HER2", "3+"), ("ER", "90%")),
     "CA 15-3", ("48", "36", "29")),
)  # fmt: skip
TEMPERATURES = ("37.2", "38.3", "36.9")
MORPHOLOGY = {"Adenocarcinoma": "8140/3", "Carcinoma duttale infiltrante": "8500/3"}


@transaction.atomic
def ensure_demo_records(*, physician: User, nurse: User) -> int:
    """The charts created (one per patient)."""
    patient_ids = patient_selectors.patient_ids_with_codice_fiscale(limit=5)
    now = timezone.now()
    created = 0
    for index, site, histotype, stage, markers, analyte, values in DEMO_CHARTS:
        if index >= len(patient_ids) or selectors.patient_has_chart_data(
            patient_id=patient_ids[index]
        ):
            continue
        patient_id = patient_ids[index]
        services.diagnosis_record(
            actor=physician,
            workstation=None,
            patient_id=patient_id,
            data=services.DiagnosisInput(
                primary_site_code=site,
                diagnosed_on=(now - timedelta(days=120)).date(),
                histotype=histotype,
                stage=stage,
                staging_system="TNM 8ª ed.",
                biomarkers=tuple(services.Biomarker(marker=m, result=r) for m, r in markers),
            ),
        )
        services.performance_status_record(
            actor=physician, workstation=None, patient_id=patient_id, scale="ecog", value=1
        )
        services.anamnesis_sign(
            actor=physician,
            workstation=None,
            patient_id=patient_id,
            data=services.Sections(
                family="Non neoplasie note nei familiari di primo grado.",
                physiological="Non fumatore. Alvo regolare.",
                remote_pathological="Ipertensione arteriosa in terapia.",
            ),
            expected_version=0,
        )
        for day, temperature in enumerate(TEMPERATURES):
            services.vital_signs_record(
                actor=nurse,
                workstation=None,
                patient_id=patient_id,
                data=services.VitalsInput(
                    systolic_bp=str(125 + 5 * day), diastolic_bp="80", heart_rate=str(78 + 8 * day),
                    temperature_c=temperature, spo2="97",
                    measured_at=now - timedelta(days=2 - day, hours=3),
                ),
            )  # fmt: skip
        for ago, value in zip((84, 42, 1), values, strict=True):
            services.lab_result_record(
                actor=nurse,
                workstation=None,
                patient_id=patient_id,
                data=services.LabInput(
                    analyte=analyte, value=value, unit="ng/mL" if analyte == "CEA" else "U/mL",
                    reference_high="5" if analyte == "CEA" else "30",
                    collected_at=now - timedelta(days=ago),
                ),
            )  # fmt: skip
        services.clinical_report_record(
            actor=physician,
            workstation=None,
            patient_id=patient_id,
            data=services.ReportInput(
                report=services.ReportText(
                    kind="pathology", performed_on=(now - timedelta(days=125)).date(),
                    issuer="Anatomia Patologica", examination="Biopsia della lesione primitiva",
                    histotype=histotype, morphology_icdo3=MORPHOLOGY.get(histotype, ""),
                    accession=f"AP-DEMO-{index + 1}",
                    conclusion=f"{histotype}. Materiale adeguato per le indagini molecolari.",
                ),
            ),
        )  # fmt: skip
        services.clinical_report_record(
            actor=physician,
            workstation=None,
            patient_id=patient_id,
            data=services.ReportInput(
                report=services.ReportText(
                    kind="imaging", modality="ct", performed_on=(now - timedelta(days=40)).date(),
                    issuer="Radiologia", examination="TC torace-addome con mdc",
                    conclusion="Riduzione dimensionale della malattia nota. Non nuove lesioni.",
                ),
            ),
        )  # fmt: skip
        services.ward_round_record(
            actor=physician,
            workstation=None,
            patient_id=patient_id,
            text="Vigile, orientato. Apiretico da ieri sera. Addome trattabile. Prosegue terapia.",
            vital_signs=services.VitalsInput(heart_rate="76", pain_nrs="1"),
        )
        created += 1
    return created
