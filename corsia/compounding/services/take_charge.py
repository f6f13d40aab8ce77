"""The pharmacist takes a validated order in charge: the order is frozen and one
preparation per pharmacy drug is created and completed from the archive (product, bag,
volume to draw, concentration, expiry); a preparation the archive cannot complete stays
pending with the reason, for the pharmacist to complete by hand."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.domain.workflow import PrepEvent, PrepState, preparation_label_code
from corsia.compounding.models import Preparation
from corsia.compounding.services.completion import (
    COMPLETION_FIELDS,
    apply_completion,
    choose_product,
    ensure_formulation,
    item_formulation,
    requested_bag,
)
from corsia.compounding.services.pgx_hold import ensure_order_not_held
from corsia.compounding.services.steps import (
    VALIDATE,
    clock,
    fire,
    locked_preparation,
    save_preparation,
)
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.drugs import selectors as drugs
from corsia.drugs.domain.formulation import formulation_of
from corsia.prescribing.domain.states import OrderEvent, OrderState
from corsia.prescribing.selectors import order_for_update, pharmacy_items
from corsia.prescribing.services import order_transition


def order_take_charge(
    *, actor: User, workstation: Workstation, order_id: int, now: datetime | None = None
) -> list[Preparation]:
    """The pharmacist takes the order in charge (it is frozen) and its preparations are
    created and completed from the archive (volume, bag, concentration, expiry)."""
    require_permission(
        actor, VALIDATE, "Non hai il permesso di prendere in carico le prescrizioni."
    )
    moment = clock(now)
    with transaction.atomic():
        order = order_for_update(order_id)
        # a pharmacogenomic result recorded after the validation holds its drug (H65)
        ensure_order_not_held(order, (i.ingredient_id for i in pharmacy_items(order)))
        if order.state == OrderState.VALIDATED:
            order_transition(
                actor=actor,
                workstation=workstation,
                order_id=order.pk,
                event=OrderEvent.TAKE_CHARGE,
            )
        elif order.state != OrderState.TAKEN_IN_CHARGE:
            raise ConflictError(
                f"La prescrizione è «{order.state_label}»: si prende in carico dopo la validazione.",
                code="order_not_validated",
                details={"state": order.state},
            )
        live = set(
            Preparation.objects.exclude(state=PrepState.REJECTED)
            .filter(order_id=order.pk)
            .values_list("order_item_id", flat=True)
        )
        created: list[Preparation] = []
        for item in pharmacy_items(order):
            if item.pk in live:
                continue
            prep = Preparation(
                order_item=item,
                order=order,
                scheduled_date=item.scheduled_date,
                dose_mg=item.final_dose,
                dose_unit=item.amount_unit,
                route=item.route,
                validated_by=item.validated_by or actor,
                validated_at=item.validated_at or moment,
                updated_by=actor,
                formulation=item_formulation(item).value,
            )
            diluent, volume = requested_bag(item.preparation)
            try:
                product = choose_product(item)
            except ValidationFailed as exc:  # the prescribed product is another formulation
                product = None
                prep.blocking_reason = exc.message
            apply_completion(
                prep,
                product,
                prepared_at=moment,
                diluent=diluent,
                bag_volume_ml=volume,
            )
            if prep.blocking_reason and diluent is not None:
                # the regimen's bag does not fit this dose: let the archive choose
                apply_completion(prep, prep.product, prepared_at=moment)
            prep.state = (PrepState.PENDING if prep.blocking_reason else PrepState.VALIDATED).value
            prep.save()
            prep.label_code = preparation_label_code(prep.pk)
            prep.save(update_fields=["label_code"])
            created.append(prep)
        audit_record(
            event=events.ORDER_TAKEN_IN_CHARGE,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"preparations": [p.label_code for p in created]},
        )
    return created


def preparation_complete(
    *,
    actor: User,
    workstation: Workstation,
    preparation_id: int,
    product_id: int | None = None,
    diluent: str | None = None,
    bag_volume_ml: Decimal | None = None,
    now: datetime | None = None,
) -> Preparation:
    """The pharmacist completes a pending preparation (another product, diluent or bag)."""
    require_permission(actor, VALIDATE, "Non hai il permesso di completare le preparazioni.")
    with transaction.atomic():
        prep = locked_preparation(preparation_id)
        if prep.state not in (PrepState.PENDING, PrepState.VALIDATED, PrepState.ASSIGNED):
            raise ConflictError(
                "La preparazione è già in allestimento: non si può più cambiare.",
                code="preparation_started",
            )
        product = prep.product
        if product_id is not None:
            product = drugs.product_find(product_id=product_id)
            if product is None or product.ingredient_id != prep.order_item.ingredient_id:
                raise ValidationFailed(
                    "Il medicinale scelto non contiene il principio attivo prescritto.",
                    code="product_other_ingredient",
                    field="product_id",
                )
            ensure_formulation(product, formulation_of(prep.formulation))
            prep.blocking_reason = ""
        apply_completion(
            prep,
            product,
            prepared_at=clock(now),
            diluent=diluent or None,
            bag_volume_ml=bag_volume_ml,
        )
        if prep.blocking_reason:
            raise ValidationFailed(prep.blocking_reason, code="preparation_impossible")
        fields = list(COMPLETION_FIELDS)
        if prep.state == PrepState.PENDING:
            fields += fire(prep, PrepEvent.COMPLETE)
        save_preparation(prep, actor, fields)
        audit_record(
            event=events.PREPARATION_COMPLETED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            after={"product": product.code if product else None, "diluent": prep.diluent},
        )
    return prep
