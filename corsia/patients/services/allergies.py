"""Allergies: recorded, refuted (it was not an allergy) or inactivated (no longer one), never
deleted; and the dated statement "no known allergies" (NKDA)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.drugs.selectors import ingredients_by_id
from corsia.patients import audit_events as events
from corsia.patients.domain.allergies import (
    AllergyChoice,
    AllergyStatus,
    SubstanceKind,
    allergy_choice,
    atc_prefix,
    clean_text,
    ensure_reason,
)
from corsia.patients.models import Allergy, NoKnownAllergies, Patient
from corsia.patients.services.patient import ensure_not_merged, locked_patient, today

RECORD_ALLERGY = "patients.record_allergy"


@dataclass(frozen=True)
class AllergyInput:
    substance_kind: str  # a SubstanceKind value
    reaction: str  # a Reaction value
    severity: str  # a Severity value
    certainty: str  # a Certainty value
    ingredient_id: int | None = None  # substance_kind "ingredient": the archive's id
    atc_prefix: str = ""  # substance_kind "drug_class": L01XA
    substance_text: str = ""  # "other": the substance; "drug_class": its name (optional)
    reaction_text: str = ""
    onset_date: date | None = None
    source: str = ""
    notes: str = ""


def _substance(choice: AllergyChoice, data: AllergyInput) -> dict[str, Any]:
    """The substance's columns: an archive ingredient, an ATC class or a free text."""
    text = clean_text(data.substance_text, field="substance_text", label="sostanza")
    if choice.kind is SubstanceKind.INGREDIENT:
        found = ingredients_by_id([data.ingredient_id]) if data.ingredient_id else {}
        info = found.get(data.ingredient_id or 0)
        if info is None:
            raise ValidationFailed(
                "Principio attivo non presente nell'archivio farmaci.",
                code="ingredient_unknown",
                field="ingredient_id",
            )
        return {"ingredient_id": info.pk, "atc_prefix": "", "substance": info.name_it}
    if choice.kind is SubstanceKind.DRUG_CLASS:
        code = atc_prefix(data.atc_prefix)
        return {"ingredient_id": None, "atc_prefix": code, "substance": f"{code} {text}".strip()}
    if not text:
        raise ValidationFailed(
            "Indica la sostanza (per esempio: polisorbato 80, lattice).",
            code="substance_required",
            field="substance_text",
        )
    return {"ingredient_id": None, "atc_prefix": "", "substance": text}


def snapshot(allergy: Allergy) -> dict[str, Any]:
    return {
        "substance_kind": allergy.substance_kind,
        "ingredient_id": allergy.ingredient_id,
        "atc_prefix": allergy.atc_prefix,
        "substance": allergy.substance,
        "reaction": allergy.reaction,
        "severity": allergy.severity,
        "certainty": allergy.certainty,
        "onset_date": allergy.onset_date.isoformat() if allergy.onset_date else None,
        "status": allergy.status,
    }


def _ensure_not_recorded(patient: Patient, columns: dict[str, Any]) -> None:
    active = patient.allergies.filter(status=AllergyStatus.ACTIVE.value)
    if columns["ingredient_id"] is not None:
        same = active.filter(ingredient_id=columns["ingredient_id"])
    elif columns["atc_prefix"]:
        same = active.filter(atc_prefix=columns["atc_prefix"])
    else:
        same = active.filter(
            substance_kind=SubstanceKind.OTHER.value, substance__iexact=columns["substance"]
        )
    if same.exists():
        raise ValidationFailed(
            f"L'allergia a {columns['substance']} è già registrata per questo paziente.",
            code="allergy_duplicate",
            field="substance_kind",
        )


def _end_statement(statement: NoKnownAllergies, *, actor: User, reason: str) -> None:
    statement.ended_at = timezone.now()
    statement.ended_by = actor
    statement.end_reason = reason
    statement.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])


def allergy_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: AllergyInput
) -> Allergy:
    """Record an allergy; a current "no known allergies" statement ends with it."""
    require_permission(actor, RECORD_ALLERGY, "Il tuo ruolo non può registrare allergie.")
    choice = allergy_choice(
        kind=data.substance_kind,
        reaction=data.reaction,
        severity=data.severity,
        certainty=data.certainty,
        reaction_text=data.reaction_text,
        onset_date=data.onset_date,
        notes=data.notes,
        source=data.source,
        today=today(),
    )
    columns = _substance(choice, data)
    with transaction.atomic():
        patient = locked_patient(patient_id)
        ensure_not_merged(patient)
        _ensure_not_recorded(patient, columns)
        allergy = Allergy.objects.create(
            patient=patient,
            substance_kind=choice.kind.value,
            **columns,
            reaction=choice.reaction.value,
            reaction_text=choice.reaction_text,
            severity=choice.severity.value,
            certainty=choice.certainty.value,
            onset_date=choice.onset_date,
            source=choice.source,
            notes=choice.notes,
            recorded_by=actor,
            updated_by=actor,
        )
        statement = patient.no_known_allergies.filter(ended_at__isnull=True).first()
        if statement is not None:
            _end_statement(
                statement,
                actor=actor,
                reason=f"Registrata l'allergia a {allergy.substance}.",
            )
        audit_record(
            event=events.ALLERGY_RECORDED,
            actor=actor,
            workstation=workstation,
            target=allergy,
            patient_id=patient.pk,
            after={**snapshot(allergy), "ended_no_known_allergies": bool(statement)},
        )
    return allergy


