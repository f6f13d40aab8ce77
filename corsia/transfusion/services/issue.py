"""The transfusion service (SIMT) at work on a request: the bags it issues (from their
ISBT 128 barcodes, with the attributes the label attests) and the crossmatch of each
red-cell unit."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.selectors import patient_get
from corsia.transfusion import audit_events as events
from corsia.transfusion.domain.compatibility import Compatibility, Verdict, compatibility
from corsia.transfusion.domain.crossmatch import CrossmatchMethod, CrossmatchResult, valid_until
from corsia.transfusion.domain.emergency import RhdPolicy, emergency_refusal
from corsia.transfusion.domain.groups import group_on_record
from corsia.transfusion.domain.isbt128 import BloodGroup
from corsia.transfusion.domain.products import Component, ProductEntry, Treatment
from corsia.transfusion.domain.states import RequestState
from corsia.transfusion.models import Crossmatch, EmergencyRelease, IssuedBag, TransfusionRequest
from corsia.transfusion.services._common import (
    ISSUE,
    bag_scans,
    clean_text,
    label120,
    product_table,
)
from corsia.transfusion.services.requests import determinations_of, request_for_update


def emergency_of(request: TransfusionRequest) -> RhdPolicy | None:
    row = EmergencyRelease.objects.filter(request_id=request.pk).first()
    return None if row is None else RhdPolicy(row.rhd_policy)


def _typed(values: tuple[str, ...]) -> frozenset[Treatment]:
    try:
        return frozenset(Treatment(str(v)) for v in values)
    except ValueError:
        raise ValidationFailed(
            "Trattamento non valido.", code="treatment_invalid", field="typed_treatments"
        ) from None


def _verdict(request: TransfusionRequest, entry: ProductEntry, donor: BloodGroup) -> Compatibility:
    """The group verdict at issue: the confirmed group's compatibility, or — group not
    confirmed — the emergency release's rule when the physician declared the urgency."""
    record = group_on_record(determinations_of(request.patient_id))
    if record.confirmed and record.group is not None:
        verdict = compatibility(entry.component, record.group, donor)
        if not verdict.allowed:
            raise ValidationFailed(verdict.reason, code="group_incompatible")
        return verdict
    policy = emergency_of(request)
    if policy is None:
        raise ConflictError(
            "Il gruppo del paziente non è confermato (servono due determinazioni concordi) e "
            "il medico non ha dichiarato l'urgenza.",
            code="group_not_confirmed",
        )
    why = emergency_refusal(entry.component, donor, policy)
    if why is not None:
        raise ValidationFailed(why, code="emergency_group_not_allowed")
    return Compatibility(Verdict.ACCEPTABLE)


def _entry(request: TransfusionRequest, code: str, attested: frozenset[Treatment]) -> ProductEntry:
    entry = product_table().get(code)
    if entry is None:
        raise ValidationFailed(
            "Codice prodotto non presente nella tabella dell'ospedale.", code="product_unknown"
        )
    if entry.component.value != request.component:
        raise ValidationFailed(
            "La sacca non è dell'emocomponente richiesto.", code="wrong_component"
        )
    missing = {Treatment(t) for t in request.treatments} - entry.treatments - attested
    if missing:
        names = ", ".join(t.label_it.lower() for t in Treatment if t in missing)
        raise ValidationFailed(
            f"La richiesta chiede un emocomponente {names}: questa sacca non lo è.",
            code="treatment_missing",
        )
    return entry


