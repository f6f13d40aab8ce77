"""The regulatory documentation of an order (``domain/regulatory.py``): one row per drug
and kind (AIFA registry, Law 648/96, off-label under Law 94/1998) with what the physician
recorded (who, when, workstation), the pharmacist's override of missing documentation at
validation, and the pharmacy's "scheda di dispensazione" entered in the AIFA registry.

The physician's documentation is read-only once the order is signed (the services refuse
it: ``regulatory_order_signed``); the pharmacy's two acts come after signing by nature."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from corsia.core.models import VersionedModel
from corsia.prescribing.domain.regulatory import KIND_LABELS_IT, Documentation, Kind


@pghistory.track()
class OrderRegulatoryRequirement(VersionedModel):
    order = models.ForeignKey(
        "prescribing.TherapyOrder", on_delete=models.PROTECT, related_name="regulatory"
    )
    ingredient = models.ForeignKey(
        "drugs.ActiveIngredient", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("tipo"), max_length=16, choices=[(k.value, v) for k, v in KIND_LABELS_IT.items()]
    )
    # False once the drug is no longer active on the order (suspended, or a new diagnosis)
    active = models.BooleanField(default=True)
    registry_name = models.CharField(_("registro AIFA"), max_length=160, blank=True)
    indication_code = models.CharField(_("codice della diagnosi"), max_length=12, blank=True)
    indication_label = models.CharField(_("indicazione"), max_length=200, blank=True)
    # AIFA registry: the "scheda di richiesta farmaco", or why not yet (acknowledged)
    request_number = models.CharField(
        _("numero della scheda di richiesta"), max_length=60, blank=True
    )
    request_date = models.DateField(_("data della scheda di richiesta"), null=True, blank=True)
    pending_reason = models.CharField(_("motivo dell'attesa"), max_length=300, blank=True)
    pending_acknowledged = models.BooleanField(default=False)
    # Law 648/96
    listing_reference = models.CharField(_("riferimento elenco 648/96"), max_length=300, blank=True)
    # off-label, Law 94/1998
    clinical_rationale = models.TextField(_("motivazione clinica"), blank=True)
    literature = models.TextField(_("letteratura"), blank=True)
    consent_reference = models.CharField(_("consenso informato"), max_length=120, blank=True)
    consent_date = models.DateField(_("data del consenso"), null=True, blank=True)
    authorisation_reference = models.CharField(_("autorizzazione"), max_length=120, blank=True)
    authorisation_date = models.DateField(_("data dell'autorizzazione"), null=True, blank=True)
    documented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    documented_at = models.DateTimeField(null=True, blank=True)
    documented_workstation = models.CharField(max_length=120, blank=True)
    # the pharmacist validated without the documentation, and why
    override_reason = models.TextField(
        _("motivo della validazione senza documentazione"), blank=True
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    override_workstation = models.CharField(max_length=120, blank=True)
    # the pharmacy entered the "scheda di dispensazione" in the AIFA registry
    dispensing_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dispensing_recorded_at = models.DateTimeField(null=True, blank=True)
    dispensing_recorded_workstation = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["order", "kind", "ingredient"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["order", "ingredient", "kind"], name="regulatory_one_per_drug_kind"
            )
        ]
        indexes = [models.Index(fields=["kind", "active"], name="regulatory_kind_active")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.ingredient_id}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS_IT[Kind(self.kind)]

    def documentation(self) -> Documentation:
        return Documentation(
            request_number=self.request_number,
            request_date=self.request_date,
            pending_reason=self.pending_reason,
            pending_acknowledged=self.pending_acknowledged,
            listing_reference=self.listing_reference,
            clinical_rationale=self.clinical_rationale,
            literature=self.literature,
            consent_reference=self.consent_reference,
            consent_date=self.consent_date,
            authorisation_reference=self.authorisation_reference,
            authorisation_date=self.authorisation_date,
        )
