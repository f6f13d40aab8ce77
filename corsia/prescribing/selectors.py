"""Reads of chemotherapy orders. Reading one patient's order writes the access log.

The last section holds the reads other modules' services make of orders and their lines
(the pharmacy's validation and work plan, the bedside's worklist and verification): no
permission of prescribing's, no access log — the caller checks its own permission and logs
its own reads — and the locks those services take inside their own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Min, Prefetch, Q, QuerySet

from corsia.audit.services import (
    access_log_record_entries,
    access_log_record_many,
)
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.patients.scope import PHARMACY as PHARMACY_ROLE
from corsia.patients.scope import scoped_to_patients
from corsia.patients.selectors import hidden_stays_q
from corsia.prescribing.domain.infusion import carrier_of
from corsia.prescribing.domain.oral_supply import OralLine, TabletSupply, cycle_supply
from corsia.prescribing.domain.states import OrderState
from corsia.prescribing.models import ItemStatus, OrderItem, OrderTransition, TherapyOrder
from corsia.prescribing.services import VIEW

S = OrderState
# What the pharmacy works on, in the order of the day's work.
PHARMACY_STATES = (
    S.SENT_TO_PHARMACY,
    S.VALIDATED,
    S.TAKEN_IN_CHARGE,
    S.IN_PREPARATION,
    S.PREPARED,
)
# Orders not yet sent: the pharmacy's potential workload.
POTENTIAL_STATES = (S.DRAFT, S.CONFIRMED, S.RETURNED_TO_PRESCRIBER)
OPEN_STATES = tuple(s for s in S if s not in (S.ADMINISTERED, S.CANCELLED))
NO_ACCESS = "Non hai accesso alle prescrizioni."


def _with_lines(orders: QuerySet[TherapyOrder]) -> QuerySet[TherapyOrder]:
    return orders.select_related(
        "patient",
        "regimen_version__regimen",
        "prescriber",
        "validated_by",
        "taken_in_charge_by",
        "ward",
    ).prefetch_related(
        Prefetch(
            "items",
            queryset=OrderItem.objects.select_related("ingredient").order_by(
                "day_of_cycle", "sequence"
            ),
        )
    )


def _readable_orders(user: User) -> QuerySet[TherapyOrder]:
    """The orders the user may read: every read of orders for a user starts here (a trial
    monitor's are those of the patients enrolled in their trials, ``patients.scope``; none
    dated within a masked stay hidden from them, ``patients.selectors``)."""
    require_permission(user, VIEW, NO_ACCESS)
    readable = scoped_to_patients(user, TherapyOrder.objects.all())
    # none prescribed during a masked stay hidden from the user (display: the cumulative
    # dose and the safety checks read the orders through their own queries) — but a
    # therapy still open never leaves the loop: the pharmacy, its prescriber and whoever
    # moved it on keep it (a closed masked stay is hidden from everyone; H55)
    inside = hidden_stays_q(user=user, field="created_at")
    if inside is None:
        return readable
    still_open = Q(state__in=[s.value for s in OPEN_STATES])
    if user.has_perm(PHARMACY_ROLE):
        return readable.exclude(inside & ~still_open)
    theirs = Q(prescriber_id=user.pk) | Q(pk__in=_moved_on_by(user))
    return readable.exclude(inside & ~(still_open & theirs))


def _moved_on_by(user: User) -> QuerySet[OrderTransition, int]:
    return OrderTransition.objects.filter(actor_id=user.pk).values_list("order_id", flat=True)


def order_get(*, user: User, order_id: int) -> TherapyOrder:
    """The order with its lines, without logging (for forms and checks)."""
    order = _with_lines(_readable_orders(user).filter(pk=order_id)).first()
    if order is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    return order


def order_view(
    *, user: User, order_id: int, workstation: Workstation, channel: str = "web"
) -> TherapyOrder:
    order = order_get(user=user, order_id=order_id)
    order_read_log(user=user, order=order, workstation=workstation, channel=channel)
    return order


def order_read_log(
    *,
    user: User,
    order: TherapyOrder,
    workstation: Workstation,
    channel: str = "web",
    also: Sequence[str] = (),
) -> None:
    """The access-log rows of a read of ``order`` (from :func:`order_get`) and of what else
    of the patient the page shows beside it (``also``: each its own row), in one append."""
    access_log_record_entries(
        user=user,
        entries=[(order.patient_id, what) for what in (f"prescrizione {order.pk}", *also)],
        workstation=workstation,
        channel=channel,
    )


@dataclass(frozen=True)
class OralSupply:
    """What an order's oral lines need for the whole cycle (the dispensing's quantities)."""

    order_id: int
    patient_id: int
    state: str
    cycle_number: int
    supply: tuple[TabletSupply, ...]
    # oral lines in mg whose drug has no tablet or capsule strength in the archive (the
    # pharmacist dispenses them by hand): ingredient codes
    without_tablets: tuple[str, ...]


def order_oral_supply(
    *, user: User, order_id: int, workstation: Workstation, channel: str = "web"
) -> OralSupply:
    """The tablets each strength of the order's active oral lines needs over the cycle
    (``domain/oral_supply.py``); a read of the patient's data, logged."""
    order = order_view(user=user, order_id=order_id, workstation=workstation, channel=channel)
    lines = []
    without = set()
    for item in order.items.all():
        if item.route != "po" or item.status != ItemStatus.ACTIVE:
            continue
        per_dose = (item.tablets or {}).get("per_dose", [])
        if not per_dose:
            without.add(item.ingredient.code)
            continue
        lines.append(
            OralLine(
                ingredient=item.ingredient.code,
                day=item.scheduled_date,
                per_day=item.administrations_per_day,
                per_dose=tuple((Decimal(t["strength_mg"]), int(t["count"])) for t in per_dose),
            )
        )
    return OralSupply(
        order_id=order.pk,
        patient_id=order.patient_id,
        state=order.state,
        cycle_number=order.cycle_number,
        supply=tuple(cycle_supply(lines)),
        without_tablets=tuple(sorted(without)),
    )


