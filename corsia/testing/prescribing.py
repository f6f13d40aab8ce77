"""Test factories of prescribing: a validated regimen version from the preloaded library,
a patient with recorded measures, an antiemetic added to an order. Shared with the compounding and administration
tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.demo.patients import DemoPerson
from corsia.drugs.models import ActiveIngredient
from corsia.patients import services as patient_services
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.models import TherapyOrder
from corsia.regimens import data
from corsia.regimens import services as regimen_services
from corsia.regimens.models import RegimenVersion
from corsia.testing.regimens import make_ingredients


def library_version(code: str, *, approvers: tuple[User, User]) -> RegimenVersion:
    """Load one regimen of the preloaded library and validate it (two approvals)."""
    spec = next(s for s in data.specs() if s.code == code)
    make_ingredients(c.ingredient for c in spec.components)
    regimen_services.regimen_library_load(specs=[spec])
    version = RegimenVersion.objects.get(regimen__code=code, number=1)
    for user in approvers:
        regimen_services.regimen_approve(actor=user, version_id=version.pk)
    version.refresh_from_db()
    return version


def measured_patient(
    *,
    registrar: User,
    physician: User,
    height_cm: str = "180",
    weight_kg: str = "80",
    creatinine: str | None = "0.9",
    measured_days_ago: int = 0,
    **fields: Any,
) -> Patient:
    """A patient (M, born 1961-05-04) with height, weight and creatinine recorded."""
    values = {
        "surname": "Bianchi",
        "given_names": "Carlo",
        "sex": "M",
        "date_of_birth": date(1961, 5, 4),
        "place_of_birth": "H501",
        **fields,
    }
    if "codice_fiscale" not in fields:
        values["codice_fiscale"] = DemoPerson(
            surname=values["surname"],
            given_names=values["given_names"],
            sex=values["sex"],
            date_of_birth=values["date_of_birth"],
            birthplace="Roma",
        ).codice_fiscale
    patient = patient_services.patient_create(
        actor=registrar, workstation=None, data=patient_services.PatientInput(**values)
    )
    when = timezone.now() - timedelta(days=measured_days_ago)
    for kind, value in (
        ("height_cm", height_cm),
        ("weight_kg", weight_kg),
        ("serum_creatinine_mg_dl", creatinine),
    ):
        if value is not None:
            services.measurement_record(
                actor=physician,
                workstation=None,
                patient_id=patient.pk,
                kind=kind,
                value=Decimal(value),
                measured_at=when,
            )
    return patient


def measured_patient_fixture() -> Any:
    """A fixture, named by the conftest name it is assigned to: ``measured_patient``
    registered by a coordinator and measured by the ``physician`` fixture (M, born
    1961-05-04, 180 cm, 80 kg: BSA 2.00 m²)."""

    def patient(make_user: Callable[..., User], physician: User) -> Patient:
        return measured_patient(registrar=make_user(Role.COORDINATOR), physician=physician)

    return pytest.fixture(patient)


def demo_colon_patient_for_folfox() -> Patient:
    """For the browser tests with the demo users: FOLFOX-4 validated (by «medico2» and a
    third physician), and a measured patient of «medico» (180 cm, 80 kg: BSA 2.00 m²)
    with colon cancer (ICD-9-CM 153.9)."""
    from django.contrib.auth.models import Group

    from corsia.accounts.domain.roles import Role

    medico = User.objects.get(username="medico")
    third = User.objects.create_user(username="validatore", password="Pw-test-12345")
    third.groups.add(Group.objects.get(name=Role.PHYSICIAN.value))
    library_version("FOLFOX-4", approvers=(User.objects.get(username="medico2"), third))
    patient = measured_patient(
        registrar=User.objects.get(username="coordinatore"), physician=medico
    )
    services.diagnosis_record(
        actor=medico, workstation=None, patient_id=patient.pk, code="153.9", label="Colon"
    )
    return patient


def library_order(
    code: str,
    *,
    physician: User,
    approvers: tuple[User, User],
    registrar: User,
    start: date,
    ward_id: int | None = None,
    events: Sequence[str] = (),
) -> TherapyOrder:
    """An order of the library regimen ``code`` (``library_version``) from ``start``, for a
    patient with measures (``measured_patient``), prescribed by ``physician`` who then fires
    the order's ``events`` in turn (e.g. confirm, send)."""
    version = library_version(code, approvers=approvers)
    patient = measured_patient(registrar=registrar, physician=physician)
    order = services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=start,
        ward_id=ward_id,
    )
    for event in events:
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    return order


