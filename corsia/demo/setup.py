"""What `make run` loads: reference data, then the demo hospital. Each step is idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from corsia.accounts import selectors as accounts_selectors
from corsia.accounts import services as accounts_services

if TYPE_CHECKING:
    from corsia.core.actors import User


def _user(username: str) -> User:
    return accounts_selectors.user_by_username(username=username)


def reference_data() -> Iterator[str]:
    accounts_services.roles_sync()
    yield "roles and permissions synchronised"
    from corsia.drugs.services import drugs_reference_load

    run = drugs_reference_load()
    yield f"drug archive: {run.created} created, {run.updated} updated, {run.unchanged} unchanged"
    from corsia.regimens import library as regimen_library

    yield regimen_library.load_preloaded()
    from corsia.toxicity.services import ctcae_reference_load

    ctcae = ctcae_reference_load()
    yield f"CTCAE v5.0 terms: {ctcae.created} created, {ctcae.updated} updated, {ctcae.unchanged} unchanged"
    from corsia.records.services import icd9cm_reference_load

    icd9 = icd9cm_reference_load()
    yield f"ICD-9-CM codes: {icd9.created} created, {icd9.updated} updated, {icd9.unchanged} unchanged"


def demo_hospital() -> Iterator[str]:
    from corsia.demo import users

    created = users.ensure_demo_users()
    yield f"demo users: {created} created"
    from corsia.regimens import library as regimen_library

    yield regimen_library.validate_for_demo(validators=("medico", "medico2"))
    from corsia.demo import patients as demo_patients

    yield f"demo wards, beds and chairs: {demo_patients.ensure_wards()} created"
    coordinator = _user("coordinatore")
    yield f"demo patients: {demo_patients.ensure_demo_patients(actor=coordinator)} created"
    from corsia.prescribing.demo import ensure_demo_clinical

    yield ensure_demo_clinical(
        physician=_user("medico"),
        validator=_user("medico2"),
        pharmacist=_user("farmacista"),
    )
    from corsia.inventory import demo as demo_inventory

    pharmacist = _user("farmacista")
    yield f"demo stock: {demo_inventory.ensure_demo_stock(actor=pharmacist)} movements created"
    from corsia.demo import toxicities as demo_toxicities

    physician = _user("medico")
    yield f"demo toxicities: {demo_toxicities.ensure_demo_toxicities(actor=physician)} created"
    from corsia.demo import records as demo_records

    charts = demo_records.ensure_demo_records(physician=physician, nurse=_user("infermiere"))
    yield f"demo charts: {charts} created"
    from corsia.compounding.demo import ensure_demo_ufa

    yield ensure_demo_ufa(
        pharmacist=_user("farmacista"),
        technician=_user("tecnico"),
    )
    from corsia.administration.demo import ensure_demo_appointments

    nurse = _user("infermiere")
    yield f"demo appointments: {ensure_demo_appointments(actor=nurse)} created"
