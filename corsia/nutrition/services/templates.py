"""A ward's template: a named set of per-kg needs for an age group, to start an order
from. Every line is checked against the pharmacy's catalogue on a reference weight, so a
template never holds an unknown component or a unit that does not apply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.nutrition import audit_events as events
from corsia.nutrition.domain.limits import DAYS_PER_YEAR
from corsia.nutrition.models import AgeGroup, OrderMode, RouteChoice, WardTemplate
from corsia.nutrition.permissions import PRESCRIBE
from corsia.nutrition.services.common import ChartWeight, LineInput, clean_text, compute, items_of

# the weight and age a template's lines are checked on (their per-kg amounts scale)
_REFERENCE = {
    AgeGroup.NEONATAL: (Decimal(3), Decimal(7)),
    AgeGroup.PAEDIATRIC: (Decimal(20), Decimal(6) * DAYS_PER_YEAR),
    AgeGroup.ADULT: (Decimal(70), Decimal(50) * DAYS_PER_YEAR),
}


@dataclass(frozen=True)
class TemplateInput:
    name: str
    ward: str
    age_group: str
    route: str
    lines: Sequence[LineInput]
    mode: str = OrderMode.NEEDS.value
    infusion_hours: Decimal = Decimal(24)


def template_save(*, actor: User, workstation: Workstation, data: TemplateInput) -> WardTemplate:
    require_permission(actor, PRESCRIBE)
    name = clean_text(data.name, "name", required="Indica il nome dello schema.")[:120]
    ward = clean_text(data.ward, "ward", required="Indica il reparto.")[:120]
    if data.age_group not in AgeGroup.values or data.route not in RouteChoice.values:
        raise ValidationFailed("Fascia d'età o via non ammesse.", code="template_invalid")
    if data.mode not in OrderMode.values:
        raise ValidationFailed("Modalità non ammessa.", code="mode_unknown", field="mode")
    items = items_of(data.lines)
    weight, age_days = _REFERENCE[AgeGroup(data.age_group)]
    compute(
        weight=ChartWeight(weight, None), age_days=age_days, route=data.route, preterm=False,
        items=items, infusion_hours=data.infusion_hours,
    )  # fmt: skip
    lines = [{"code": i.code, "amount": f"{i.amount}", "unit": i.unit.value} for i in items]
    with transaction.atomic():
        template, _created = WardTemplate.objects.update_or_create(
            ward=ward,
            name=name,
            defaults={
                "age_group": data.age_group, "mode": data.mode, "route": data.route,
                "infusion_hours": data.infusion_hours, "lines": lines, "active": True,
                "updated_by": actor,
            },
            create_defaults={
                "age_group": data.age_group, "mode": data.mode, "route": data.route,
                "infusion_hours": data.infusion_hours, "lines": lines, "created_by": actor,
                "updated_by": actor,
            },
        )  # fmt: skip
        audit_record(
            event=events.TEMPLATE_SAVED, actor=actor, workstation=workstation, target=template,
            after={"ward": ward, "name": name, "age_group": data.age_group, "lines": lines},
        )  # fmt: skip
    return template


def template_retire(
    *,
    actor: User,
    workstation: Workstation,
    template_id: int,
    reason: str,
    expected_version: int | None = None,
) -> WardTemplate:
    """A template withdrawn from use, with a reason: nothing is deleted (``active`` false;
    the orders drafted from it keep their link). Saving it again by ward and name brings it
    back. Already retired: 409 ``nutrition_template_retired``."""
    require_permission(actor, PRESCRIBE)
    text = clean_text(reason, "reason", required="Indica il motivo del ritiro.")
    with transaction.atomic():
        template = WardTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise NotFound("Schema di reparto non trovato.", code="nutrition_template_not_found")
        if not template.active:
            raise ConflictError(
                "Lo schema di reparto è già ritirato.", code="nutrition_template_retired"
            )
        if expected_version is not None:
            template.check_version(expected_version)
        template.active = False
        template.save(update_fields=["active", *template.bump(by=actor)])
        audit_record(
            event=events.TEMPLATE_RETIRED, actor=actor, workstation=workstation,
            target=template, before={"ward": template.ward, "name": template.name,
            "active": True}, after={"active": False, "version": template.version},
            reason=text,
        )  # fmt: skip
    return template
