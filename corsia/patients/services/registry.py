"""The registry: a patient registered and corrected (two records of one person merged, and
the merge undone: ``merge``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connection, transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.patients import audit_events as events
from corsia.patients.domain import identifiers as ids
from corsia.patients.domain.search import search_key
from corsia.patients.models import ExternalIdentifier, Patient
from corsia.patients.services.patient import (
    CHANGE,
    ensure_not_merged,
    locked_patient,
    today,
)


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
    clean = patient_clean(data, today=today())
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


def patient_update(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    expected_version: int,
    data: PatientInput,
) -> Patient:
    require_permission(actor, CHANGE)
    clean = patient_clean(data, today=today())
    with transaction.atomic():
        patient = locked_patient(patient_id)
        patient.check_version(expected_version)
        ensure_not_merged(patient)
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