def folfox_order(
    make_user: Any, physician: User, *, start: date, events: Sequence[str] = ()
) -> TherapyOrder:
    """A FOLFOX-4 draft by ``physician`` from ``start`` (``library_order``), the library
    version approved by another physician and ``physician``, the patient registered by a
    coordinator, then the order's ``events`` fired in turn (e.g. confirm, send);
    ``make_user`` is the fixture of that name."""
    return library_order(
        "FOLFOX-4",
        physician=physician,
        approvers=(make_user(Role.PHYSICIAN), physician),
        registrar=make_user(Role.COORDINATOR),
        start=start,
        events=events,
    )


def aprepitant_added(physician: User, order: TherapyOrder, **options: Any) -> TherapyOrder:
    """Aprepitant 125 mg by mouth on day 1 added to ``order`` by ``physician`` (a recorded
    deviation, ``services.order_item_add``); ``options`` are the service's other keywords."""
    aprepitant, _ = ActiveIngredient.objects.get_or_create(
        code="aprepitant", defaults={"name_en": "aprepitant", "name_it": "Aprepitant"}
    )
    return services.order_item_add(
        actor=physician,
        workstation=None,
        order_id=order.pk,
        ingredient_id=aprepitant.pk,
        dose=Decimal(125),
        dose_unit="mg",
        day_of_cycle=1,
        route="po",
        reason="Nausea ritardata al ciclo precedente",
        **options,
    )


def diagnosed_order(
    version: RegimenVersion,
    *,
    physician: User,
    registrar: User,
    diagnosis_code: str,
    start: date,
    events: Sequence[str] = (),
    schedule_reason: str = "",
    surname: str = "Bianchi",
) -> TherapyOrder:
    """An order of ``version`` for a new measured patient (``measured_patient``, named
    ``surname``) with the ICD-9-CM diagnosis ``diagnosis_code``, then the ``events`` fired
    by ``physician`` (the AIFA registry and Law 648/96 requirements depend on the diagnosis)."""
    patient = measured_patient(registrar=registrar, physician=physician, surname=surname)
    diagnosis = services.diagnosis_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        code=diagnosis_code,
        label=f"Diagnosi {diagnosis_code}",
    )
    order = services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=start,
        diagnosis_id=diagnosis.pk,
        schedule_reason=schedule_reason,
    )
    for event in events:
        services.order_transition(actor=physician, workstation=None, order_id=order.pk, event=event)
    return order


def orders_like(
    first: TherapyOrder, n: int, *, days_apart: int = 0, events: Sequence[str] = ()
) -> list[TherapyOrder]:
    """``n`` more orders of ``first``'s regimen for its patient by its prescriber, the k-th
    starting ``k × days_apart`` days before ``first`` (a history of cycles; 0: the same
    day), each then moved on by ``events`` (e.g. confirm, send)."""
    physician = first.prescriber
    orders = []
    for k in range(1, n + 1):
        order = services.order_create(
            actor=physician,
            workstation=None,
            patient_id=first.patient_id,
            regimen_version_id=first.regimen_version_id,
            start_date=first.start_date - timedelta(days=k * days_apart),
            schedule_reason="Storia di cicli dello stesso schema per il test",
        )
        for event in events:
            services.order_transition(
                actor=physician, workstation=None, order_id=order.pk, event=event
            )
        orders.append(order)
    return orders
