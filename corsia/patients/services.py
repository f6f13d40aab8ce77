"""Use cases of the patient registry: each one checks the permission, validates everything
before writing, locks, writes, and records its audit event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.patients import audit_events as events
from corsia.patients.domain import identifiers as ids
from corsia.patients.domain.search import search_key
from corsia.patients.domain.states import EncounterEvent, EncounterState, next_state
from corsia.patients.models import (
    BedOrChair,
    Consent,
    ConsentKind,
    DocumentType,
    Encounter,
    EncounterKind,
    ExternalIdentifier,
    Masking,
    Patient,
    Ward,
)
from corsia.patients.selectors import is_masked

VIEW = "patients.view_patient"
CHANGE = "patients.change_patient"
MERGE = "patients.merge_patient"
MASK = "patients.mask_document"
ENCOUNTER = "patients.manage_encounter"
CONSENT = "patients.record_consent"


def _today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class PatientInput:
    surname: str
    given_names: str
    sex: str
    date_of_birth: date
    codice_fiscale: str = ""
    stp_eni_code: str = ""
    place_of_birth: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    external_ids: dict[str, str] = field(default_factory=dict)


_EDITABLE = (
    "surname",
    "given_names",
    "sex",
    "date_of_birth",
    "codice_fiscale",
    "stp_eni_code",
    "place_of_birth",
    "address",
    "phone",
    "email",
)


def _required_text(value: str, *, field_name: str, label: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationFailed(
            f"Il campo «{label}» è obbligatorio.", code="required", field=field_name
        )
    return text


def patient_clean(data: PatientInput, *, today: date) -> dict[str, Any]:
    """Every field checked and normalised, or ValidationFailed on the first problem."""
    surname = _required_text(data.surname, field_name="surname", label="cognome")
    given = _required_text(data.given_names, field_name="given_names", label="nome")
    if data.sex not in ("M", "F"):
        raise ValidationFailed("Indica il sesso (M o F).", code="sex_invalid", field="sex")
    if not isinstance(data.date_of_birth, date):
        raise ValidationFailed("Indica la data di nascita.", code="required", field="date_of_birth")
    ids.ensure_birth_date_plausible(data.date_of_birth, today=today)
    cf = ids.compact(data.codice_fiscale)
    foreign = ids.compact(data.stp_eni_code)
    ids.ensure_some_identifier(codice_fiscale=cf, stp_eni_code=foreign)
    place = ids.compact(data.place_of_birth)
    if cf:
        facts = ids.fiscal_code_facts(cf)
        ids.ensure_fiscal_code_matches(facts, sex=data.sex, date_of_birth=data.date_of_birth)
        place = place or facts.birthplace_code
    if foreign:
        ids.foreign_code_kind(foreign)
    if place:
        ids.birthplace(place)
    email = (data.email or "").strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationFailed(
                "L'indirizzo email non è valido.", code="email_invalid", field="email"
            ) from None
    return {
        "surname": surname,
        "given_names": given,
        "sex": data.sex,
        "date_of_birth": data.date_of_birth,
        "codice_fiscale": cf,
        "stp_eni_code": foreign,
        "place_of_birth": place,
        "address": " ".join((data.address or "").split()),
        "phone": (data.phone or "").strip(),
        "email": email,
    }


def _ensure_identifiers_free(clean: dict[str, Any], *, exclude_id: int | None = None) -> None:
    others = Patient.objects.filter(merged_into__isnull=True)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    if clean["codice_fiscale"]:
        taken = others.filter(codice_fiscale=clean["codice_fiscale"]).first()
        if taken is not None:
            raise ValidationFailed(
                f"Il codice fiscale {clean['codice_fiscale']} è già registrato per il "
                f"paziente con MRN {taken.mrn}.",
                code="fiscal_code_taken",
                field="codice_fiscale",
                details={"patient_id": taken.pk},
            )
    if clean["stp_eni_code"]:
        taken = others.filter(stp_eni_code=clean["stp_eni_code"]).first()
        if taken is not None:
            raise ValidationFailed(
                f"Il codice {clean['stp_eni_code']} è già registrato per il paziente con "
                f"MRN {taken.mrn}.",
                code="foreign_code_taken",
                field="stp_eni_code",
                details={"patient_id": taken.pk},
            )


def _ensure_external_ids_free(external_ids: dict[str, str], *, patient_id: int | None) -> None:
    for system, value in external_ids.items():
        if not system.strip() or not value.strip():
            raise ValidationFailed(
                "Gli identificativi esterni devono indicare sistema e valore.",
                code="external_identifier_invalid",
                field="external_ids",
            )
        existing = ExternalIdentifier.objects.filter(system=system, value=value).first()
        if existing is not None and existing.patient_id != patient_id:
            raise ValidationFailed(
                f"L'identificativo {system} {value} appartiene già a un altro paziente.",
                code="external_identifier_taken",
                field="external_ids",
            )


def _next_mrn() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('patients_mrn_seq')")
        row = cursor.fetchone()
    assert row is not None  # nextval always returns one row
    return f"{int(row[0]):08d}"


def _snapshot(patient: Patient) -> dict[str, Any]:
    data = {name: getattr(patient, name) for name in _EDITABLE}
    data["date_of_birth"] = patient.date_of_birth.isoformat()
    data["mrn"] = patient.mrn
    return data


def patient_create(*, actor: User, workstation: Workstation, data: PatientInput) -> Patient:
    require_permission(actor, CHANGE)
    clean = patient_clean(data, today=_today())
    with transaction.atomic():
        _ensure_identifiers_free(clean)
        _ensure_external_ids_free(data.external_ids, patient_id=None)
        patient = Patient(
            **clean,
            mrn=_next_mrn(),
            search_text=search_key(surname=clean["surname"], given_names=clean["given_names"]),
            updated_by=actor,
        )
        patient.save(force_insert=True)
        for system, value in data.external_ids.items():
            ExternalIdentifier.objects.create(patient=patient, system=system, value=value)
        audit_record(
            event=events.PATIENT_CREATED,
            actor=actor,
            workstation=workstation,
            target=patient,
            patient_id=patient.pk,
            after=_snapshot(patient),
        )
    return patient


def _locked_patient(patient_id: int) -> Patient:
    try:
        return Patient.objects.select_for_update().get(pk=patient_id)
    except Patient.DoesNotExist:
        raise NotFound("Paziente non trovato.", code="patient_not_found") from None


def _ensure_not_merged(patient: Patient) -> None:
    if patient.merged_into_id is not None:
        raise ValidationFailed(
            f"Il paziente {patient.mrn} è stato unito a un altro paziente: lavora su quello.",
            code="patient_merged",
            details={"survivor_id": patient.merged_into_id},
        )


def patient_update(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    expected_version: int,
    data: PatientInput,
) -> Patient:
    require_permission(actor, CHANGE)
    clean = patient_clean(data, today=_today())
    with transaction.atomic():
        patient = _locked_patient(patient_id)
        patient.check_version(expected_version)
        _ensure_not_merged(patient)
        _ensure_identifiers_free(clean, exclude_id=patient.pk)
        _ensure_external_ids_free(data.external_ids, patient_id=patient.pk)
        before = _snapshot(patient)
        for name, value in clean.items():
            setattr(patient, name, value)
        patient.search_text = search_key(surname=clean["surname"], given_names=clean["given_names"])
        fields = [*clean.keys(), "search_text", *patient.bump(by=actor)]
        patient.save(update_fields=fields)
        for system, value in data.external_ids.items():
            ExternalIdentifier.objects.get_or_create(
                system=system, value=value, defaults={"patient": patient}
            )
        audit_record(
            event=events.PATIENT_UPDATED,
            actor=actor,
            workstation=workstation,
            target=patient,
            patient_id=patient.pk,
            before=before,
            after=_snapshot(patient),
        )
    return patient


def patient_merge(
    *, actor: User, workstation: Workstation, survivor_id: int, duplicate_id: int, reason: str
) -> Patient:
    """Move everything of the duplicate to the survivor; the duplicate stays, merged and
    inactive, so both histories remain (pghistory keeps every moved row's old patient)."""
    require_permission(actor, MERGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo dell'unione dei due pazienti.", code="reason_required", field="reason"
        )
    if survivor_id == duplicate_id:
        raise ValidationFailed(
            "Non si può unire un paziente con sé stesso.",
            code="merge_same_patient",
            field="duplicate_id",
        )
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Patient.objects.select_for_update()
            .filter(pk__in=[survivor_id, duplicate_id])
            .order_by("pk")
        }
        if survivor_id not in locked or duplicate_id not in locked:
            raise NotFound("Paziente non trovato.", code="patient_not_found")
        survivor, duplicate = locked[survivor_id], locked[duplicate_id]
        _ensure_not_merged(survivor)
        _ensure_not_merged(duplicate)
        active = Encounter.objects.filter(
            patient_id__in=[survivor_id, duplicate_id], state=EncounterState.ACTIVE.value
        ).count()
        if active > 1:
            raise ValidationFailed(
                "Entrambi i pazienti hanno un ricovero/accesso in corso: chiudine uno prima di "
                "unirli.",
                code="merge_two_active_encounters",
            )
        moved = {
            "encounters": sorted(duplicate.encounters.values_list("pk", flat=True)),
            "consents": sorted(duplicate.consents.values_list("pk", flat=True)),
            "identifiers": sorted(duplicate.identifiers.values_list("pk", flat=True)),
            "maskings": sorted(duplicate.maskings.values_list("pk", flat=True)),
        }
        Encounter.objects.filter(pk__in=moved["encounters"]).update(patient=survivor)
        Consent.objects.filter(pk__in=moved["consents"]).update(patient=survivor)
        ExternalIdentifier.objects.filter(pk__in=moved["identifiers"]).update(patient=survivor)
        Masking.objects.filter(pk__in=moved["maskings"]).update(patient=survivor)
        # Duplicates merged earlier into the duplicate now point at the survivor.
        Patient.objects.filter(merged_into=duplicate).update(merged_into=survivor)
        duplicate.merged_into = survivor
        duplicate.is_active = False
        duplicate.save(update_fields=["merged_into", "is_active", *duplicate.bump(by=actor)])
        summary = {
            "survivor_id": survivor.pk,
            "survivor_mrn": survivor.mrn,
            "duplicate_id": duplicate.pk,
            "duplicate_mrn": duplicate.mrn,
            "moved": moved,
        }
        audit_record(
            event=events.PATIENT_MERGED,
            actor=actor,
            workstation=workstation,
            target=duplicate,
            patient_id=duplicate.pk,
            before=_snapshot(duplicate),
            after=summary,
            reason=reason,
        )
        audit_record(
            event=events.PATIENT_MERGE_RECEIVED,
            actor=actor,
            workstation=workstation,
            target=survivor,
            patient_id=survivor.pk,
            after=summary,
            reason=reason,
        )
    return survivor


