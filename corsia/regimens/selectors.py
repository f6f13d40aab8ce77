"""Reads of the regimen library and of clinical trials (no side effects but the access log)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from corsia.accounts.domain.roles import Role
from corsia.accounts.selectors import users_in_role
from corsia.audit.services import access_log_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.core.read_together import ReadPart
from corsia.drugs import selectors as drug_selectors
from corsia.drugs.domain.formulation import formulation_of
from corsia.patients.scope import patient_in_scope
from corsia.patients.selectors import patient_record, patient_search
from corsia.regimens.domain.approval import VersionStatus, ensure_prescribable_status
from corsia.regimens.domain.fhir import spec_to_plan_definition
from corsia.regimens.domain.spec import (
    Calculation,
    Competence,
    Component,
    ComponentRole,
    DiseaseLink,
    DiseaseSystem,
    InfusionType,
    Intent,
    Paediatric,
    PreparationMode,
    Reference,
    RegimenSpec,
    Route,
    TherapyType,
)
from corsia.regimens.domain.spec_codec import age_bands_from_list, dosing_from_dict
from corsia.regimens.fhir_io import plan_definition_json
from corsia.regimens.models import (
    ClinicalTrial,
    Regimen,
    RegimenComponent,
    RegimenDisease,
    RegimenVersion,
    TrialEnrollment,
    TrialMonitorAssignment,
)


def _component(row: RegimenComponent) -> Component:
    return Component(
        sequence=row.sequence,
        ingredient=row.ingredient.code,
        role=ComponentRole(row.role),
        days=tuple(row.days),
        dose=row.dose,
        dose_unit=row.dose_unit,
        calculation=Calculation(row.calculation),
        dose_description=row.dose_description,
        max_dose=row.max_dose,
        route=Route(row.route),
        competence=Competence(row.competence),
        notes=row.notes,
        preparation=row.preparation,
        form=row.form,
        formulation=formulation_of(row.formulation),
        infusion_type=InfusionType(row.infusion_type),
        duration_minutes=row.duration_minutes,
        interval_after_minutes=row.interval_after_minutes,
        infusion_conditions=row.infusion_conditions,
        off_label=row.off_label,
        observation_minutes=row.observation_minutes,
        concentration_mg_ml=row.concentration_mg_ml,
        law_648=row.law_648,
        preparation_mode=PreparationMode(row.preparation_mode),
        cycle_from=row.cycle_from,
        cycle_to=row.cycle_to,
        age_bands=age_bands_from_list(row.age_bands or [], "age_bands"),
        obese_weight_basis=row.obese_weight_basis or None,
        adjusted_weight_factor=(
            None if row.adjusted_weight_factor is None else row.adjusted_weight_factor.normalize()
        ),
        administrations_per_day=row.administrations_per_day,
    )


def version_spec(version: RegimenVersion) -> RegimenSpec:
    """The content of a stored version as a domain value."""
    components = version.components.select_related("ingredient").order_by("sequence")
    paediatric = (
        Paediatric(
            mg_kg_below_weight_kg=version.mg_kg_below_weight_kg,
            mg_kg_below_bsa_m2=version.mg_kg_below_bsa_m2,
            dose_decimals=version.dose_decimals,
            min_weight_kg=version.min_weight_kg,
        )
        if version.paediatric
        else None
    )
    return RegimenSpec(
        code=version.regimen.code,
        name=version.name,
        description=version.description,
        therapy_type=TherapyType(version.therapy_type),
        intent=Intent(version.intent),
        is_standard=version.is_standard,
        cycle_length_days=version.cycle_length_days,
        max_cycles=version.max_cycles,
        notes=version.notes,
        bibliography=tuple(
            Reference(
                authors=r["authors"],
                title=r["title"],
                journal=r["journal"],
                year=int(r["year"]),
                citation=r.get("citation", ""),
                pmid=r.get("pmid", ""),
            )
            for r in version.bibliography
        ),
        diseases=tuple(
            DiseaseLink(DiseaseSystem(d.system), d.code, d.label)
            for d in version.diseases.order_by("position")
        ),
        paediatric=paediatric,
        dosing=dosing_from_dict(version.dosing or {}),
        components=tuple(_component(row) for row in components),
    )


def ensure_prescribable(version: RegimenVersion) -> None:
    """Raise (code ``regimen_not_validated`` …) unless an order may be built from ``version``."""
    ensure_prescribable_status(
        status=VersionStatus(version.status),
        regimen_active=version.regimen.is_active,
        label=f"{version.regimen.code} (versione {version.number})",
    )


def version_get(*, version_id: int) -> RegimenVersion:
    """One version with its regimen (``NotFound``: ``regimen_not_found``)."""
    version = RegimenVersion.objects.select_related("regimen").filter(pk=version_id).first()
    if version is None:
        raise NotFound("Schema di terapia inesistente.", code="regimen_not_found")
    return version


def components_for_cycle(version: RegimenVersion, cycle: int) -> list[RegimenComponent]:
    """The version's components given in cycle ``cycle``, with their ingredient, in order."""
    return [
        c
        for c in version.components.select_related("ingredient").order_by("sequence")
        if c.cycle_from <= cycle and (c.cycle_to is None or cycle <= c.cycle_to)
    ]