CLOSING_STATUSES = (AllergyStatus.REFUTED.value, AllergyStatus.INACTIVE.value)


def allergy_close(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    allergy_id: int,
    expected_version: int,
    status: str,
    reason: str,
) -> Allergy:
    """The allergy stays, with the reason, who and when: ``refuted`` (it was not an
    allergy: a test, a better history) or ``inactive`` (no longer one: desensitised,
    outgrown). It matches no drug any more."""
    require_permission(actor, RECORD_ALLERGY, "Il tuo ruolo non può modificare le allergie.")
    if status not in CLOSING_STATUSES:
        raise ValidationFailed(
            "Indica se l'allergia è confutata o non più attiva.",
            code="allergy_status_invalid",
            field="status",
        )
    refuted = status == AllergyStatus.REFUTED.value
    text = ensure_reason(reason, what="confutare l'allergia" if refuted else "disattivarla")
    with transaction.atomic():
        allergy = (
            Allergy.objects.select_for_update(of=("self",))
            .filter(pk=allergy_id, patient_id=patient_id)
            .first()
        )
        if allergy is None:
            raise NotFound("Allergia non trovata.", code="allergy_not_found")
        allergy.check_version(expected_version)
        if allergy.status != AllergyStatus.ACTIVE.value:
            raise ValidationFailed(
                f"L'allergia è già «{allergy.get_status_display()}».",
                code="allergy_not_active",
            )
        before = snapshot(allergy)
        allergy.status = status
        allergy.status_reason = text
        allergy.status_changed_at = timezone.now()
        allergy.status_changed_by = actor
        allergy.save(
            update_fields=[
                "status",
                "status_reason",
                "status_changed_at",
                "status_changed_by",
                *allergy.bump(by=actor),
            ]
        )
        audit_record(
            event=events.ALLERGY_REFUTED if refuted else events.ALLERGY_INACTIVATED,
            actor=actor,
            workstation=workstation,
            target=allergy,
            patient_id=allergy.patient_id,
            before=before,
            after=snapshot(allergy),
            reason=text,
        )
    return allergy


def no_known_allergies_state(
    *, actor: User, workstation: Workstation, patient_id: int, stated_on: date | None = None
) -> NoKnownAllergies:
    """The patient was asked and has no known allergies (NKDA), as of ``stated_on`` (today
    by default); an earlier statement ends with the new one. Refused while an allergy is
    active: refute or inactivate it first."""
    require_permission(actor, RECORD_ALLERGY, "Il tuo ruolo non può registrare allergie.")
    day = stated_on or today()
    if day > today():
        raise ValidationFailed(
            "La data della dichiarazione non può essere nel futuro.",
            code="statement_in_future",
            field="stated_on",
        )
    with transaction.atomic():
        patient = locked_patient(patient_id)
        ensure_not_merged(patient)
        if patient.allergies.filter(status=AllergyStatus.ACTIVE.value).exists():
            raise ValidationFailed(
                "Il paziente ha allergie attive: confutale o disattivale prima di dichiarare "
                "«nessuna allergia nota».",
                code="allergies_present",
            )
        previous = patient.no_known_allergies.filter(ended_at__isnull=True).first()
        if previous is not None:
            _end_statement(
                previous,
                actor=actor,
                reason=f"Dichiarazione rinnovata il {day:%d/%m/%Y}.",
            )
        statement = NoKnownAllergies.objects.create(
            patient=patient, stated_on=day, recorded_by=actor
        )
        audit_record(
            event=events.NO_KNOWN_ALLERGIES_STATED,
            actor=actor,
            workstation=workstation,
            target=statement,
            patient_id=patient.pk,
            after={"stated_on": day.isoformat(), "renewed": previous is not None},
        )
    return statement


def allergies_move(*, actor: User, survivor: Patient, duplicate: Patient) -> dict[str, list[int]]:
    """A merge: the duplicate's allergies and statements go to the survivor (in the merge's
    transaction, both rows locked). A "no known allergies" statement that the merged record
    contradicts (an active allergy of the other, or a newer statement) ends first."""
    ids = [survivor.pk, duplicate.pk]
    any_active = Allergy.objects.filter(
        patient_id__in=ids, status=AllergyStatus.ACTIVE.value
    ).exists()
    current = list(
        NoKnownAllergies.objects.filter(patient_id__in=ids, ended_at__isnull=True).order_by(
            "-stated_on", "-pk"
        )
    )
    stale = current if any_active else current[1:]
    for statement in stale:
        _end_statement(statement, actor=actor, reason="Unione di pazienti duplicati.")
    moved = {
        "allergies": sorted(duplicate.allergies.values_list("pk", flat=True)),
        "no_known_allergies": sorted(duplicate.no_known_allergies.values_list("pk", flat=True)),
    }
    Allergy.objects.filter(pk__in=moved["allergies"]).update(patient=survivor)
    NoKnownAllergies.objects.filter(pk__in=moved["no_known_allergies"]).update(patient=survivor)
    return moved
