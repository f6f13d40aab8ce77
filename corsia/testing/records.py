"""Test helpers of the medical record: a signed-in client, an admission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.patients import services as patient_services
from corsia.patients.models import Patient, Ward
from corsia.testing.accounts import MakeUser


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admit(make_user: MakeUser, patient: Patient, *, kind: str = "inpatient") -> int:
    """Admit the patient to the "Oncologia" ward (made the first time; by a coordinator);
    the encounter id."""
    ward, _ = Ward.objects.get_or_create(
        code="ONC", defaults={"name": "Oncologia", "kind": "inpatient"}
    )
    encounter = patient_services.encounter_admit(
        actor=make_user(Role.COORDINATOR),
        workstation=None,
        patient_id=patient.pk,
        kind=kind,
        ward_id=ward.pk,
    )
    return encounter.pk


@dataclass(frozen=True)
class FullChart:
    """What :func:`full_chart` wrote: the names a test looks for on the page."""

    order_id: int
    regimen: str


def full_chart(make_user: MakeUser, physician: User, nurse: User, patient: Patient) -> FullChart:
    """A chart with something in every panel, each written through its service: a stay
    moved to another ward, a FOLFOX-4 order, a nausea G2, a diary entry, a ward round with vital signs, a CEA,
    the anamnesis and a raccordo, a lung adenocarcinoma (ICD-9-CM 162.3) staged by TNM 8,
    ECOG 1, an IPI score, treatment line 1 with radiotherapy, a RECIST baseline, home
    therapy, an appointment, a CT report, a tumour board and a diary-report draft."""
    from corsia.patients.selectors import encounter_record
    from corsia.prescribing import services as prescribing
    from corsia.records import services
    from corsia.records.domain.boards import ParticipantInput
    from corsia.records.domain.reports import ReportText
    from corsia.records.models import Icd9Code
    from corsia.testing.prescribing import library_version
    from corsia.testing.toxicity import NAUSEA, term
    from corsia.toxicity import services as toxicity

    today = timezone.localdate()
    coordinator = make_user(Role.COORDINATOR)
    first = admit(make_user, patient)
    second, _ = Ward.objects.get_or_create(
        code="EMA", defaults={"name": "Ematologia", "kind": "inpatient"}
    )
    encounter = encounter_record(encounter_id=first)
    assert encounter is not None
    patient_services.encounter_transfer(
        actor=coordinator,
        workstation=None,
        encounter_id=first,
        expected_version=encounter.version,
        ward_id=second.pk,
    )
    folfox = library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    order = prescribing.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=folfox.pk,
        start_date=today,
    )
    toxicity.toxicity_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=toxicity.ToxicityInput(
            term_id=term(NAUSEA).pk, grade=2, attribution="probable", onset_date=today
        ),
    )
    services.diary_entry_sign(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.DiaryInput(kind="visit", text="Visita: buone condizioni generali."),
    )
    services.ward_round_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        text="Giro visita: apiretico.",
        vital_signs=services.VitalsInput(heart_rate="80", temperature_c="36.8"),
    )
    services.lab_result_record(
        actor=nurse,
        workstation=None,
        patient_id=patient.pk,
        data=services.LabInput(
            analyte="CEA", value="12.5", unit="ng/mL", collected_at=timezone.now()
        ),
    )
    services.anamnesis_sign(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.Sections(family="Padre: carcinoma del colon a 60 anni."),
        expected_version=0,
    )
    services.anamnesis_note_sign(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        text="Riferisce tosse da due settimane.",
    )
    Icd9Code.objects.get_or_create(
        code="162.3",
        defaults={
            "kind": "D",
            "description_it": "Tumori maligni del lobo superiore, bronco o polmone",
        },
    )
    diagnosis = services.diagnosis_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.DiagnosisInput(
            primary_site_code="162.3", diagnosed_on=today, histotype="Adenocarcinoma"
        ),
    )
    services.staging_sign(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        diagnosis_id=diagnosis.pk,
        data=services.StagingInput(
            system="tnm8_lung", criterion="clinical", inputs={"t": "T2a", "n": "N1", "m": "M0"}
        ),
        expected_version=0,
    )
    services.performance_status_record(
        actor=physician, workstation=None, patient_id=patient.pk, scale="ecog", value=1
    )
    services.prognostic_score_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.ScoreInput(
            score="ppi",
            inputs={
                "palliative_performance_scale": 20,
                "oral_intake": "severely_reduced",
                "oedema": True,
                "dyspnoea_at_rest": True,
                "delirium": True,
            },
        ),
    )
    line = services.treatment_line_start(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.LineInput(
            number=1,
            intent="palliative",
            started_on=today,
            regimen_version_id=folfox.pk,
            planned_cycles=12,
        ),
    )
    services.treatment_plan_item_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.PlanItemInput(
            kind="radiotherapy",
            performed_on=today,
            description="RT palliativa D12, 8 Gy x 1",
            line_id=line.pk,
        ),
    )
    services.response_evaluation_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.EvaluationInput(
            line_id=line.pk,
            evaluated_on=today,
            method="ct",
            criteria="recist_1_1",
            baseline=True,
            non_target_sites=("ossa",),
            target_lesions=(services.LesionInput("T1", 25, "polmone"),),
        ),
    )
    services.home_therapy_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.HomeTherapyInput(
            drug="Desametasone", dose="4 mg", frequency="ogni 12 ore", started_on=today
        ),
    )
    services.appointment_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        scheduled_on=today + timedelta(days=14),
        kind="reevaluation",
        note="TC torace-addome",
    )
    services.clinical_report_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.ReportInput(
            report=ReportText(
                kind="imaging",
                performed_on=today - timedelta(days=1),
                issuer="Radiologia",
                conclusion="Non lesioni secondarie epatiche.",
                examination="TC torace-addome con mdc",
                modality="ct",
                accession="RX-77",
            )
        ),
    )
    services.board_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.BoardInput(
            held_on=today,
            question="Adenocarcinoma polmonare: radioterapia palliativa?",
            participants=(
                ParticipantInput(username=physician.username, specialty="Oncologia medica"),
                ParticipantInput(name="Luca Ferri", specialty="Radioterapia"),
            ),
            decision="RT palliativa sulla lesione ossea.",
            recommendation="Rivalutazione TC dopo 3 mesi.",
        ),
    )
    services.letter_draft_create(
        actor=physician, workstation=None, patient_id=patient.pk, kind="diary_report", day=today
    )
    return FullChart(order_id=order.pk, regimen=folfox.name)