def prescribable_versions(*, diagnosis_code: str | None = None) -> list[RegimenVersion]:
    """The validated versions of the active regimens, by code; with ``diagnosis_code``, only
    those for a disease whose code it starts, or that starts it (dots ignored)."""
    versions = (
        RegimenVersion.objects.filter(status=VersionStatus.VALIDATED.value, regimen__is_active=True)
        .select_related("regimen")
        .prefetch_related("diseases")
        .order_by("regimen__code")
    )
    if not diagnosis_code:
        return list(versions)
    code = diagnosis_code.replace(".", "")
    return [
        v
        for v in versions
        if any(
            code.startswith(d.code.replace(".", "")) or d.code.replace(".", "").startswith(code)
            for d in v.diseases.all()
        )
    ]


@dataclass(frozen=True)
class PrescribableVersions:
    """The validated versions of the active regimens, by code, with the codes of their
    diseases (:func:`prescribable_versions_read`)."""

    versions: tuple[RegimenVersion, ...]
    disease_codes: dict[int, tuple[str, ...]]  # version id → its diseases' codes

    def for_diagnosis(self, diagnosis_code: str | None) -> list[RegimenVersion]:
        """As :func:`prescribable_versions` with ``diagnosis_code``."""
        if not diagnosis_code:
            return list(self.versions)
        code = diagnosis_code.replace(".", "")
        return [
            v
            for v in self.versions
            if any(
                code.startswith(d.replace(".", "")) or d.replace(".", "").startswith(code)
                for d in self.disease_codes.get(v.pk, ())
            )
        ]


def prescribable_versions_read() -> ReadPart[PrescribableVersions]:
    """The batched variant of :func:`prescribable_versions` (``corsia.core.read_together``,
    with the rest of a page): the versions, and their diseases' codes (the choice by
    diagnosis is made once the patient's diagnoses are read with them)."""
    validated = {"status": VersionStatus.VALIDATED.value, "regimen__is_active": True}
    versions = (
        RegimenVersion.objects.filter(**validated)
        .select_related("regimen")
        .order_by("regimen__code")
    )
    codes = (
        RegimenDisease.objects.filter(**{f"version__{k}": v for k, v in validated.items()})
        .order_by("version_id", "position", "pk")
        .values_list("version_id", "code")
    )

    def decode(results: list[list[Any]]) -> PrescribableVersions:
        found: dict[int, list[str]] = {}
        for version_id, code in results[1]:
            found.setdefault(version_id, []).append(code)
        return PrescribableVersions(
            versions=tuple(results[0]),
            disease_codes={k: tuple(v) for k, v in found.items()},
        )

    return ReadPart(querysets=(versions, codes), decode=decode)