def order_state(order_id: int) -> OrderState | None:
    """The order's state (``None``: no such order), to choose the page that shows it."""
    state = TherapyOrder.objects.filter(pk=order_id).values_list("state", flat=True).first()
    return OrderState(state) if state is not None else None


def patient_orders(*, user: User, patient_id: int) -> QuerySet[TherapyOrder]:
    return (
        _readable_orders(user)
        .filter(patient_id=patient_id)
        .select_related("regimen_version__regimen")
        .order_by("-start_date", "-id")
    )


def orders_transitions_query(
    orders: QuerySet[TherapyOrder], *, to_state: str
) -> QuerySet[OrderTransition]:
    """The transitions to ``to_state`` of these orders (a query of :func:`patient_orders`,
    sliced or not), with their actors, in the order they happened: for a page's reads in
    one statement (``corsia.core.read_together``: a prefetch is not run there)."""
    return (
        OrderTransition.objects.filter(order_id__in=orders.values("pk"), to_state=to_state)
        .select_related("actor")
        .order_by("order_id", "at", "id")
    )


def previous_cycle_start(order: TherapyOrder) -> date | None:
    """When the patient's latest cycle before this one started (cancelled ones left out)."""
    return previous_cycle_start_query(order).first()


def previous_cycle_start_query(order: TherapyOrder) -> QuerySet[TherapyOrder, date]:
    """The query of :func:`previous_cycle_start` (one value at most), for a page's reads in
    one statement (``corsia.core.read_together``) or as a subquery in another's."""
    return (
        TherapyOrder.objects.filter(patient_id=order.patient_id, start_date__lt=order.start_date)
        .exclude(state=S.CANCELLED.value)
        .order_by("-start_date")
        .values_list("start_date", flat=True)[:1]
    )


@dataclass(frozen=True)
class WorklistRow:
    order: TherapyOrder
    first_date: date
    drugs: int


