"""Parenteral nutrition orders the tests share: an adult and a preterm neonate with a
weight in the chart, their bags (the preview's contract examples) and a draft made through
the service."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from corsia.core.actors import User
from corsia.nutrition import reference, services
from corsia.nutrition.domain.gravimetric import expected_net_weight
from corsia.nutrition.models import NutritionOrder
from corsia.nutrition.schemas import ADULT_EXAMPLE, NEONATE_EXAMPLE
from corsia.patients.models import Patient
from corsia.prescribing.services.measures import measurement_record
from corsia.testing.patients import patient_registered


def lines_of(example: dict[str, Any]) -> tuple[services.LineInput, ...]:
    return tuple(
        services.LineInput(c["code"], Decimal(str(c["amount"])), c["unit"])
        for c in example["components"]
    )


ADULT_LINES = lines_of(ADULT_EXAMPLE)
_STP = iter(range(1, 10**9))


def stp() -> str:
    """A fresh STP code (the registry wants an identifier; a codice fiscale would have to
    match the date of birth)."""
    return f"STP120{next(_STP):010d}"


NEONATE_LINES = lines_of(NEONATE_EXAMPLE)


def weighed(nurse: User, patient_id: int, kg: Decimal | str, *, at: datetime | None = None) -> None:
    """A weight in the patient's chart (``at``: an hour ago)."""
    measurement_record(
        actor=nurse,
        workstation=None,
        patient_id=patient_id,
        kind="weight_kg",
        value=Decimal(kg),
        measured_at=at or timezone.now() - timedelta(hours=1),
    )


def adult_patient(registrar: User, nurse: User) -> Patient:
    """A 50-year-old weighing 70 kg (the adult example's patient)."""
    born = timezone.localdate() - timedelta(days=int(50 * 365.25) + 10)
    patient = patient_registered(
        registrar, date_of_birth=born, codice_fiscale="", stp_eni_code=stp()
    )
    weighed(nurse, patient.pk, "70")
    return patient


def neonate_patient(registrar: User, nurse: User) -> Patient:
    """A preterm neonate on day 5 weighing 1.2 kg (the neonatal example's patient)."""
    born: date = timezone.localdate() - timedelta(days=5)
    patient = patient_registered(
        registrar, date_of_birth=born, given_names="Sofia", surname="Neri", sex="F",
        codice_fiscale="", stp_eni_code=stp(),
    )  # fmt: skip
    weighed(nurse, patient.pk, "1.2")
    return patient


def drafted(
    physician: User,
    patient_id: int,
    lines: tuple[services.LineInput, ...] = ADULT_LINES,
    **fields: Any,
) -> NutritionOrder:
    data: dict[str, Any] = {"route": "central", "lines": lines, **fields}
    return services.order_create(
        actor=physician, workstation=None, patient_id=patient_id, data=services.OrderInput(**data)
    )


WARNING_REASON = "Soluvit senza osmolarità in etichetta: contributo trascurabile"
TARE_G = Decimal(35)


def validated(
    physician: User,
    pharmacist: User,
    patient_id: int,
    lines: tuple[services.LineInput, ...] = ADULT_LINES,
    **fields: Any,
) -> NutritionOrder:
    """A draft signed (any warning with a reason) and validated by the pharmacist."""
    order = drafted(physician, patient_id, lines, **fields)
    services.order_sign(
        actor=physician, workstation=None, order_id=order.pk, expected_version=None,
        warning_reason=WARNING_REASON,
    )  # fmt: skip
    return services.order_validate(
        actor=pharmacist, workstation="farmacia", order_id=order.pk, expected_version=None
    )


def exact_gross_g(order: NutritionOrder) -> Decimal:
    """The filled bag's gross weight on the pharmacy's densities, with ``TARE_G``."""
    net = expected_net_weight(services.bag_parts(order), reference.densities())
    return net.quantize(Decimal("0.01")) + TARE_G


def prepared(pharmacist: User, order: NutritionOrder) -> NutritionOrder:
    """The validated bag weighed at exactly its expected weight (compounded)."""
    return services.order_prepare(
        actor=pharmacist, workstation="farmacia", order_id=order.pk, expected_version=None,
        gross_g=exact_gross_g(order), tare_g=TARE_G,
    )  # fmt: skip


def checked_out(pharmacist: User, order: NutritionOrder) -> NutritionOrder:
    """The compounded bag's label scanned out of the pharmacy."""
    return services.order_check_out(actor=pharmacist, workstation="farmacia", label=order.bag_id)


def ready_at_bedside(
    physician: User, pharmacist: User, patient_id: int, **fields: Any
) -> NutritionOrder:
    """An adult bag validated, compounded and checked out to the ward."""
    order = validated(physician, pharmacist, patient_id, **fields)
    return checked_out(pharmacist, prepared(pharmacist, order))
