"""The content left in opened vials: what a new vial leaves beyond the dose becomes a
leftover (kept while stable, waste at once when its stability is not documented); a
leftover is drawn into a later preparation while within its stability; past it, it is
expired (written by :func:`leftovers_expire_stale`, a state change the vial planning
makes, never a read: the leftovers page computes the same at read time)."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.domain.leftovers import Leftover as LeftoverValue
from corsia.compounding.domain.leftovers import check_leftover_use, leftover_expiry
from corsia.compounding.domain.product import ProductData, StorageTemperature
from corsia.compounding.models import (
    Leftover,
    LeftoverState,
    Preparation,
    PreparationVial,
    VialSource,
)
from corsia.compounding.products import product_data
from corsia.compounding.services.steps import MG_STEP, ML_STEP, PREPARE, clock
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed


def leftovers_expire_stale(*, now: datetime | None = None) -> int:
    """Open leftovers past their stability become expired; returns how many."""
    return Leftover.objects.filter(state=LeftoverState.OPEN, expires_at__lte=clock(now)).update(
        state=LeftoverState.EXPIRED, updated_at=clock(now)
    )


def usable_leftovers(*, now: datetime) -> list[Leftover]:
    """The open leftovers still within their stability, soonest expiry first (the stale
    ones are expired first)."""
    leftovers_expire_stale(now=now)
    return list(
        Leftover.objects.filter(state=LeftoverState.OPEN, expires_at__gt=now, volume_ml__gt=0)
        .select_related("product__ingredient", "product__biosimilar_of")
        .order_by("expires_at")
    )


def leftover_from_vial(
    *,
    prep: Preparation,
    vial: PreparationVial,
    data: ProductData,
    excess_mg: Decimal,
    actor: User,
    workstation: Workstation,
    moment: datetime,
) -> Leftover:
    """What a new vial holds beyond the dose drawn from it: a leftover, open while its
    stability after opening allows, else waste at once."""
    opened = data.opened_stability
    storage = opened.temperature if opened is not None else StorageTemperature.REFRIGERATED
    expires = leftover_expiry(
        product=data,
        opened_at=timezone.localtime(moment),
        storage=storage,
        protected_from_light=True,
        lot_expiry=vial.lot_expiry,
    )
    leftover = Leftover.objects.create(
        product=vial.product,
        lot=vial.lot,
        lot_expiry=vial.lot_expiry,
        concentration_mg_ml=data.concentration_mg_ml,
        volume_ml=(excess_mg / data.concentration_mg_ml).quantize(ML_STEP, ROUND_HALF_UP),
        opened_at=moment,
        expires_at=expires,
        storage=storage.value,
        protected_from_light=True,
        state=LeftoverState.OPEN if expires > moment else LeftoverState.WASTED,
        from_preparation=prep,
        hood_id=prep.hood_id,  # the id: the hood itself is not read
        serial=vial.serial,
    )
    audit_record(
        event=events.LEFTOVER_CREATED,
        actor=actor,
        workstation=workstation,
        target=leftover,
        after={
            "product": vial.product.code,
            "lot": vial.lot,
            "ml": str(leftover.volume_ml),
            "expires_at": expires.isoformat(),
            "state": leftover.state,
        },
    )
    return leftover


def leftover_draw(
    *,
    prep: Preparation,
    leftover_id: int,
    product: ProductData,
    remaining_mg: Decimal,
    actor: User,
    moment: datetime,
) -> PreparationVial:
    """Draw what the dose still needs (at most what is left) from an open leftover of the
    preparation's family, within its stability (domain ``check_leftover_use``)."""
    leftover = (
        Leftover.objects.select_for_update(of=("self",))
        .select_related("product__ingredient", "product__biosimilar_of")
        .filter(pk=leftover_id, state=LeftoverState.OPEN)
        .first()
    )
    if leftover is None:
        raise NotFound("Residuo inesistente o non più disponibile.", code="leftover_not_found")
    check_leftover_use(
        leftover=LeftoverValue(
            id=str(leftover.pk),
            product=product_data(leftover.product),
            lot=leftover.lot,
            volume_ml=leftover.volume_ml,
            opened_at=leftover.opened_at,
            storage=StorageTemperature(leftover.storage),
            protected_from_light=leftover.protected_from_light,
            lot_expiry=leftover.lot_expiry,
        ),
        product=product,
        now=moment,
    )
    if moment >= leftover.expires_at:
        raise ValidationFailed(
            f"Residuo lotto {leftover.lot} fuori stabilità: va eliminato.",
            code="leftover_expired",
            field="leftover",
        )
    mg = min(remaining_mg, leftover.mg_available).quantize(MG_STEP)
    ml = (mg / leftover.concentration_mg_ml).quantize(ML_STEP, ROUND_HALF_UP)
    leftover.volume_ml = max(Decimal(0), leftover.volume_ml - ml)
    if leftover.volume_ml == 0:
        leftover.state = LeftoverState.USED
    leftover.updated_at = moment
    leftover.save(update_fields=["volume_ml", "state", "updated_at"])
    return PreparationVial.objects.create(
        preparation=prep,
        product=leftover.product,
        lot=leftover.lot,
        lot_expiry=leftover.lot_expiry,
        mg_drawn=mg,
        ml_drawn=ml,
        source=VialSource.LEFTOVER,
        leftover=leftover,
        scanned_at=moment,
        scanned_by=actor,
    )


