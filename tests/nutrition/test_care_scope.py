"""The care scope (``CORSIA_PATIENT_SCOPE = "care"``) and parenteral nutrition: the
pharmacy reads the patients it compounds a bag for, whoever acted on a bag reads its
patient, nobody else does (an id out of scope is answered as one that does not exist)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.galenics import services as galenics
from corsia.nutrition import services
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.galenics import COST_CENTER, lab_ready, published
from corsia.testing.nutrition import WARNING_REASON, drafted, prepared, validated
from corsia.testing.patients import reads_patient

pytestmark = pytest.mark.django_db


# Each test builds its orders under the hospital scope (the default), then turns the care
# scope on: who reads the patient then depends only on the orders.


def test_the_pharmacy_reads_the_patient_of_a_signed_bag_not_of_a_draft(
    settings: Any, make_user: MakeUser, physician: User, adult: Patient
) -> None:
    pharmacist, technician = make_user(Role.PHARMACIST), make_user(Role.TECHNICIAN)
    order = drafted(physician, adult.pk)
    settings.CORSIA_PATIENT_SCOPE = "care"
    assert reads_patient(physician, adult)  # drafted it
    assert not reads_patient(make_user(Role.PHYSICIAN), adult)  # a colleague with no relationship
    assert not reads_patient(pharmacist, adult)  # a draft is nothing the pharmacy works on yet
    services.order_sign(
        actor=physician, workstation=None, order_id=order.pk, expected_version=None,
        warning_reason=WARNING_REASON,
    )  # fmt: skip
    assert reads_patient(pharmacist, adult) and reads_patient(
        technician, adult
    )  # to validate, compound
    assert not reads_patient(make_user(Role.NURSE), adult)


def test_whoever_compounded_a_bag_reads_its_patient_and_a_closed_one_leaves_the_pharmacy(
    settings: Any, make_user: MakeUser, physician: User, pharmacist: User, adult: Patient
) -> None:
    order = prepared(pharmacist, validated(physician, pharmacist, adult.pk))
    settings.CORSIA_PATIENT_SCOPE = "care"
    assert reads_patient(pharmacist, adult)
    services.order_cancel(
        actor=physician, workstation=None, order_id=order.pk, expected_version=None,
        reason="Paziente dimesso",
    )  # fmt: skip
    assert reads_patient(make_user(Role.PHARMACIST), adult)  # closed, but changed in the window
    settings.CORSIA_CARE_WINDOW_DAYS = 0  # the window over: closed and not changed since
    assert not reads_patient(make_user(Role.PHARMACIST), adult)
    assert not reads_patient(pharmacist, adult)


def test_the_pharmacy_reads_the_patient_of_a_named_galenic_batch(
    settings: Any, make_user: MakeUser, adult: Patient
) -> None:
    lab = lab_ready(make_user(Role.PHARMACIST))
    formula = published(lab.pharmacist)
    galenics.batch_open(
        actor=make_user(Role.TECHNICIAN), workstation="t", formula_id=formula.pk,
        quantity=Decimal(150), cost_center_code=COST_CENTER, patient_id=adult.pk,
    )  # fmt: skip
    settings.CORSIA_PATIENT_SCOPE = "care"
    assert reads_patient(make_user(Role.PHARMACIST), adult)
    assert not reads_patient(make_user(Role.PHYSICIAN), adult)
