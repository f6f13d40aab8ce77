"""The CapabilityStatement: what this server really answers (resources, interactions,
search parameters), nothing more."""

from __future__ import annotations

from dataclasses import dataclass

from corsia.fhir.domain.outcome import Resource


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str  # token, reference, date, string
    documentation: str


@dataclass(frozen=True)
class ResourceSupport:
    type: str
    search: tuple[SearchParam, ...]
    read: bool = True
    documentation: str = ""
    searchable: bool = True


_PATIENT = SearchParam("patient", "reference", "Patient/{id} or {id}")
_COUNT = SearchParam("_count", "number", "page size: default 50, at most 200")
_LAST_UPDATED = SearchParam(
    "_lastUpdated", "date", "meta.lastUpdated: eq/ge/gt/le/lt prefixes; repeat for a range"
)
_DATE_HELP = "eq/ge/gt/le/lt prefixes; repeat for a range"

SUPPORTED: tuple[ResourceSupport, ...] = (
    ResourceSupport(
        "Patient",
        (
            SearchParam("_id", "token", "the patient's id"),
            SearchParam(
                "identifier",
                "token",
                "http://hl7.it/sid/codiceFiscale|<codice fiscale> or the hospital MRN "
                "(<MRN system>|<MRN>); a value without system matches either",
            ),
            SearchParam("family", "string", "start of the surname, any case"),
            SearchParam("birthdate", "date", "eq/ge/gt/le/lt prefixes"),
        ),
    ),
    ResourceSupport(
        "Encounter",
        (
            _PATIENT,
            SearchParam("status", "token", "in-progress | finished | cancelled"),
            SearchParam("date", "date", "the stay's period overlaps the interval; " + _DATE_HELP),
        ),
        documentation="Masked (oscurati) encounters are never returned.",
    ),
    ResourceSupport(
        "AllergyIntolerance",
        (
            _PATIENT,
            SearchParam("clinical-status", "token", "active | inactive"),
            SearchParam("date", "date", "recordedDate; " + _DATE_HELP),
        ),
        documentation="'No known allergies' is SNOMED CT 716186003, clinicalStatus active.",
    ),
    ResourceSupport("Condition", (_PATIENT,), documentation="Diagnoses in ICD-9-CM."),
    ResourceSupport(
        "Observation",
        (
            _PATIENT,
            SearchParam("category", "token", "vital-signs | laboratory"),
            SearchParam("status", "token", "final (every result served is final)"),
            SearchParam("code", "token", "LOINC code of a vital sign ([system|]code)"),
            SearchParam("date", "date", "eq/ge/gt/le/lt prefixes; repeat for a range"),
        ),
        documentation="Vital signs in LOINC and UCUM; laboratory results as recorded.",
    ),
    ResourceSupport(
        "MedicationRequest",
        (
            _PATIENT,
            SearchParam(
                "status", "token", "draft | active | on-hold | cancelled | completed | stopped"
            ),
            SearchParam(
                "date",
                "date",
                "the day the line is scheduled (timing.event), a ward prescription's first "
                "day; " + _DATE_HELP,
            ),
        ),
        documentation="One per order line; the order as groupIdentifier. The ward's "
        "non-antiblastic prescriptions as ward-<n>.",
    ),
    ResourceSupport(
        "MedicationAdministration",
        (
            _PATIENT,
            SearchParam("date", "date", "when the administration started; " + _DATE_HELP),
            SearchParam(
                "status",
                "token",
                "in-progress | completed | stopped | not-done | entered-in-error",
            ),
        ),
        documentation="The bedside administrations; the ward round's doses as ward-<n>.",
    ),
    ResourceSupport(
        "RequestGroup",
        (
            _PATIENT,
            SearchParam("identifier", "token", "urn:corsia:therapy-order|<order number>"),
            SearchParam("status", "token", "draft | active | on-hold | revoked | completed"),
        ),
        documentation="A therapy order as a whole; its lines are the MedicationRequests "
        "(action.resource).",
    ),
    ResourceSupport(
        "DocumentReference",
        (
            _PATIENT,
            SearchParam("status", "token", "current | superseded"),
            SearchParam("date", "date", "when it was signed; " + _DATE_HELP),
        ),
        documentation="Signed documents only; the PDF at Binary/{id}, with the same "
        "permission, scope, masking and access log.",
    ),
    ResourceSupport(
        "Binary",
        (),
        documentation="A signed document's PDF (DocumentReference.content.attachment.url), "
        "answered as application/pdf.",
        searchable=False,
    ),
    ResourceSupport(
        "Practitioner",
        (
            SearchParam("identifier", "token", "urn:corsia:user|<username>"),
            SearchParam("family", "string", "start of the surname, any case"),
        ),
        documentation="The users holding a clinical role (physician, pharmacist, nurse, "
        "technician); no account data.",
    ),
    ResourceSupport(
        "Medication",
        (SearchParam("code", "token", "a pack's AIC code (AIFA, HL7 Italia's code system)"),),
        documentation="A product of the drug archive: its packs' AIC codes and its ATC code.",
    ),
    ResourceSupport(
        "PlanDefinition",
        (),
        documentation="The validated versions of the active regimens (id: the version).",
    ),
    ResourceSupport(
        "AuditEvent",
        (_PATIENT, SearchParam("date", "date", "whole days; " + _DATE_HELP)),
        read=False,
        documentation="The access log (who read which patient's data), for the auditor.",
    ),
)

SEARCH_PARAMS: dict[str, frozenset[str]] = {
    r.type: frozenset(p.name for p in r.search) for r in SUPPORTED if r.searchable
}
# The resources of one patient's data, which a token's ``patient/`` scopes reach.
PATIENT_COMPARTMENT = frozenset(
    {
        "Patient", "Encounter", "AllergyIntolerance", "Condition", "Observation",
        "MedicationRequest", "MedicationAdministration", "RequestGroup", "DocumentReference",
    }
)  # fmt: skip
READABLE: frozenset[str] = frozenset(r.type for r in SUPPORTED if r.read)


def capability_statement(*, base: str, published: str) -> Resource:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": published,
        "publisher": "Corsia",
        "kind": "instance",
        "software": {"name": "Corsia"},
        "implementation": {"description": "Corsia FHIR R4 server (read-only)", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read-only. Unknown search parameters are refused (strict handling, the "
                    "default: 400 OperationOutcome); with 'Prefer: handling=lenient' they are "
                    "left out and named in an OperationOutcome entry of the Bundle. Paging by "
                    "_count and _offset (the self, next and previous links)."
                ),
                "security": {
                    "cors": False,
                    "service": [
                        {
                            # an opaque token, not OAuth: no restful-security-service code
                            "text": "Bearer token (Authorization: Bearer <token>, issued at "
                            "/api/v1/auth/token, optionally with SMART-style read scopes: "
                            "patient/*.read, user/*.read, user/<Type>.read) or the signed-in "
                            "session",
                        }
                    ],
                    "description": "The same permissions, patient scope and access log as "
                    "the pages and the API.",
                },
                "resource": [_resource(r) for r in SUPPORTED],
            }
        ],
    }


def _resource(support: ResourceSupport) -> Resource:
    interactions = [{"code": "search-type"}] if support.searchable else []
    if support.read:
        interactions.insert(0, {"code": "read"})
    found: Resource = {
        "type": support.type,
        "interaction": interactions,
    }
    if support.searchable:
        found["searchParam"] = [
            {"name": p.name, "type": p.type, "documentation": p.documentation}
            for p in (*support.search, _LAST_UPDATED, _COUNT)
        ]
    if support.documentation:
        found["documentation"] = support.documentation
    return found
