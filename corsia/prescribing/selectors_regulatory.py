"""Reads of the orders' regulatory documentation: an order's requirements (its page, the
pharmacist's validation, the API) and the pharmacy's list of prescriptions under AIFA
monitoring (one access-log row per patient shown)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from corsia.audit.services import access_log_record_many
from corsia.core.access_cache import per_request
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.read_together import ReadPart
from corsia.prescribing.domain.regulatory import Kind
from corsia.prescribing.models_regulatory import OrderRegulatoryRequirement
from corsia.prescribing.selectors import _readable_orders
from corsia.prescribing.services.regulatory import requirement_missing

MONITORING = "compounding.view_workplan"  # the pharmacy: pharmacists, technicians


@dataclass(frozen=True)
class RequirementRow:
    requirement: OrderRegulatoryRequirement
    missing: tuple[str, ...]  # codes of what is missing (empty: complete)
    messages: tuple[str, ...]


def order_requirements(order_id: int) -> list[RequirementRow]:
    """The order's active requirements with what each lacks (the caller read the order).
    Read once per read-only request (:func:`order_requirements_read` reads them with the
    rest of a page)."""
    return list(
        per_request(("order_requirements", order_id), order_requirements_read(order_id).evaluate)
    )


def order_requirements_read(order_id: int) -> ReadPart[tuple[RequirementRow, ...]]:
    """The batched variant (``corsia.core.read_together``): the requirements are kept for
    the rest of the read-only request, where :func:`order_requirements` answers them."""
    rows = (
        OrderRegulatoryRequirement.objects.filter(order_id=order_id, active=True)
        .select_related("ingredient", "documented_by", "override_by", "dispensing_recorded_by")
        .order_by("kind", "ingredient__name_it")
    )

    def decode(results: list[list[Any]]) -> tuple[RequirementRow, ...]:
        out = []
        for row in results[0]:
            gaps = requirement_missing(row)
            out.append(
                RequirementRow(row, tuple(m.code for m in gaps), tuple(m.message for m in gaps))
            )
        found = tuple(out)
        return per_request(("order_requirements", order_id), lambda: found)

    return ReadPart(querysets=(rows,), decode=decode)


def monitoring_rows(
    *,
    user: User,
    date_from: date | None = None,
    date_to: date | None = None,
    ingredient_code: str = "",
) -> QuerySet[OrderRegulatoryRequirement]:
    """The prescriptions under an AIFA monitoring registry, by cycle start (newest first),
    within the period and for the drug asked; orders still in draft are left out. A query
    to page (issue 27: before, the newest 500 only); ``monitoring_shown`` reads and logs
    the page shown."""
    require_permission(user, MONITORING, "Non hai accesso all'elenco dei registri AIFA.")
    orders = _readable_orders(user).exclude(state__in=["draft", "cancelled"])
    rows = OrderRegulatoryRequirement.objects.filter(
        kind=Kind.REGISTRY.value, active=True, order__in=orders
    )
    if date_from is not None:
        rows = rows.filter(order__start_date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(order__start_date__lte=date_to)
    if ingredient_code:
        rows = rows.filter(ingredient__code=ingredient_code)
    return rows.select_related(
        "ingredient",
        "order__patient",
        "order__diagnosis",
        "order__regimen_version__regimen",
        "dispensing_recorded_by",
    ).order_by("-order__start_date", "order_id", "ingredient__name_it", "id")


def monitoring_shown(
    *,
    user: User,
    rows: Iterable[OrderRegulatoryRequirement],
    workstation: Workstation,
    channel: str = "web",
) -> list[RequirementRow]:
    """The page of the monitoring list as shown, with what each still misses; one
    access-log row per patient on it."""
    found = list(rows)
    access_log_record_many(
        user=user,
        patient_ids=list(dict.fromkeys(r.order.patient_id for r in found)),
        what="prescrizioni sotto registro di monitoraggio AIFA",
        workstation=workstation,
        channel=channel,
    )
    out = []
    for row in found:
        gaps = requirement_missing(row)
        out.append(RequirementRow(row, tuple(m.code for m in gaps), tuple(m.message for m in gaps)))
    return out


@dataclass(frozen=True)
class RegistryRequest:
    """An order's AIFA registry request, for the dispensing desk."""

    drug: str
    registry: str
    request_number: str  # "" while pending
    request_date: date | None
    pending_reason: str


def order_registry_requests(order_id: int) -> list[RegistryRequest]:
    """The AIFA registry requests of the order's active drugs (the caller read the order)."""
    return [
        RegistryRequest(
            drug=r.ingredient.name_it,
            registry=r.registry_name,
            request_number=r.request_number,
            request_date=r.request_date,
            pending_reason=r.pending_reason,
        )
        for r in OrderRegulatoryRequirement.objects.filter(
            order_id=order_id, kind=Kind.REGISTRY.value, active=True
        )
        .select_related("ingredient")
        .order_by("ingredient__name_it")
    ]


@dataclass(frozen=True)
class RegistryStat:
    """A prescription under an AIFA monitoring registry as recorded, for the pharmacy's
    report (``corsia.reports``: it checks its permission and logs the patients read)."""

    order_id: int
    patient_id: int
    start_date: date
    order_state: str
    regimen: str
    drug: str
    registry: str
    indication_code: str
    indication_label: str
    request_number: str
    request_date: date | None
    pending_reason: str
    override_reason: str
    dispensing_recorded_on: date | None
    missing: tuple[str, ...]  # Italian messages of what is missing (empty: complete)


def registry_prescriptions(
    *,
    first: date,
    last: date,
    ingredient_id: int | None = None,
    ward_id: int | None = None,
    regimen_id: int | None = None,
) -> list[RegistryStat]:
    """The active AIFA-registry requirements of the orders (beyond the draft, not
    cancelled) whose cycle starts in [first, last], by start date and drug; of one drug,
    one ward (the order's) or one regimen (any of its versions) when given."""
    rows = (
        OrderRegulatoryRequirement.objects.filter(
            kind=Kind.REGISTRY.value,
            active=True,
            order__start_date__gte=first,
            order__start_date__lte=last,
        )
        .exclude(order__state__in=["draft", "cancelled"])
        .select_related("ingredient", "order__regimen_version")
        .order_by("order__start_date", "order_id", "ingredient__name_it")
    )
    if ingredient_id is not None:
        rows = rows.filter(ingredient_id=ingredient_id)
    if ward_id is not None:
        rows = rows.filter(order__ward_id=ward_id)
    if regimen_id is not None:
        rows = rows.filter(order__regimen_version__regimen_id=regimen_id)
    return [
        RegistryStat(
            order_id=r.order_id,
            patient_id=r.order.patient_id,
            start_date=r.order.start_date,
            order_state=r.order.state,
            regimen=r.order.regimen_version.name,
            drug=r.ingredient.name_it,
            registry=r.registry_name,
            indication_code=r.indication_code,
            indication_label=r.indication_label,
            request_number=r.request_number,
            request_date=r.request_date,
            pending_reason=r.pending_reason,
            override_reason=r.override_reason,
            dispensing_recorded_on=(
                timezone.localtime(r.dispensing_recorded_at).date()
                if r.dispensing_recorded_at
                else None
            ),
            missing=tuple(m.message for m in requirement_missing(r)),
        )
        for r in rows
    ]
