"""An ADT message applied to the registry through the patients module's own services (its
checks, locks and audit events): registration and demographics (A01/A04/A05/A08/A28/A31),
admission, transfer, discharge and their cancellations (A01/A02/A03/A04/A11/A12/A13), a
change of class (A06 outpatient → inpatient, A07 back), a merge (A40), its correction
(A37) and an identifier change (A47)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from corsia.administration.domain.hl7_pcd import Hl7Error
from corsia.administration.domain.hl7_pcd.terms import refused
from corsia.core.domain.errors import NotFound
from corsia.interop.domain.adt import AdtMessage, IdKind, Location, Visit
from corsia.interop.domain.states import MessageState
from corsia.interop.models import VisitLink
from corsia.interop.services.context import (
    Context,
    Outcome,
    checked_identity,
    parked,
    patient_of,
    refusal_at,
)
from corsia.patients import selectors as patients
from corsia.patients import selectors_merge as merges
from corsia.patients import services as registry
from corsia.patients.domain.states import EncounterState

if TYPE_CHECKING:
    from corsia.patients.models import Encounter, Patient

_PID = {
    "surname": "PID^1^5",
    "given_names": "PID^1^5",
    "sex": "PID^1^8",
    "date_of_birth": "PID^1^7",
    "codice_fiscale": "PID^1^3",
    "stp_eni_code": "PID^1^3",
    "external_ids": "PID^1^3",
    "place_of_birth": "PID^1^3",  # derived from the codice fiscale
    "email": "PID^1^13",
    "": "PID^1",
}
# A clock a few minutes ahead on the sender's side is not a future admission.
CLOCK_SKEW = timedelta(minutes=5)


def _moment(when: datetime | None, ctx: Context) -> datetime:
    if when is None or (ctx.now < when <= ctx.now + CLOCK_SKEW):
        return ctx.now
    return when


# --- the patient --------------------------------------------------------------------------


def _input(msg: AdtMessage, current: Patient | None) -> registry.PatientInput:
    demo, who = msg.demographics, msg.identity
    return registry.PatientInput(
        surname=demo.surname or (current.surname if current else ""),
        given_names=demo.given_names or (current.given_names if current else ""),
        sex=demo.sex or (current.sex if current else ""),
        date_of_birth=demo.date_of_birth or (current.date_of_birth if current else None),  # type: ignore[arg-type]  # None: refused by the registry's check, naming PID-7
        codice_fiscale=who.of(IdKind.CODICE_FISCALE) or (current.codice_fiscale if current else ""),
        stp_eni_code=who.of(IdKind.STP_ENI) or (current.stp_eni_code if current else ""),
        place_of_birth=current.place_of_birth if current else "",
        address=demo.address or (current.address if current else ""),
        phone=demo.phone or (current.phone if current else ""),
        email=current.email if current else "",
        external_ids=who.others,
    )


def _unchanged(data: registry.PatientInput, current: Patient) -> bool:
    """Whether the message says nothing new (every registry field as recorded, every
    external identifier known): then no update, no audit event."""
    known = set(patients.external_identifiers(patient_id=current.pk))
    same = all(
        getattr(data, f.name) == getattr(current, f.name)
        for f in fields(registry.PatientInput)
        if f.name != "external_ids"
    )
    return same and set(data.external_ids.items()) <= known


def _register_or_update(msg: AdtMessage, ctx: Context, patient: Patient | None) -> Patient:
    with refusal_at(_PID):
        if patient is None:
            return registry.patient_create(
                actor=ctx.actor, workstation=ctx.workstation, data=_input(msg, None)
            )
        data = _input(msg, patient)
        if _unchanged(data, patient):
            return patient
        return registry.patient_update(
            actor=ctx.actor,
            workstation=ctx.workstation,
            patient_id=patient.pk,
            expected_version=patient.version,
            data=data,
        )


# --- the encounter ------------------------------------------------------------------------


def _ward_and_place(location: Location | None, visit: Visit) -> tuple[int, int | None]:
    if location is None:
        raise refused(
            "Manca il reparto (PV1-3.1).",
            "ward_missing",
            Hl7Error.REQUIRED_FIELD_MISSING,
            visit.location_at,
        )
    try:
        ward_id = patients.ward_id_by_code(code=location.ward)
    except NotFound:
        raise refused(
            f"Il reparto «{location.ward}» (PV1-3.1) non è configurato in Corsia: "
            "configuralo e rielabora il messaggio.",
            "ward_unknown",
            Hl7Error.UNKNOWN_KEY,
            visit.location_at,
        ) from None
    if not location.bed:
        return ward_id, None
    place = next(
        (p for p in patients.places() if p.ward_id == ward_id and p.code.upper() == location.bed),
        None,
    )
    if place is None:
        raise refused(
            f"Il letto/poltrona «{location.bed}» non esiste nel reparto {location.ward}.",
            "place_unknown",
            Hl7Error.UNKNOWN_KEY,
            visit.location_at,
        )
    return ward_id, place.pk


def _linked_encounter(visit: Visit | None, ctx: Context) -> Encounter | None:
    if visit is None or not visit.visit_number:
        return None
    link = VisitLink.objects.filter(
        sending_facility=ctx.row.sending_facility, visit_number=visit.visit_number
    ).first()
    return patients.encounter_record(encounter_id=link.encounter_id) if link else None


def _link(visit: Visit, encounter: Encounter, ctx: Context) -> None:
    if visit.visit_number:
        VisitLink.objects.get_or_create(
            sending_facility=ctx.row.sending_facility,
            visit_number=visit.visit_number,
            defaults={"encounter_id": encounter.pk, "message": ctx.row},
        )


def _visit_key(visit: Visit | None, ctx: Context) -> tuple[str, ...]:
    if visit is None or not visit.visit_number:
        return ()
    return (f"visit:{ctx.row.sending_facility}:{visit.visit_number}",)


def _admit(msg: AdtMessage, ctx: Context, patient: Patient) -> Outcome:
    visit = msg.visit
    assert visit is not None  # A01/A04 need PV1: read_adt refused it otherwise
    linked = _linked_encounter(visit, ctx)
    if linked is not None:
        return _done(
            MessageState.IGNORED, "Ricovero già aperto da un messaggio precedente.", patient
        )
    ward_id, place_id = _ward_and_place(visit.location, visit)
    with refusal_at({"": visit.location_at}):
        encounter = registry.encounter_admit(
            actor=ctx.actor,
            workstation=ctx.workstation,
            patient_id=patient.pk,
            kind=visit.kind if msg.trigger == "A01" else _outpatient(visit),
            ward_id=ward_id,
            place_id=place_id,
            admitted_at=_moment(visit.admitted_at or msg.event_at, ctx),
        )
    _link(visit, encounter, ctx)
    return _done(
        MessageState.PROCESSED,
        f"Paziente MRN {patient.mrn} ammesso in {encounter.ward.code}.",
        patient,
        resolved=_visit_key(visit, ctx),
    )


def _outpatient(visit: Visit) -> str:
    return visit.kind if visit.kind != "inpatient" else "outpatient"


def _encounter_for(
    msg: AdtMessage, ctx: Context, patient: Patient, *, state: EncounterState
) -> Encounter | None:
    linked = _linked_encounter(msg.visit, ctx)
    if linked is not None:
        return linked
    if state is EncounterState.DISCHARGED:
        return patients.latest_discharged_encounter(patient_id=patient.pk)
    return patients.active_encounter(patient_id=patient.pk)


def _on_encounter(
    msg: AdtMessage,
    ctx: Context,
    patient: Patient,
    *,
    state: EncounterState,
    act: Callable[[Encounter], Outcome],
) -> Outcome:
    encounter = _encounter_for(msg, ctx, patient, state=state)
    if encounter is None:
        return parked(
            "Nessun ricovero del paziente a cui applicare l'evento: in attesa dell'ammissione.",
            *msg.identity.keys,
            *_visit_key(msg.visit, ctx),
        )
    if encounter.state != state.value:
        return _done(
            MessageState.IGNORED,
            f"Il ricovero è già {encounter.get_state_display()}: nulla da fare.",
            patient,
        )
    with refusal_at({"": msg.visit.location_at if msg.visit else "PV1^1"}):
        return act(encounter)


def _transfer(msg: AdtMessage, ctx: Context, patient: Patient) -> Outcome:
    visit = msg.visit
    assert visit is not None

    def act(encounter: Encounter) -> Outcome:
        ward_id, place_id = _ward_and_place(visit.location, visit)
        if encounter.ward_id == ward_id and encounter.place_id == place_id:
            return _done(MessageState.IGNORED, "Il paziente è già in quel posto.", patient)
        moved = registry.encounter_transfer(
            actor=ctx.actor,
            workstation=ctx.workstation,
            encounter_id=encounter.pk,
            expected_version=encounter.version,
            ward_id=ward_id,
            place_id=place_id,
        )
        where = moved.ward.code + (f" posto {moved.place.code}" if moved.place else "")
        return _done(MessageState.PROCESSED, f"Paziente trasferito in {where}.", patient)

    return _on_encounter(msg, ctx, patient, state=EncounterState.ACTIVE, act=act)


def _discharge(msg: AdtMessage, ctx: Context, patient: Patient) -> Outcome:
    visit = msg.visit
    assert visit is not None

    def act(encounter: Encounter) -> Outcome:
        registry.encounter_discharge(
            actor=ctx.actor,
            workstation=ctx.workstation,
            encounter_id=encounter.pk,
            expected_version=encounter.version,
            discharged_at=_moment(visit.discharged_at or msg.event_at, ctx),
        )
        return _done(MessageState.PROCESSED, f"Paziente MRN {patient.mrn} dimesso.", patient)

    return _on_encounter(msg, ctx, patient, state=EncounterState.ACTIVE, act=act)


# A cancellation: the patients service, the state the encounter must be in, the reason
# written with it and the outcome.
_CANCELS: dict[str, tuple[Callable[..., Encounter], EncounterState, str, str]] = {
    "A11": (
        registry.encounter_cancel,
        EncounterState.ACTIVE,
        "Ammissione annullata dall'ADT",
        "Ammissione annullata.",
    ),
    "A13": (
        registry.encounter_discharge_cancel,
        EncounterState.DISCHARGED,
        "Dimissione annullata dall'ADT",
        "Dimissione annullata: ricovero in corso.",
    ),
}


def _cancel(msg: AdtMessage, ctx: Context, patient: Patient) -> Outcome:
    service, state, reason, text = _CANCELS[msg.trigger]

    def act(encounter: Encounter) -> Outcome:
        service(
            actor=ctx.actor,
            workstation=ctx.workstation,
            encounter_id=encounter.pk,
            expected_version=encounter.version,
            reason=f"{reason} ({ctx.reason})",
        )
        return _done(MessageState.PROCESSED, text, patient)

    return _on_encounter(msg, ctx, patient, state=state, act=act)


# --- change of class (A06, A07) -----------------------------------------------------------

# The kinds each event may turn a stay into (PV1-2 says which); anything else is a message
# that contradicts itself.
_CLASS_TARGETS = {
    "A06": ("inpatient", "day_hospital"),  # outpatient → inpatient (or day hospital)
    "A07": ("outpatient",),  # inpatient → outpatient
}
_CLASS_TEXT = {"A06": "da ambulatoriale a ricovero", "A07": "da ricovero ad ambulatoriale"}


def _relink(visit: Visit, encounter: Encounter, ctx: Context) -> None:
    """The visit number now names the new encounter (an ADT often keeps the same number
    across a change of class; later A02/A03 must reach the stay in progress)."""
    if not visit.visit_number:
        return
    updated = VisitLink.objects.filter(
        sending_facility=ctx.row.sending_facility, visit_number=visit.visit_number
    ).update(encounter_id=encounter.pk)
    if not updated:
        _link(visit, encounter, ctx)


def _class_change(msg: AdtMessage, ctx: Context, patient: Patient) -> Outcome:
    """A06/A07: the stay in progress ends at the event's time and one of the new class opens
    in PV1-3 at the same moment (Corsia's encounter has one kind; an Italian stay changing
    class is a new episode — an SDO for the ricovero), linked to the visit number. With no
    stay in progress the new one simply opens."""
    visit = msg.visit
    assert visit is not None  # A06/A07 need PV1
    if visit.kind not in _CLASS_TARGETS[msg.trigger]:
        raise refused(
            f"La classe del paziente in PV1-2 non corrisponde all'evento {msg.trigger} "
            f"({_CLASS_TEXT[msg.trigger]}).",
            "patient_class_conflict",
            Hl7Error.TABLE_VALUE_NOT_FOUND,
            "PV1^1^2",
        )
    if not visit.location:
        raise refused(
            "Manca il reparto della nuova classe (PV1-3).",
            "location_missing",
            Hl7Error.REQUIRED_FIELD_MISSING,
            visit.location_at,
        )
    ward_id, place_id = _ward_and_place(visit.location, visit)
    when = _moment(msg.event_at, ctx)  # EVN-6, else EVN-2: when the class changed
    current = _linked_encounter(visit, ctx)
    if current is None or current.state != EncounterState.ACTIVE.value:
        current = patients.active_encounter(patient_id=patient.pk)
    if current is not None and current.kind == visit.kind and current.ward_id == ward_id:
        return _done(MessageState.IGNORED, "Il paziente è già in quella classe e reparto.", patient)
    with refusal_at({"": visit.location_at}):
        if current is not None:
            registry.encounter_discharge(
                actor=ctx.actor,
                workstation=ctx.workstation,
                encounter_id=current.pk,
                expected_version=current.version,
                discharged_at=max(when, current.admitted_at),
            )
        encounter = registry.encounter_admit(
            actor=ctx.actor,
            workstation=ctx.workstation,
            patient_id=patient.pk,
            kind=visit.kind,
            ward_id=ward_id,
            place_id=place_id,
            admitted_at=max(when, current.admitted_at) if current is not None else when,
        )
    _relink(visit, encounter, ctx)
    closed = f" (chiuso l'accesso in {current.ward.code})" if current is not None else ""
    return _done(
        MessageState.PROCESSED,
        f"Cambio di classe {_CLASS_TEXT[msg.trigger]}: paziente MRN {patient.mrn} in "
        f"{encounter.ward.code}{closed}.",
        patient,
        resolved=_visit_key(visit, ctx),
    )


# --- merge, its correction and identifier change ------------------------------------------


def _merge(msg: AdtMessage, ctx: Context) -> Outcome:
    prior = msg.prior
    assert prior is not None  # A40 needs MRG
    survivor = patient_of(msg.identity)
    duplicate = patient_of(prior)
    if survivor is None:
        return parked("Il paziente che resta (PID-3) non è ancora noto.", *msg.identity.keys)
    if duplicate is None or duplicate.pk == survivor.pk:
        return _done(
            MessageState.IGNORED,
            "Il duplicato (MRG-1) non è noto o è già unito a questo paziente.",
            survivor,
        )
    with refusal_at({"": prior.location}):
        kept = registry.patient_merge(
            actor=ctx.actor,
            workstation=ctx.workstation,
            survivor_id=survivor.pk,
            duplicate_id=duplicate.pk,
            reason=f"Unione dall'anagrafe ({ctx.reason})",
        )
    return _done(
        MessageState.PROCESSED,
        f"Paziente MRN {duplicate.mrn} unito a MRN {kept.mrn}.",
        kept,
        resolved=prior.keys,
    )


def _unlink(msg: AdtMessage, ctx: Context) -> Outcome:
    """A37: the registry's correction of a merge (README, "A40 corrected"). The first PID
    names the patient that stays, the second the registration merged into it by mistake:
    the merge in force between them is undone (``patients.services.patient_unmerge``, every
    module's moved rows back). None in force (never merged, or undone already): ignored."""
    prior = msg.prior
    assert prior is not None  # A37 needs its second PID
    survivor = patient_of(msg.identity)
    if survivor is None:
        return _done(MessageState.IGNORED, "Il paziente che resta (PID-3) non è noto.", None)
    merge_id = merges.merge_in_force_for(
        survivor_id=survivor.pk,
        codice_fiscale=prior.of(IdKind.CODICE_FISCALE),
        stp_eni_code=prior.of(IdKind.STP_ENI),
        mrn=prior.of(IdKind.MRN),
        external=prior.others,
    )
    if merge_id is None:
        return _done(
            MessageState.IGNORED,
            "Nessuna unione in vigore tra i due pazienti: nulla da annullare.",
            survivor,
        )
    with refusal_at({"": prior.location}):
        merge = registry.patient_unmerge(
            actor=ctx.actor,
            workstation=ctx.workstation,
            merge_id=merge_id,
            reason=f"Correzione dell'unione dall'anagrafe ({ctx.reason})",
        )
    restored = merges.merge_find(merge_id=merge.pk)
    assert restored is not None
    return _done(
        MessageState.PROCESSED,
        f"Unione annullata: il paziente MRN {restored.duplicate_mrn} è di nuovo separato da "
        f"MRN {restored.survivor_mrn}.",
        survivor,
        resolved=prior.keys,
    )


def _identifiers_change(msg: AdtMessage, ctx: Context) -> Outcome:
    prior = msg.prior
    assert prior is not None  # A47 needs MRG
    patient = patient_of(prior)
    if patient is None:
        if patient_of(msg.identity) is not None:
            return _done(
                MessageState.IGNORED,
                "Gli identificativi sono già quelli nuovi.",
                patient_of(msg.identity),
            )
        return parked("Il paziente degli identificativi precedenti non è noto.", *prior.keys)
    updated = _register_or_update(msg, ctx, patient)
    return _done(
        MessageState.PROCESSED,
        f"Identificativi del paziente MRN {updated.mrn} aggiornati.",
        updated,
    )


# --- one message --------------------------------------------------------------------------


def _done(
    state: MessageState, text: str, patient: Patient | None, *, resolved: tuple[str, ...] = ()
) -> Outcome:
    return Outcome(state, text, patient_id=patient.pk if patient else None, resolved=resolved)


_CREATES = frozenset({"A01", "A04", "A05", "A28"})
_ENCOUNTER_ACTS: dict[str, Callable[[AdtMessage, Context, Patient], Outcome]] = {
    "A02": _transfer,
    "A03": _discharge,
    "A06": _class_change,
    "A07": _class_change,
    "A11": _cancel,
    "A12": _transfer,  # the transfer cancelled: back to PV1-3, the place before it
    "A13": _cancel,
}


def adt_apply(msg: AdtMessage, ctx: Context) -> Outcome:
    checked_identity(msg.identity)
    if msg.prior is not None:
        checked_identity(msg.prior)
    if msg.trigger == "A40":
        return _merge(msg, ctx)
    if msg.trigger == "A47":
        return _identifiers_change(msg, ctx)
    if msg.trigger == "A37":
        return _unlink(msg, ctx)
    patient = patient_of(msg.identity)
    if patient is None and msg.trigger not in _CREATES:
        return parked(
            "Paziente non ancora noto: in attesa della registrazione.", *msg.identity.keys
        )
    if msg.trigger in _CREATES or msg.trigger in ("A08", "A31"):
        patient = _register_or_update(msg, ctx, patient)
    assert patient is not None
    resolved = msg.identity.keys
    if msg.trigger in ("A01", "A04") and msg.visit is not None and msg.visit.location:
        outcome = _admit(msg, ctx, patient)
    elif msg.trigger in _ENCOUNTER_ACTS:
        outcome = _ENCOUNTER_ACTS[msg.trigger](msg, ctx, patient)
    else:
        what = "pre-ricovero registrato" if msg.trigger == "A05" else "anagrafica aggiornata"
        outcome = _done(MessageState.PROCESSED, f"Paziente MRN {patient.mrn}: {what}.", patient)
    if outcome.state is MessageState.PARKED:
        return outcome
    return Outcome(
        outcome.state,
        outcome.text,
        patient_id=outcome.patient_id,
        resolved=(*resolved, *outcome.resolved),
    )
