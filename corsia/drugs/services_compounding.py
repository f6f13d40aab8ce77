"""A pharmacist confirms a medicinal product's compounding data against its SmPC."""

from __future__ import annotations

import pghistory
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.drugs.audit_events import DRUGS_COMPOUNDING_VERIFIED
from corsia.drugs.domain.compounding_data import FIELD_LABELS_IT
from corsia.drugs.models import MedicinalProduct

VERIFY_PERMISSION = "drugs.verify_compounding"


def product_compounding_verify(
    *, actor: User, workstation: Workstation, code: str, expected_version: int
) -> MedicinalProduct:
    """A pharmacist confirms a product's compounding data against its SmPC.

    Turns off ``to_verify`` for the product, recording who and when; refused while data
    are missing (``compounding_incomplete``) or when the product changed since the page
    was read (the version).
    """
    require_permission(
        actor, VERIFY_PERMISSION, "Solo il farmacista può confermare i dati di allestimento."
    )
    with transaction.atomic():
        product = MedicinalProduct.objects.select_for_update().filter(code=code).first()
        if product is None:
            raise NotFound(f"Medicinale «{code}» non trovato.", code="product_not_found")
        product.check_version(expected_version)
        missing = product.compounding_missing
        if missing:
            raise ValidationFailed(
                "Dati di allestimento incompleti: "
                + ", ".join(FIELD_LABELS_IT[k] for k in missing)
                + ". Completarli (importazione) prima di confermarli.",
                code="compounding_incomplete",
                field="product",
            )
        before = {"to_verify": product.to_verify}
        product.to_verify = False
        product.compounding_verified_by = actor
        product.compounding_verified_at = timezone.now()
        with pghistory.context(source="verifica farmacista", user=actor.pk):
            product.save(
                update_fields=[
                    "to_verify",
                    "compounding_verified_by",
                    "compounding_verified_at",
                    *product.bump(by=actor),
                ]
            )
        audit_record(
            event=DRUGS_COMPOUNDING_VERIFIED,
            actor=actor,
            workstation=workstation,
            target=product,
            before=before,
            after={"to_verify": False, "product": product.code, "version": product.version},
        )
    return product
