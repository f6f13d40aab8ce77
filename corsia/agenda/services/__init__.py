"""The agenda's writes, by act: ``organisation`` (agendas, places, booking types, hours,
closed days, nurses on duty), ``bookings`` (book, move, state, lock), ``programme`` (a
line's cycles proposed, confirmed, postponed), ``reminders`` (the call-in reminders), ``optimise`` and ``plan_requests`` (the day plan,
computed by a job).
Callers import this package; the names below are its public surface."""

from corsia.agenda.services.bookings import (
    BookingInput,
    ExternalRef,
    booking_create,
    booking_lock_set,
    booking_move,
    booking_transition,
    order_steps,
    shape_for,
    slot_step,
)
from corsia.agenda.services.cup import (
    CupAppointment,
    CupMappingInput,
    CupResult,
    cup_booking_book,
    cup_booking_cancel,
    cup_booking_change,
    cup_booking_no_show,
    cup_booking_type,
    cup_mapping_deactivate,
    cup_mapping_set,
)
from corsia.agenda.services.optimise import DayPlanPreview
from corsia.agenda.services.organisation import (
    AgendaInput,
    BookingTypeInput,
    agenda_create,
    agenda_place_set,
    agenda_update,
    booking_type_set,
    closed_day_set,
    hours_set,
    nurse_on_duty_set,
)
from corsia.agenda.services.plan_requests import (
    PlanRequestView,
    day_plan_compute,
    day_plan_request,
    day_plan_request_apply,
    day_plan_requests,
    plan_request_view,
)
from corsia.agenda.services.programme import (
    programme_confirm,
    programme_postpone_cycle,
    programme_propose,
)
from corsia.agenda.services.reminders import (
    bookings_to_remind,
    reminder_send,
    reminders_request,
)

__all__ = [
    "AgendaInput",
    "BookingInput",
    "BookingTypeInput",
    "CupAppointment",
    "CupMappingInput",
    "CupResult",
    "DayPlanPreview",
    "ExternalRef",
    "PlanRequestView",
    "agenda_create",
    "agenda_place_set",
    "agenda_update",
    "booking_create",
    "booking_lock_set",
    "booking_move",
    "booking_transition",
    "booking_type_set",
    "bookings_to_remind",
    "closed_day_set",
    "cup_booking_book",
    "cup_booking_cancel",
    "cup_booking_change",
    "cup_booking_no_show",
    "cup_booking_type",
    "cup_mapping_deactivate",
    "cup_mapping_set",
    "day_plan_compute",
    "day_plan_request",
    "day_plan_request_apply",
    "day_plan_requests",
    "hours_set",
    "nurse_on_duty_set",
    "order_steps",
    "plan_request_view",
    "programme_confirm",
    "programme_postpone_cycle",
    "programme_propose",
    "reminder_send",
    "reminders_request",
    "shape_for",
    "slot_step",
]