def leftover_volume_record(
    *,
    actor: User,
    workstation: Workstation,
    leftover_id: int,
    volume_ml: Decimal | None = None,
    waste: bool = False,
    now: datetime | None = None,
) -> Leftover:
    """The technician records what is left in a part-used vial, as seen at the hood: kept
    (its volume, at most the computed one: the overfill beyond the labelled content is
    never counted) for reuse within its stability, or thrown away (``waste``, or 0 mL).

    Once per leftover (``leftover_already_recorded``), only while it is open."""
    require_permission(actor, PREPARE, "Non hai il permesso di registrare i residui.")
    if not waste and volume_ml is None:
        raise ValidationFailed("Indicare il volume rimasto nel flacone (mL).", field="volume_ml")
    if volume_ml is not None and not (volume_ml.is_finite() and 0 <= volume_ml < 10_000):
        raise ValidationFailed(
            "Volume residuo non valido: tra 0 e il contenuto del flacone, in mL.",
            code="leftover_volume_invalid",
            field="volume_ml",
        )
    moment = clock(now)
    with transaction.atomic():
        leftover = Leftover.objects.select_for_update(of=("self",)).filter(pk=leftover_id).first()
        if leftover is None:
            raise NotFound("Residuo inesistente.", code="leftover_not_found")
        if leftover.volume_recorded_at is not None:
            raise ConflictError(
                "Il volume di questo residuo è già stato registrato.",
                code="leftover_already_recorded",
            )
        if leftover.state != LeftoverState.OPEN:
            raise ConflictError(
                f"Residuo «{leftover.get_state_display()}»: non si registra più.",
                code="leftover_not_open",
            )
        computed = leftover.volume_ml
        kept = Decimal(0) if waste else min(volume_ml or Decimal(0), computed)
        kept = kept.quantize(ML_STEP, ROUND_HALF_UP)
        leftover.volume_ml = kept
        if kept == 0:
            leftover.state = LeftoverState.WASTED
        leftover.volume_recorded_at = moment
        leftover.volume_recorded_by = actor
        leftover.updated_at = moment
        leftover.save(
            update_fields=[
                "volume_ml",
                "state",
                "volume_recorded_at",
                "volume_recorded_by",
                "updated_at",
            ]
        )
        audit_record(
            event=events.LEFTOVER_VOLUME_RECORDED,
            actor=actor,
            workstation=workstation,
            target=leftover,
            before={"ml": str(computed)},
            after={
                "ml": str(kept),
                "seen_ml": "" if volume_ml is None else str(volume_ml),
                "state": leftover.state,
                "lot": leftover.lot,
                "serial": leftover.serial,
            },
        )
    return leftover