# --- encounters (ADT) -----------------------------------------------------------------------


def _ward_and_place(ward_id: int, place_id: int | None) -> tuple[Ward, BedOrChair | None]:
    ward = Ward.objects.filter(pk=ward_id).first()
    if ward is None:
        raise ValidationFailed("Reparto non trovato.", code="ward_unknown", field="ward_id")
    if place_id is None:
        return ward, None
    place = BedOrChair.objects.select_for_update().filter(pk=place_id).first()
    if place is None or place.ward_id != ward.pk:
        raise ValidationFailed(
            f"Il letto/poltrona indicato non appartiene al reparto {ward.name}.",
            code="place_not_in_ward",
            field="place_id",
        )
    occupied = Encounter.objects.filter(place=place, state=EncounterState.ACTIVE.value).first()
    if occupied is not None:
        raise ValidationFailed(
            f"Il posto {place.code} di {ward.name} è già occupato.",
            code="place_occupied",
            field="place_id",
        )
    return ward, place


def _encounter_snapshot(encounter: Encounter) -> dict[str, Any]:
    return {
        "kind": encounter.kind,
        "ward": encounter.ward.code,
        "place": encounter.place.code if encounter.place else None,
        "state": encounter.state,
        "admitted_at": encounter.admitted_at.isoformat(),
        "discharged_at": encounter.discharged_at.isoformat() if encounter.discharged_at else None,
    }