def bag_issue(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    scans: list[str],
    typed_treatments: tuple[str, ...] = (),
) -> IssuedBag:
    """The transfusion service assigns a bag to the request: the bag's barcodes are read;
    it must be of the requested component with every required treatment (from the product
    code, a special-testing barcode, or typed from the label by the SIMT), compatible with
    the patient's confirmed group — or allowed by the emergency release —, not expired,
    never issued before."""
    require_permission(actor, ISSUE)
    bag = bag_scans(scans)
    typed = _typed(typed_treatments)
    attested = bag.label_treatments() | typed
    expires_at = bag.expires_at()
    with transaction.atomic():
        request = request_for_update(user=actor, request_id=request_id)
        if request.state != RequestState.OPEN.value:
            raise ConflictError("La richiesta non è aperta.", code="request_not_open")
        if request.bags.count() >= request.units:
            raise ConflictError(
                "Sono già state assegnate tutte le unità richieste.", code="units_all_issued"
            )
        entry = _entry(request, bag.product.description_code, attested)
        if expires_at <= timezone.now():
            raise ValidationFailed("La sacca è scaduta.", code="bag_expired")
        verdict = _verdict(request, entry, bag.group.group)
        emergency = emergency_of(request) is not None
        try:
            with transaction.atomic():
                row = IssuedBag.objects.create(
                    request=request,
                    din=bag.donation.din,
                    product_code=bag.product.code,
                    abo=bag.group.group.abo.value,
                    rhd_positive=bag.group.group.rhd_positive,
                    expires_at=expires_at,
                    issued_by=actor,
                    workstation=label120(workstation),
                    emergency=emergency,
                    treatments=sorted(t.value for t in attested),
                    treatments_typed=sorted(t.value for t in typed),
                )
        except IntegrityError:
            raise ConflictError(
                "Questa sacca è già stata assegnata.", code="bag_already_issued"
            ) from None
        audit_record(
            event=events.BAG_ISSUED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=request.patient_id,
            after={
                "request": request.pk,
                "din": row.din,
                "product_code": row.product_code,
                "group": bag.group.group.short(),
                "expires_at": expires_at.isoformat(),
                "verdict": verdict.verdict.value,
                "emergency": emergency,
                "special_testing": list(bag.special),
                "treatments_typed": row.treatments_typed,
            },
        )
    return row


def crossmatch_record(
    *,
    actor: User,
    workstation: Workstation,
    bag_id: int,
    result: str,
    method: str,
    sample: str,
    sample_collected_at: datetime | None,
) -> Crossmatch:
    """The SIMT's compatibility test of one red-cell unit, valid 72 hours from the sample."""
    require_permission(actor, ISSUE)
    try:
        outcome, how = CrossmatchResult(result), CrossmatchMethod(method)
    except ValueError:
        raise ValidationFailed(
            "Esito o metodo della prova di compatibilità non validi.", code="crossmatch_invalid"
        ) from None
    tube = clean_text(sample, field="sample", label="Provetta")[:40]
    now = timezone.now()
    if sample_collected_at is None or sample_collected_at > now:
        raise ValidationFailed(
            "Indicare quando è stato prelevato il campione (non nel futuro).",
            code="collected_at_invalid",
            field="sample_collected_at",
        )
    until = valid_until(sample_collected_at)
    if until <= now:
        raise ValidationFailed(
            "Il campione ha più di 72 ore: serve un nuovo prelievo.",
            code="sample_expired",
            field="sample_collected_at",
        )
    with transaction.atomic():
        bag = IssuedBag.objects.select_for_update().filter(pk=bag_id).first()
        if bag is None:
            raise NotFound("Sacca non trovata.", code="bag_not_found")
        request = bag.request
        patient_get(user=actor, patient_id=request.patient_id)
        if request.component != Component.RED_CELLS.value:
            raise ValidationFailed(
                "La prova di compatibilità si registra per le emazie.",
                code="crossmatch_not_applicable",
            )
        row = Crossmatch.objects.create(
            patient_id=request.patient_id,
            bag=bag,
            result=outcome.value,
            method=how.value,
            sample=tube,
            sample_collected_at=sample_collected_at,
            valid_until=until,
            recorded_by=actor,
            workstation=label120(workstation),
        )
        audit_record(
            event=events.CROSSMATCH_RECORDED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=request.patient_id,
            after={
                "bag": bag.pk,
                "din": bag.din,
                "result": outcome.value,
                "method": how.value,
                "sample": tube,
                "valid_until": until.isoformat(),
                "emergency": bag.emergency,
            },
        )
    return row
