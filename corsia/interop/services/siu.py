"""A CUP's scheduling message (SIU^S12–S15, S17, S26) applied to the agenda through its own
services (``corsia.agenda.services.cup_booking_*``): the booking made, moved, re-made,
cancelled (S15; S17, the appointment deleted by the CUP: cancelled too, never deleted) or
marked as a no-show (S26) by the interface's account, the message named as the reason of
every change.

Unlike ADT and ORU, a SIU naming an unknown patient is **refused** (AE), not parked: the
CUP books people the hospital's registry (the ADT) already knows; a booking the agenda
cannot hold (closed day, outside the shifts, full day, a service not mapped to a booking
type) is refused too, with the agenda's own message — never placed elsewhere in silence.
"""

from __future__ import annotations

from django.utils import timezone

from corsia.administration.domain.hl7_pcd import Hl7Error
from corsia.administration.domain.hl7_pcd.terms import refused
from corsia.agenda.services import (
    CupAppointment,
    CupReference,
    cup_booking_book,
    cup_booking_cancel,
    cup_booking_change,
    cup_booking_no_show,
)
from corsia.interop.domain.siu import Appointment
from corsia.interop.domain.states import MessageState
from corsia.interop.services.context import (
    Context,
    Outcome,
    checked_identity,
    patient_of,
    refusal_at,
)

_DONE = {
    "created": "prenotato in agenda, da collocare",
    "moved": "spostato",
    "rebooked": "modificato (prenotazione annullata e rifatta)",
    "cancelled": "annullato",
    "deleted": "eliminato dal CUP (prenotazione annullata, conservata)",
    "no_show": "segnato come paziente non presentato",
    "already_no_show": "già segnato come non presentato, nulla da fare",
    "unchanged": "già in agenda così, nulla da fare",
    "already_cancelled": "già annullato, nulla da fare",
}


def _system(ctx: Context) -> str:
    return f"{ctx.row.sending_facility}:{ctx.row.sending_application}"[:80]


def siu_apply(msg: Appointment, ctx: Context) -> Outcome:
    checked_identity(msg.identity)
    patient = patient_of(msg.identity)
    if patient is None:
        raise refused(
            f"Paziente dell'appuntamento {msg.filler_id} non presente in anagrafe "
            f"({msg.identity.location}): va registrato dall'ADT prima della prenotazione.",
            "patient_unknown",
            Hl7Error.UNKNOWN_KEY,
            msg.identity.location,
        )
    locations = {
        "external_id": "SCH^1^2",
        "service_code": "AIS^1^3",
        "patient_id": msg.identity.location,
        "": msg.start_location,
    }
    with refusal_at(locations):
        if msg.trigger == "S26":
            result = cup_booking_no_show(
                actor=ctx.actor,
                workstation=ctx.workstation,
                ref=CupReference(_system(ctx), msg.filler_id, patient.pk),
                reason=ctx.reason,
            )
        elif msg.trigger in ("S15", "S17"):
            result = cup_booking_cancel(
                actor=ctx.actor,
                workstation=ctx.workstation,
                system=_system(ctx),
                external_id=msg.filler_id,
                patient_id=patient.pk,
                reason=ctx.reason,
                deleted=msg.trigger == "S17",
            )
        else:
            assert msg.start is not None  # read_siu requires it for S12–S14
            local = timezone.localtime(msg.start)
            data = CupAppointment(
                system=_system(ctx),
                external_id=msg.filler_id,
                service_code=msg.service_code,
                location_code=msg.location_code,
                patient_id=patient.pk,
                day=local.date(),
                start=local.time().replace(second=0, microsecond=0),
                minutes=msg.minutes,
                reason=ctx.reason,
            )
            act = cup_booking_book if msg.trigger == "S12" else cup_booking_change
            result = act(actor=ctx.actor, workstation=ctx.workstation, data=data)
    text = (
        f"Appuntamento CUP {msg.filler_id} {_DONE[result.action]} (prenotazione {result.booking_id}"
    )
    text += f", MRN {patient.mrn})."
    if msg.personnel:
        text += f" Personale indicato dal CUP: {msg.personnel}."
    state = (
        MessageState.IGNORED
        if result.action in ("unchanged", "already_cancelled", "already_no_show")
        else MessageState.PROCESSED
    )
    return Outcome(state, text, patient_id=patient.pk)
