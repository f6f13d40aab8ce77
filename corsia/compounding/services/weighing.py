"""The gravimetric check: the bag weighed before the drug is added, then after it; the
drug's own mass (after − before) against Σ volume drawn × density, within the hospital's
tolerance (domain ``drug_mass_check``). The weight is read from the hood's balance
(outside any transaction: no lock held across serial or network I/O) or typed with a
reason, and marked so. A pass ends the preparation at the hood; a fail is recorded too
and keeps it in progress, so it cannot be released."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.domain.gravimetric import (
    DrugAddition,
    GravimetricInputInvalid,
    drug_mass_check,
)
from corsia.compounding.domain.product import lot_end
from corsia.compounding.domain.workflow import PrepEvent, PrepState
from corsia.compounding.models import (
    ExposureRecord,
    Hood,
    Preparation,
    VialSource,
    Weighing,
    WeightSource,
)
from corsia.compounding.scales import Scale, scale_from_settings
from corsia.compounding.services.completion import (
    COMPLETION_FIELDS,
    apply_completion,
    dose_in_vial_units,
)
from corsia.compounding.services.steps import (
    DOSE_TOLERANCE_MG,
    ML_STEP,
    PREPARE,
    clock,
    fire,
    locked_preparation,
    save_preparation,
)
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, ValidationFailed

PREPARE_REFUSED = "Non hai il permesso di allestire preparazioni."


def _tolerance_percent() -> Decimal:
    return Decimal(str(settings.CORSIA_COMPOUNDING_GRAVIMETRIC_TOLERANCE_PERCENT))


def hood_scale(hood: Hood | None) -> Scale | None:
    """The balance configured on the hood station (URL and protocol); ``None`` if none."""
    if hood is None:
        return None
    return scale_from_settings(
        url=hood.scale_url,
        protocol=hood.scale_protocol,
        scale_id=hood.scale_id,
        baudrate=hood.scale_baudrate,
    )


@dataclass(frozen=True)
class WeightReading:
    """A weight and where it came from: read from a scale, or typed with a reason."""

    grams: Decimal
    source: WeightSource
    scale_id: str = ""
    reason: str = ""


def _reading(
    *,
    preparation_id: int,
    measured_g: Decimal | None,
    scale: Scale | None,
    read_scale: bool,
    typed_reason: str,
) -> WeightReading:
    """Read the balance (outside any transaction: no lock held across serial/network I/O)
    or take the typed weight, which needs a reason."""
    if read_scale and scale is None:
        scale = hood_scale(Hood.objects.filter(preparations__pk=preparation_id).first())
        if scale is None:
            raise ValidationFailed(
                "Nessuna bilancia configurata per la cappa di questa preparazione: "
                "digitare il peso indicando il motivo.",
                code="scale_not_configured",
                field="measured_g",
            )
    if scale is not None:
        return WeightReading(scale.read_grams(), WeightSource.SCALE, scale_id=scale.scale_id)
    if measured_g is None:
        raise ValidationFailed("Indicare il peso misurato.", field="measured_g")
    if not typed_reason.strip():
        raise ValidationFailed(
            "Peso digitato a mano: indicare il motivo (bilancia guasta, non collegata...).",
            code="typed_weight_reason_required",
            field="typed_reason",
        )
    return WeightReading(measured_g, WeightSource.TYPED, reason=typed_reason.strip())


def preparation_weigh_before(
    *,
    actor: User,
    workstation: Workstation,
    preparation_id: int,
    measured_g: Decimal | None = None,
    scale: Scale | None = None,
    read_scale: bool = False,
    typed_reason: str = "",
    now: datetime | None = None,
) -> Preparation:
    """Weigh the bag before the drug is added (the reference of the drug-mass check)."""
    require_permission(actor, PREPARE, PREPARE_REFUSED)
    reading = _reading(
        preparation_id=preparation_id,
        measured_g=measured_g,
        scale=scale,
        read_scale=read_scale,
        typed_reason=typed_reason,
    )
    if reading.grams <= 0:
        raise GravimetricInputInvalid(
            "Il peso della sacca deve essere maggiore di zero.", field="measured_g"
        )
    moment = clock(now)
    with transaction.atomic():
        prep = locked_preparation(preparation_id)
        if prep.state not in (PrepState.VALIDATED, PrepState.ASSIGNED, PrepState.IN_PROGRESS):
            raise ConflictError(
                f"Preparazione «{prep.state_label}»: la sacca si pesa prima dell'aggiunta.",
                code="preparation_not_open",
            )
        prep.bag_before_g = reading.grams
        prep.bag_before_source = reading.source.value
        prep.bag_before_scale_id = reading.scale_id
        prep.bag_before_reason = reading.reason
        prep.bag_before_at = moment
        prep.bag_before_by = actor
        save_preparation(
            prep,
            actor,
            [
                "bag_before_g",
                "bag_before_source",
                "bag_before_scale_id",
                "bag_before_reason",
                "bag_before_at",
                "bag_before_by",
            ],
        )
        audit_record(
            event=events.BAG_WEIGHED_BEFORE,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            reason=reading.reason,
            after={
                "grams": str(reading.grams),
                "source": reading.source.value,
                "scale": reading.scale_id,
                "typed": reading.source is WeightSource.TYPED,
            },
        )
    return prep


def preparation_weigh(
    *,
    actor: User,
    workstation: Workstation,
    preparation_id: int,
    measured_g: Decimal | None = None,
    scale: Scale | None = None,
    read_scale: bool = False,
    typed_reason: str = "",
    now: datetime | None = None,
) -> Weighing:
    """Gravimetric check on the drug's own mass (domain ``drug_mass_check``): the bag
    after the addition minus the bag before it, against Σ volume drawn × density, within
    the hospital's tolerance (``CORSIA_COMPOUNDING_GRAVIMETRIC_TOLERANCE_PERCENT``).
    Recorded pass or fail; a fail keeps the preparation in progress, so it cannot be
    released. The weight is read from the hood's scale or typed with a reason (marked)."""
    require_permission(actor, PREPARE, PREPARE_REFUSED)
    reading = _reading(
        preparation_id=preparation_id,
        measured_g=measured_g,
        scale=scale,
        read_scale=read_scale,
        typed_reason=typed_reason,
    )
    moment = clock(now)
    tolerance = _tolerance_percent()
    with transaction.atomic():
        prep = locked_preparation(preparation_id)
        if prep.state != PrepState.IN_PROGRESS:
            raise ConflictError(
                f"Preparazione «{prep.state_label}»: si pesa quando è in allestimento.",
                code="preparation_not_in_progress",
            )
        vials = list(prep.vials.select_related("product", "leftover"))
        drawn = sum((v.mg_drawn for v in vials), Decimal(0))
        assert prep.product is not None  # in progress: completed with a product
        vial_unit = prep.product.strength_unit
        if dose_in_vial_units(prep, prep.product) - drawn >= DOSE_TOLERANCE_MG:
            missing = dose_in_vial_units(prep, prep.product) - drawn
            raise ValidationFailed(
                f"Mancano {missing.normalize():f} {vial_unit} da "
                "prelevare: leggere i flaconi prima della pesata.",
                code="dose_not_drawn",
                field="barcode",
            )
        if prep.bag_before_g is None:
            raise ValidationFailed(
                "Pesare la sacca prima dell'aggiunta del farmaco: senza quel peso il "
                "controllo sulla massa del farmaco è impossibile.",
                code="bag_not_weighed_before",
                field="before_g",
            )
        result = drug_mass_check(
            before_g=prep.bag_before_g,
            after_g=reading.grams,
            additions=[
                DrugAddition(v.product.name, v.ml_drawn, v.product.density_g_ml) for v in vials
            ],
            tolerance_percent=tolerance,
            assume_unit_density=settings.CORSIA_COMPOUNDING_ASSUME_UNIT_DENSITY,
        )
        typed_reasons = [r for r in (prep.bag_before_reason, reading.reason) if r]
        weighing = Weighing.objects.create(
            preparation=prep,
            tare_g=prep.bag_before_g,
            measured_g=reading.grams,
            source=reading.source.value,
            before_source=prep.bag_before_source or WeightSource.TYPED,
            scale_id=reading.scale_id or prep.bag_before_scale_id,
            typed_reason=" / ".join(typed_reasons),
            added_g=result.added_g,
            expected_added_g=result.expected_added_g,
            density_assumed=result.density_assumed,
            expected_g=(prep.bag_before_g + result.expected_added_g).quantize(ML_STEP),
            deviation_g=result.deviation_g,
            deviation_percent=result.deviation_percent,
            drug_deviation_percent=result.deviation_percent,
            tolerance_percent=tolerance,
            basis="drug",
            passed=result.passed,
            message=result.message[:300],
            recorded_by=actor,
            recorded_at=moment,
        )
        if result.passed:
            fields = fire(prep, PrepEvent.WEIGHING_PASSED)
            prep.ended_at = moment
            opened = [v.leftover.opened_at for v in vials if v.leftover is not None]
            opened += [v.scanned_at for v in vials if v.source == VialSource.NEW]
            local = timezone.localtime(moment)
            lot_ends = [lot_end(v.lot_expiry, local.tzinfo) for v in vials]  # type: ignore[arg-type]  # localtime is aware
            apply_completion(
                prep,
                prep.product,
                prepared_at=prep.started_at or moment,
                opened_at=min(opened, default=None),
                diluent=prep.diluent,
                bag_volume_ml=prep.bag_volume_ml,
                lot_expires_at=min(lot_ends, default=None),
            )
            save_preparation(prep, actor, [*fields, "ended_at", *COMPLETION_FIELDS])
            ExposureRecord.objects.create(
                operator_id=prep.technician_id or actor.pk,  # ids: nothing read again
                ingredient=prep.order_item.ingredient,
                hood_id=prep.hood_id,
                preparation=prep,
                started_at=prep.started_at or moment,
                ended_at=moment,
            )
        audit_record(
            event=events.WEIGHING_RECORDED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            reason=weighing.typed_reason,
            after={
                "before_g": str(prep.bag_before_g),
                "after_g": str(reading.grams),
                "added_g": str(result.added_g),
                "expected_added_g": str(result.expected_added_g),
                "deviation_percent": str(result.deviation_percent),
                "density_assumed": result.density_assumed,
                "passed": result.passed,
                "source": weighing.source,
                "typed": weighing.typed,
                "scale": weighing.scale_id,
            },
        )
    return weighing