def encounter_admit(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    kind: str,
    ward_id: int,
    place_id: int | None = None,
    admitted_at: datetime | None = None,
) -> Encounter:
    require_permission(actor, ENCOUNTER)
    if kind not in EncounterKind.values:
        raise ValidationFailed(
            "Tipo di accesso non valido.", code="encounter_kind_invalid", field="kind"
        )
    now = timezone.now()
    admitted = admitted_at or now
    if admitted > now:
        raise ValidationFailed(
            "La data di ammissione non può essere nel futuro.",
            code="admission_in_future",
            field="admitted_at",
        )
    with transaction.atomic():
        patient = _locked_patient(patient_id)
        _ensure_not_merged(patient)
        if patient.encounters.filter(state=EncounterState.ACTIVE.value).exists():
            raise ValidationFailed(
                "Il paziente ha già un ricovero/accesso in corso.",
                code="encounter_already_active",
            )
        ward, place = _ward_and_place(ward_id, place_id)
        encounter = Encounter.objects.create(
            patient=patient,
            kind=kind,
            ward=ward,
            place=place,
            admitted_at=admitted,
            updated_by=actor,
        )
        audit_record(
            event=events.ENCOUNTER_ADMITTED,
            actor=actor,
            workstation=workstation,
            target=encounter,
            patient_id=patient.pk,
            after=_encounter_snapshot(encounter),
        )
    return encounter


