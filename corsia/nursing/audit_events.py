"""Audit events of the nursing record (declared once)."""

from __future__ import annotations

from corsia.audit.domain.events import register

SCALES_LOADED = register("nursing.scales_loaded", "Scale di valutazione fornite caricate")
SCALE_DEFINED = register("nursing.scale_defined", "Scala di valutazione definita dal reparto")
SCALE_ACTIVATION_CHANGED = register(
    "nursing.scale_activation_changed",
    "Scala di valutazione messa in uso o ritirata",
    reason_required=True,
)
ASSESSMENT_RECORDED = register("nursing.assessment_recorded", "Valutazione con scala registrata")
ASSESSMENT_CORRECTED = register(
    "nursing.assessment_corrected",
    "Valutazione con scala corretta (nuova versione)",
    reason_required=True,
)
