"""Use cases of the regimen library and of clinical trials.

Each service checks the permission, works in one transaction, locks what it changes and
writes its audit event. A version is never edited: a change makes a new version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.drugs.selectors import ingredient_ids
from corsia.regimens import audit_events as events
from corsia.regimens.domain.approval import VersionStatus, decide_approval
from corsia.regimens.domain.diff import diff_specs
from corsia.regimens.domain.fhir import plan_definition_to_spec
from corsia.regimens.domain.spec import RegimenSpec
from corsia.regimens.domain.spec_codec import (
    age_bands_to_list,
    dosing_to_dict,
    number_too_long,
    spec_from_dict,
    spec_to_dict,
)
from corsia.regimens.domain.structure import ensure_valid_structure
from corsia.regimens.fhir_io import parse_plan_definition
from corsia.regimens.models import (
    Regimen,
    RegimenApproval,
    RegimenComponent,
    RegimenDisease,
    RegimenVersion,
)
from corsia.regimens.selectors import version_spec
from corsia.regimens.services.trials import MANAGE_TRIAL as MANAGE_TRIAL
from corsia.regimens.services.trials import trial_create as trial_create
from corsia.regimens.services.trials import trial_enrol_patient as trial_enrol_patient
from corsia.regimens.services.trials import trial_enrolment_withdraw as trial_enrolment_withdraw
from corsia.regimens.services.trials import trial_monitor_assign as trial_monitor_assign
from corsia.regimens.services.trials import trial_monitor_revoke as trial_monitor_revoke

MANAGE = "regimens.manage_regimen"
VALIDATE = "regimens.validate_regimen"


class UnknownIngredient(ValidationFailed):
    code = "unknown_ingredient"


def _ingredients(codes: Iterable[str]) -> dict[str, int]:
    """The drug archive's id of each ingredient code; refuses naming every missing one."""
    wanted = set(codes)
    found = ingredient_ids(wanted)
    missing = sorted(wanted - set(found))
    if missing:
        raise UnknownIngredient(
            "Principi attivi non presenti nell'archivio farmaci: " + ", ".join(missing) + ".",
            field="components",
            details={"missing": missing},
        )
    return found


def _persist_version(
    *,
    regimen: Regimen,
    spec: RegimenSpec,
    number: int,
    author: User | None,
    source: str,
    change_note: str,
) -> RegimenVersion:
    ingredients = _ingredients(c.ingredient for c in spec.components)
    p = spec.paediatric
    version = RegimenVersion.objects.create(
        regimen=regimen,
        number=number,
        status=VersionStatus.IN_TEST.value,
        author=author,
        source=source,
        change_note=change_note,
        name=spec.name,
        description=spec.description,
        therapy_type=spec.therapy_type.value,
        intent=spec.intent.value,
        is_standard=spec.is_standard,
        cycle_length_days=spec.cycle_length_days,
        max_cycles=spec.max_cycles,
        notes=spec.notes,
        bibliography=spec_to_dict(spec)["bibliography"],
        paediatric=p is not None,
        mg_kg_below_weight_kg=p.mg_kg_below_weight_kg if p else None,
        mg_kg_below_bsa_m2=p.mg_kg_below_bsa_m2 if p else None,
        dose_decimals=p.dose_decimals if p else 2,
        min_weight_kg=p.min_weight_kg if p else None,
        dosing=dosing_to_dict(spec.dosing),
    )
    RegimenComponent.objects.bulk_create(
        [
            RegimenComponent(
                version=version,
                sequence=c.sequence,
                ingredient_id=ingredients[c.ingredient],
                role=c.role.value,
                days=list(c.days),
                dose=c.dose,
                dose_unit=c.dose_unit,
                calculation=c.calculation.value,
                dose_description=c.dose_description,
                max_dose=c.max_dose,
                route=c.route.value,
                competence=c.competence.value,
                notes=c.notes,
                preparation=c.preparation,
                form=c.form,
                formulation=c.formulation,
                infusion_type=c.infusion_type.value,
                duration_minutes=c.duration_minutes,
                interval_after_minutes=c.interval_after_minutes,
                infusion_conditions=c.infusion_conditions,
                off_label=c.off_label,
                observation_minutes=c.observation_minutes,
                concentration_mg_ml=c.concentration_mg_ml,
                law_648=c.law_648,
                preparation_mode=c.preparation_mode.value,
                cycle_from=c.cycle_from,
                cycle_to=c.cycle_to,
                age_bands=age_bands_to_list(c.age_bands),
                obese_weight_basis=c.obese_weight_basis or "",
                adjusted_weight_factor=c.adjusted_weight_factor,
                administrations_per_day=c.administrations_per_day,
            )
            for c in spec.components
        ]
    )
    RegimenDisease.objects.bulk_create(
        [
            RegimenDisease(
                version=version, system=d.system.value, code=d.code, label=d.label, position=i
            )
            for i, d in enumerate(spec.diseases)
        ]
    )
    return version


