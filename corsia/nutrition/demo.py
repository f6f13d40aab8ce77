"""Demo parenteral nutrition: a preterm neonate on day 5 (1.2 kg) with a signed bag by needs
per kg awaiting the pharmacy, and the first adult inpatient of the oncology ward (weighed
today) with a bag validated by the pharmacist, on today's work plan. Through the services;
idempotent: nothing is created when an order exists."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from corsia.core.actors import User
from corsia.nutrition import services
from corsia.nutrition.models import NutritionOrder
from corsia.nutrition.services import LineInput
from corsia.patients.selectors import ward_inpatients
from corsia.patients.services import PatientInput, patient_create
from corsia.prescribing.services import measurement_record

WARD = "ONC"
REASON = "Valutato con la Farmacia: avvisi noti"
NEONATE = (
    LineInput("AA_PRIMENE_10", Decimal(3), "g/kg"),
    LineInput("GLU_20", Decimal("11.52"), "g/kg"),
    LineInput("LIP_SMOFLIPID_20", Decimal(3), "g/kg"),
    LineInput("P_GLYCOPHOS", Decimal("1.5"), "mmol/kg"),
    LineInput("CA_GLUC_10", Decimal(3), "mEq/kg"),
)
ADULT = (
    LineInput("AA_AMINOVEN_10", Decimal(1000), "mL"),
    LineInput("GLU_50", Decimal(500), "mL"),
    LineInput("LIP_SMOFLIPID_20", Decimal(250), "mL"),
    LineInput("NA_CL_2", Decimal(80), "mmol"),
    LineInput("K_CL_2", Decimal(60), "mEq"),
    LineInput("P_GLYCOPHOS", Decimal(15), "mmol"),
    LineInput("CA_GLUC_10", Decimal("4.5"), "mmol"),
    LineInput("MG_SO4_10", Decimal(20), "mL"),
    LineInput("TE_ADDAVEN", Decimal(1), "unit"),
    LineInput("VIT_SOLUVIT_N", Decimal(1), "unit"),
)


def _signed(
    physician: User, patient_id: int, lines: tuple[LineInput, ...], *, preterm: bool = False
) -> int:
    order = services.order_create(
        actor=physician, workstation="demo", patient_id=patient_id,
        data=services.OrderInput(route="central", lines=lines, preterm=preterm),
    )  # fmt: skip
    services.order_sign(
        actor=physician, workstation="demo", order_id=order.pk, expected_version=None,
        warning_reason=REASON,
    )  # fmt: skip
    return order.pk


def ensure_demo_nutrition(
    *, physician: User, pharmacist: User, nurse: User, coordinator: User
) -> int:
    """Orders created (0 when some exist)."""
    if NutritionOrder.objects.exists():
        return 0
    now = timezone.now()
    neonate = patient_create(
        actor=coordinator, workstation="demo",
        data=PatientInput(
            surname="Neri", given_names="Sofia", sex="F",
            date_of_birth=timezone.localdate() - timedelta(days=5),
            stp_eni_code="STP1200000018001",
        ),
    )  # fmt: skip
    measurement_record(
        actor=nurse, workstation="demo", patient_id=neonate.pk, kind="weight_kg",
        value=Decimal("1.2"), measured_at=now - timedelta(hours=2),
    )  # fmt: skip
    created = [_signed(physician, neonate.pk, NEONATE, preterm=True)]
    adults = ward_inpatients(user=nurse, ward_code=WARD)[:1]
    for patient in adults:
        measurement_record(
            actor=nurse, workstation="demo", patient_id=patient.pk, kind="weight_kg",
            value=Decimal(70), measured_at=now - timedelta(hours=1),
        )  # fmt: skip
        order_id = _signed(physician, patient.pk, ADULT)
        services.order_validate(
            actor=pharmacist, workstation="demo", order_id=order_id, expected_version=None
        )
        created.append(order_id)
    return len(created)
