"""Doses given elsewhere (``PriorDose``): recorded by a physician, append-only, corrected
by a new record; the records that count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.drugs.selectors import ingredient_get_by_id
from corsia.patients.selectors import patient_and_merged_ids, patient_record
from corsia.prescribing import audit_events as events
from corsia.prescribing.cumulative.limits import PRESCRIBE
from corsia.prescribing.models import PriorDose, PriorDoseUnit


def current_prior_doses(*, patient_id: int) -> QuerySet[PriorDose]:
    """The records that count: those no later record corrects (a merged duplicate's too)."""
    return (
        PriorDose.objects.filter(
            patient_id__in=patient_and_merged_ids(patient_id=patient_id),
            corrected_by__isnull=True,
        )
        .select_related("ingredient", "recorded_by")
        .order_by("given_from", "id")
    )


def prior_dose_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    ingredient_id: int,
    amount: Decimal,
    unit: str,
    hospital: str,
    given_from: date,
    document_ref: str,
    reason: str,
    given_to: date | None = None,
    bsa_m2: Decimal | None = None,
    corrects_id: int | None = None,
) -> PriorDose:
    """Record a dose given elsewhere (or correct an earlier record: amount 0 withdraws it)."""
    require_permission(
        actor, PRESCRIBE, "Solo il medico registra le dosi ricevute in altre strutture."
    )
    try:
        measure = PriorDoseUnit(unit)
    except ValueError:
        raise ValidationFailed(
            f"Unità «{unit}» non ammessa: mg, mg/m², UI o U.", code="prior_dose_unit", field="unit"
        ) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and corrects_id is None):
        raise ValidationFailed(
            "La dose deve essere maggiore di zero (zero solo per annullare una registrazione).",
            code="prior_dose_amount",
            field="amount",
        )
    if bsa_m2 is not None and not (bsa_m2.is_finite() and Decimal("0.1") <= bsa_m2 <= Decimal(4)):
        raise ValidationFailed(
            "Superficie corporea non plausibile (0,1–4 m²).", code="prior_dose_bsa", field="bsa_m2"
        )
    for value, name, label in (
        (hospital, "hospital", "la struttura"),
        (document_ref, "document_ref", "il documento di riferimento"),
        (reason, "reason", "il motivo"),
    ):
        if not value.strip():
            raise ValidationFailed(
                f"Indicare {label}.", code="prior_dose_field_required", field=name
            )
    today = timezone.localdate()
    if given_from > today or (given_to is not None and (given_to < given_from or given_to > today)):
        raise ValidationFailed(
            "Periodo non valido: le date non possono essere future e la fine segue l'inizio.",
            code="prior_dose_period",
            field="given_from",
        )
    with transaction.atomic():
        patient = patient_record(patient_id=patient_id, lock=True)
        ingredient = ingredient_get_by_id(ingredient_id=ingredient_id)
        if ingredient.code == "bleomycin" and measure in (PriorDoseUnit.MG, PriorDoseUnit.MG_M2):
            raise ValidationFailed(
                "La bleomicina si registra in unità (UI o U), mai in mg.",
                code="prior_dose_unit",
                field="unit",
            )
        corrected = None
        if corrects_id is not None:
            corrected = PriorDose.objects.select_for_update().filter(pk=corrects_id).first()
            if corrected is None or corrected.patient_id != patient.pk:
                raise NotFound(
                    "Registrazione da correggere inesistente.", code="prior_dose_not_found"
                )
            if PriorDose.objects.filter(corrects=corrected).exists():
                raise ValidationFailed(
                    "Questa registrazione è già stata corretta: correggere l'ultima.",
                    code="prior_dose_already_corrected",
                    field="corrects_id",
                )
        row = PriorDose.objects.create(
            patient=patient,
            ingredient=ingredient,
            amount=amount,
            unit=measure.value,
            bsa_m2=bsa_m2,
            hospital=hospital.strip(),
            given_from=given_from,
            given_to=given_to,
            document_ref=document_ref.strip(),
            reason=reason.strip(),
            corrects=corrected,
            recorded_by=actor,
            workstation=workstation_label(workstation),
        )
        audit_record(
            event=events.PRIOR_DOSE_RECORDED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient.pk,
            before=(
                {"id": corrected.pk, "amount": str(corrected.amount), "unit": corrected.unit}
                if corrected
                else None
            ),
            after={
                "ingredient": ingredient.code,
                "amount": str(amount),
                "unit": measure.value,
                "hospital": row.hospital,
                "given_from": given_from.isoformat(),
                "given_to": given_to.isoformat() if given_to else None,
                "document_ref": row.document_ref,
            },
            reason=row.reason,
        )
    return row
