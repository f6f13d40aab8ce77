"""The JSON shapes of the saved orders, the wards' templates and the day's work plan
(``/api/v1/nutrition/orders``, ``/templates``, ``/work-plan``).

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import Amount, AwareDatetime, IsoDate, Reason, RecordId
from corsia.nutrition.models import NutritionOrder, WardTemplate
from corsia.nutrition.schemas import ADULT_EXAMPLE, UnitName
from corsia.nutrition.selectors import PlanEntry
from corsia.nutrition.services import LineInput, OrderInput, TemplateInput

ORDER_EXAMPLE: dict[str, Any] = {
    "route": "central",
    "infusion_hours": 24,
    "mode": "needs",
    "components": ADULT_EXAMPLE["components"],
}
NEONATE_ORDER_EXAMPLE: dict[str, Any] = {
    "route": "central",
    "preterm": True,
    "components": [
        {"code": "AA_PRIMENE_10", "amount": 3, "unit": "g/kg"},
        {"code": "GLU_20", "amount": 11.52, "unit": "g/kg"},
        {"code": "LIP_SMOFLIPID_20", "amount": 3, "unit": "g/kg"},
        {"code": "P_GLYCOPHOS", "amount": 1.5, "unit": "mmol/kg"},
        {"code": "CA_GLUC_10", "amount": 3, "unit": "mEq/kg"},
    ],
}


class LineIn(Schema):
    code: str = Field(max_length=40)
    amount: Amount
    unit: UnitName = "mL"


class OrderIn(Schema):
    route: Literal["central", "peripheral", ""] = ""
    infusion_hours: Amount | None = None
    mode: Literal["needs", "bag", ""] = ""
    for_date: IsoDate | None = None
    preterm: bool = False
    template_id: RecordId | None = None
    components: list[LineIn] = Field(default_factory=list, max_length=40)

    model_config = {"json_schema_extra": {"examples": [ORDER_EXAMPLE, NEONATE_ORDER_EXAMPLE]}}


class OrderEditIn(OrderIn):
    """The create body and the ``version`` the form was built on (optimistic locking)."""

    version: int = Field(ge=1)

    model_config = {"json_schema_extra": {"examples": [ORDER_EXAMPLE | {"version": 1}]}}


class SignIn(Schema):
    expected_version: int | None = None
    warning_reason: Reason = ""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"expected_version": 1, "warning_reason": "Osmolarità del Soluvit non dichiarata"}
            ]
        }
    }


class ActIn(Schema):
    expected_version: int | None = None
    note: Reason = ""


class ReasonIn(Schema):
    expected_version: int | None = None
    reason: Reason

    model_config = {
        "json_schema_extra": {
            "examples": [{"expected_version": 2, "reason": "Potassio da rivedere"}]
        }
    }


class TemplateIn(Schema):
    name: str = Field(max_length=120)
    ward: str = Field(max_length=120)
    age_group: Literal["adult", "paediatric", "neonatal"]
    route: Literal["central", "peripheral"]
    mode: Literal["needs", "bag"] = "needs"
    infusion_hours: Amount = Decimal(24)
    components: list[LineIn] = Field(max_length=40)


class LineOut(Schema):
    position: int
    code: str
    amount: Decimal
    unit: str


class PrepareIn(Schema):
    expected_version: int | None = None
    gross_g: Amount
    tare_g: Amount

    model_config = {
        "json_schema_extra": {
            "examples": [{"expected_version": 3, "gross_g": 2061.5, "tare_g": 35}]
        }
    }


class CheckOutIn(Schema):
    label: str = Field(max_length=200)

    model_config = {"json_schema_extra": {"examples": [{"label": "NPT-12"}]}}


class BedsideIn(Schema):
    wristband: str = Field(max_length=200)
    label: str = Field(max_length=200)
    rate_ml_h: Amount | None = None
    expected_version: int | None = None

    model_config = {
        "json_schema_extra": {
            "examples": [{"wristband": "PZ00001234", "label": "NPT-12", "rate_ml_h": 79}]
        }
    }


class EndIn(Schema):
    """The end of a started bag's infusion: ``ended_at`` (now when omitted; ISO 8601 with
    its offset), the volume infused (mL), the reason when stopped early."""

    ended_at: AwareDatetime | None = None
    infused_ml: Amount
    reason: Reason = ""
    expected_version: int | None = None

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"infused_ml": 1895},
                {
                    "ended_at": "2026-12-04T06:30:00+01:00",
                    "infused_ml": 1200,
                    "reason": "Catetere venoso centrale occluso: sacca sospesa",
                },
            ]
        }
    }


class WeighingOut(Schema):
    gross_g: Decimal
    tare_g: Decimal
    measured_net_g: Decimal
    expected_net_g: Decimal
    deviation_g: Decimal
    deviation_percent: Decimal
    tolerance_percent: Decimal
    passed: bool
    densities_to_verify: list[str]
    weighed_by: str
    weighed_at: datetime
    workstation: str


class OrderOut(Schema):
    id: int
    bag_id: str
    patient_id: int
    state: str
    age_group: str
    mode: str
    route: str
    infusion_hours: Decimal
    preterm: bool
    for_date: date
    prescriber: str
    weight_kg: Decimal | None
    weight_measured_at: datetime | None
    blocked: bool
    warning_reason: str
    signed_at: datetime | None
    validated_at: datetime | None
    validated_by: str | None
    rejection_reason: str
    cancel_reason: str
    prepared_at: datetime | None
    checked_out_at: datetime | None
    administered_at: datetime | None
    rate_ml_h: Decimal | None
    ended_at: datetime | None
    infused_ml: Decimal | None
    end_reason: str
    version: int
    lines: list[LineOut]
    results: dict[str, Any]
    weighings: list[WeighingOut]


class StepOut(Schema):
    sequence: int
    code: str
    name: str
    volume_ml: Decimal
    stage: str


class PlanEntryOut(Schema):
    order: OrderOut
    volume_ml: Decimal
    rate_ml_h: Decimal
    steps: list[StepOut]
    compounder_csv: str


class TemplateOut(Schema):
    id: int
    name: str
    ward: str
    age_group: str
    mode: str
    route: str
    infusion_hours: Decimal
    components: list[dict[str, str]]
    active: bool
    version: int


def _name(user: Any) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def order_out(order: NutritionOrder) -> OrderOut:
    return OrderOut(
        id=order.pk, bag_id=order.bag_id, patient_id=order.patient_id, state=order.state,
        age_group=order.age_group, mode=order.mode, route=order.route,
        infusion_hours=order.infusion_hours, preterm=order.preterm, for_date=order.for_date,
        prescriber=_name(order.prescriber) or "", weight_kg=order.weight_kg,
        weight_measured_at=order.weight_measured_at, blocked=order.blocked,
        warning_reason=order.warning_reason, signed_at=order.signed_at,
        validated_at=order.validated_at, validated_by=_name(order.validated_by),
        rejection_reason=order.rejection_reason, cancel_reason=order.cancel_reason,
        prepared_at=order.prepared_at, checked_out_at=order.checked_out_at,
        administered_at=order.administered_at, rate_ml_h=order.rate_ml_h,
        ended_at=order.ended_at, infused_ml=order.infused_ml, end_reason=order.end_reason,
        version=order.version,
        lines=[
            LineOut(position=ln.position, code=ln.code, amount=ln.amount, unit=ln.unit)
            for ln in order.lines.all()
        ],
        results=order.results,
        weighings=[
            WeighingOut(
                gross_g=w.gross_g, tare_g=w.tare_g, measured_net_g=w.measured_net_g,
                expected_net_g=w.expected_net_g, deviation_g=w.deviation_g,
                deviation_percent=w.deviation_percent, tolerance_percent=w.tolerance_percent,
                passed=w.passed, densities_to_verify=list(w.densities_to_verify),
                weighed_by=_name(w.weighed_by) or "", weighed_at=w.weighed_at,
                workstation=w.workstation,
            )
            for w in order.weighings.all()
        ],
    )  # fmt: skip


def plan_entry_out(entry: PlanEntry) -> PlanEntryOut:
    return PlanEntryOut(
        order=order_out(entry.order),
        volume_ml=entry.volume_ml,
        rate_ml_h=entry.rate_ml_h,
        steps=[
            StepOut(
                sequence=s.sequence,
                code=s.part.component.code,
                name=s.part.component.name,
                volume_ml=s.part.volume_ml,
                stage=s.stage,
            )
            for s in entry.steps
        ],
        compounder_csv=entry.csv,
    )


def template_out(template: WardTemplate) -> TemplateOut:
    return TemplateOut(
        id=template.pk, name=template.name, ward=template.ward, age_group=template.age_group,
        mode=template.mode, route=template.route, infusion_hours=template.infusion_hours,
        components=list(template.lines), active=template.active, version=template.version,
    )  # fmt: skip


def _lines(components: list[LineIn]) -> tuple[LineInput, ...]:
    return tuple(LineInput(c.code, c.amount, c.unit) for c in components)


def order_input(payload: OrderIn) -> OrderInput:
    return OrderInput(
        route=payload.route, infusion_hours=payload.infusion_hours, mode=payload.mode,
        for_date=payload.for_date, preterm=payload.preterm, template_id=payload.template_id,
        lines=_lines(payload.components),
    )  # fmt: skip


def template_input(payload: TemplateIn) -> TemplateInput:
    return TemplateInput(
        name=payload.name, ward=payload.ward, age_group=payload.age_group, route=payload.route,
        mode=payload.mode, infusion_hours=payload.infusion_hours,
        lines=_lines(payload.components),
    )  # fmt: skip