def current_version(regimen: Regimen) -> RegimenVersion | None:
    """The version to prescribe from: the validated one (else none)."""
    return regimen.versions.filter(status=VersionStatus.VALIDATED.value).first()


def latest_version(regimen: Regimen) -> RegimenVersion:
    latest = regimen.versions.order_by("-number").first()
    assert latest is not None, "a regimen always has a version"
    return latest


def regimens_browse(
    *,
    disease: str = "",
    therapy_type: str = "",
    status: str = "",
    text: str = "",
    paediatric: bool | None = None,
    include_disabled: bool = True,
) -> QuerySet[RegimenVersion]:
    """The latest version of each regimen, filtered (disease: code prefix or label words)."""
    latest_ids = (
        RegimenVersion.objects.order_by("regimen_id", "-number").distinct("regimen_id").values("id")
    )
    qs = RegimenVersion.objects.filter(id__in=latest_ids).select_related("regimen")
    if disease:
        term = disease.strip()
        qs = qs.filter(
            Q(diseases__code__istartswith=term) | Q(diseases__label__icontains=term)
        ).distinct()
    if therapy_type:
        qs = qs.filter(therapy_type=therapy_type)
    if status:
        qs = qs.filter(status=status)
    if text:
        qs = qs.filter(Q(regimen__code__icontains=text) | Q(name__icontains=text))
    if paediatric is not None:
        qs = qs.filter(paediatric=paediatric)
    if not include_disabled:
        qs = qs.filter(regimen__is_active=True)
    return qs.annotate(approval_count=Count("approvals", distinct=True)).order_by("regimen__code")


def regimen_detail(code: str) -> Regimen | None:
    return (
        Regimen.objects.filter(code=code)
        .prefetch_related(Prefetch("versions", queryset=RegimenVersion.objects.order_by("-number")))
        .first()
    )


def validation_queue() -> QuerySet[RegimenVersion]:
    return (
        RegimenVersion.objects.filter(status=VersionStatus.IN_TEST.value)
        .select_related("regimen", "author")
        .prefetch_related("approvals__approver")
        .order_by("regimen__code", "number")
    )


def ingredient_atc_codes(spec: RegimenSpec) -> dict[str, str]:
    return drug_selectors.ingredient_atc_codes(c.ingredient for c in spec.components)


def version_plan_definition(version: RegimenVersion) -> str:
    """The version as a FHIR PlanDefinition (JSON, validated), its drugs with their ATC."""
    spec = version_spec(version)
    plan = spec_to_plan_definition(
        spec,
        version=version.number,
        status=version.status,
        atc_codes=ingredient_atc_codes(spec),
    )
    return plan_definition_json(plan)


# ------------------------------------------------------------------ clinical trials

VIEW_TRIAL = "regimens.view_trial"
VIEW_ALL_TRIALS = "regimens.view_all_trials"
VIEW_PATIENT = "patients.view_patient"


def trials_visible_to(user: User) -> QuerySet[ClinicalTrial]:
    """Trials a user may see: all with ``view_all_trials``, else only those assigned to them
    (assignments not revoked)."""
    if user.has_perm(VIEW_ALL_TRIALS):
        return ClinicalTrial.objects.all()
    if user.has_perm(VIEW_TRIAL):
        return ClinicalTrial.objects.filter(
            monitors__user=user, monitors__revoked_at__isnull=True
        ).distinct()
    return ClinicalTrial.objects.none()


def trial_get(*, user: User, trial_id: int) -> ClinicalTrial:
    """One trial the user may see (with its arms); ``trial_not_found`` otherwise, so that
    a monitor cannot tell another trial's id from a missing one."""
    require_permission(user, VIEW_TRIAL)
    trial = trials_visible_to(user).filter(pk=trial_id).prefetch_related("regimens").first()
    if trial is None:
        raise NotFound("Studio clinico non trovato.", code="trial_not_found")
    return trial