def _row_query(orders: QuerySet[TherapyOrder], start: date, end: date) -> QuerySet[TherapyOrder]:
    """The orders with a line given from ``start`` to ``end``, each with the first date of
    those lines (``first_date``) and how many are active (``drugs``), earliest first. The
    lines are filtered before the aggregate, so the select reads only the lines of those
    days (the ``item_date_status`` index), not every line of every order in the state."""
    return (
        orders.filter(items__scheduled_date__gte=start, items__scheduled_date__lte=end)
        .annotate(
            first_date=Min("items__scheduled_date"),
            drugs=Count("items", filter=Q(items__status="active")),
        )
        .select_related("patient", "regimen_version__regimen", "prescriber", "ward")
        .order_by("first_date", "patient__surname", "id")
    )


def worklist_rows(orders: Iterable[TherapyOrder]) -> list[WorklistRow]:
    """The rows of orders read by ``_row_query`` (a page of them, or all)."""
    return [WorklistRow(order=o, first_date=o.first_date, drugs=o.drugs) for o in orders]  # type: ignore[attr-defined]  # annotated by _row_query


def _rows(orders: QuerySet[TherapyOrder], start: date, end: date) -> list[WorklistRow]:
    return worklist_rows(_row_query(orders, start, end))


def physician_worklist(
    *,
    user: User,
    day: date,
    workstation: Workstation,
    days_ahead: int = 7,
    mine_only: bool = False,
    channel: str = "web",
) -> list[WorklistRow]:
    """Today's and the coming days' orders that are still open, earliest first; one
    access-log row per patient shown (issue 26: the list names each patient's therapy)."""
    orders = _readable_orders(user).filter(state__in=[s.value for s in OPEN_STATES])
    if mine_only:
        orders = orders.filter(prescriber=user)
    rows = _rows(orders, day, day + timedelta(days=days_ahead))
    access_log_record_many(
        user=user,
        patient_ids=list(dict.fromkeys(row.order.patient_id for row in rows)),
        what=f"prescrizioni del {day:%d/%m/%Y}",
        workstation=workstation,
        channel=channel,
    )
    return rows


def pharmacy_queue(
    *, user: User, day: date, days_ahead: int = 0
) -> dict[str, QuerySet[TherapyOrder]]:
    """The pharmacy's orders from ``day`` to ``days_ahead`` days later: those sent to it,
    and the potential workload (not yet sent), each by the first date it is given on
    (the earliest, today's, first), as queries to page (``worklist_rows`` makes the rows)."""
    orders = _readable_orders(user)
    end = day + timedelta(days=days_ahead)
    return {
        "pharmacy": _queue_columns(
            _row_query(orders.filter(state__in=[s.value for s in PHARMACY_STATES]), day, end)
        ),
        "potential": _queue_columns(
            _row_query(orders.filter(state__in=[s.value for s in POTENTIAL_STATES]), day, end)
        ),
    }


# What the queue's rows show (prescribing/partials/pharmacy_table.html): issue 27, the
# whole order, patient, regimen version (its dosing JSON), regimen, prescriber and ward of
# each row cost the work plan page most of its CPU.
QUEUE_COLUMNS = (
    "state",
    "cycle_number",
    "patient__surname",
    "patient__given_names",
    "patient__mrn",
    "regimen_version__regimen__code",
    "ward__name",
)


def _queue_columns(rows: QuerySet[TherapyOrder]) -> QuerySet[TherapyOrder]:
    return (
        rows.select_related(None)
        .select_related("patient", "regimen_version__regimen", "ward")
        .only(*QUEUE_COLUMNS)
    )


def fluid_load_ml(order: TherapyOrder, day: date) -> Decimal | None:
    """Estimated infusion volume of the day, from the carrier volumes written on each
    line (e.g. "glucosio 5% 250 mL"); None when no line states a volume."""
    total = Decimal(0)
    found = False
    for item in order.items.all():
        if item.scheduled_date != day or item.status != "active":
            continue
        carrier = carrier_of(item.preparation)
        if carrier is not None and carrier.volume_ml is not None:
            total += carrier.volume_ml
            found = True
    return total if found else None


