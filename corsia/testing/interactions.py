"""Scenarios of the interaction check across modules (H59): a chemotherapy order of the
library and a ward prescription for the same patient."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.drugs.models import ActiveIngredient
from corsia.patients.models import Patient
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import library_order
from corsia.therapy import services as therapy
from corsia.therapy.models import WardPrescription


def chemo_order(
    make_user: MakeUser, physician: User, code: str, *, start: date | None = None
) -> TherapyOrder:
    """A draft of the library regimen ``code`` from ``start`` (today by default) by
    ``physician`` for a measured patient (``library_order``)."""
    return library_order(
        code,
        physician=physician,
        approvers=(make_user(Role.PHYSICIAN), physician),
        registrar=make_user(Role.COORDINATOR),
        start=start or timezone.localdate(),
    )


def ward_prescribed(
    physician: User,
    patient: Patient,
    code: str,
    *,
    dose: str = "5",
    start: date | None = None,
    days: int | None = None,
    override_reason: str = "",
    acknowledged: bool = False,
) -> WardPrescription:
    """The archive ingredient ``code`` prescribed on the ward (``dose`` mg by mouth at
    08:00 from ``start``, for ``days`` or until stopped)."""
    ingredient = ActiveIngredient.objects.get(code=code)
    return therapy.prescription_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=therapy.PrescriptionInput(
            ingredient_id=ingredient.pk,
            dose=Decimal(dose),
            dose_unit="mg",
            route="os",
            frequency="scheduled",
            times=("08:00",),
            start_date=start,
            days=days,
        ),
        decision=therapy.Decision(override_reason=override_reason, acknowledged=acknowledged),
    )
