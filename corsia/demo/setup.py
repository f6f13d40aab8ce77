"""What `make run` loads: reference data, then the demo hospital. Each step is idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from corsia.accounts import selectors as accounts_selectors
from corsia.accounts import services as accounts_services
from corsia.administration.demo import ensure_demo_appointments
from corsia.agenda.demo import ensure_demo_agenda
from corsia.compounding.demo import ensure_demo_ufa
from corsia.demo import allergies as demo_allergies
from corsia.demo import integration as demo_integration
from corsia.demo import lymphoma as demo_lymphoma
from corsia.demo import patients as demo_patients
from corsia.demo import pgx as demo_pgx
from corsia.demo import records as demo_records
from corsia.demo import stays as demo_stays
from corsia.demo import toxicities as demo_toxicities
from corsia.demo import trials as demo_trials
from corsia.demo import users
from corsia.demo.nursing import ensure_demo_nursing
from corsia.dispensing.demo import ensure_demo_dispensing
from corsia.documents.services import templates_install_shipped
from corsia.drugs.services import drugs_reference_load
from corsia.galenics.demo import ensure_demo_galenics
from corsia.inventory import demo as demo_inventory
from corsia.nursing.services import care_templates_reference_load, scales_reference_load
from corsia.nutrition.demo import ensure_demo_nutrition
from corsia.prescribing.demo import ensure_demo_clinical
from corsia.regimens import library as regimen_library
from corsia.therapy.demo import ensure_demo_ward_therapy
from corsia.toxicity.services import ctcae_reference_load
from corsia.transfusion.demo import ensure_demo_transfusion
from corsia.transplant.demo import ensure_demo_transplant
from corsia.vascular.demo import ensure_demo_vascular

if TYPE_CHECKING:
    from corsia.core.actors import User


def _user(username: str) -> User:
    return accounts_selectors.user_by_username(username=username)


def reference_data() -> Iterator[str]:
    accounts_services.roles_sync()
    yield "roles and permissions synchronised"
    run = drugs_reference_load()
    yield f"drug archive: {run.created} created, {run.updated} updated, {run.unchanged} unchanged"
    yield regimen_library.load_preloaded()
    ctcae = ctcae_reference_load()
    yield f"CTCAE v5.0 terms: {ctcae.created} created, {ctcae.updated} updated, {ctcae.unchanged} unchanged"
    from corsia.records.services import icd9cm_reference_load

    icd9 = icd9cm_reference_load()
    yield f"ICD-9-CM codes: {icd9.created} created, {icd9.updated} updated, {icd9.unchanged} unchanged"
    # Nursing record (issue 16, §20): the shipped scales.
    yield f"nursing scales: {scales_reference_load()} created"
    yield f"nursing care-plan templates: {care_templates_reference_load()} created"
    # Print templates (issue 23 §22): each shipped file stored as a version (1 on a new install).
    shipped = templates_install_shipped()
    yield f"print templates shipped with Corsia: {', '.join(shipped) or 'none'} stored"


def demo_hospital() -> Iterator[str]:
    created = users.ensure_demo_users()
    yield f"demo users: {created} created"
    yield regimen_library.validate_for_demo(validators=("medico", "medico2"))
    yield f"demo wards, beds and chairs: {demo_patients.ensure_wards()} created"
    coordinator = _user("coordinatore")
    yield f"demo patients: {demo_patients.ensure_demo_patients(actor=coordinator)} created"
    # before the orders: the first patient's FOLFOX-4 order carries the DPYD alert
    yield f"demo pharmacogenomic results: {demo_pgx.ensure_demo_pgx(actor=_user('medico'))} created"
    yield ensure_demo_clinical(
        physician=_user("medico"),
        validator=_user("medico2"),
        pharmacist=_user("farmacista"),
    )
    yield f"demo allergies: {demo_allergies.ensure_demo_allergies(actor=_user('medico'))} created"
    trial = demo_trials.ensure_demo_trial(pharmacist=_user("farmacista"), monitor=_user("monitor"))
    yield f"demo clinical trial: {trial} created"

    pharmacist = _user("farmacista")
    yield f"demo stock: {demo_inventory.ensure_demo_stock(actor=pharmacist)} movements created"

    physician = _user("medico")
    yield f"demo toxicities: {demo_toxicities.ensure_demo_toxicities(actor=physician)} created"
    charts = demo_records.ensure_demo_records(physician=physician, nurse=_user("infermiere"))
    yield f"demo charts: {charts} created"
    stay = demo_stays.ensure_demo_stay(
        physician=physician, nurse=_user("infermiere"), coordinator=coordinator
    )
    yield f"demo stay with discharge letter: {stay} created"
    lymphoma = demo_lymphoma.ensure_demo_lymphoma_chart(
        physician=physician, nurse=_user("infermiere")
    )
    yield f"demo lymphoma chart: {lymphoma} created"
    yield ensure_demo_ufa(
        pharmacist=_user("farmacista"),
        technician=_user("tecnico"),
    )

    nurse = _user("infermiere")
    yield f"demo appointments: {ensure_demo_appointments(actor=nurse)} created"
    agenda = ensure_demo_agenda(
        coordinator=coordinator,
        nurses=[_user(u) for u in ("infermiere", "infermiere2", "infermiere3", "infermiere4")],
        patient_ids=demo_patients.adult_patient_ids(),
    )
    yield f"demo day hospital agenda: {agenda} bookings created"
    staff = demo_integration.ensure_ward_staff(actor=coordinator)
    yield f"demo ward staff (care scope): {staff} assignments created"
    # Ward requests to the pharmacy (issue 19): the day hospital cabinet's par levels and
    # stock, an urgent request waiting for the pharmacist (needs the ward staff above).
    requests = demo_inventory.ensure_demo_ward_requests(
        pharmacist=pharmacist, nurse=_user("infermiere"), coordinator=coordinator
    )
    yield f"demo ward requests: {requests} created"
    yield f"demo HL7 morning from the ADT and the laboratory: {demo_integration.ensure_demo_messages()}"
    # Nursing record (issue 16, §20): one patient's scales over three days.
    yield f"demo nursing assessments: {ensure_demo_nursing(nurse=_user('infermiere'))} created"
    # Ward therapy (issue 16, §13): a few prescriptions for the first inpatients.
    therapy = ensure_demo_ward_therapy(physician=_user("medico"))
    yield f"demo ward therapy: {therapy} prescriptions created"
    # Transfusion therapy (issue 16, §15): a request with its bags ready at the bedside.
    yield f"demo transfusion: {ensure_demo_transfusion(physician=_user('medico'))}"
    # Venous access register (issues 16 and 17): PICCs and cannulas of the first inpatients.
    yield f"demo venous accesses: {ensure_demo_vascular(nurse=_user('infermiere'))} created"
    # Stem-cell transplant pathway (issue 17): an allogeneic transplant at day +16 (EMA:
    # medico2 is its physician).
    transplant = ensure_demo_transplant(physician=_user("medico2"), nurse=_user("infermiere"))
    yield f"demo transplant: {transplant}"
    # Galenic preparations (issue 18): three formulas published, one ointment batch released.
    galenics = ensure_demo_galenics(
        pharmacist=_user("farmacista"), releaser=_user("farmacista2"), technician=_user("tecnico")
    )
    yield f"demo galenic formulas: {galenics} published"
    # Parenteral nutrition (issue 18): a preterm neonate's signed bag, an adult's validated one.
    nutrition = ensure_demo_nutrition(
        physician=_user("medico"), pharmacist=_user("farmacista"), nurse=_user("infermiere"),
        coordinator=coordinator,
    )  # fmt: skip
    yield f"demo parenteral nutrition: {nutrition} orders created"
    # Direct distribution (issue 19): the desk's shelf and stock of oral drugs, an outpatient
    # with a capecitabine therapy plan and a delegation (corsia/dispensing/README.md).
    adults = demo_patients.adult_patient_ids()
    desk = ensure_demo_dispensing(
        pharmacist=_user("farmacista"), physician=_user("medico"),
        patient_id=adults[-1] if adults else None,
    )  # fmt: skip
    yield f"demo direct distribution desk: {desk}"
    # The patient portal (issue 25): a demo patient with an account and a conversation.
    from corsia.demo.portal import ensure_demo_portal

    yield f"demo patient portal account: {ensure_demo_portal(nurse=_user('infermiere'))}"
    # Care at home (issue 25): a televisit, readings with an alert, today's diary.
    from corsia.demo.home_care import ensure_demo_home_care

    home = ensure_demo_home_care(nurse=_user("infermiere"), physician=_user("medico"))
    yield f"demo care at home: {home}"
