"""The FHIR server's reads of what is not one patient's data: Practitioner (the accounts'
clinical staff), Medication (the drug archive's products), PlanDefinition (the validated
regimens, as the regimens module exports them) and AuditEvent (the access log, for who may
read it). Each through the owning module's public selectors, with the permission of the page
that shows the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from corsia.accounts.domain.roles import ROLE_LABELS_IT, Role
from corsia.accounts.selectors import user_roles, users_in_role
from corsia.audit import audit_events
from corsia.audit.fhir import access_bundle
from corsia.audit.selectors import AccessQuery, access_log_search
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.drugs.selectors import packs_by_aic, packs_of_products, product_find
from corsia.fhir.domain import catalog
from corsia.fhir.domain.outcome import InvalidSearch, Resource, ResourceNotFound
from corsia.fhir.domain.search import (
    Page,
    date_bounds,
    interval_of,
    reference_id,
    resource_id,
    token_of,
)
from corsia.fhir.selectors import Found, hospital_zone, paged
from corsia.regimens.selectors import prescribable_versions, version_get, version_plan_definition

VIEW_STAFF = "patients.view_patient"  # who sees the patients sees who cares for them
VIEW_DRUGS = "drugs.view_drug"
VIEW_REGIMENS = "regimens.view_regimen"
VIEW_ACCESS_LOG = "audit.view_accesslog"
CLINICAL_ROLES = (Role.PHYSICIAN, Role.PHARMACIST, Role.NURSE, Role.TECHNICIAN)


# --- Practitioner -------------------------------------------------------------------------------


def _practitioners() -> dict[int, Resource]:
    """The active users holding a clinical role, by surname (IT staff, auditors and the
    like are not practitioners)."""
    found: dict[int, Resource] = {}
    for role in CLINICAL_ROLES:
        for user in users_in_role(role=role):
            if user.pk in found:
                continue
            held = user_roles(user)
            found[user.pk] = catalog.practitioner_resource(
                catalog.PractitionerFacts(
                    id=user.pk,
                    username=user.username,
                    family=user.last_name,
                    given=user.first_name,
                    active=user.is_active,
                    roles=tuple(ROLE_LABELS_IT[r] for r in CLINICAL_ROLES if r in held),
                )
            )
    return dict(sorted(found.items(), key=lambda kv: (kv[1]["name"][0]["text"].casefold(), kv[0])))


def practitioner_read(*, user: User, raw_id: str) -> Resource:
    require_permission(user, VIEW_STAFF)
    found = resource_id(raw_id)
    practitioners = _practitioners() if found is not None else {}
    if found is None or found not in practitioners:
        raise ResourceNotFound(f"Practitioner/{raw_id[:64]} not found")
    return practitioners[found]


def practitioner_search(
    *, user: User, params: Mapping[str, list[str]], page: Page, workstation: Workstation
) -> Found:
    """By ``identifier`` (the username) or ``family`` (start of the surname, any case)."""
    require_permission(user, VIEW_STAFF)
    found = list(_practitioners().values())
    if "identifier" in params:
        token = token_of(params["identifier"][0])
        found = [
            r for r in found
            if token.system in (None, catalog.USER) and r["identifier"][0]["value"] == token.code
        ]  # fmt: skip
    if "family" in params:
        start = params["family"][0].casefold()
        found = [r for r in found if r["name"][0].get("family", "").casefold().startswith(start)]
    return paged(found, page)


# --- Medication -----------------------------------------------------------------------------------


def _medication(product_id: int) -> Resource | None:
    product = product_find(product_id=product_id)
    if product is None:
        return None
    packs = packs_of_products([product.pk])
    return catalog.medication_resource(
        catalog.MedicationFacts(
            id=product.pk,
            code=product.code,
            name=product.name,
            ingredient_code=product.ingredient.code,
            ingredient_name=product.ingredient.name_it,
            atc_code=product.ingredient.atc_code,
            form=product.form,
            strength=product.strength,
            strength_unit=product.strength_unit,
            packs=tuple(catalog.PackCode(aic=p.aic, description=p.description) for p in packs),
        )
    )


def medication_read(*, user: User, raw_id: str) -> Resource:
    require_permission(user, VIEW_DRUGS)
    found = resource_id(raw_id)
    resource = _medication(found) if found is not None else None
    if resource is None:
        raise ResourceNotFound(f"Medication/{raw_id[:64]} not found")
    return resource


def medication_search(
    *, user: User, params: Mapping[str, list[str]], page: Page, workstation: Workstation
) -> Found:
    """By ``code``: a pack's AIC (``<AIC system>|<code>`` or the bare code): the product it
    is a pack of. No list of the whole archive."""
    require_permission(user, VIEW_DRUGS)
    if "code" not in params:
        raise InvalidSearch("A Medication search needs the code parameter (an AIC code)")
    token = token_of(params["code"][0])
    if token.system not in (None, catalog.AIC):
        return Found(total=0, resources=[])
    pack = packs_by_aic([token.code]).get(token.code)
    resource = _medication(pack.product_id) if pack is not None else None
    return paged([resource] if resource is not None else [], page)


# --- PlanDefinition -------------------------------------------------------------------------------


def _plan(version_id: int) -> Resource:
    version = version_get(version_id=version_id)
    plan: Resource = json.loads(version_plan_definition(version))
    plan["id"] = str(version.pk)  # the address it is read at (the export's id is its code)
    return plan


def plan_definition_read(*, user: User, raw_id: str) -> Resource:
    require_permission(user, VIEW_REGIMENS)
    found = resource_id(raw_id)
    try:
        if found is None:
            raise NotFound("not found")
        return _plan(found)
    except NotFound as error:
        raise ResourceNotFound(f"PlanDefinition/{raw_id[:64]} not found") from error


def plan_definition_search(
    *, user: User, params: Mapping[str, list[str]], page: Page, workstation: Workstation
) -> Found:
    """The validated versions of the active regimens (what may be prescribed), by code."""
    require_permission(user, VIEW_REGIMENS)
    versions = prescribable_versions()
    return Found(
        total=len(versions),
        resources=[_plan(v.pk) for v in versions[page.offset : page.offset + page.count]],
    )


# --- AuditEvent -----------------------------------------------------------------------------------


def _access_events(query: AccessQuery, page: Page, user: User, workstation: Workstation) -> Found:
    """One page of the access log in the database (issue 27: the count and the page's
    rows, whatever the log holds; before, the newest 2,000 read and paged in memory)."""
    rows = access_log_search(query)
    total = rows.count()
    events: list[Resource] = [
        e["resource"]
        for e in access_bundle(rows[page.offset : page.offset + page.count]).get("entry", [])
    ]
    audit_record(
        event=audit_events.ACCESS_LOG_EXPORTED,
        actor=user,
        workstation=workstation,
        after={"channel": "fhir", "entries": len(events)},
    )
    return Found(total=total, resources=events)


def audit_event_search(
    *, user: User, params: Mapping[str, list[str]], page: Page, workstation: Workstation
) -> Found:
    """The access log, the newest first, paged in the database, by ``patient`` and ``date``
    (whole days); the export itself is audited as on the API."""
    require_permission(user, VIEW_ACCESS_LOG)
    patient_id = None
    if "patient" in params:
        patient_id = reference_id(params["patient"][0], "Patient")
        if patient_id is None:
            return Found(total=0, resources=[])
    first, before = date_bounds(
        interval_of(params.get("date", []), hospital_zone()), hospital_zone()
    )
    last = before.fromordinal(before.toordinal() - 1) if before is not None else None
    query = AccessQuery(patient_id=patient_id, date_from=first, date_to=last)
    return _access_events(query, page, user, workstation)