@dataclass(frozen=True)
class EnrolmentRow:
    """One enrolment as the trial's page and API show it. ``patient`` (name, MRN) only when
    the reader may read that patient (a monitor: enrolled and not withdrawn)."""

    enrolment: TrialEnrollment
    patient_id: int | None
    patient_name: str
    patient_mrn: str


def trial_enrollments(
    *, user: User, trial: ClinicalTrial, workstation: Workstation, channel: str = "web"
) -> list[EnrolmentRow]:
    """The trial's enrolments (withdrawn ones too, with why), by subject code; each patient
    the reader sees named is written to the access log."""
    require_permission(user, VIEW_TRIAL)
    rows = list(
        trial.enrollments.select_related(
            "trial", "arm_regimen", "enrolled_by", "withdrawn_by"
        ).order_by("subject_code")
    )
    return [
        enrolment_row(user=user, enrolment=row, workstation=workstation, channel=channel)
        for row in rows
    ]


def enrolment_row(
    *, user: User, enrolment: TrialEnrollment, workstation: Workstation, channel: str = "web"
) -> EnrolmentRow:
    """One enrolment, its patient named (and the read logged) only when the user may read
    that patient."""
    if not (user.has_perm(VIEW_PATIENT) and patient_in_scope(user, enrolment.patient_id)):
        return EnrolmentRow(enrolment, None, "", "")
    patient = patient_record(patient_id=enrolment.patient_id)
    access_log_record(
        user=user,
        patient_id=enrolment.patient_id,
        what=f"arruolamento nello studio {enrolment.trial.code}",
        workstation=workstation,
        channel=channel,
    )
    name = f"{patient.surname.upper()} {patient.given_names}"
    return EnrolmentRow(enrolment, patient.pk, name, patient.mrn)


def trial_monitors(*, user: User, trial: ClinicalTrial) -> list[TrialMonitorAssignment]:
    """Who monitors the trial, revoked assignments too (newest first): for who manages it."""
    require_permission(user, "regimens.manage_trial")
    return list(
        trial.monitors.select_related("user", "assigned_by", "revoked_by").order_by(
            "revoked_at", "-created_at"
        )
    )


def trial_regimen_choices() -> list[tuple[str, str]]:
    """The regimens a trial may name as its arms (code, name of the latest version)."""
    latest: dict[str, str] = {}
    versions = RegimenVersion.objects.order_by("regimen__code", "number")
    for code, name in versions.values_list("regimen__code", "name"):
        latest[code] = name
    return [(code, f"{code} — {name}") for code, name in latest.items()]


def enrolment_patient(*, user: User, text: str, workstation: Workstation, channel: str) -> int:
    """The one patient an MRN, a codice fiscale or a wristband names, for an enrolment
    (the search is a logged read); refused when none or several match."""
    found = patient_search(user=user, text=text, workstation=workstation, channel=channel)
    if len(found) != 1:
        raise ValidationFailed(
            "Nessun paziente con questo MRN o codice fiscale."
            if not found
            else "Più pazienti corrispondono: indicare l'MRN o il codice fiscale.",
            code="patient_not_identified",
            field="patient_id",
        )
    return found[0].pk


def monitor_choices() -> list[User]:
    """The active users in the trial-monitor role (whom a trial may be assigned to)."""
    return users_in_role(role=Role.TRIAL_MONITOR)


# --- for corsia.patients.scope (registered in RegimensConfig.ready) -----------------------------


def monitored_patient_ids(*, user_id: int) -> list[int]:
    """The patients a monitor may read: enrolled, not withdrawn, in a trial assigned to
    the monitor and not revoked."""
    return list(
        TrialEnrollment.objects.filter(
            withdrawn_at__isnull=True,
            trial__monitors__user_id=user_id,
            trial__monitors__revoked_at__isnull=True,
        )
        .values_list("patient_id", flat=True)
        .distinct()
    )


def dose_text(value: Decimal) -> str:
    """A dose as written on a page (no trailing zeros, Italian decimal comma)."""
    return format(value.normalize(), "f").replace(".", ",")