def regimen_save(
    *,
    actor: User,
    spec: RegimenSpec,
    expected_version: int | None,
    workstation: Workstation = None,
    change_note: str = "",
    source: str = "editor",
) -> RegimenVersion:
    """Create a regimen, or a new version of an existing one (never edit a version).

    ``expected_version`` is the regimen's optimistic version the editor was built from
    (``None`` to create a new regimen). Older versions still in test are withdrawn; a
    validated version stays prescribable until the new one is validated.
    """
    require_permission(actor, MANAGE)
    ensure_valid_structure(spec)
    with transaction.atomic():
        regimen = Regimen.objects.select_for_update().filter(code=spec.code).first()
        if regimen is None:
            if expected_version is not None:
                raise NotFound(f"Lo schema {spec.code} non esiste.", code="regimen_not_found")
            regimen = Regimen.objects.create(code=spec.code, updated_by=actor)
            number = 1
        else:
            if expected_version is None:
                raise ConflictError(
                    f"Esiste già uno schema con codice {spec.code}.",
                    code="regimen_code_taken",
                    field="code",
                )
            regimen.check_version(expected_version)
            latest = regimen.versions.order_by("-number").first()
            assert latest is not None
            if not diff_specs(version_spec(latest), spec):
                raise ValidationFailed(
                    "Nessuna modifica rispetto all'ultima versione.", code="no_changes"
                )
            number = latest.number + 1
            withdrawn = list(
                regimen.versions.filter(status=VersionStatus.IN_TEST.value).values_list(
                    "number", flat=True
                )
            )
            regimen.versions.filter(status=VersionStatus.IN_TEST.value).update(
                status=VersionStatus.WITHDRAWN.value
            )
            regimen.save(update_fields=regimen.bump(by=actor))
            if withdrawn:
                change_note = (change_note + f" (ritirate le versioni in test {withdrawn})").strip()
        version = _persist_version(
            regimen=regimen,
            spec=spec,
            number=number,
            author=actor,
            source=source,
            change_note=change_note,
        )
        audit_record(
            event=events.REGIMEN_VERSION_CREATED,
            actor=actor,
            workstation=workstation,
            target=version,
            after={"code": spec.code, "version": number, "source": source},
            reason=change_note,
        )
    return version


def regimen_library_load(*, specs: Iterable[RegimenSpec]) -> tuple[int, int]:
    """Load preloaded regimens "in test" (author: none). Existing codes are left alone.

    Returns (created, already present). Every missing active ingredient is named in one
    error before anything is written.
    """
    specs = list(specs)
    for spec in specs:
        ensure_valid_structure(spec)
    with transaction.atomic():
        existing = set(
            Regimen.objects.filter(code__in=[s.code for s in specs]).values_list("code", flat=True)
        )
        todo = [s for s in specs if s.code not in existing]
        _ingredients(c.ingredient for s in todo for c in s.components)
        for spec in todo:
            regimen = Regimen.objects.create(code=spec.code)
            version = _persist_version(
                regimen=regimen,
                spec=spec,
                number=1,
                author=None,
                source="library",
                change_note="Libreria precaricata Corsia",
            )
            audit_record(
                event=events.REGIMEN_VERSION_CREATED,
                actor=None,
                workstation=None,
                target=version,
                after={"code": spec.code, "version": 1, "source": "library"},
            )
    return len(todo), len(existing)


