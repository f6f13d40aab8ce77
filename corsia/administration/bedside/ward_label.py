"""The label of a drug prepared on the ward (ward competence: ancillary and supportive
drugs), printed by the nurse through the editable template ``ward_label`` of
``corsia.documents`` and archived, unsigned, with its template version at every print
(issue 23 §22-23). Its barcode, ``WRD`` + the order item's id (Code 128), is what the
bedside check reads."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from corsia.administration.bedside.selectors import ward_label_item
from corsia.administration.domain.bedside import ward_label_payload
from corsia.core.actors import User, Workstation
from corsia.documents.barcodes import barcode_field
from corsia.documents.services import document_print

if TYPE_CHECKING:
    from corsia.documents.models import Document
    from corsia.prescribing.models import OrderItem


def _dose(amount: Decimal, unit: str) -> str:
    """``8.0000`` mg → ``8 mg``; ``2.5000`` → ``2,5`` (to the hundredth, Italian comma)."""
    number = f"{amount.quantize(Decimal('0.01')).normalize():f}".replace(".", ",")
    return f"{number} {unit}"


def ward_label_context(item: OrderItem) -> dict[str, Any]:
    """The ``item`` and ``barcode`` of the print (schema ``ward_label``)."""
    payload = ward_label_payload(item.pk)
    return {
        "item": {
            "drug": item.ingredient.name_it,
            "dose": _dose(item.final_dose, item.amount_unit),
            "route": str(item.get_route_display()),
            "preparation": item.preparation,
            "duration": f"{item.duration_minutes} min" if item.duration_minutes else "",
            "cycle_day": str(item.day_of_cycle),
        },
        "barcode": barcode_field(payload),
    }


def ward_label_print(*, actor: User, workstation: Workstation, item_id: int) -> Document:
    """The nurse's print of a ward-competence line (``administration.administer``, a
    logged read), archived; the caller answers ``document.content``."""
    item = ward_label_item(user=actor, item_id=item_id, workstation=workstation)
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code="ward_label",
        title=f"Etichetta di reparto {ward_label_payload(item.pk)}",
        patient=item.order.patient,
        context=ward_label_context(item),
        source=("prescribing", "orderitem", item.pk),
    )
