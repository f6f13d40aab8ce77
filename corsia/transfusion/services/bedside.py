"""At the bedside: the pre-transfusion check by two operators, then start, vital signs
before / during / after (recorded in the chart through records' service), end or stop,
and the reactions.

The second operator is another person who re-authenticates on the same device: the
interface checks their credentials (through Django's ``authenticate``, so failures count
towards their lockout) and passes the user here; this service refuses the same person,
an inactive account or one without the permission to transfuse.

A refused bag changes nothing: the refusal is audited (a near miss is haemovigilance
data) in its own transaction after the check's is rolled back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, CorsiaError, NotFound, ValidationFailed
from corsia.patients.domain.wristband import mrn_from_payload
from corsia.patients.selectors import patient_by_mrn, patient_get
from corsia.records.services import VitalsInput, vital_signs_record
from corsia.transfusion import audit_events as events
from corsia.transfusion.domain.checks import BagFacts, bag_check
from corsia.transfusion.domain.checks import IssuedBag as IssuedFacts
from corsia.transfusion.domain.crossmatch import CrossmatchFacts, CrossmatchResult
from corsia.transfusion.domain.groups import group_on_record
from corsia.transfusion.domain.products import Component, Treatment
from corsia.transfusion.domain.reactions import Imputability, ReactionCategory, Severity
from corsia.transfusion.domain.states import (
    PHASES_ALLOWED,
    RequestState,
    TransfusionEvent,
    TransfusionState,
    VitalsPhase,
    next_state,
)
from corsia.transfusion.models import (
    IssuedBag,
    Transfusion,
    TransfusionReaction,
    TransfusionVitals,
)
from corsia.transfusion.services._common import (
    TRANSFUSE,
    bag_scans,
    clean_text,
    label120,
    product_table,
)
from corsia.transfusion.services.issue import emergency_of
from corsia.transfusion.services.requests import determinations_of, request_for_update


def latest_crossmatch(bag: IssuedBag | None) -> CrossmatchFacts | None:
    row = None if bag is None else bag.crossmatches.order_by("-recorded_at", "-pk").first()
    if row is None:
        return None
    return CrossmatchFacts(CrossmatchResult(row.result), row.valid_until)


class BagRefused(CorsiaError):
    """The bedside check refused the bag: ``code`` the first reason, ``details`` all."""

    status = 422


def _second_operator_check(actor: User, second: User | None) -> User:
    if second is None:
        raise ValidationFailed(
            "Il secondo operatore deve identificarsi con le proprie credenziali.",
            code="second_operator_required",
            field="second_username",
        )
    if second.pk == actor.pk:
        raise ValidationFailed(
            "Il secondo operatore deve essere una persona diversa da chi esegue il controllo.",
            code="same_operator",
            field="second_username",
        )
    if not second.is_active or not second.has_perm(TRANSFUSE):
        raise ValidationFailed(
            "Il secondo operatore non è abilitato al controllo pre-trasfusionale.",
            code="second_operator_not_allowed",
            field="second_username",
        )
    return second


def _wristband_matches(raw: str, patient_id: int) -> bool:
    mrn = mrn_from_payload(str(raw or ""))
    if mrn is None:
        raise ValidationFailed(
            "Leggere il braccialetto del paziente.", code="wristband_required", field="wristband"
        )
    patient = patient_by_mrn(mrn)
    if patient is not None and patient.merged_into is not None:
        patient = patient.merged_into
    return patient is not None and patient.pk == patient_id


def transfusion_check(
    *,
    actor: User,
    workstation: Workstation,
    request_id: int,
    second_operator: User | None,
    wristband: str,
    scans: list[str],
) -> Transfusion:
    """The pre-transfusion check: accepted, the bag's transfusion is created (state
    ``checked``); refused (:class:`BagRefused`), nothing is written but the audit."""
    require_permission(actor, TRANSFUSE)
    second = _second_operator_check(actor, second_operator)
    bag = bag_scans(scans)
    refusal: BagRefused | None = None
    with transaction.atomic():
        request = request_for_update(user=actor, request_id=request_id)
        patient_id = request.patient_id
        if request.state != RequestState.OPEN.value:
            raise ConflictError("La richiesta non è aperta.", code="request_not_open")
        issued = (
            IssuedBag.objects.select_for_update()
            .filter(din=bag.donation.din, product_code=bag.product.code)
            .first()
        )
        facts = BagFacts(
            request_id=request.pk,
            component=Component(request.component),
            treatments_required=frozenset(Treatment(t) for t in request.treatments),
            patient_group=group_on_record(determinations_of(patient_id)),
            wristband_matches=_wristband_matches(wristband, patient_id),
            issued=None
            if issued is None
            else IssuedFacts(
                request_id=issued.request_id,
                group=issued.group,
                expires_at=issued.expires_at,
                transfused=Transfusion.objects.filter(bag=issued).exists(),
                emergency=issued.emergency,
                treatments=frozenset(Treatment(t) for t in issued.treatments),
            ),
            scanned_group=bag.group.group,
            scanned_expiry=bag.expires_at(),
            product=product_table().get(bag.product.description_code),
            now=timezone.now(),
            emergency=emergency_of(request),
            crossmatch=latest_crossmatch(issued),
            label_treatments=bag.label_treatments(),
        )
        decision = bag_check(facts)
        if decision.accepted and issued is not None:
            row = Transfusion.objects.create(
                patient_id=patient_id,
                request=request,
                bag=issued,
                first_operator=actor,
                second_operator=second,
                workstation=label120(workstation),
                verdict=decision.compatibility.verdict.value if decision.compatibility else "",
                warnings=list(decision.warnings),
                updated_by=actor,
            )
            audit_record(
                event=events.BAG_CHECKED,
                actor=actor,
                workstation=workstation,
                target=row,
                patient_id=patient_id,
                after={
                    "request": request.pk,
                    "din": bag.donation.din,
                    "product_code": bag.product.code,
                    "second_operator": second.username,
                    "verdict": row.verdict,
                    "warnings": row.warnings,
                },
            )
            return row
        first = decision.refusals[0]
        refusal = BagRefused(
            first.message,
            code=first.code,
            details={
                "refusals": [{"code": r.code, "message": r.message} for r in decision.refusals]
            },
        )
    audit_record(
        event=events.BAG_REFUSED,
        actor=actor,
        workstation=workstation,
        patient_id=patient_id,
        after={
            "request": request_id,
            "din": bag.donation.din,
            "product_code": bag.product.code,
            "second_operator": second.username,
            "refusals": [r["code"] for r in refusal.details["refusals"]],
        },
    )
    raise refusal


def transfusion_for_update(*, user: User, transfusion_id: int) -> Transfusion:
    row = Transfusion.objects.select_for_update().filter(pk=transfusion_id).first()
    if row is None:
        raise NotFound("Trasfusione non trovata.", code="transfusion_not_found")
    patient_get(user=user, patient_id=row.patient_id)
    return row


def _phases(row: Transfusion) -> set[str]:
    return set(row.vitals.values_list("phase", flat=True))


def _move(
    row: Transfusion, event: TransfusionEvent, *, actor: User, fields: list[str]
) -> tuple[str, str]:
    before = row.state
    row.state = next_state(TransfusionState(row.state), event).value
    row.save(update_fields=["state", *fields, *row.bump(by=actor)])
    return before, row.state


def transfusion_start(
    *, actor: User, workstation: Workstation, transfusion_id: int, expected_version: int
) -> Transfusion:
    require_permission(actor, TRANSFUSE)
    with transaction.atomic():
        row = transfusion_for_update(user=actor, transfusion_id=transfusion_id)
        row.check_version(expected_version)
        if VitalsPhase.BEFORE.value not in _phases(row):
            raise ConflictError(
                "Registrare i parametri vitali prima di iniziare la trasfusione.",
                code="vitals_before_missing",
            )
        if row.bag.expires_at <= timezone.now():
            raise ConflictError("La sacca è scaduta: non iniziare.", code="bag_expired")
        row.started_at = timezone.now()
        before, after = _move(row, TransfusionEvent.START, actor=actor, fields=["started_at"])
        audit_record(
            event=events.TRANSFUSION_STARTED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before={"state": before},
            after={"state": after, "started_at": row.started_at.isoformat()},
        )
    return row


def _volume(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2000:
        raise ValidationFailed(
            "Volume trasfuso in mL, da 1 a 2000.", code="volume_invalid", field="volume_ml"
        )
    return value


def transfusion_end(
    *,
    actor: User,
    workstation: Workstation,
    transfusion_id: int,
    expected_version: int,
    volume_ml: object,
) -> Transfusion:
    require_permission(actor, TRANSFUSE)
    volume = _volume(volume_ml)
    with transaction.atomic():
        row = transfusion_for_update(user=actor, transfusion_id=transfusion_id)
        row.check_version(expected_version)
        if row.state == TransfusionState.IN_PROGRESS.value and (
            VitalsPhase.DURING.value not in _phases(row)
        ):
            raise ConflictError(
                "Registrare i parametri vitali a 15 minuti dall'inizio prima di concludere.",
                code="vitals_during_missing",
            )
        row.ended_at = timezone.now()
        row.volume_ml = volume
        before, after = _move(
            row, TransfusionEvent.END, actor=actor, fields=["ended_at", "volume_ml"]
        )
        audit_record(
            event=events.TRANSFUSION_ENDED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before={"state": before},
            after={"state": after, "volume_ml": volume, "ended_at": row.ended_at.isoformat()},
        )
        _close_request_when_done(row)
    return row


def _close_request_when_done(row: Transfusion) -> None:
    request = row.request
    done = request.transfusions.filter(
        state__in=[TransfusionState.COMPLETED.value, TransfusionState.STOPPED.value]
    ).count()
    if done >= request.units and request.state == RequestState.OPEN.value:
        request.state = RequestState.CLOSED.value
        request.save(update_fields=["state", *request.bump(by=row.updated_by)])


def transfusion_stop(
    *,
    actor: User,
    workstation: Workstation,
    transfusion_id: int,
    expected_version: int,
    reason: str,
    volume_ml: object = None,
) -> Transfusion:
    """Stop the bag (a reaction, the patient's refusal, a problem with the line…): the
    reason is required; the volume given so far when known."""
    require_permission(actor, TRANSFUSE)
    why = clean_text(reason, field="reason", label="Motivo dell'interruzione")
    volume = None if volume_ml in (None, "") else _volume(volume_ml)
    with transaction.atomic():
        row = transfusion_for_update(user=actor, transfusion_id=transfusion_id)
        row.check_version(expected_version)
        row.ended_at = timezone.now() if row.started_at else None
        row.volume_ml = volume
        row.stop_reason = why
        before, after = _move(
            row,
            TransfusionEvent.STOP,
            actor=actor,
            fields=["ended_at", "volume_ml", "stop_reason"],
        )
        audit_record(
            event=events.TRANSFUSION_STOPPED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before={"state": before},
            after={"state": after, "volume_ml": volume},
            reason=why,
        )
        _close_request_when_done(row)
    return row


def transfusion_vitals_record(
    *,
    actor: User,
    workstation: Workstation,
    transfusion_id: int,
    phase: str,
    data: VitalsInput,
) -> TransfusionVitals:
    """A set of vital signs for one phase, recorded in the chart (records' service, with its
    physiological limits) and linked to the transfusion, in one transaction."""
    require_permission(actor, TRANSFUSE)
    try:
        which = VitalsPhase(phase)
    except ValueError:
        raise ValidationFailed("Fase non valida.", code="phase_invalid", field="phase") from None
    if data.is_blank():
        raise ValidationFailed(
            "Registrare almeno un parametro vitale.", code="vitals_blank", field="vitals"
        )
    with transaction.atomic():
        row = transfusion_for_update(user=actor, transfusion_id=transfusion_id)
        if which not in PHASES_ALLOWED[TransfusionState(row.state)]:
            raise ConflictError(
                f"Parametri «{which.label_it.lower()}» non previsti ora: la trasfusione è "
                f"«{TransfusionState(row.state).label_it.lower()}».",
                code="vitals_wrong_phase",
            )
        signs = vital_signs_record(
            actor=actor, workstation=workstation, patient_id=row.patient_id, data=data
        )
        link = TransfusionVitals.objects.create(
            patient_id=row.patient_id,
            transfusion=row,
            phase=which.value,
            vital_signs_id=signs.pk,
            measured_at=signs.measured_at,
            recorded_by=actor,
        )
        audit_record(
            event=events.VITALS_RECORDED,
            actor=actor,
            workstation=workstation,
            target=link,
            patient_id=row.patient_id,
            after={"transfusion": row.pk, "phase": which.value, "vital_signs": signs.pk},
        )
    return link


@dataclass(frozen=True)
class ReactionInput:
    category: str
    severity: str
    imputability: str
    onset_at: datetime | None
    description: str


def transfusion_reaction_record(
    *, actor: User, workstation: Workstation, transfusion_id: int, data: ReactionInput
) -> TransfusionReaction:
    require_permission(actor, TRANSFUSE)
    try:
        category = ReactionCategory(data.category)
        severity = Severity(data.severity)
        imputability = Imputability(data.imputability)
    except ValueError:
        raise ValidationFailed(
            "Categoria, gravità o imputabilità non valide.", code="reaction_invalid"
        ) from None
    description = clean_text(data.description, field="description", label="Descrizione")
    with transaction.atomic():
        row = transfusion_for_update(user=actor, transfusion_id=transfusion_id)
        if row.started_at is None:
            raise ConflictError(
                "Una reazione si registra su una trasfusione iniziata.",
                code="transfusion_not_started",
            )
        onset = data.onset_at
        if onset is None or onset < row.started_at or onset > timezone.now():
            raise ValidationFailed(
                "L'insorgenza va dall'inizio della trasfusione a ora.",
                code="onset_invalid",
                field="onset_at",
            )
        reaction = TransfusionReaction.objects.create(
            patient_id=row.patient_id,
            transfusion=row,
            category=category.value,
            severity=severity.value,
            imputability=imputability.value,
            onset_at=onset,
            description=description,
            recorded_by=actor,
            workstation=label120(workstation),
        )
        audit_record(
            event=events.REACTION_RECORDED,
            actor=actor,
            workstation=workstation,
            target=reaction,
            patient_id=row.patient_id,
            after={
                "transfusion": row.pk,
                "category": category.value,
                "severity": severity.value,
                "imputability": imputability.value,
            },
        )
    return reaction
