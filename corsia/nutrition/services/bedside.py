"""The bag at the bedside: its start after the two scans (the patient's wristband and the
bag's label) with the pump's rate checked against the label's, and the end of its
infusion.

Every scan of a start is kept (``BedsideScan``), accepted or refused, as chemotherapy's
bedside keeps its scans: a refused start writes its two scans with the refusal's code and
the audit event ``nutrition.bedside_refused`` in their own transaction, then the refusal
is raised (422/409); nothing else changes. A refusal before the patient is known (no
permission, a patient out of scope) writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, CorsiaError, ValidationFailed
from corsia.core.domain.text import has_unsafe_characters
from corsia.nutrition import audit_events as events
from corsia.nutrition.domain.bag_scan import order_id_from_payload
from corsia.nutrition.domain.bedside import end_verdict, rate_allowance, rate_matches
from corsia.nutrition.domain.label import label_rate
from corsia.nutrition.models import BedsideScan, NutritionOrder, OrderState, ScanKind, ScanOutcome
from corsia.nutrition.permissions import ADMINISTER
from corsia.nutrition.selectors import plan_entry
from corsia.nutrition.services.common import (
    MAX_SCAN,
    bag_expiry_checked,
    bag_prepared_checked,
    ensure_state,
    order_for_update,
    scan_text,
    scanned_bag,
    snapshot,
)
from corsia.patients.domain.wristband import mrn_from_payload
from corsia.patients.selectors import patient_by_mrn, patient_get

MAX_RATE_ML_H = Decimal("999.9")
MAX_INFUSED_ML = Decimal("20000")
CLOCK_SKEW = timedelta(minutes=5)  # a bedside device's clock a little ahead is not "future"


def rate_tolerance_percent() -> Decimal:
    """± % (inclusive) of the label's rate: ``CORSIA_NUTRITION_PUMP_RATE_TOLERANCE_PERCENT``."""
    return Decimal(str(getattr(settings, "CORSIA_NUTRITION_PUMP_RATE_TOLERANCE_PERCENT", "5")))


def _rate(value: Decimal | None) -> Decimal:
    try:
        rate = Decimal(value) if value is not None else Decimal(0)
    except (InvalidOperation, TypeError, ValueError):
        rate = Decimal(0)
    if not rate.is_finite() or not Decimal(0) < rate <= MAX_RATE_ML_H:
        raise ValidationFailed(
            "Indica la velocità impostata sulla pompa (mL/h, fino a 999,9).",
            code="rate_out_of_range",
            field="rate_ml_h",
        )
    return rate.quantize(Decimal("0.1"))


def _wristband_checked(actor: User, patient_id: int, raw: str) -> str:
    """The wristband scanned must be this patient's (a merged duplicate's names the
    survivor)."""
    text = scan_text(raw, "wristband")
    mrn = mrn_from_payload(text)
    if mrn is None:
        raise ValidationFailed(
            "Il codice letto non è un braccialetto paziente.",
            code="wristband_unreadable",
            field="wristband",
        )
    patient = patient_get(user=actor, patient_id=patient_id)
    found = patient_by_mrn(mrn)
    if found is not None and found.merged_into is not None:
        found = found.merged_into
    if found is None or found.pk != patient.pk:
        raise ValidationFailed(
            "Il braccialetto letto non è di questo paziente: fermati e verifica l'identità.",
            code="wristband_wrong_patient",
            field="wristband",
        )
    return text.upper()


def bag_label_rate(order: NutritionOrder) -> Decimal:
    """The rate printed on the bag's label (``domain/label.py``)."""
    return label_rate(plan_entry(order).steps, order.infusion_hours)


def _comma(value: Decimal) -> str:
    """Italian decimal comma in the message: 79.0 → 79,0."""
    return f"{value:f}".replace(".", ",")


def _rate_checked(order: NutritionOrder, rate: Decimal) -> Decimal:
    label = bag_label_rate(order)
    tolerance = rate_tolerance_percent()
    if not rate_matches(pump_ml_h=rate, label_rate_ml_h=label, tolerance_percent=tolerance):
        raise ValidationFailed(
            f"La velocità impostata sulla pompa ({_comma(rate)} mL/h) non è quella "
            f"dell'etichetta ({_comma(label)} mL/h, tolleranza ±{_comma(tolerance.normalize())} %): "
            "correggi la pompa "
            "prima di avviare la sacca.",
            code="pump_rate_mismatch",
            field="rate_ml_h",
            details={
                "rate_ml_h": f"{rate}",
                "label_rate_ml_h": f"{label}",
                "tolerance_percent": f"{tolerance}",
                "allowed_ml_h": f"{rate_allowance(label, tolerance)}",
            },
        )
    return label


def _kept_text(raw: str) -> str:
    """What a scan row keeps of a raw read: control characters as ``?`` (PostgreSQL keeps
    no NUL byte), at most 64 characters."""
    return "".join("?" if ord(c) < 32 or ord(c) == 127 else c for c in (raw or "").strip())[
        :MAX_SCAN
    ]


