"""What the gateway is told about a document: the XDS metadata of the publication's
``requestBody`` and the claims of the two JWTs of every call (pure).

Field names, values and their meaning: ministero-salute/it-fse-support,
``doc/integrazione-gateway/README.md`` (REST interfaces of the gateway, v2.13): §4.1 the
publication's request body, §7 the metadata update, §13.1 the JWT claims, §13.3 the value
sets (healthcare facility type, classCode, eventCode, practice setting, activity).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

CF_OID = "2.16.840.1.113883.2.9.4.3.2"  # codice fiscale (MEF)
ROME = ZoneInfo("Europe/Rome")
LOINC_OID = "2.16.840.1.113883.6.1"
# eventCodeList (attiCliniciRegoleAccesso): the access rules. P99 = "Oscuramento del
# documento" (Affinity Domain 2.6, table 13.3.4): the document is masked on the FSE.
OBSCURED = "P99"

# ClinicalDocument/code (LOINC) -> (tipoDocumentoLivAlto = XDSDocumentEntry.classCode,
# tipoAttivitaClinica = XDSSubmissionSet.contentTypeCode: CON, a consultation or stay).
DOCUMENT_CLASSES: dict[str, tuple[str, str]] = {
    "34105-7": ("LDO", "CON"),  # discharge letter
    "11488-4": ("REF", "CON"),  # outpatient specialist report
    "75496-0": ("REF", "CON"),  # televisit report
}

HEALTHCARE_FACILITY_TYPES = ("Ospedale", "Prevenzione", "Territorio", "SistemaTS", "Cittadino")
ACTION_CREATE, ACTION_UPDATE, ACTION_DELETE = "CREATE", "UPDATE", "DELETE"
PURPOSE_TREATMENT, PURPOSE_UPDATE = "TREATMENT", "UPDATE"


def cx_codice_fiscale(codice_fiscale: str) -> str:
    """HL7 v2.5 CX of a codice fiscale: ``RSSMRA75C03F839K^^^&2.16.840.1.113883.2.9.4.3.2&ISO``."""
    return f"{codice_fiscale}^^^&{CF_OID}&ISO"


def hl7_timestamp(moment: datetime | None) -> str:
    """``YYYYMMDDhhmmss`` (serviceStartTime/StopTime) in Italian local time."""
    if moment is None:
        return ""
    local = moment.astimezone(ROME) if moment.tzinfo is not None else moment
    return local.strftime("%Y%m%d%H%M%S")


@dataclass(frozen=True)
class Organisation:
    """The hospital as the gateway knows it (settings ``CORSIA_FSE_*``)."""

    issuer: str  # iss: the producer's identifier at the gateway
    locality: str  # XON: "NAME^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^<region+ASL+STS11>"
    organization: str  # subject_organization: "Regione Lombardia"
    organization_id: str  # subject_organization_id: the region's code, "030"
    audience: str  # aud: the gateway's base URL
    region_code: str  # [REGIONE] of 2.16.840.1.113883.2.9.2.[REGIONE].4.4 (no leading 0)
    repository_id: str  # identificativoRep (XDSDocumentEntry.repositoryUniqueId)
    facility_type: str = "Ospedale"
    application_id: str = "CORSIA"
    application_vendor: str = "Corsia"
    application_version: str = "1"


@dataclass(frozen=True)
class DocumentFacts:
    """What the metadata and claims say of one document, read from its CDA and row."""

    document_code: str  # LOINC of ClinicalDocument/code
    document_number: str  # X of identificativoDoc 2.16.840.1.113883.2.9.2.[R].4.4^X
    submission_number: str
    patient_cf: str  # recordTarget's codice fiscale
    author_cf: str  # legalAuthenticator's codice fiscale: the JWT's subject
    author_role: str  # subject_role: "APR" (physician), "AAS" (...): table 13.3.5
    practice_setting: str  # assettoOrganizzativo: "AD_PSC018" (Ematologia), ...
    service_start: datetime | None = None
    service_stop: datetime | None = None
    obscured: bool = False
    consent: bool = True
    events: tuple[str, ...] = field(default_factory=tuple)


def identificativo_doc(org: Organisation, number: str) -> str:
    return f"2.16.840.1.113883.2.9.2.{org.region_code}.4.4^{number}"


def identificativo_sottomissione(org: Organisation, number: str) -> str:
    return f"2.16.840.1.113883.2.9.2.{org.region_code}.4.3.{number}"


def access_rules(facts: DocumentFacts) -> list[str]:
    rules = [e for e in facts.events if e != OBSCURED]
    if facts.obscured:
        rules.append(OBSCURED)
    return rules


def publication_body(
    org: Organisation, facts: DocumentFacts, *, workflow_instance_id: str
) -> dict[str, Any]:
    """The ``requestBody`` of the publication (POST /v1/documents) and replace (PUT)."""
    class_code, activity = DOCUMENT_CLASSES[facts.document_code]
    body: dict[str, Any] = {
        "workflowInstanceId": workflow_instance_id,
        "healthDataFormat": "CDA",
        "mode": "ATTACHMENT",
        "tipologiaStruttura": org.facility_type,
        "attiCliniciRegoleAccesso": access_rules(facts),
        "identificativoDoc": identificativo_doc(org, facts.document_number),
        "identificativoRep": org.repository_id,
        "tipoDocumentoLivAlto": class_code,
        "assettoOrganizzativo": facts.practice_setting,
        "tipoAttivitaClinica": activity,
        "identificativoSottomissione": identificativo_sottomissione(org, facts.submission_number),
        "priorita": False,
    }
    if facts.service_start is not None:
        body["dataInizioPrestazione"] = hl7_timestamp(facts.service_start)
    if facts.service_stop is not None:
        body["dataFinePrestazione"] = hl7_timestamp(facts.service_stop)
    return body


def metadata_update_body(org: Organisation, facts: DocumentFacts) -> dict[str, Any]:
    """The body of PUT /v1/documents/{identificativoDoc}/metadata (§7): the same
    classification, with the access rules as they are now (masking asked after
    publication)."""
    class_code, activity = DOCUMENT_CLASSES[facts.document_code]
    body: dict[str, Any] = {
        "tipologiaStruttura": org.facility_type,
        "attiCliniciRegoleAccesso": access_rules(facts),
        "tipoDocumentoLivAlto": class_code,
        "assettoOrganizzativo": facts.practice_setting,
        "tipoAttivitaClinica": activity,
    }
    if facts.service_start is not None:
        body["dataInizioPrestazione"] = hl7_timestamp(facts.service_start)
    if facts.service_stop is not None:
        body["dataFinePrestazione"] = hl7_timestamp(facts.service_stop)
    return body


def jwt_claims(
    org: Organisation,
    facts: DocumentFacts,
    *,
    action: str,
    jti: str,
    issued_at: int,
    lifetime_seconds: int,
    attachment_hash: str = "",
) -> dict[str, Any]:
    """The claims of the Authorization bearer token; with ``attachment_hash`` (the SHA-256
    of the file sent: create and replace) those of the FSE-JWT-Signature token (§13.1).
    ``iat``/``exp`` are NumericDate seconds (RFC 7519)."""
    purpose = PURPOSE_TREATMENT if action == ACTION_CREATE else PURPOSE_UPDATE
    claims: dict[str, Any] = {
        "sub": cx_codice_fiscale(facts.author_cf),
        "subject_role": facts.author_role,
        "purpose_of_use": purpose,
        "iss": org.issuer,
        "locality": org.locality,
        "subject_organization": org.organization,
        "subject_organization_id": org.organization_id,
        "aud": org.audience,
        "patient_consent": facts.consent,
        "action_id": action,
        "resource_hl7_type": f"{facts.document_code}^^{LOINC_OID}",
        "person_id": cx_codice_fiscale(facts.patient_cf),
        "subject_application_id": org.application_id,
        "subject_application_vendor": org.application_vendor,
        "subject_application_version": org.application_version,
        "jti": jti,
        "iat": issued_at,
        "exp": issued_at + lifetime_seconds,
    }
    if attachment_hash:
        claims["attachment_hash"] = attachment_hash
    return claims


# The claims the gateway refuses a token without (§13.1: "Obbligatorio"); attachment_hash
# is required in the signature token of create and replace.
REQUIRED_CLAIMS = (
    "sub",
    "subject_role",
    "purpose_of_use",
    "iss",
    "locality",
    "subject_organization",
    "subject_organization_id",
    "aud",
    "patient_consent",
    "action_id",
    "person_id",
    "jti",
    "iat",
    "exp",
    "subject_application_id",
    "subject_application_vendor",
    "subject_application_version",
)
