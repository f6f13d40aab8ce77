"""The API as an outside client sees it (issue 26): the operations of the OpenAPI document
the API serves, each with the permission its function declares; URLs filled from a
scenario; what a request changed; sentinels searched in raw answers.

The operations are read from the document (``api.get_openapi_schema``), not from the URL
map, so a probe covers what an integrator is told exists; the permission of each is found
through its ``operationId``, the name django-ninja gives the function it calls, and read
with ``corsia.core.access.declared_permission`` like the in-process permission matrix
(``tests/accounts/test_permission_matrix.py``).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pghistory.models
from django.apps import apps
from django.db import connection, models

from config.api import api
from corsia.accounts.domain.roles import ROLE_PERMISSIONS, Role
from corsia.core.access import AUTHENTICATED, PUBLIC, declared_permission
from corsia.core.problems import PROBLEM_CONTENT_TYPE

API_PREFIX = "/api/v1/"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MISSING_INT = "999999"
MISSING_STR = "x"


@dataclass(frozen=True)
class ApiOperation:
    """One (method, path) of the OpenAPI document."""

    method: str  # upper case
    path: str  # the template, e.g. /api/v1/patients/{patient_id}
    operation_id: str
    permission: str | None
    path_params: tuple[tuple[str, str], ...]  # (name, JSON type)
    query_params: tuple[tuple[str, str, bool], ...]  # (name, JSON type, required)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def param_names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.path_params) | frozenset(
            name for name, _, _ in self.query_params
        )

    def url(self, values: Mapping[str, object], query: Mapping[str, object] | None = None) -> str:
        """The path with every parameter from ``values``, and the ``query`` given."""
        path = self.path
        for name, _ in self.path_params:
            path = path.replace("{" + name + "}", str(values[name]))
        if query:
            path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return path

    def missing_url(self) -> str:
        """The path with ids that do not exist (access is decided before any lookup)."""
        return self.url(
            {
                name: MISSING_INT if kind == "integer" else MISSING_STR
                for name, kind in self.path_params
            }
        )


def _functions_by_operation_id() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for bound in api._get_bound_routers():
        for view in bound.path_operations.values():
            for operation in view.operations:
                op_id = operation.operation_id or api.get_openapi_operation_id(operation)
                assert op_id not in found, f"two functions answer to operationId {op_id}"
                found[op_id] = operation.view_func
    return found


def _json_type(parameter: Mapping[str, Any]) -> str:
    schema = parameter.get("schema", {})
    if "type" in schema:
        return str(schema["type"])
    for option in schema.get("anyOf", []):
        if option.get("type") not in (None, "null"):
            return str(option["type"])
    return "string"


def api_operations() -> list[ApiOperation]:
    """Every operation of the document the API serves at ``/api/v1/openapi.json``."""
    document = api.get_openapi_schema(path_prefix=API_PREFIX)
    functions = _functions_by_operation_id()
    found = []
    for path, operations in document["paths"].items():
        for method, spec in operations.items():
            parameters = spec.get("parameters", [])
            found.append(
                ApiOperation(
                    method=method.upper(),
                    path=path,
                    operation_id=spec["operationId"],
                    permission=declared_permission(functions[spec["operationId"]]),
                    path_params=tuple(
                        (p["name"], _json_type(p)) for p in parameters if p["in"] == "path"
                    ),
                    query_params=tuple(
                        (p["name"], _json_type(p), bool(p.get("required")))
                        for p in parameters
                        if p["in"] == "query"
                    ),
                )
            )
    return found


def holds(role: Role, permission: str | None) -> bool:
    if permission in (PUBLIC, AUTHENTICATED):
        return True
    return permission in ROLE_PERMISSIONS[role]


def is_problem(response: Any, status: int) -> bool:
    return bool(
        response.status_code == status
        and response["Content-Type"] == PROBLEM_CONTENT_TYPE
        and response.json().get("status") == status
        and response.json().get("code")
    )


# --- what a request changed --------------------------------------------------------------------


def _counted_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.app_label != "sessions"
    ]


def row_counts() -> dict[str, int]:
    """The number of rows of every table: a write leaves a trace here, an update too (every
    tracked model's history is a table of pghistory events; the audit tables are counted)."""
    return {m._meta.label: m._default_manager.count() for m in _counted_models()}


def audit_counts() -> dict[str, int]:
    chosen = [
        m
        for m in _counted_models()
        if m._meta.app_label == "audit"
        or issubclass(m, pghistory.models.Event)
        or m is pghistory.models.Context
    ]
    return {m._meta.label: m._default_manager.count() for m in chosen}


def changed(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, int]:
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


# --- sentinels ---------------------------------------------------------------------------------


def probe_patient_gets(
    client: Any, role: Role, cases: Iterable[tuple[int, int, int]]
) -> tuple[int, list[str]]:
    """Every GET whose only required parameters are a patient or an order, asked for each
    ``(patient_id, order_id, expected)`` case; ``expected`` (200 or 404) when ``role`` holds
    the operation's permission, else 403. How many were asked, and what answered otherwise
    (a 404 must be problem+json)."""
    failures: list[str] = []
    probed = 0
    cases = list(cases)
    for op in api_operations():
        if op.method != "GET" or not op.param_names & {"patient_id", "order_id"}:
            continue
        required = {n for n, _ in op.path_params} | {n for n, _, r in op.query_params if r}
        if not required <= {"patient_id", "order_id"}:
            continue
        for patient_id, order_id, in_scope in cases:
            values: dict[str, object] = {"patient_id": patient_id, "order_id": order_id}
            query = {n: values[n] for n, _, _ in op.query_params if n in values}
            url = op.url(values, query)
            response = client.get(url)
            probed += 1
            expected = in_scope if holds(role, op.permission) else 403
            if response.status_code != expected or (
                expected == 404 and not is_problem(response, 404)
            ):
                failures.append(f"{url}: {response.status_code}, expected {expected}")
    return probed, failures


def next_id(model: type[models.Model], value: int) -> None:
    """The next row of ``model`` gets id ``value``: a masked record with an id no other
    record has, so that its id can be searched in a raw answer like a text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
            [model._meta.db_table, value],
        )


def sentinels_in(body: bytes, sentinels: Iterable[str], *, asked: str = "") -> list[str]:
    """The sentinels (texts, or ids written as digits) found in a raw answer, JSON escapes
    read back (a text inside a JSON string is searched as written); the address ``asked``
    is taken out first (a problem's ``instance`` repeats what the client sent)."""
    text = body.decode("utf-8", errors="replace")
    with contextlib.suppress(ValueError):
        text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
    if asked:
        text = text.replace(asked.split("?", maxsplit=1)[0], "")
    return [
        s for s in sentinels if re.search(rf"(?<![0-9A-Za-z]){re.escape(s)}(?![0-9A-Za-z])", text)
    ]


# --- the scenarios ------------------------------------------------------------------------------

# The ids the masked records get (``next_id``): digits no other record, date or code holds.
MASKED_IDS = {
    "encounter": 710_000_001,
    "consent": 720_000_001,
    "diary": 730_000_001,
    "note": 740_000_001,
    "letter": 750_000_001,
    "document": 760_000_001,
    "masking": 770_000_001,
}
MASKED_TEXTS = {
    "ward": "Reparto Sentinella Oscurato",
    "ward_code": "ZZOSC",
    "diary": "SENTINELLA-OSC-DIARIO",
    "note": "SENTINELLA-OSC-RACCORDO",
    "letter": "SENTINELLA-OSC-LETTERA",
    "reason": "SENTINELLA-OSC-MOTIVO",
}
VISIBLE_DIARY = "VISIBILE-DIARIO-CONTROLLO"


@dataclass
class MaskedChart:
    """A patient with a masked past encounter (its ward, a diary entry, a raccordo and a
    signed discharge letter, archived as a document, all written during it) and a masked
    consent; and, visible, an encounter in progress with a diary entry, an order, an
    allergy. The patient is enrolled in a trial a monitor is assigned to."""

    patient: Any
    physician: Any
    coordinator: Any
    monitor: Any
    order_id: int
    visible_encounter_id: int
    ids: dict[str, int]  # the masked records' ids (MASKED_IDS)

    @property
    def sentinels(self) -> list[str]:
        return [str(v) for v in self.ids.values()] + list(MASKED_TEXTS.values())


def masked_chart(make_user: Any) -> MaskedChart:
    from datetime import timedelta

    from django.utils import timezone

    from corsia.documents.models import Document
    from corsia.patients import services as patients
    from corsia.patients.models import Consent, DocumentType, Encounter, Masking, Ward
    from corsia.prescribing import services as prescribing
    from corsia.records import services as records
    from corsia.records.models import AnamnesisNote, ClinicalLetter, DiaryEntry
    from corsia.records.services.diary import DiaryInput
    from corsia.regimens import services as regimens
    from corsia.testing.prescribing import library_version, measured_patient

    physician = make_user(Role.PHYSICIAN)
    coordinator = make_user(Role.COORDINATOR)
    pharmacist = make_user(Role.PHARMACIST)
    monitor = make_user(Role.TRIAL_MONITOR)
    patient = measured_patient(registrar=coordinator, physician=physician)
    now = timezone.now()
    hidden_ward = Ward.objects.create(
        code=MASKED_TEXTS["ward_code"], name=MASKED_TEXTS["ward"], kind="inpatient"
    )
    ward = Ward.objects.create(code="ONC", name="Oncologia", kind="inpatient")

    # the stay the patient asked to hide, with what was written during it
    next_id(Encounter, MASKED_IDS["encounter"])
    hidden = patients.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=hidden_ward.pk, admitted_at=now - timedelta(days=20),
    )  # fmt: skip
    next_id(DiaryEntry, MASKED_IDS["diary"])
    records.diary_entry_sign(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=DiaryInput(kind="note", text=MASKED_TEXTS["diary"]),
    )  # fmt: skip
    next_id(AnamnesisNote, MASKED_IDS["note"])
    records.anamnesis_note_sign(
        actor=physician, workstation=None, patient_id=patient.pk, text=MASKED_TEXTS["note"]
    )
    hidden = patients.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=hidden.pk,
        expected_version=hidden.version,
    )  # fmt: skip
    next_id(ClinicalLetter, MASKED_IDS["letter"])
    letter = records.letter_draft_create(
        actor=physician, workstation=None, patient_id=patient.pk, kind="discharge_letter",
        encounter_id=hidden.pk,
        texts={"clinical_course": MASKED_TEXTS["letter"], "instructions": MASKED_TEXTS["letter"]},
    )  # fmt: skip
    next_id(Document, MASKED_IDS["document"])
    letter = records.letter_sign(
        actor=physician, workstation=None, letter_id=letter.pk, expected_version=letter.version
    )
    next_id(Consent, MASKED_IDS["consent"])
    consent = patients.consent_record(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="fse", granted=True
    )
    next_id(Masking, MASKED_IDS["masking"])
    patients.document_mask(
        actor=coordinator, workstation=None, patient_id=patient.pk,
        document_type=DocumentType.ENCOUNTER.value, document_id=hidden.pk,
        reason=MASKED_TEXTS["reason"],
    )  # fmt: skip
    patients.document_mask(
        actor=coordinator, workstation=None, patient_id=patient.pk,
        document_type=DocumentType.CONSENT.value, document_id=consent.pk,
        reason=MASKED_TEXTS["reason"],
    )  # fmt: skip
    ids = {
        "encounter": hidden.pk,
        "diary": DiaryEntry.objects.get(text=MASKED_TEXTS["diary"]).pk,
        "note": AnamnesisNote.objects.get(text=MASKED_TEXTS["note"]).pk,
        "letter": letter.pk,
        "document": int(letter.document_id or 0),
        "consent": consent.pk,
        "masking": Masking.objects.get(document_id=hidden.pk).pk,
    }
    assert ids == {k: MASKED_IDS[k] for k in ids}, ids

    # what the care team sees: the stay in progress
    visible = patients.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=ward.pk, admitted_at=now - timedelta(days=1),
    )  # fmt: skip
    records.diary_entry_sign(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=DiaryInput(kind="note", text=VISIBLE_DIARY),
    )  # fmt: skip
    patients.consent_record(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="treatment", granted=True
    )
    folfox = library_version("FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), physician))
    order = prescribing.order_create(
        actor=physician, workstation=None, patient_id=patient.pk,
        regimen_version_id=folfox.pk, start_date=timezone.localdate(),
    )  # fmt: skip
    trial = regimens.trial_create(
        actor=pharmacist, code="OSC-01", title="Studio", eudract_number="2021-000999-45"
    )
    regimens.trial_enrol_patient(
        actor=pharmacist, trial_id=trial.pk, patient_id=patient.pk, subject_code="OSC-001",
        consent_date=timezone.localdate(),
    )  # fmt: skip
    regimens.trial_monitor_assign(actor=pharmacist, trial_id=trial.pk, monitor=monitor)
    assert Encounter.objects.filter(patient=patient).count() == 2
    return MaskedChart(
        patient=patient,
        physician=physician,
        coordinator=coordinator,
        monitor=monitor,
        order_id=order.pk,
        visible_encounter_id=visible.pk,
        ids=ids,
    )


# --- the pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRoute:
    route: str  # e.g. records/patients/<int:patient_id>/
    permission: str | None

    def url(self, values: Mapping[str, object]) -> str | None:
        """The page's address with every parameter from ``values``; None when one is
        missing."""
        missing = False

        def fill(match: re.Match[str]) -> str:
            nonlocal missing
            if match.group("name") not in values:
                missing = True
                return ""
            return str(values[match.group("name")])

        path = re.sub(r"<(?:[^>:]+:)?(?P<name>[^>]+)>", fill, self.route)
        return None if missing else "/" + path


def page_routes() -> list[PageRoute]:
    """Every page of the URL map (not the API's), with its declared permission."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns: list[Any], prefix: str) -> Iterable[PageRoute]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            else:
                module = str(getattr(entry.callback, "__module__", ""))
                if not module.startswith("ninja."):
                    yield PageRoute(
                        prefix + str(entry.pattern), declared_permission(entry.callback)
                    )

    return [r for r in walk(get_resolver().url_patterns, "") if not r.route.startswith("api/")]
