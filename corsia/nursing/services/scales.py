"""The scales as data: the shipped ones loaded, a hospital's own defined, one put in use or
withdrawn. A definition is checked by the domain (``domain/scales.py``) before it is
written, and is never changed afterwards: a new version is a new scale row."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.nursing import audit_events as events
from corsia.nursing.domain import catalogue
from corsia.nursing.domain.scales import definition_from_dict
from corsia.nursing.models import Scale
from corsia.nursing.services.care_common import Activation, new_version_of, set_active

MANAGE = "nursing.manage_scales"


def scales_reference_load() -> int:
    """The shipped scales (``domain/catalogue.py``) written where missing; idempotent.
    Returns how many were created. An existing code and version is left as it is."""
    created = 0
    with transaction.atomic():
        existing = set(Scale.objects.select_for_update().values_list("code", "version"))
        for definition in catalogue.shipped():
            if (definition.code, definition.version) in existing:
                continue
            Scale.objects.create(
                code=definition.code,
                version=definition.version,
                name=definition.name,
                definition=definition.as_dict(),
                shipped=True,
            )
            created += 1
        if created:
            audit_record(
                event=events.SCALES_LOADED, actor=None, workstation=None, after={"created": created}
            )
    return created


def scale_define(*, actor: User, workstation: Workstation, definition: Any) -> Scale:
    """A scale of the hospital's own (or a new version of any scale, e.g. other cut-offs):
    refused, with the reason in Italian, when it is not a scale Corsia can score. The new
    version is put in use and the code's other versions are withdrawn."""
    require_permission(actor, MANAGE)
    parsed = definition_from_dict(definition)
    with transaction.atomic():
        same_code = new_version_of(
            Scale, parsed.code, parsed.version, refusal="scale_version_exists", what="La scala"
        )
        scale = Scale.objects.create(
            code=parsed.code,
            version=parsed.version,
            name=parsed.name,
            definition=parsed.as_dict(),
            shipped=False,
            defined_by=actor,
            workstation=workstation_label(workstation)[:120],
        )
        audit_record(
            event=events.SCALE_DEFINED,
            actor=actor,
            workstation=workstation,
            target=scale,
            after={
                "code": parsed.code,
                "version": parsed.version,
                "withdrawn": [s.version for s in same_code if s.version != parsed.version],
            },
        )
    return scale


SCALE_ACTIVATION = Activation(
    Scale, MANAGE, events.SCALE_ACTIVATION_CHANGED, "Scala non trovata.", "scale_not_found"
)


def scale_set_active(*, scale_id: int, **act: Any) -> Scale:
    """Put a scale version in use (the code's other versions are withdrawn) or withdraw it
    (``actor``, ``workstation``, ``active``, ``reason``). Its past assessments stay."""
    scale: Scale = set_active(SCALE_ACTIVATION, pk=scale_id, **act)
    return scale