def _locked_encounter(encounter_id: int) -> Encounter:
    """The encounter, locked. A masked one (oscuramento) is "not found": it is hidden from
    the people treating the patient, and acting on it would show it in the answer."""
    try:
        encounter = (
            Encounter.objects.select_for_update(of=("self",))
            .select_related("ward", "place")
            .get(pk=encounter_id)
        )
    except Encounter.DoesNotExist:
        raise NotFound("Ricovero/accesso non trovato.", code="encounter_not_found") from None
    if is_masked(document_type=DocumentType.ENCOUNTER.value, document_id=encounter.pk):
        raise NotFound("Ricovero/accesso non trovato.", code="encounter_not_found")
    return encounter


def encounter_discharge(
    *,
    actor: User,
    workstation: Workstation,
    encounter_id: int,
    expected_version: int,
    discharged_at: datetime | None = None,
) -> Encounter:
    require_permission(actor, ENCOUNTER)
    with transaction.atomic():
        encounter = _locked_encounter(encounter_id)
        encounter.check_version(expected_version)
        state = next_state(encounter.state, EncounterEvent.DISCHARGE)
        when = discharged_at or timezone.now()
        if when < encounter.admitted_at:
            raise ValidationFailed(
                "La dimissione non può precedere l'ammissione.",
                code="discharge_before_admission",
                field="discharged_at",
            )
        if when > timezone.now():
            raise ValidationFailed(
                "La data di dimissione non può essere nel futuro.",
                code="discharge_in_future",
                field="discharged_at",
            )
        before = _encounter_snapshot(encounter)
        encounter.state = state.value
        encounter.discharged_at = when
        encounter.save(update_fields=["state", "discharged_at", *encounter.bump(by=actor)])
        audit_record(
            event=events.ENCOUNTER_DISCHARGED,
            actor=actor,
            workstation=workstation,
            target=encounter,
            patient_id=encounter.patient_id,
            before=before,
            after=_encounter_snapshot(encounter),
        )
    return encounter


