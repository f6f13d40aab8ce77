"""The regulatory documentation of an order (``domain/regulatory.py``): AIFA monitoring
registries, Law 648/96 and off-label use (Law 94/1998).

* :func:`order_regulatory_refresh` — at creation and recalculation: the requirements of the
  order's active drugs for its diagnosis kept as rows, what is missing as order warnings
  (never silent). Called with one line by ``creation.py``.
* :func:`order_regulatory_ensure_signable` — at signing: refused with the first missing
  code (``aifa_registry_request_missing``, ``off_label_consent_missing``, …).
* :func:`regulatory_document` — the physician records the documentation (who, when,
  workstation, audited); refused once the order is signed.
* :func:`order_regulatory_ensure_validatable` and :func:`regulatory_pharmacy_override` —
  the pharmacist's validation is refused (``regulatory_documentation_missing``) until the
  documentation is complete or the pharmacist says why they validate without it.
* :func:`regulatory_dispensing_record` — the pharmacy entered the "scheda di
  dispensazione" in the AIFA registry (who, when, workstation)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.drugs.selectors_regulatory import (
    ingredient_has_registry,
    law_648_for_indication,
    registries_for_indication,
)
from corsia.prescribing import audit_events as events
from corsia.prescribing.domain.regulatory import (
    DOCUMENTATION_MISSING,
    WARNING_CODES,
    Kind,
    Missing,
    Need,
    indication_unknown,
    missing,
)
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder
from corsia.prescribing.models_regulatory import OrderRegulatoryRequirement
from corsia.prescribing.services.orders import PRESCRIBE, locked_order

PHARMACIST = "compounding.validate"

# What the physician may record, by kind.
FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.REGISTRY: ("request_number", "request_date", "pending_reason", "pending_acknowledged"),
    Kind.LAW_648: ("listing_reference",),
    Kind.OFF_LABEL: (
        "clinical_rationale",
        "literature",
        "consent_reference",
        "consent_date",
        "authorisation_reference",
        "authorisation_date",
    ),
}


def authorisation_required() -> bool:
    return bool(getattr(settings, "CORSIA_OFF_LABEL_AUTHORISATION_REQUIRED", True))


def order_regulatory_needs(
    order: TherapyOrder, items: Iterable[OrderItem]
) -> tuple[list[Need], list[Missing]]:
    """What the order's active drugs need for its diagnosis, and the drugs under a registry
    for some indication when the order has no diagnosis (a warning only)."""
    diagnosis = order.diagnosis
    code = diagnosis.code if diagnosis is not None else ""
    label = diagnosis.label if diagnosis is not None else ""
    needs: dict[tuple[Kind, str], Need] = {}
    unknown: dict[str, Missing] = {}
    for item in items:
        if item.status != ItemStatus.ACTIVE:
            continue
        ingredient = item.ingredient
        drug = ingredient.name_it
        component = item.regimen_component
        if code:
            for row in registries_for_indication(
                ingredient_code=ingredient.code, diagnosis_code=code
            ):
                needs.setdefault(
                    (Kind.REGISTRY, ingredient.code),
                    Need(Kind.REGISTRY, ingredient.code, drug, registry=row.registry,
                         indication_code=code, indication_label=row.label),
                )  # fmt: skip
        elif ingredient_has_registry(ingredient_code=ingredient.code):
            unknown.setdefault(ingredient.code, indication_unknown(drug))
        listings = (
            law_648_for_indication(ingredient_code=ingredient.code, diagnosis_code=code)
            if code
            else []
        )
        if listings or (component is not None and component.law_648):
            needs.setdefault(
                (Kind.LAW_648, ingredient.code),
                Need(Kind.LAW_648, ingredient.code, drug,
                     reference=listings[0].reference if listings else "",
                     indication_code=code, indication_label=label),
            )  # fmt: skip
        if component is not None and component.off_label:
            needs.setdefault(
                (Kind.OFF_LABEL, ingredient.code),
                Need(Kind.OFF_LABEL, ingredient.code, drug,
                     indication_code=code, indication_label=label),
            )  # fmt: skip
    return list(needs.values()), list(unknown.values())


def _rows(order: TherapyOrder) -> list[OrderRegulatoryRequirement]:
    return list(OrderRegulatoryRequirement.objects.filter(order=order).select_related("ingredient"))


def requirement_missing(row: OrderRegulatoryRequirement) -> list[Missing]:
    return missing(
        Kind(row.kind),
        row.ingredient.name_it,
        row.documentation(),
        authorisation_required=authorisation_required(),
    )


def order_regulatory_refresh(order: TherapyOrder, items: Iterable[OrderItem]) -> bool:
    """Keep the order's requirements in step with its active drugs and diagnosis, and its
    warnings with what is missing (saved); True when the order has any such warning. A
    signed order is left as it was signed."""
    if order.signed_at is not None:
        return False
    items = list(items)
    needs, unknown = order_regulatory_needs(order, items)
    ids = {i.ingredient.code: i.ingredient_id for i in items}
    existing = {(r.kind, r.ingredient.code): r for r in _rows(order)}
    wanted = set()
    for need in needs:
        key = (need.kind.value, need.ingredient_code)
        wanted.add(key)
        row = existing.get(key)
        if row is None:
            OrderRegulatoryRequirement.objects.create(
                order=order,
                ingredient_id=ids[need.ingredient_code],
                kind=need.kind.value,
                registry_name=need.registry,
                indication_code=need.indication_code,
                indication_label=need.indication_label,
                listing_reference=need.reference,
            )
        elif not row.active or row.indication_code != need.indication_code:
            row.active = True
            row.indication_code = need.indication_code
            row.indication_label = need.indication_label
            row.registry_name = need.registry or row.registry_name
            stamps = row.bump(by=row.updated_by)
            row.save(update_fields=["active", "indication_code", "indication_label",
                                    "registry_name", *stamps])  # fmt: skip
    for key, row in existing.items():
        if key not in wanted and row.active:
            row.active = False
            row.save(update_fields=["active", *row.bump(by=row.updated_by)])
    warnings = [*unknown, *(m for _, m in order_regulatory_missing(order))]
    order.warnings = [w for w in order.warnings if w.get("code") not in WARNING_CODES] + [
        {"code": m.code, "message": m.message} for m in warnings
    ]
    order.save(update_fields=["warnings"])
    return bool(warnings)


def order_regulatory_missing(
    order: TherapyOrder,
) -> list[tuple[OrderRegulatoryRequirement, Missing]]:
    """The active requirements' missing documentation, in the rows' order."""
    return [(row, m) for row in _rows(order) if row.active for m in requirement_missing(row)]


def _refusal(
    pairs: list[tuple[OrderRegulatoryRequirement, Missing]], code: str, lead: str
) -> ValidationFailed:
    return ValidationFailed(
        lead + " ".join(m.message for _, m in pairs),
        code=code,
        field="regulatory",
        details={
            "missing": [
                {"code": m.code, "requirement_id": r.pk, "kind": r.kind,
                 "drug": r.ingredient.name_it, "message": m.message}
                for r, m in pairs
            ]
        },
    )  # fmt: skip


def order_regulatory_ensure_signable(order: TherapyOrder) -> None:
    """Signing refused while documentation is missing: the code of the first gap."""
    order_regulatory_refresh(order, order.items.select_related("ingredient", "regimen_component"))
    pairs = order_regulatory_missing(order)
    if pairs:
        raise _refusal(pairs, pairs[0][1].code, "")


def order_regulatory_ensure_validatable(order: TherapyOrder) -> None:
    """The pharmacist's validation refused while documentation is missing and no override
    says why (``regulatory_documentation_missing``)."""
    pairs = [(r, m) for r, m in order_regulatory_missing(order) if not r.override_reason]
    if pairs:
        raise _refusal(
            pairs,
            DOCUMENTATION_MISSING,
            "Documentazione regolatoria incompleta: validare solo indicando il motivo. ",
        )


def _clean(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS[kind])
    if unknown:
        raise ValidationFailed(
            f"Campo non previsto per «{kind.value}»: {', '.join(sorted(unknown))}.",
            code="regulatory_field_not_applicable",
            field=sorted(unknown)[0],
        )
    today = timezone.localdate()
    out: dict[str, Any] = {}
    for name, given in values.items():
        value = given.strip() if isinstance(given, str) else given
        if isinstance(value, date) and value > today:
            raise ValidationFailed(
                "La data non può essere nel futuro.", code="regulatory_date_future", field=name
            )
        out[name] = value
    return out


def regulatory_document(
    *,
    actor: User,
    workstation: Workstation,
    requirement_id: int,
    values: dict[str, Any],
    expected_version: int | None = None,
) -> OrderRegulatoryRequirement:
    """The physician records a requirement's documentation (only the fields given change);
    refused once the order is signed (``regulatory_order_signed``)."""
    require_permission(actor, PRESCRIBE, "Solo il medico documenta la prescrizione.")
    with transaction.atomic():
        found = OrderRegulatoryRequirement.objects.filter(pk=requirement_id).first()
        if found is None:
            raise NotFound("Requisito regolatorio inesistente.", code="regulatory_not_found")
        order = locked_order(found.order_id)
        row = OrderRegulatoryRequirement.objects.select_for_update().get(pk=requirement_id)
        if expected_version is not None:
            row.check_version(expected_version)
        if order.signed_at is not None:
            raise ConflictError(
                "La prescrizione è firmata: la documentazione non si modifica più.",
                code="regulatory_order_signed",
            )
        kind = Kind(row.kind)
        cleaned = _clean(kind, values)
        before = {k: str(getattr(row, k)) for k in cleaned}
        for name, value in cleaned.items():
            setattr(row, name, value)
        if kind is Kind.REGISTRY and row.pending_reason and not row.pending_acknowledged:
            raise ValidationFailed(
                "Il motivo dell'attesa va confermato con la presa visione.",
                code="aifa_registry_pending_unacknowledged",
                field="pending_acknowledged",
            )
        row.documented_by = actor
        row.documented_at = timezone.now()
        row.documented_workstation = workstation_label(workstation)
        row.bump(by=actor)
        row.save()
        audit_record(
            event=events.REGULATORY_DOCUMENTED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            before=before,
            after={"requirement": row.pk, "kind": row.kind,
                   **{k: str(getattr(row, k)) for k in cleaned}},
        )  # fmt: skip
        order_regulatory_refresh(
            order, order.items.select_related("ingredient", "regimen_component")
        )
    return row


def regulatory_pharmacy_override(
    *, actor: User, workstation: Workstation, order_id: int, reason: str
) -> list[OrderRegulatoryRequirement]:
    """The pharmacist validates without the missing documentation, saying why: the reason
    kept on every requirement still incomplete (who, when, workstation) and audited."""
    require_permission(actor, PHARMACIST, "Solo il farmacista valida la prescrizione.")
    if not reason.strip():
        raise ValidationFailed(
            "Indicare il motivo della validazione senza documentazione.",
            code="reason_required",
            field="reason",
        )
    with transaction.atomic():
        order = locked_order(order_id)
        rows = [r for r, _ in order_regulatory_missing(order) if not r.override_reason]
        rows = list({r.pk: r for r in rows}.values())
        if not rows:
            raise ConflictError(
                "Nessuna documentazione regolatoria mancante da superare.",
                code="regulatory_nothing_to_override",
            )
        now = timezone.now()
        for row in rows:
            row.override_reason = reason.strip()
            row.override_by, row.override_at = actor, now
            row.override_workstation = workstation_label(workstation)
            row.bump(by=actor)
            row.save()
        audit_record(
            event=events.REGULATORY_OVERRIDDEN,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"requirements": [r.pk for r in rows]},
            reason=reason.strip(),
        )
    return rows


def regulatory_dispensing_record(
    *, actor: User, workstation: Workstation, requirement_id: int
) -> OrderRegulatoryRequirement:
    """The pharmacy entered the "scheda di dispensazione" in the AIFA registry."""
    require_permission(actor, PHARMACIST, "Solo il farmacista registra la dispensazione.")
    with transaction.atomic():
        row = (
            OrderRegulatoryRequirement.objects.select_for_update(of=("self",))
            .select_related("order")
            .filter(pk=requirement_id, kind=Kind.REGISTRY.value)
            .first()
        )
        if row is None:
            raise NotFound("Richiesta di registro AIFA inesistente.", code="regulatory_not_found")
        if row.dispensing_recorded_at is not None:
            raise ConflictError(
                "Dispensazione già registrata nel registro AIFA.",
                code="regulatory_dispensing_already_recorded",
            )
        if row.order.signed_at is None:
            raise ConflictError(
                "Si registra la dispensazione di una prescrizione firmata.",
                code="regulatory_order_not_signed",
            )
        row.dispensing_recorded_by = actor
        row.dispensing_recorded_at = timezone.now()
        row.dispensing_recorded_workstation = workstation_label(workstation)
        row.bump(by=actor)
        row.save()
        audit_record(
            event=events.REGULATORY_DISPENSING_RECORDED,
            actor=actor,
            workstation=workstation,
            target=row.order,
            patient_id=row.order.patient_id,
            after={"requirement": row.pk, "request_number": row.request_number},
        )
    return row


__all__ = [
    "FIELDS",
    "order_regulatory_ensure_signable",
    "order_regulatory_ensure_validatable",
    "order_regulatory_missing",
    "order_regulatory_needs",
    "order_regulatory_refresh",
    "regulatory_dispensing_record",
    "regulatory_document",
    "regulatory_pharmacy_override",
]