def _kept_rate(value: Decimal | None) -> Decimal | None:
    try:
        rate = Decimal(value) if value is not None else None
    except (InvalidOperation, TypeError, ValueError):
        return None
    if rate is None or not rate.is_finite() or abs(rate) >= Decimal("1e10"):
        return None
    return rate.quantize(Decimal("0.1"))


@dataclass(frozen=True)
class _Start:
    patient_id: int
    wristband: str
    label: str
    rate_ml_h: Decimal | None


def _scans_kept(
    *,
    actor: User,
    workstation: Workstation,
    start: _Start,
    at: datetime,
    order: NutritionOrder | None,
    refusal: CorsiaError | None,
) -> None:
    """The start's two scans, with the refusal's code on both (the attempt was refused)."""
    outcome = ScanOutcome.ACCEPTED if refusal is None else ScanOutcome.REFUSED
    for kind, raw in ((ScanKind.WRISTBAND, start.wristband), (ScanKind.LABEL, start.label)):
        BedsideScan.objects.create(
            kind=kind, raw=_kept_text(raw), outcome=outcome,
            code=refusal.code if refusal is not None else "",
            message=refusal.message if refusal is not None else "",
            patient_id=start.patient_id, order=order, rate_ml_h=_kept_rate(start.rate_ml_h),
            nurse=actor, workstation=workstation_label(workstation)[:120], scanned_at=at,
        )  # fmt: skip


def _scanned_order(raw: str) -> NutritionOrder | None:
    """The bag a refused label names, if it exists (kept on the scan row)."""
    order_id = order_id_from_payload(_kept_text(raw))
    return NutritionOrder.objects.filter(pk=order_id).first() if order_id else None


def _refusal_kept(
    *, actor: User, workstation: Workstation, start: _Start, refusal: CorsiaError
) -> None:
    with transaction.atomic():
        order = _scanned_order(start.label)
        _scans_kept(
            actor=actor, workstation=workstation, start=start, at=timezone.now(), order=order,
            refusal=refusal,
        )  # fmt: skip
        audit_record(
            event=events.BEDSIDE_REFUSED, actor=actor, workstation=workstation, target=order,
            patient_id=start.patient_id,
            after={"code": refusal.code, "wristband": _kept_text(start.wristband),
                   "label": _kept_text(start.label), "rate_ml_h": f"{_kept_rate(start.rate_ml_h)}"},
        )  # fmt: skip


def order_administer(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    wristband: str,
    label: str,
    rate_ml_h: Decimal | None,
    order_id: int | None = None,
    expected_version: int | None = None,
) -> NutritionOrder:
    """The bag started at the bedside after the two scans: the patient's wristband and the
    bag's label, and the pump's rate (the label's within the tolerance). ``order_id``: the
    bag the nurse opened, when started from its page. Refusals (422; the scans kept):
    ``scan_malformed``, ``wristband_unreadable``, ``wristband_wrong_patient``,
    ``label_unreadable``, ``bag_unknown``, ``bag_wrong_order``, ``bag_wrong_patient``,
    ``bag_not_prepared``, ``bag_not_checked_out``, ``bag_expired``, ``rate_out_of_range``,
    ``pump_rate_mismatch``; 409 a stale ``expected_version``."""
    require_permission(actor, ADMINISTER)
    patient = patient_get(user=actor, patient_id=patient_id)  # out of scope: nothing kept
    start = _Start(patient.pk, wristband, label, rate_ml_h)
    try:
        return _administer(
            actor=actor, workstation=workstation, start=start, order_id=order_id,
            expected_version=expected_version,
        )  # fmt: skip
    except CorsiaError as refusal:
        if refusal.status in (422, 409):
            _refusal_kept(actor=actor, workstation=workstation, start=start, refusal=refusal)
        raise


def _administer(
    *,
    actor: User,
    workstation: Workstation,
    start: _Start,
    order_id: int | None,
    expected_version: int | None,
) -> NutritionOrder:
    with transaction.atomic():
        scanned_wristband = _wristband_checked(actor, start.patient_id, start.wristband)
        order = scanned_bag(actor, start.label)
        if order_id is not None and order.pk != order_id:
            raise ValidationFailed(
                "L'etichetta letta è di un'altra sacca.", code="bag_wrong_order", field="label"
            )
        if order.patient_id != start.patient_id:
            raise ValidationFailed(
                "La sacca letta è di un altro paziente: non avviarla.",
                code="bag_wrong_patient",
                field="label",
            )
        bag_prepared_checked(order)
        if order.checked_out_at is None:
            raise ValidationFailed(
                "La sacca non risulta consegnata dalla Farmacia al reparto.",
                code="bag_not_checked_out",
                field="label",
            )
        now = timezone.now()
        bag_expiry_checked(order, now)
        rate = _rate(start.rate_ml_h)
        label_rate_ml_h = _rate_checked(order, rate)
        if expected_version is not None:
            order.check_version(expected_version)
        before = snapshot(order)
        order.state = OrderState.ADMINISTERED
        order.administered_at = now
        order.administered_by = actor
        order.rate_ml_h = rate
        order.wristband_scan = scanned_wristband
        order.label_scan = order.bag_id
        order.save(
            update_fields=[
                "state", "administered_at", "administered_by", "rate_ml_h", "wristband_scan",
                "label_scan", *order.bump(by=actor),
            ]
        )  # fmt: skip
        _scans_kept(
            actor=actor, workstation=workstation, start=start, at=now, order=order, refusal=None
        )
        audit_record(
            event=events.ORDER_ADMINISTERED, actor=actor, workstation=workstation, target=order,
            patient_id=order.patient_id, before=before,
            after=snapshot(order) | {"rate_ml_h": f"{rate}", "label_rate_ml_h": f"{label_rate_ml_h}",
                                     "wristband": scanned_wristband, "label": order.bag_id},
        )  # fmt: skip
    return order


