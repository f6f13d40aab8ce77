"""The collection: apheresis or marrow harvest (or a cord unit received from its bank),
its date, volume and CD34+ content, the dose per kg of the recipient computed
(``domain/cd34.py``), the product's ISBT 128 DIN; then each step of its chain of custody
(collected, received in the lab, cryopreserved, thawed, issued), in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.codes import code_of
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.transfusion.domain.isbt128 import Donation, Isbt128Error, din_typed, parse_scan
from corsia.transplant import audit_events_pretransplant as events
from corsia.transplant.domain import cd34, codes
from corsia.transplant.models import CustodyEvent, Donor, Product
from corsia.transplant.permissions import RECORD
from corsia.transplant.services.common import case_for_update, clean_text, ensure_open


def din_of(raw: str, field: str = "din") -> str:
    """The 13-character DIN of a bag: scanned (``=`` + DIN + flags) or typed with its
    keyboard check character."""
    text = (raw or "").strip()
    if "\x00" in text or len(text) > 40:
        raise ValidationFailed(
            "Il codice letto non è un DIN ISBT 128.", code="din_malformed", field=field
        )
    try:
        if text.startswith("="):
            scan = parse_scan(text)
            if not isinstance(scan, Donation):
                raise Isbt128Error("scan_not_din", "Il codice letto non è il DIN della sacca.")
            return scan.din
        return din_typed(text).din
    except Isbt128Error as error:
        raise ValidationFailed(error.message, code=error.code, field=field) from None


def _collected_at(on: date) -> datetime:
    """The collection's moment in the chain of custody: now when collected today, else
    midday of the day it was collected (the form records the day)."""
    now = timezone.now()
    if on >= timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(on, time(12, 0)))


@dataclass(frozen=True)
class CollectionInput:
    method: str
    collected_on: date | None
    din: str
    volume_ml: Decimal | None
    recipient_weight_kg: Decimal | None
    cd34_per_ul: Decimal | None = None
    cd34_total: Decimal | None = None  # × 10^6, when the lab gives the total
    expires_at: datetime | None = None
    note: str = ""


def product_snapshot(product: Product) -> dict[str, Any]:
    return {
        "id": product.pk, "din": product.din, "method": product.method,
        "collected_on": product.collected_on.isoformat(), "volume_ml": f"{product.volume_ml}",
        "cd34_per_ul": f"{product.cd34_per_ul}" if product.cd34_per_ul is not None else None,
        "cd34_total": f"{product.cd34_total}", "weight_kg": f"{product.recipient_weight_kg}",
        "cd34_dose": f"{product.cd34_dose}", "custody": product.custody,
        "donor": product.donor_id, "version": product.version,
    }  # fmt: skip


def product_collect(
    *, actor: User, workstation: Workstation, transplant_id: int, data: CollectionInput
) -> Product:
    require_permission(actor, RECORD)
    method = code_of(codes.CollectionMethod, data.method, "method", "Indica il metodo di raccolta.")
    today = timezone.localdate()
    if data.collected_on is None:
        raise ValidationFailed(
            "Indica la data della raccolta.", code="collected_on_required", field="collected_on"
        )
    if data.collected_on > today:
        raise ValidationFailed(
            "La raccolta non può essere nel futuro.", code="date_in_future", field="collected_on"
        )
    din = din_of(data.din)
    if data.volume_ml is None:
        raise ValidationFailed(
            "Indica il volume raccolto (mL).", code="volume_ml_required", field="volume_ml"
        )
    volume = cd34.volume_checked(data.volume_ml)
    if data.cd34_per_ul is not None:
        total = cd34.total_cd34_millions(concentration_per_ul=data.cd34_per_ul, volume_ml=volume)
    elif data.cd34_total is not None:
        total = data.cd34_total
    else:
        raise ValidationFailed(
            "Indica le CD34+ (cellule/µL o totali ×10^6).",
            code="cd34_required",
            field="cd34_per_ul",
        )
    dose = cd34.dose_per_kg(total_millions=total, weight_kg=data.recipient_weight_kg)
    assert data.recipient_weight_kg is not None
    note = clean_text(data.note, "note")
    if data.expires_at is not None and data.expires_at.tzinfo is None:
        raise ValidationFailed(
            "Indica data e ora della scadenza.", code="datetime_invalid", field="expires_at"
        )
    with transaction.atomic():
        case = case_for_update(actor=actor, transplant_id=transplant_id)
        ensure_open(case)
        if case.infusions.exists():
            raise ConflictError(
                "Il trapianto è già stato infuso.", code="transplant_already_infused"
            )
        donor = None
        if case.transplant_type == codes.TransplantType.ALLOGENEIC:
            donor = Donor.objects.filter(
                transplant=case, state=codes.DonorState.CHOSEN.value
            ).first()
            if donor is None:
                raise ConflictError(
                    "Prima della raccolta va scelto il donatore.", code="donor_not_chosen"
                )
        expected = {
            codes.StemCellSource.PERIPHERAL_BLOOD: codes.CollectionMethod.APHERESIS,
            codes.StemCellSource.BONE_MARROW: codes.CollectionMethod.MARROW,
            codes.StemCellSource.CORD_BLOOD: codes.CollectionMethod.CORD_UNIT,
        }[codes.StemCellSource(case.source)]
        if method != expected:
            raise ValidationFailed(
                f"La sorgente del trapianto è «{case.source_label.lower()}»: il metodo è "
                f"«{expected.label_it.lower()}».",
                code="method_not_source", field="method",
            )  # fmt: skip
        if Product.objects.filter(din=din).exists():
            raise ConflictError(
                f"Il DIN {din} è già registrato per un altro prodotto.", code="din_already_used"
            )
        try:
            with transaction.atomic():
                product = Product.objects.create(
                    transplant=case, patient_id=case.patient_id, donor=donor, method=method.value,
                    collected_on=data.collected_on, din=din, volume_ml=volume,
                    cd34_per_ul=data.cd34_per_ul, cd34_total=total.quantize(Decimal("0.01")),
                    recipient_weight_kg=data.recipient_weight_kg, cd34_dose=dose,
                    expires_at=data.expires_at, note=note, recorded_by=actor, updated_by=actor,
                )  # fmt: skip
        except IntegrityError:
            raise ConflictError(
                f"Il DIN {din} è già registrato per un altro prodotto.", code="din_already_used"
            ) from None
        CustodyEvent.objects.create(
            product=product, patient_id=case.patient_id, kind=codes.CustodyKind.COLLECTED.value,
            occurred_at=_collected_at(data.collected_on), author=actor,
            workstation=workstation_label(workstation),
        )  # fmt: skip
        if case.state in (
            codes.CaseState.TAKEN_IN_CHARGE, codes.CaseState.DONOR_SEARCH,
            codes.CaseState.DONOR_CHOSEN,
        ):  # fmt: skip
            case.state = codes.CaseState.COLLECTED.value
            case.save(update_fields=["state", *case.bump(by=actor)])
        audit_record(
            event=events.PRODUCT_COLLECTED, actor=actor, workstation=workstation, target=product,
            patient_id=case.patient_id, after=product_snapshot(product),
        )  # fmt: skip
    return product


def custody_record(
    *,
    actor: User,
    workstation: Workstation,
    product_id: int,
    expected_version: int | None,
    kind: str,
    occurred_at: datetime | None = None,
    note: str = "",
) -> CustodyEvent:
    """The next step of the product's chain of custody (``infused`` only by the infusion)."""
    require_permission(actor, RECORD)
    step = code_of(codes.CustodyKind, kind, "kind", "Indica il passaggio della catena di custodia.")
    if step in (codes.CustodyKind.COLLECTED, codes.CustodyKind.INFUSED):
        raise ValidationFailed(
            "Raccolta e infusione si registrano con i loro moduli.", code="custody_step_not_manual",
            field="kind",
        )  # fmt: skip
    now = timezone.now()
    at = occurred_at or now
    if at.tzinfo is None or at > now:
        raise ValidationFailed(
            "Data e ora non valide o nel futuro.", code="date_in_future", field="occurred_at"
        )
    text = clean_text(note, "note")
    with transaction.atomic():
        product = Product.objects.select_for_update().filter(pk=product_id).first()
        if product is None:
            raise NotFound("Prodotto non trovato.", code="product_not_found")
        case = case_for_update(actor=actor, transplant_id=product.transplant_id)
        ensure_open(case)
        product.check_version(expected_version if expected_version is not None else -1)
        current = codes.CustodyKind(product.custody)
        if step not in codes.CUSTODY_NEXT[current]:
            allowed = (
                ", ".join(k.label_it.lower() for k in codes.CUSTODY_NEXT[current]) or "nessuno"
            )
            raise ConflictError(
                f"Dopo «{current.label_it.lower()}» il passaggio successivo è: {allowed}.",
                code="custody_out_of_order",
            )
        last = product.custody_events.order_by("-occurred_at").first()
        if last is not None and at < last.occurred_at:
            raise ValidationFailed(
                "Il passaggio non può precedere quello prima.", code="custody_before_previous",
                field="occurred_at",
            )  # fmt: skip
        before = product_snapshot(product)
        event = CustodyEvent.objects.create(
            product=product, patient_id=product.patient_id, kind=step.value, occurred_at=at,
            author=actor, workstation=workstation_label(workstation), note=text,
        )  # fmt: skip
        product.custody = step.value
        product.save(update_fields=["custody", *product.bump(by=actor)])
        audit_record(
            event=events.CUSTODY_RECORDED, actor=actor, workstation=workstation, target=product,
            patient_id=product.patient_id, before=before, after=product_snapshot(product),
        )  # fmt: skip
    return event
