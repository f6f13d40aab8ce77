"""The pharmacogenomic barrier of an order (``domain/pgx_check.py``): the patient's current
results against the recommendations of the order's active drugs, checked when the
physician creates, duplicates, recalculates, changes or signs the order and when the
pharmacist validates it. A contraindication needs an override with its reason, a dose
warning an acknowledgement; both are kept on the order (who, role, workstation, when) and
audited. :func:`order_pgx_apply_suggested` brings the lines to the recommended dose as a
typed reduction, never silently."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from corsia.accounts.selectors import user_roles
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.drugs.selectors import pgx_markers_for
from corsia.patients.domain.pgx import PgxResultFacts
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors_pgx import pgx_current, pgx_current_many
from corsia.prescribing import audit_events as events
from corsia.prescribing.domain.pgx import Marker
from corsia.prescribing.domain.pgx_check import (
    PgxFinding,
    PgxOverride,
    ensure_pgx_cleared,
    overrides_for,
    pending_findings,
    pgx_findings,
)
from corsia.prescribing.domain.pgx_target import DoseLine
from corsia.prescribing.domain.states import OrderEvent, may_fire
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder
from corsia.prescribing.services.orders import PRESCRIBE, VIEW, editable_order, locked_order

PRESCRIBER = "prescriber"
PHARMACIST = "pharmacist"
_WHO = {PRESCRIBER: "medico", PHARMACIST: "farmacista"}


def order_pgx_findings(order: TherapyOrder, items: Iterable[OrderItem]) -> list[PgxFinding]:
    """Every active drug of the order a recommendation applies to, with its severity."""
    results = pgx_current(patient_id=order.patient_id)
    if not results:  # the common case: the lines are not read at all
        return []
    active = [i for i in items if i.status == ItemStatus.ACTIVE]
    if not active:
        return []
    markers = [Marker(**vars(m)) for m in pgx_markers_for(i.ingredient_id for i in active)]
    return _findings(order, active, results, markers)


def _findings(
    order: TherapyOrder,
    active: list[OrderItem],
    results: tuple[PgxResultFacts, ...],
    markers: list[Marker],
) -> list[PgxFinding]:
    decimals = order.regimen_version.dose_decimals
    lines = [
        DoseLine(
            item_id=i.pk,
            day=i.day_of_cycle,
            ingredient_id=i.ingredient_id,
            dose=i.dose,
            dose_unit=i.dose_unit,
            calculated_dose=i.calculated_dose,
            final_dose=i.final_dose,
            amount_unit=i.amount_unit,
            decimals=decimals,
        )
        for i in sorted(active, key=lambda i: (i.day_of_cycle, i.sequence))
    ]
    return pgx_findings(markers, results, lines)


def order_pgx_overrides(order: TherapyOrder) -> list[PgxOverride]:
    return [PgxOverride.from_json(o) for o in order.pgx_overrides]


def order_pgx_check(
    *,
    order: TherapyOrder,
    items: Iterable[OrderItem],
    actor: User,
    workstation: Workstation,
    override_reason: str,
    acknowledged: bool,
    role: str = PRESCRIBER,
) -> list[PgxFinding]:
    """Refuse (``pgx_contraindicated`` / ``pgx_warning_unacknowledged``, with the findings)
    unless each new finding is overridden or acknowledged; then keep them on the order and
    audit them. Inside the caller's transaction, the order saved and locked (two
    acknowledgements at once: the second sees the first's and records nothing)."""
    findings = order_pgx_findings(order, items)
    pending = pending_findings(findings, order_pgx_overrides(order))
    ensure_pgx_cleared(
        pending, override_reason=override_reason, acknowledged=acknowledged, who=_WHO[role]
    )
    if not pending:
        return findings
    granted = overrides_for(
        pending,
        reason=override_reason,
        by_id=actor.pk,
        by=actor.get_full_name() or actor.get_username(),
        role=role,
        workstation=workstation_label(workstation),
        at=timezone.now().isoformat(),
    )
    order.pgx_overrides = [*order.pgx_overrides, *(g.as_json() for g in granted)]
    order.save(update_fields=["pgx_overrides"])
    overridden = any(f.hard_stop for f in pending)
    audit_record(
        event=events.ORDER_PGX_OVERRIDDEN if overridden else events.ORDER_PGX_ACKNOWLEDGED,
        actor=actor,
        workstation=workstation,
        target=order,
        patient_id=order.patient_id,
        after={"role": role, "findings": [f.as_json() for f in pending]},
        reason=override_reason.strip(),
    )
    return findings


@dataclass(frozen=True)
class PgxRow:
    """One finding as a page shows it, with the override that lifted it (``None``: not yet
    gone past, e.g. a result recorded after the order was signed)."""

    finding: PgxFinding
    override: PgxOverride | None

    @property
    def pending(self) -> bool:
        return self.finding.needs_action and self.override is None


def order_pgx_rows(order: TherapyOrder, items: Iterable[OrderItem] | None = None) -> list[PgxRow]:
    """The order's findings with their overrides: a read for its pages, nothing written.
    ``items``: every line of the order when the caller has read them already (else the
    order's prefetched lines, or a query)."""
    overrides = order_pgx_overrides(order)
    lines = order.items.all() if items is None else items
    return [
        PgxRow(finding=f, override=next((o for o in overrides if o.covers(f)), None))
        for f in order_pgx_findings(order, lines)
    ]