# --- the end of the infusion ------------------------------------------------------------------


def _infused(value: Decimal | None) -> Decimal:
    try:
        volume = Decimal(value) if value is not None else Decimal(-1)
    except (InvalidOperation, TypeError, ValueError):
        volume = Decimal(-1)
    if not volume.is_finite() or not Decimal(0) <= volume <= MAX_INFUSED_ML:
        raise ValidationFailed(
            "Indica il volume infuso in mL (da 0 al volume della sacca).",
            code="infused_volume_out_of_range",
            field="infused_ml",
        )
    return volume.quantize(Decimal("0.1"))


def order_end(
    *,
    actor: User,
    workstation: Workstation,
    order_id: int,
    ended_at: datetime | None,
    infused_ml: Decimal | None,
    reason: str = "",
    expected_version: int | None = None,
) -> NutritionOrder:
    """The end of a started bag's infusion, once: when (now by default; never before the
    start nor in the future), the volume infused (never more than the bag's volume plus
    the tolerance), and the reason when stopped early (below the bag's volume minus the
    tolerance). Refusals (nothing written): 409 ``nutrition_order_wrong_state`` (not
    started), ``infusion_already_ended``; 422 ``end_before_start``, ``end_in_future``,
    ``infused_volume_out_of_range``, ``infused_volume_above_bag``, ``end_reason_required``,
    ``reason_invalid``."""
    require_permission(actor, ADMINISTER)
    text = (reason or "").strip()
    if has_unsafe_characters(text) or len(text) > 2000:
        raise ValidationFailed(
            "Il motivo contiene caratteri non ammessi o è troppo lungo.",
            code="reason_invalid",
            field="reason",
        )
    with transaction.atomic():
        order = order_for_update(actor=actor, order_id=order_id)
        ensure_state(order, OrderState.ADMINISTERED)
        if order.ended_at is not None:
            raise ConflictError(
                "La fine dell'infusione di questa sacca è già registrata.",
                code="infusion_already_ended",
            )
        if expected_version is not None:
            order.check_version(expected_version)
        now = timezone.now()
        end = ended_at or now
        assert order.administered_at is not None
        if end < order.administered_at:
            raise ValidationFailed(
                "La fine non può precedere l'avvio della sacca "
                f"({timezone.localtime(order.administered_at):%d/%m/%Y %H:%M}).",
                code="end_before_start",
                field="ended_at",
            )
        if end > now + CLOCK_SKEW:
            raise ValidationFailed(
                "La fine dell'infusione non può essere nel futuro.",
                code="end_in_future",
                field="ended_at",
            )
        volume = _infused(infused_ml)
        bag_volume = plan_entry(order).volume_ml
        verdict = end_verdict(
            infused_ml=volume, bag_volume_ml=bag_volume, tolerance_percent=rate_tolerance_percent()
        )
        if verdict.too_much:
            raise ValidationFailed(
                f"Il volume infuso ({volume} mL) supera quello della sacca ({bag_volume} mL): "
                "verifica il dato della pompa.",
                code="infused_volume_above_bag",
                field="infused_ml",
            )
        if verdict.early and not text:
            raise ValidationFailed(
                f"Infusi {volume} mL di {bag_volume} mL: indica perché la sacca è stata "
                "interrotta prima del termine.",
                code="end_reason_required",
                field="reason",
            )
        before = snapshot(order)
        order.ended_at = end
        order.ended_by = actor
        order.infused_ml = volume
        order.end_reason = text
        order.save(
            update_fields=[
                "ended_at",
                "ended_by",
                "infused_ml",
                "end_reason",
                *order.bump(by=actor),
            ]
        )
        audit_record(
            event=events.INFUSION_ENDED, actor=actor, workstation=workstation, target=order,
            patient_id=order.patient_id, before=before,
            after=snapshot(order) | {"ended_at": end.isoformat(), "infused_ml": f"{volume}",
                                     "bag_volume_ml": f"{bag_volume}", "early": verdict.early},
            reason=text,
        )  # fmt: skip
    return order
