"""The ward's care-plan templates: the shipped ones loaded (``data/care_templates.json``),
a ward's own defined as data. A version is never changed (the database refuses it): a new
wording is a new version, put in use in place of the code's other versions; a plan that
used the old one keeps pointing at it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.nursing import audit_events as events
from corsia.nursing.domain.care_plans import CareTemplateDefinition, template_from_dict
from corsia.nursing.models import CareTemplate
from corsia.nursing.services.care_common import Activation, new_version_of, set_active

MANAGE = "nursing.manage_scales"
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "care_templates.json"


def shipped_templates() -> list[CareTemplateDefinition]:
    return [template_from_dict(raw) for raw in json.loads(SHIPPED.read_text(encoding="utf-8"))]


def _row(parsed: CareTemplateDefinition, **extra: Any) -> CareTemplate:
    return CareTemplate.objects.create(
        code=parsed.code,
        version=parsed.version,
        problem=parsed.problem,
        pattern=parsed.pattern,
        definition=parsed.as_dict(),
        **extra,
    )


def care_templates_reference_load() -> int:
    """The shipped templates written where missing; idempotent (how many were created)."""
    created = 0
    with transaction.atomic():
        existing = set(CareTemplate.objects.select_for_update().values_list("code", "version"))
        for parsed in shipped_templates():
            if (parsed.code, parsed.version) not in existing:
                _row(parsed, shipped=True)
                created += 1
        if created:
            audit_record(
                event=events.CARE_TEMPLATES_LOADED,
                actor=None,
                workstation=None,
                after={"created": created},
            )
    return created


def care_template_define(*, actor: User, workstation: Workstation, definition: Any) -> CareTemplate:
    """A ward's template, or a new version of one: checked whole, then put in use and the
    code's other versions withdrawn (the plans that used them keep them)."""
    require_permission(actor, MANAGE)
    parsed = template_from_dict(definition)
    with transaction.atomic():
        new_version_of(
            CareTemplate,
            parsed.code,
            parsed.version,
            refusal="template_version_exists",
            what="Il modello",
        )
        row = _row(parsed, defined_by=actor, workstation=workstation_label(workstation)[:120])
        audit_record(
            event=events.CARE_TEMPLATE_DEFINED,
            actor=actor,
            workstation=workstation,
            target=row,
            after={"code": parsed.code, "version": parsed.version, "problem": parsed.problem},
        )
    return row


TEMPLATE_ACTIVATION = Activation(
    CareTemplate,
    MANAGE,
    events.CARE_TEMPLATE_ACTIVATION_CHANGED,
    "Modello di piano non trovato.",
    "care_template_not_found",
)


def care_template_set_active(*, template_id: int, **act: Any) -> CareTemplate:
    """Withdraw a template version (no longer offered nor suggested) or put it back in use,
    the code's other versions withdrawn (``actor``, ``workstation``, ``active``,
    ``reason``). The plans that used it keep it as it was."""
    row: CareTemplate = set_active(TEMPLATE_ACTIVATION, pk=template_id, **act)
    return row