# --- for other modules' services (they check their own permission and log their own reads) ------

PHARMACY = "pharmacy"  # an order line the UFA prepares (``OrderItem.competence``)


def _states(states: Iterable[OrderState | str]) -> list[str]:
    return [str(s) for s in states]


def order_for_update(order_id: int) -> TherapyOrder:
    """The order, its row locked for the rest of the caller's transaction; ``NotFound``
    when there is none."""
    order = TherapyOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    return order


def order_find(order_id: int) -> TherapyOrder | None:
    """The order with what a page shows of it (patient, regimen, people, ward)."""
    return (
        TherapyOrder.objects.select_related(
            "patient", "regimen_version__regimen", "prescriber", "ward", "validated_by"
        )
        .filter(pk=order_id)
        .first()
    )


def orders_scheduled_on(*, day: date, states: Iterable[OrderState | str]) -> list[TherapyOrder]:
    """The orders in ``states`` with a line given on ``day``, by id."""
    return list(
        TherapyOrder.objects.filter(state__in=_states(states), items__scheduled_date=day)
        .distinct()
        .order_by("pk")
    )


def pharmacy_items(order: TherapyOrder) -> list[OrderItem]:
    """The order's active lines the UFA prepares, in the order of the cycle."""
    return list(
        order.items.filter(competence=PHARMACY, status=ItemStatus.ACTIVE)
        .select_related("ingredient", "product", "regimen_component")
        .order_by("day_of_cycle", "sequence")
    )


def pharmacy_lines(
    *, first_day: date, last_day: date, states: Iterable[OrderState | str]
) -> QuerySet[OrderItem]:
    """The active lines the UFA prepares, given from ``first_day`` to ``last_day``, of the
    orders in ``states`` (unordered: the caller orders and joins what it shows)."""
    return OrderItem.objects.filter(
        scheduled_date__gte=first_day,
        scheduled_date__lte=last_day,
        competence=PHARMACY,
        status=ItemStatus.ACTIVE,
        order__state__in=_states(states),
    )


def lines_of_day(
    *,
    day: date,
    states: Iterable[OrderState | str],
    ward_code: str = "",
    patient_id: int | None = None,
) -> list[OrderItem]:
    """The lines given on ``day`` of the orders in ``states`` (of one ward, by its code, or
    one patient, when named), with their ingredient, order, patient and regimen, by order
    and in the order of the cycle."""
    lines = OrderItem.objects.filter(scheduled_date=day, order__state__in=_states(states))
    if ward_code:
        lines = lines.filter(order__ward__code=ward_code)
    if patient_id is not None:
        lines = lines.filter(order__patient_id=patient_id)
    return list(
        lines.select_related(
            "ingredient", "order__patient", "order__regimen_version__regimen"
        ).order_by("order_id", "day_of_cycle", "sequence")
    )


def line_find(item_id: int) -> OrderItem | None:
    """One order line with its ingredient, order and patient."""
    return (
        OrderItem.objects.filter(pk=item_id).select_related("ingredient", "order__patient").first()
    )


def line_for_update(item_id: int) -> OrderItem | None:
    """One order line with its order and ingredient, the line's row (only) locked for the
    rest of the caller's transaction."""
    return (
        OrderItem.objects.select_for_update(of=("self",))
        .select_related("order", "ingredient")
        .filter(pk=item_id)
        .first()
    )


def order_day_lines(*, order_id: int, day_of_cycle: int) -> list[OrderItem]:
    """Every line of one day of the cycle of an order (whatever its status), with its
    ingredient."""
    return list(
        OrderItem.objects.filter(order_id=order_id, day_of_cycle=day_of_cycle).select_related(
            "ingredient"
        )
    )


def order_lines(*, order_id: int) -> list[OrderItem]:
    """Every line of an order (whatever its status and day), with its ingredient: for a
    caller that needs one day's lines and a check over the whole order from one read."""
    return list(OrderItem.objects.filter(order_id=order_id).select_related("ingredient"))