def regimen_approve(
    *, actor: User, version_id: int, workstation: Workstation = None, comment: str = ""
) -> RegimenVersion:
    """One validator's approval; the second distinct one validates the version."""
    require_permission(actor, VALIDATE)
    with transaction.atomic():
        version = (
            RegimenVersion.objects.select_for_update()
            .select_related("regimen")
            .filter(pk=version_id)
        ).first()
        if version is None:
            raise NotFound("Versione dello schema inesistente.", code="regimen_not_found")
        previous = frozenset(version.approvals.values_list("approver_id", flat=True))
        outcome = decide_approval(
            status=VersionStatus(version.status),
            author_id=version.author_id,
            approver_id=actor.pk,
            approver_is_validator=actor.has_perm(VALIDATE),
            previous_approver_ids=previous,
        )
        now = timezone.now()
        RegimenApproval.objects.create(
            version=version, approver=actor, approved_at=now, comment=comment
        )
        audit_record(
            event=events.REGIMEN_VERSION_APPROVED,
            actor=actor,
            workstation=workstation,
            target=version,
            after={
                "code": version.regimen.code,
                "version": version.number,
                "approvals": outcome.approvals_after,
            },
            reason=comment,
        )
        if outcome.validated:
            superseded = list(
                RegimenVersion.objects.filter(
                    regimen=version.regimen, status=VersionStatus.VALIDATED.value
                ).values_list("number", flat=True)
            )
            RegimenVersion.objects.filter(
                regimen=version.regimen, status=VersionStatus.VALIDATED.value
            ).update(status=VersionStatus.SUPERSEDED.value)
            version.status = VersionStatus.VALIDATED.value
            version.validated_at = now
            version.save(update_fields=["status", "validated_at"])
            audit_record(
                event=events.REGIMEN_VERSION_VALIDATED,
                actor=actor,
                workstation=workstation,
                target=version,
                before={"status": VersionStatus.IN_TEST.value, "superseded": superseded},
                after={"status": VersionStatus.VALIDATED.value},
            )
    return version


def regimen_set_active(
    *,
    actor: User,
    regimen_id: int,
    active: bool,
    reason: str,
    expected_version: int,
    workstation: Workstation = None,
) -> Regimen:
    require_permission(actor, MANAGE)
    with transaction.atomic():
        regimen = Regimen.objects.select_for_update().get(pk=regimen_id)
        regimen.check_version(expected_version)
        before = regimen.is_active
        audit_record(
            event=events.REGIMEN_ACTIVE_CHANGED,
            actor=actor,
            workstation=workstation,
            target=regimen,
            before={"is_active": before},
            after={"is_active": active},
            reason=reason,
        )
        regimen.is_active = active
        regimen.save(update_fields=["is_active", *regimen.bump(by=actor)])
    return regimen


def regimen_import_plan_definition(
    *,
    actor: User,
    document: str | bytes,
    workstation: Workstation = None,
    code: str | None = None,
) -> RegimenVersion:
    """Import a FHIR PlanDefinition as a new regimen, or a new version of its code.

    ``code`` imports it under another code (e.g. a regimen shared by another hospital).
    """
    require_permission(actor, MANAGE)
    plan = parse_plan_definition(document)
    spec = plan_definition_to_spec(plan)
    if code:
        spec = RegimenSpec(**{**spec.__dict__, "code": code})
    current = Regimen.objects.filter(code=spec.code).values_list("version", flat=True).first()
    return regimen_save(
        actor=actor,
        spec=spec,
        expected_version=current,
        workstation=workstation,
        change_note="Importato da FHIR PlanDefinition",
        source="fhir",
    )


def spec_from_json_text(text: str) -> RegimenSpec:
    """The editor's JSON document as a spec (type errors name their field)."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            f"JSON non valido alla riga {exc.lineno}, colonna {exc.colno}: {exc.msg}.",
            code="invalid_json",
        ) from None
    except ValueError:  # an integer past Python's 4300 digits: not JSONDecodeError
        raise number_too_long() from None
    return spec_from_dict(data)
