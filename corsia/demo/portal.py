"""The demo's patient portal: the first adult demo patient (who has day-hospital
appointments) with a portal account, and a conversation with the care team already
answered. Sign in at /portale/accesso/ with their codice fiscale: the one-time code is
written in the server's log (``ConsoleSender``). Idempotent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corsia.demo import patients as demo_patients
from corsia.patients.selectors import patient_record
from corsia.portal.selectors import account_of_patient, patient_threads
from corsia.portal.services import portal_account_open
from corsia.portal.services.messages import message_send_by_patient, message_send_by_team

if TYPE_CHECKING:
    from corsia.core.actors import User


def ensure_demo_portal(*, nurse: User) -> str:
    adults = demo_patients.adult_patient_ids()
    if not adults:
        return "no demo patient"
    patient = patient_record(patient_id=adults[0])
    account = account_of_patient(patient.pk)
    if account is None:
        account = portal_account_open(
            actor=nurse,
            workstation="demo",
            patient_id=patient.pk,
            email=patient.email or "paziente.demo@example.org",
        )
    if not patient_threads(patient_id=patient.pk):
        sent = message_send_by_patient(
            account_id=account.pk,
            patient_id=patient.pk,
            subject="Nausea dopo il ciclo",
            body="Buongiorno, da ieri sera ho nausea. Posso prendere ancora l'antiemetico?",
        )
        message_send_by_team(
            actor=nurse,
            workstation="demo",
            thread_id=sent.message.thread_id,
            body="Sì, come indicato nella lettera. Se vomita più di 3 volte in un giorno ci chiami.",
        )
    return f"{patient.surname} {patient.given_names}, codice fiscale {patient.codice_fiscale}"