def encounter_transfer(
    *,
    actor: User,
    workstation: Workstation,
    encounter_id: int,
    expected_version: int,
    ward_id: int,
    place_id: int | None = None,
) -> Encounter:
    require_permission(actor, ENCOUNTER)
    with transaction.atomic():
        encounter = _locked_encounter(encounter_id)
        encounter.check_version(expected_version)
        next_state(encounter.state, EncounterEvent.TRANSFER)
        if place_id is not None and place_id == encounter.place_id:
            raise ValidationFailed(
                "Il paziente è già in quel posto.", code="transfer_same_place", field="place_id"
            )
        ward, place = _ward_and_place(ward_id, place_id)
        before = _encounter_snapshot(encounter)
        encounter.ward = ward
        encounter.place = place
        encounter.save(update_fields=["ward", "place", *encounter.bump(by=actor)])
        audit_record(
            event=events.ENCOUNTER_TRANSFERRED,
            actor=actor,
            workstation=workstation,
            target=encounter,
            patient_id=encounter.patient_id,
            before=before,
            after=_encounter_snapshot(encounter),
        )
    return encounter


def encounter_cancel(
    *, actor: User, workstation: Workstation, encounter_id: int, expected_version: int, reason: str
) -> Encounter:
    require_permission(actor, ENCOUNTER)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo dell'annullamento.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        encounter = _locked_encounter(encounter_id)
        encounter.check_version(expected_version)
        state = next_state(encounter.state, EncounterEvent.CANCEL)
        before = _encounter_snapshot(encounter)
        encounter.state = state.value
        encounter.state_reason = reason
        encounter.save(update_fields=["state", "state_reason", *encounter.bump(by=actor)])
        audit_record(
            event=events.ENCOUNTER_CANCELLED,
            actor=actor,
            workstation=workstation,
            target=encounter,
            patient_id=encounter.patient_id,
            before=before,
            after=_encounter_snapshot(encounter),
            reason=reason,
        )
    return encounter


# --- consents ---------------------------------------------------------------------------------


def consent_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    kind: str,
    granted: bool,
    given_on: date | None = None,
) -> Consent:
    require_permission(actor, CONSENT)
    if kind not in ConsentKind.values:
        raise ValidationFailed(
            "Tipo di consenso non valido.", code="consent_kind_invalid", field="kind"
        )
    day = given_on or _today()
    if day > _today():
        raise ValidationFailed(
            "La data del consenso non può essere nel futuro.",
            code="consent_in_future",
            field="given_on",
        )
    with transaction.atomic():
        patient = _locked_patient(patient_id)
        _ensure_not_merged(patient)
        consent = Consent.objects.create(
            patient=patient, kind=kind, granted=granted, given_on=day, collected_by=actor
        )
        audit_record(
            event=events.CONSENT_RECORDED,
            actor=actor,
            workstation=workstation,
            target=consent,
            patient_id=patient.pk,
            after={"kind": kind, "granted": granted, "given_on": day.isoformat()},
        )
    return consent