def order_pgx_apply_suggested(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    ingredient_id: int,
    expected_version: int | None = None,
) -> TherapyOrder:
    """ "Applica la dose suggerita": each line of the drug above the recommended starting dose
    reduced to it, as a typed reduction (``order_item_adjust``) whose reason names the gene
    and phenotype ("farmacogenomica: DPYD metabolizzatore intermedio"), audited like any
    reduction. ``pgx_no_suggestion`` when the recommendation gives no dose (avoid)."""
    from corsia.prescribing.services.deviations import order_item_adjust  # it imports us

    with transaction.atomic():
        order = editable_order(actor, order_id, expected_version)
        findings = [
            f
            for f in order_pgx_findings(order, order.items.select_related("ingredient"))
            if f.ingredient_id == ingredient_id and f.suggestions
        ]
        if not findings:
            raise ValidationFailed(
                "Nessuna dose suggerita dalla farmacogenomica per questo farmaco: la "
                "raccomandazione non indica una dose o la dose prescritta è già conforme.",
                code="pgx_no_suggestion",
                field="ingredient_id",
            )
        finding = findings[0]
        for suggestion in finding.suggestions:
            order_item_adjust(
                actor=actor,
                workstation=workstation,
                order_id=order.pk,
                item_id=suggestion.item_id,
                reason=finding.reason,
                reduction_percent=suggestion.reduction_percent,
                all_days=False,
            )
        order.refresh_from_db()
    return order


# An order past the pharmacist's validation: the bedside (administration) refuses a drug
# whose finding no override covers (``pgx_result_after_validation``) until a physician or
# the pharmacist goes past it here.
PGX_AFTER_VALIDATION_STATES = frozenset(
    {"validated", "taken_in_charge", "in_preparation", "prepared", "delivered", "administered"}
)


def order_pgx_pending(
    order: TherapyOrder,
    ingredient_id: int | None = None,
    *,
    items: Iterable[OrderItem] | None = None,
) -> list[PgxFinding]:
    """The findings of the order (of one drug, given ``ingredient_id``) that ask for an
    override or acknowledgement none recorded on the order covers: a result recorded after
    the order was validated, or compounded. A read, nothing written. ``items``: every line
    of the order, when the caller has them (the barrier works on the whole order)."""
    return [
        row.finding
        for row in order_pgx_rows(order, items)
        if row.pending and (ingredient_id is None or row.finding.ingredient_id == ingredient_id)
    ]


def orders_pgx_pending(orders: Iterable[TherapyOrder]) -> dict[int, list[PgxFinding]]:
    """:func:`order_pgx_pending` of many orders in a fixed number of queries (their lines,
    their patients' current results, the drugs' markers: three, whatever the number of
    orders) — for a list page. Order id → its pending findings (orders without any left
    out). The orders' ``regimen_version`` should be selected with them."""
    orders = list(orders)
    if not orders:
        return {}
    results = pgx_current_many(patient_ids=(o.patient_id for o in orders))
    concerned = [o for o in orders if results.get(o.patient_id)]
    if not concerned:
        return {}
    lines: dict[int, list[OrderItem]] = {o.pk: [] for o in concerned}
    for item in OrderItem.objects.filter(
        order_id__in=list(lines), status=ItemStatus.ACTIVE
    ).order_by("order_id", "day_of_cycle", "sequence"):
        lines[item.order_id].append(item)
    markers = [
        Marker(**vars(m))
        for m in pgx_markers_for({i.ingredient_id for items in lines.values() for i in items})
    ]
    pending: dict[int, list[PgxFinding]] = {}
    for order in concerned:
        active = lines[order.pk]
        if not active:
            continue
        overrides = order_pgx_overrides(order)
        found = [
            f
            for f in _findings(order, active, results[order.patient_id], markers)
            if f.needs_action and not any(o.covers(f) for o in overrides)
        ]
        if found:
            pending[order.pk] = found
    return pending


def order_pgx_acknowledge(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    override_reason: str = "",
    acknowledged: bool = False,
) -> list[PgxFinding]:
    """Go past a pharmacogenomic result recorded after the order was validated: the same
    barrier as signing and validation (``order_pgx_check``: a contraindication needs a
    reason, a lower recommended dose an acknowledgement), by the physician (role
    "prescriber") or a pharmacist who may validate (role "pharmacist"); kept on the order's
    ``pgx_overrides`` and audited (``prescribing.pgx_overridden`` / ``pgx_acknowledged``)
    under the order's row lock. Before validation the pharmacist's validation asks for it
    (``pgx_order_not_validated``). Returns the findings it lifted ([] when none pending)."""
    require_permission(actor, VIEW, "Non hai accesso alle prescrizioni.")
    prescriber = actor.has_perm(PRESCRIBE)
    if not prescriber and not may_fire(OrderEvent.VALIDATE, user_roles(actor)):
        raise PermissionRefused(
            "Solo il medico o il farmacista validatore prendono visione di un referto "
            "farmacogenomico."
        )
    with transaction.atomic():
        order = locked_order(order_id)
        ensure_patient_in_scope(actor, order.patient_id)
        if order.state not in PGX_AFTER_VALIDATION_STATES:
            raise ValidationFailed(
                "La prescrizione non è ancora validata: il referto farmacogenomico si prende "
                "in visione alla firma o alla validazione del farmacista.",
                code="pgx_order_not_validated",
            )
        items = list(order.items.select_related("ingredient"))
        pending = pending_findings(order_pgx_findings(order, items), order_pgx_overrides(order))
        if not pending:
            return []
        order_pgx_check(
            order=order,
            items=items,
            actor=actor,
            workstation=workstation,
            override_reason=override_reason,
            acknowledged=acknowledged,
            role=PRESCRIBER if prescriber else PHARMACIST,
        )
    return pending