def consent_revoke(
    *, actor: User, workstation: Workstation, consent_id: int, reason: str
) -> Consent:
    """Revoke a consent; the reason (the patient's request) is required. A masked consent
    is "not found" (hidden from the care team): its masking must be revoked first."""
    require_permission(actor, CONSENT)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo della revoca del consenso.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(pk=consent_id).first()
        if consent is None or is_masked(
            document_type=DocumentType.CONSENT.value, document_id=consent.pk
        ):
            raise NotFound("Consenso non trovato.", code="consent_not_found")
        if consent.revoked_at is not None:
            raise ValidationFailed(
                "Il consenso è già stato revocato.", code="consent_already_revoked"
            )
        consent.revoked_at = timezone.now()
        consent.revoked_by = actor
        consent.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            event=events.CONSENT_REVOKED,
            actor=actor,
            workstation=workstation,
            target=consent,
            patient_id=consent.patient_id,
            after={"kind": consent.kind, "revoked_at": consent.revoked_at.isoformat()},
            reason=reason,
        )
    return consent


# --- masking (oscuramento) ---------------------------------------------------------------------

_DOCUMENT_MODELS: dict[str, type[Encounter] | type[Consent]] = {
    DocumentType.ENCOUNTER.value: Encounter,
    DocumentType.CONSENT.value: Consent,
}


def document_mask(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    document_type: str,
    document_id: int,
    reason: str = "",
    requested_at: datetime | None = None,
) -> Masking:
    require_permission(actor, MASK)
    model = _DOCUMENT_MODELS.get(document_type)
    if model is None:
        raise ValidationFailed(
            "Questo tipo di documento non può essere oscurato.",
            code="document_type_unknown",
            field="document_type",
        )
    with transaction.atomic():
        patient = _locked_patient(patient_id)
        _ensure_not_merged(patient)
        if not model.objects.filter(pk=document_id, patient=patient).exists():
            raise ValidationFailed(
                "Il documento non appartiene a questo paziente.",
                code="document_not_of_patient",
                field="document_id",
            )
        if Masking.objects.filter(
            document_type=document_type, document_id=document_id, revoked_at__isnull=True
        ).exists():
            raise ValidationFailed("Il documento è già oscurato.", code="document_already_masked")
        masking = Masking.objects.create(
            patient=patient,
            document_type=document_type,
            document_id=document_id,
            requested_at=requested_at or timezone.now(),
            reason=(reason or "").strip(),
            recorded_by=actor,
        )
        audit_record(
            event=events.DOCUMENT_MASKED,
            actor=actor,
            workstation=workstation,
            target=masking,
            patient_id=patient.pk,
            after={"document_type": document_type, "document_id": document_id},
            reason=masking.reason,
        )
    return masking


def document_unmask(
    *, actor: User, workstation: Workstation, masking_id: int, reason: str
) -> Masking:
    require_permission(actor, MASK)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo (la richiesta del paziente) per togliere l'oscuramento.",
            code="reason_required",
            field="reason",
        )
    with transaction.atomic():
        masking = Masking.objects.select_for_update().filter(pk=masking_id).first()
        if masking is None:
            raise NotFound("Oscuramento non trovato.", code="masking_not_found")
        if masking.revoked_at is not None:
            raise ValidationFailed(
                "L'oscuramento è già stato revocato.", code="masking_already_revoked"
            )
        masking.revoked_at = timezone.now()
        masking.revoked_by = actor
        masking.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            event=events.DOCUMENT_UNMASKED,
            actor=actor,
            workstation=workstation,
            target=masking,
            patient_id=masking.patient_id,
            after={"document_type": masking.document_type, "document_id": masking.document_id},
            reason=reason,
        )
    return masking


# --- reference data ------------------------------------------------------------------------------


@transaction.atomic
def ward_ensure(*, code: str, name: str, kind: str, places: Iterable[tuple[str, str]] = ()) -> int:
    """The ward with this code and its beds and chairs (code, kind), created where missing
    and left as they are where present (reference data loaded by the setup: like
    ``accounts.services.roles_sync``, no actor and no audit event). Returns how many rows
    were created."""
    ward, created = Ward.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    count = int(created)
    for place_code, place_kind in places:
        _, place_created = BedOrChair.objects.get_or_create(
            ward=ward, code=place_code, defaults={"kind": place_kind}
        )
        count += int(place_created)
    return count
