"""Masking (oscuramento) probed from outside (issue 26): for every clinical role and every
API GET operation that reads patient data — lists, counts, searches, exports, the chart,
the FHIR-shaped answers, the documents — the masked encounter, what was written during
it (diary entry, raccordo, signed discharge letter and its archived document) and the
masked consent are absent: in no list, no count, no search result; asked by id they are
404 (as a record that does not exist, never 403); and no masked id or text appears
anywhere in a raw answer. The same for the pages that show them, where the API has no
path.

The operations are read from the OpenAPI document: a new GET operation is probed as soon
as its parameters are ones the scenario fills (a patient, an order, a letter, a document,
a stay); one that cannot be filled must be named in ``NOT_PATIENT_DATA`` or
``PATIENT_LISTS`` with its reason, or ``test_every_get_operation_is_probed_or_explained`` fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.accounts.services import token_issue
from corsia.patients.models import Encounter
from corsia.patients.services import ward_staff_assign
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.outside import (
    MASKED_TEXTS,
    VISIBLE_DIARY,
    ApiOperation,
    MaskedChart,
    api_operations,
    holds,
    is_problem,
    page_routes,
    sentinels_in,
)

pytestmark = [pytest.mark.outside, pytest.mark.django_db]

# Every role that reads patient data (the monitor: the patient is enrolled in their trial).
CLINICAL_ROLES = [
    Role.PHYSICIAN,
    Role.PHARMACIST,
    Role.TECHNICIAN,
    Role.NURSE,
    Role.COORDINATOR,
    Role.TRIAL_MONITOR,
    Role.AUDITOR,
]

# GET operations with no patient in their parameters that still list patient data: the
# query each is asked with ({day}: today).
PATIENT_LISTS: dict[str, list[dict[str, str]]] = {
    "/api/v1/orders": [{"day": "{day}", "days_ahead": "30"}],
    "/api/v1/regulatory/monitoring": [{}, {"date_from": "{day}"}],
    "/api/v1/documents/mine": [{}],
    "/api/v1/documents/": [{}, {"kind": "therapy_sheet"}, {"mrn": "{mrn}"}],
    "/api/v1/fse/documents": [{}],
    "/api/v1/fse/letters-not-sent": [{}],
    "/api/v1/compounding/workplan": [{"day": "{day}"}],
    "/api/v1/administration/bedside/session": [{}],
    "/api/v1/inventory/requirements": [{"days": "14"}],
    # its print, archived (the same figures and trays)
    "/api/v1/inventory/requirements.pdf": [{"days": "14"}],
    "/api/v1/patients/search": [
        {"q": "{surname}"},
        {"q": "{mrn}"},
        {"q": "{codice_fiscale}"},
        {"q": MASKED_TEXTS["ward"]},
        {"q": MASKED_TEXTS["diary"]},
    ],
    # the access log: read only by the auditor; it records who read what and must keep
    # reads of a document that was later masked (the evidence of the masking's abuse):
    # probed for the masked texts only, not for the ids (see ``ACCESS_LOG``)
    "/api/v1/audit/accesses": [{"patient_id": "{patient_id}"}],
    "/api/v1/audit/accesses/fhir": [{"patient_id": "{patient_id}"}],
    # break-the-glass grants, for the privacy officer's review (names the patients)
    "/api/v1/patients/break-the-glass": [{}, {"pending": "true"}],
    # --- issue 16, transfusion therapy (s12/transfusion) ---
    # the open requests planned from yesterday to tomorrow, every patient (the ward's list)
    "/api/v1/transfusion/requests": [{}],
}
ACCESS_LOG = {"/api/v1/audit/accesses", "/api/v1/audit/accesses/fhir"}

# GET operations that show no patient data, and why.
NOT_PATIENT_DATA: dict[str, str] = {
    "/api/v1/agenda/agendas": "the agendas (organisation), no patient",
    "/api/v1/agenda/agendas/{agenda_id}/day": "lists an agenda's patients, but no agenda in the "
    "scenario: its bookings within a masked stay are left out (outside_hidden_stays), "
    "tests/agenda/test_pages_api.py",
    "/api/v1/agenda/agendas/{agenda_id}/call-in": "as above",
    "/api/v1/agenda/agendas/{agenda_id}/call-in.pdf": "as above: the call-in list's print, "
    "from the same selector (tests/agenda/test_call_in_print.py)",
    "/api/v1/agenda/agendas/{agenda_id}/organisation": "hours, places, booking types, CUP services, no patient",
    "/api/v1/agenda/bookings/{booking_id}": "no booking in the scenario (a booking is hidden "
    "with a masked stay it falls in: selectors.booking_get)",
    "/api/v1/agenda/programmes/{programme_id}": "no programme in the scenario; dates and "
    "order ids of one patient's cycles",
    "/api/v1/agenda/plan-requests/{request_id}": "no plan request in the scenario; its rows name "
    "a masked stay's patient «Accesso riservato» to those outside it (optimise._preview), "
    "tests/agenda/test_plan_requests.py",
    "/api/v1/auth/me": "the caller's own account",
    "/api/v1/patients/ward-staff": "users assigned to wards, no patient",
    "/api/v1/auth/tokens": "API tokens (accounts)",
    "/api/v1/auth/role-requests": "role requests (accounts)",
    "/api/v1/regimens/": "the regimen library",
    "/api/v1/regimens/{code}": "the regimen library",
    "/api/v1/regimens/{code}/versions/{number}/plandefinition": "a regimen as FHIR PlanDefinition",
    "/api/v1/trials/": "trials, not patients",
    "/api/v1/trials/{trial_id}": "a trial",
    "/api/v1/trials/{trial_id}/enrollments": "subject codes and dates; no encounter, no consent "
    "of the registry (probed by the monitor scope test)",
    "/api/v1/trials/{trial_id}/monitors": "the monitors' accounts",
    "/api/v1/drugs/search": "the drug archive",
    "/api/v1/drugs/ingredients/{code}": "the drug archive",
    "/api/v1/drugs/products/{code}": "the drug archive",
    "/api/v1/drugs/packs/scan": "the drug archive",
    "/api/v1/drugs/interactions": "the drug archive",
    "/api/v1/drugs/compounding": "the drug archive",
    "/api/v1/drugs/archive-imports": "AIFA updates of the drug archive, no patient",
    "/api/v1/drugs/archive-imports/{import_id}": "an AIFA update of the drug archive",
    "/api/v1/drugs/archive-imports/{import_id}/changes": "packs and prices, no patient",
    "/api/v1/administration/pumps": "devices",
    "/api/v1/administration/administrations/{administration_id}": "no administration in the "
    "scenario: administrations are not linked to encounters",
    "/api/v1/patients/wards": "wards and places (reference data; the masked stay's ward is a "
    "ward like any other here)",
    "/api/v1/records/staging-systems": "catalogue",
    "/api/v1/records/prognostic-scores": "catalogue",
    "/api/v1/icd9cm": "catalogue",
    "/api/v1/ctcae/terms": "catalogue",
    "/api/v1/compounding/hoods": "devices",
    "/api/v1/compounding/preparations/{preparation_id}/robot": "no preparation in the "
    "scenario: preparations are not linked to encounters",
    "/api/v1/compounding/preparations/{preparation_id}/hood": "as above",
    "/api/v1/inventory/stock": "stock",
    "/api/v1/inventory/lots/expiring": "stock",
    "/api/v1/inventory/lots/withdrawn": "stock",
    "/api/v1/inventory/movements": "stock movements",
    "/api/v1/interop/messages": "the HL7 interface's messages as received (IT staff only, "
    "for the integration); none in the scenario, which types its patient in",
    "/api/v1/interop/messages/{message_id}": "as above",
    "/api/v1/interop/outbound": "the HL7 messages sent to subscribers (IT staff only, for the "
    "integration, like the messages received); none in the scenario, which has no subscriber",
    "/api/v1/interop/outbound/{message_id}": "as above",
    "/api/v1/interop/subscribers": "the systems subscribed (addresses), no patient",
    "/api/v1/documents/templates": "the print templates (IT staff): their codes and versions, "
    "no patient",
    "/api/v1/documents/templates/{code}": "one print template: its fields with invented "
    "example data and its versions, no patient",
    "/api/v1/documents/templates/{code}/diff": "two versions of a print template, no patient",
    "/api/v1/fse/documents/{document_id}": "one FSE document (IT staff): none in the scenario "
    "(its id is an archive document's); one of a hidden stay is 404 like the list leaves it "
    "out (tests/fse/test_pages.py)",
    "/api/v1/patients/merges": "which registrations were merged (IT staff and coordinators): "
    "identities, no encounter; none in the scenario",
    "/api/v1/inventory/consumption": "consumption by cost centre and product, no patient",
    "/api/v1/patients/{patient_id}/tumour-boards/{board_id}": "no tumour board in the "
    "scenario: a board is not linked to an encounter",
    # --- issue 16, transfusion therapy (s12/transfusion) ---
    "/api/v1/transfusion/requests/{request_id}": "no transfusion request in the scenario; one "
    "written during a hidden stay is 404 (selectors.request_detail, tests/transfusion)",
    "/api/v1/transfusion/reactions/{reaction_id}/haemovigilance": "no transfusion reaction in "
    "the scenario; read through selectors.request_detail, so one of a hidden stay is 404",
    "/api/v1/transfusion/reactions/{reaction_id}/haemovigilance.csv": "the same data set as "
    "CSV, read through the same selector (404 for a hidden stay)",
    # the archived prints (issue 23 §22-23): the same selectors, so the same 404
    "/api/v1/transfusion/requests/{request_id}/print.pdf": "the request's archived print, "
    "read through selectors.request_detail (a hidden stay's request is 404); none in the "
    "scenario (tests/transfusion/test_prints.py)",
    "/api/v1/transfusion/reactions/{reaction_id}/haemovigilance.pdf": "the notification's "
    "archived print, read through the same selector as the JSON (404 for a hidden stay)",
}

# Nursing record (issue 16, §20).
NOT_PATIENT_DATA |= {
    "/api/v1/nursing/scales": "catalogue (the scales as data)",
    "/api/v1/nursing/care-templates": "catalogue (the ward's care-plan templates)",
    "/api/v1/nursing/assessments/{assessment_id}": "no assessment in the scenario; one made "
    "during a masked stay hidden from the reader is 404 like the list leaves it out "
    "(tests/nursing/test_pages_api.py)",
}

# --- ward therapy (corsia.therapy, issue 16 §13): its own block for an easy merge ---
NOT_PATIENT_DATA.update(
    {
        "/api/v1/therapy/prescriptions/{prescription_id}": "no ward prescription in the "
        "scenario; one signed during a masked stay hidden from the reader is 404 like the "
        "patient's list leaves it out (tests/therapy/test_pages_api.py)",
        "/api/v1/therapy/prescriptions/{prescription_id}/doses": "as above",
        "/api/v1/therapy/wards/{ward_code}/round": "lists a ward's inpatients through "
        "patients.ward_inpatients, which places nobody in a masked stay; no ward code in the "
        "scenario's parameters (tests/therapy/test_pages_api.py)",
        "/api/v1/therapy/prescriptions/{prescription_id}/print.pdf": "the prescription's "
        "archived print, read through selectors.prescription_get (404 for a masked stay's, "
        "as above; tests/therapy/test_prints.py)",
        "/api/v1/therapy/wards/{ward_code}/round.pdf": "the round's archived print, read "
        "through selectors.ward_round (nobody in a masked stay, as above); no ward code in "
        "the scenario's parameters",
        "/api/v1/therapy/wards/{ward_code}/cabinet": "the ward cabinet's stock by product and "
        "the unloads flagged for the pharmacy by dose number: no patient named",
    }
)

# --- ward requests to the pharmacy (corsia.inventory, issue 19): its own block ---
NOT_PATIENT_DATA.update(
    {
        "/api/v1/requests/": "the requests' summaries (ward, cabinet, state, who asked): "
        "no patient named",
        "/api/v1/requests/ward-stock": "every ward cabinet's stock by product: no patient",
        "/api/v1/requests/restock-proposal": "units to bring a cabinet back to its par "
        "levels: no patient",
        "/api/v1/requests/{request_id}": "no ward request in the scenario; a named request "
        "names its patients (the read is access-logged per patient); a drug request is not "
        "written during a stay, so masking a stay does not hide it "
        "(tests/inventory/test_ward_requests_api.py)",
        "/api/v1/requests/{request_id}/pick-list": "lots and shelves to pick: no patient",
        "/api/v1/requests/{request_id}/delivery-document": "the delivery document: ward, "
        "cabinet, lots and units delivered, the picker: no patient",
        "/api/v1/requests/{request_id}/delivery-document.pdf": "no ward request in the "
        "scenario; the archived print of a delivered request, read as the request above "
        "(its named patients access-logged), not written during a stay "
        "(tests/inventory/test_delivery_document_print.py)",
    }
)

# The path and query parameters the scenario fills; a masked one must answer 404.
MASKED_ID_PARAMS = {"letter_id": "letter", "document_id": "document", "encounter_id": "encounter"}
VISIBLE_ID_PARAMS = {"patient_id", "order_id"}


def _get_operations() -> list[ApiOperation]:
    return [op for op in api_operations() if op.method == "GET"]


def _fillable(op: ApiOperation) -> bool:
    params = {name for name, _ in op.path_params} | {
        name for name, _, required in op.query_params if required
    }
    return bool(params) and params <= VISIBLE_ID_PARAMS | set(MASKED_ID_PARAMS)


def _requests(op: ApiOperation, m: MaskedChart) -> list[tuple[str, bool]]:
    """The URLs the operation is probed with, each with whether it names a masked record."""
    values: dict[str, object] = {"patient_id": m.patient.pk, "order_id": m.order_id}
    masked_by_id = False
    for name, record in MASKED_ID_PARAMS.items():
        if name in op.param_names:
            values[name] = m.ids[record]
            masked_by_id = True
    if op.path in PATIENT_LISTS:
        fill = {
            "day": timezone.localdate().isoformat(),
            "surname": m.patient.surname,
            "mrn": m.patient.mrn,
            "codice_fiscale": m.patient.codice_fiscale,
            "patient_id": m.patient.pk,
        }
        return [
            (op.url(values, {k: v.format(**fill) for k, v in query.items()}), False)
            for query in PATIENT_LISTS[op.path]
        ]
    query = {name: values[name] for name, _, _ in op.query_params if name in values}
    return [(op.url(values, query), masked_by_id)]


def _reader(m: MaskedChart, make_user: MakeUser, role: Role) -> User:
    """The user of the role probing: the monitor of the patient's trial; the physician who
    wrote and signed the masked records (their own documents list them); else a new one."""
    known = {Role.TRIAL_MONITOR: m.monitor, Role.PHYSICIAN: m.physician}
    return known[role] if role in known else make_user(role)


def test_every_get_operation_is_probed_or_explained() -> None:
    unexplained = [
        str(op)
        for op in _get_operations()
        if not _fillable(op) and op.path not in PATIENT_LISTS and op.path not in NOT_PATIENT_DATA
    ]
    assert unexplained == [], "probe them (fill their parameters) or explain them"
    stale = set(PATIENT_LISTS) | set(NOT_PATIENT_DATA)
    stale -= {op.path for op in _get_operations()}
    assert stale == set()


def _probe_answers(
    client: Client, role: Role, m: MaskedChart, sentinels: list[str], *, lists_only: bool = False
) -> tuple[int, list[str]]:
    """Every GET operation the scenario fills (``lists_only``: those of ``PATIENT_LISTS``)
    asked by ``client``: 403 without the permission, 404 for a masked record by id, else
    200 — and none of ``sentinels`` in the answer (the access log: the masked texts only).
    How many requests, and what failed."""
    failures: list[str] = []
    probed = 0
    for op in _get_operations():
        if op.path not in PATIENT_LISTS and (lists_only or not _fillable(op)):
            continue
        for url, masked_by_id in _requests(op, m):
            response = client.get(url)
            probed += 1
            if not holds(role, op.permission):
                if response.status_code != 403:
                    failures.append(
                        f"{url}: {role} lacks the permission, got {response.status_code}"
                    )
                continue
            if masked_by_id:
                if not is_problem(response, 404):
                    failures.append(f"{url}: a masked record asked by id: {response.status_code}")
            elif response.status_code != 200:
                failures.append(f"{url}: {response.status_code} {response.content[:200]!r}")
            wanted = list(MASKED_TEXTS.values()) if op.path in ACCESS_LOG else sentinels
            found = sentinels_in(response.content, wanted, asked=url)
            if found:
                failures.append(f"{url}: the answer holds masked {found}")
    return probed, failures


@pytest.mark.parametrize("role", CLINICAL_ROLES, ids=str)
def test_masked_records_are_absent_from_every_api_answer(
    masked: MaskedChart, make_user: MakeUser, role: Role
) -> None:
    m = masked
    client = api_client(_reader(m, make_user, role))
    probed, failures = _probe_answers(client, role, m, m.sentinels)
    assert probed > 30
    assert failures == [], "\n".join(failures)


def test_the_probe_sees_what_is_not_masked(masked: MaskedChart) -> None:
    # a control: the answers probed above do carry the patient's visible data
    key, _ = token_issue(user=masked.physician)
    client = Client(headers={"Authorization": f"Bearer {key}"})
    pid = masked.patient.pk
    detail = client.get(f"/api/v1/patients/{pid}").json()
    assert [e["id"] for e in detail["encounters"]] == [masked.visible_encounter_id]
    assert [c["kind"] for c in detail["consents"]] == ["treatment"]
    assert detail["masked_count"] == 2
    # the lists count only what is visible
    diary = client.get(f"/api/v1/patients/{pid}/diary?history=true").json()["items"]
    assert [(e["text"], e["encounter_id"]) for e in diary] == [
        (VISIBLE_DIARY, masked.visible_encounter_id)
    ]
    assert client.get(f"/api/v1/patients/{pid}/anamnesis").json()["notes"] == []
    assert client.get(f"/api/v1/patients/{pid}/letters").json() == []
    mine = client.get("/api/v1/documents/mine").json()
    assert [d for d in mine if d["id"] == masked.ids["document"]] == []
    chart = client.get(f"/api/v1/patients/{pid}/chart")
    assert VISIBLE_DIARY in chart.content.decode()


MASK = "patients.mask_document"

# The pages that name a masked record by id (the API has no path to it, or it is its PDF).
MASKED_PAGES = {
    "records/diary/<int:entry_id>/correct/": {"entry_id": "diary"},
    "records/letters/<int:letter_id>/": {"letter_id": "letter"},
    "documents/<int:pk>/": {"pk": "document"},
    "documents/<int:pk>/pdf": {"pk": "document"},
}


def _patient_pages(m: MaskedChart) -> list[tuple[str, str | None]]:
    """Every page whose only parameter is the patient, with its permission."""
    found = []
    for page in page_routes():
        values: dict[str, object] = {"patient_id": m.patient.pk}
        if page.route.startswith("patients/<int:pk>/"):
            values["pk"] = m.patient.pk
        url = page.url(values)
        if url is not None and "<" in page.route:
            found.append((url, page.permission))
    return found


@pytest.mark.parametrize("role", CLINICAL_ROLES, ids=str)
def test_masked_records_are_absent_from_every_patient_page(
    masked: MaskedChart, make_user: MakeUser, role: Role
) -> None:
    m = masked
    user = _reader(m, make_user, role)
    client = logged_in(user)
    failures: list[str] = []
    pages = _patient_pages(m)
    # On pages the wards are offered in the admission and transfer forms: the masked stay's
    # ward is named there as a ward, not as the patient's (its id and texts are searched).
    # Who may mask sees the active maskings to revoke them: their id and date, not what
    # they hide.
    hidden_ward = {MASKED_TEXTS["ward"], MASKED_TEXTS["ward_code"]}
    if holds(role, MASK):
        hidden_ward.add(str(m.ids["masking"]))
    sentinels = [s for s in m.sentinels if s not in hidden_ward]
    for url, permission in pages:
        response = client.get(url)
        if not holds(role, permission):
            if response.status_code != 403:
                failures.append(f"{url}: {role} lacks the permission, got {response.status_code}")
            continue
        if response.status_code not in (200, 302, 405):
            failures.append(f"{url}: {response.status_code}")
        found = sentinels_in(response.content, sentinels, asked=url)
        if found:
            failures.append(f"{url}: the page holds masked {found}")
    routes = {page.route: page for page in page_routes()}
    for route, params in MASKED_PAGES.items():
        masked_url = routes[route].url({name: m.ids[record] for name, record in params.items()})
        assert masked_url is not None
        response = client.get(masked_url)
        expected = 404 if holds(role, routes[route].permission) else 403
        if response.status_code != expected:
            failures.append(f"{masked_url}: a masked record by id: {response.status_code}")
    assert len(pages) > 20
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("role", [Role.PHYSICIAN, Role.NURSE], ids=str)
def test_under_the_care_scope_the_lists_show_nobody_outside_the_care_nor_a_masked_record(
    masked: MaskedChart, make_user: MakeUser, settings: Any, role: Role
) -> None:
    # the lists, counts and searches with no patient in their parameters (PATIENT_LISTS),
    # under CORSIA_PATIENT_SCOPE=care: outside the care, no trace of the patient; once
    # assigned to the ward of their visible stay, no trace of what is masked
    settings.CORSIA_PATIENT_SCOPE = "care"
    m = masked
    user = make_user(role)
    client = api_client(user)
    identity = [m.patient.mrn, m.patient.codice_fiscale]
    probed, failures = _probe_answers(client, role, m, identity + m.sentinels, lists_only=True)
    assert probed >= len(PATIENT_LISTS)
    assert failures == [], "\n".join(failures)

    ward = Encounter.objects.get(pk=m.visible_encounter_id).ward
    ward_staff_assign(
        actor=m.coordinator, workstation=None, username=user.username, ward_code=ward.code
    )
    _probed, failures = _probe_answers(client, role, m, m.sentinels, lists_only=True)
    assert failures == [], "\n".join(failures)
    # a control: in the care, the search does find the patient
    found = client.get("/api/v1/patients/search", {"q": m.patient.mrn}).json()
    assert [p["id"] for p in found] == [m.patient.pk]


# --- venous access register (corsia.vascular, issues 16 and 17): its own block ---
PATIENT_LISTS["/api/v1/vascular/devices"] = [{}, {"state": "planned"}]
NOT_PATIENT_DATA.update(
    {
        "/api/v1/vascular/devices/{device_id}": "no device in the scenario; one inserted "
        "during a masked stay hidden from the reader is 404 like the patient's list leaves it "
        "out (tests/vascular/test_pages_api.py)",
        "/api/v1/vascular/devices/{device_id}/history": "as above",
        "/api/v1/vascular/statistics": "counts by device type, operator and brand: no patient",
    }
)

# --- issue 18, parenteral nutrition orders: the patient's list is probed by patient_id ---
PATIENT_LISTS["/api/v1/nutrition/work-plan"] = [{}]
NOT_PATIENT_DATA.update(
    {
        "/api/v1/nutrition/orders/{nutrition_order_id}": "no nutrition order in the scenario; "
        "one of a patient out of scope is 404 (tests/nutrition/test_orders.py)",
        "/api/v1/nutrition/orders/{nutrition_order_id}/compounder.csv": "as above",
        "/api/v1/nutrition/orders/{nutrition_order_id}/label.pdf": "as above (the order's "
        "selector; tests/nutrition/test_label_print.py)",
        "/api/v1/nutrition/orders/{nutrition_order_id}/label.zpl": "as above",
        "/api/v1/nutrition/templates": "the wards' templates: per-kg needs, no patient",
    }
)

# --- issue 17, transplant pathway: the cases list is probed; a case is the patient's ---
PATIENT_LISTS["/api/v1/transplant/cases"] = [{}, {"all": "true"}]
NOT_PATIENT_DATA.update(
    {
        "/api/v1/transplant/cases/{transplant_id}": "no transplant case in the scenario; one of "
        "a patient out of the reader's scope is 404 (selectors/case.py, tests/transplant)",
        "/api/v1/transplant/cases/{transplant_id}/path": "as above",
        "/api/v1/transplant/cases/{transplant_id}/followup": "as above",
        "/api/v1/transplant/cases/{transplant_id}/followup/meda": "as above",
    }
)

# --- issue 18, galenic preparations: the pharmacy's formulary and batch records ---
NOT_PATIENT_DATA.update(
    {
        "/api/v1/galenics/formulas": "the formulary, no patient",
        "/api/v1/galenics/formulas/{formula_id}": "one formula, no patient",
        "/api/v1/galenics/batches/{batch_id}": "no batch in the scenario; a batch is not "
        "linked to an encounter, names at most the patient it was made or dispensed for, and "
        "each read is written in the access log (galenics.selectors.batch_view)",
        "/api/v1/galenics/batches/{batch_id}/label": "as above",
        "/api/v1/galenics/batches/{batch_id}/label.pdf": "as above (batch_label_view reads "
        "through batch_view)",
    }
)
# the pharmacist's look-up of a patient's batches: through patients.patient_search (the
# reader's reach), batches are not linked to an encounter
PATIENT_LISTS["/api/v1/galenics/batches"] = [
    {"patient": "{surname}"},
    {"patient": "{mrn}"},
    {"patient": "{codice_fiscale}"},
    {"patient": MASKED_TEXTS["ward"]},
]
NOT_PATIENT_DATA["/api/v1/transplant/settings"] = (
    "the hospital's viral-load thresholds and trough ranges, no patient"
)

# --- issue 19, direct distribution: the patient's plans, delegations and dispensings are
# probed by patient_id (none is linked to an encounter) ---
NOT_PATIENT_DATA.update(
    {
        "/api/v1/dispensing/dispensings/{dispensing_id}": "no dispensing in the scenario; one "
        "of a patient out of the reader's scope is 404 (dispensing_get reads through "
        "patient_get, tests/dispensing/test_api.py)",
        "/api/v1/dispensing/dispensings/{dispensing_id}/receipt.pdf": "as above (the "
        "receipt's print reads through dispensing_get; tests/dispensing/test_receipt_print.py)",
        "/api/v1/dispensing/patients/{patient_id}/adherence": "needs a product code the "
        "scenario has not; counts of days covered of one product, no text, the patient read "
        "through patient_get as the probed dispensings' list",
        "/api/v1/dispensing/lots": "the FEFO lots of a product in stock: no patient",
    }
)

# --- issue 23, reports: the registered pharmacy reports are aggregates per product or
# operator (no patient named); a definition holding patient data logs each patient read ---
NOT_PATIENT_DATA.update(
    {
        "/api/v1/reports": "the catalogue of the reports the caller may run, no patient",
        "/api/v1/reports/{code}": "aggregates per product or operator (pharmacy reports), no "
        "patient named; a report holding patient data writes every patient in the access "
        "log and is the definition's to mask (corsia/reports/README.md)",
        "/api/v1/reports/runs/{run_id}": "a kept run's state and progress, no patient",
        "/api/v1/reports/runs/{run_id}/download": "a kept run's result, its requester's only "
        "(anyone else 404): the same content as /api/v1/reports/{code}",
    }
)

# --- issue 25, telemonitoring: the team's open alerts (the patient's page is probed by
# patient_id; home readings and diaries belong to no encounter, so none is masked) ---
PATIENT_LISTS["/api/v1/telemonitoring/alerts"] = [{}]

# --- issue 25, telemedicine: the caller's own televisits (none in the scenario) ---
PATIENT_LISTS["/api/v1/telemedicine/televisits"] = [{}]
NOT_PATIENT_DATA.update(
    {
        "/api/v1/telemedicine/televisits/{televisit_id}": "no televisit in the scenario; a "
        "televisit is tied to no encounter (so to no masked stay) and only its clinician or "
        "consultant reads it, anyone else 404 (tests/telemedicine/test_signalling.py)",
        "/api/v1/telemedicine/televisits/{televisit_id}/signal": "the room's signalling "
        "messages (SDP, ICE candidates), for the two participants only: as above",
    }
)

# --- issue 25, the patient's own API (portal tokens only: every staff token and session
# gets 401, so no clinical role reads them; the patient reads only their own rows) ---
_PATIENT_OWN = (
    "the patient's own API (/api/v1/portal/me/...): a portal token only, staff 401; the "
    "patient's own rows, another patient's 404 (tests/portal/test_patient_api.py); masking "
    "hides a stay from the staff, not from the patient"
)
NOT_PATIENT_DATA.update(
    {
        "/api/v1/portal/me/appointments": _PATIENT_OWN,
        "/api/v1/portal/me/threads": _PATIENT_OWN,
        "/api/v1/portal/me/threads/{thread_id}": _PATIENT_OWN,
        "/api/v1/portal/me/documents": _PATIENT_OWN + "; only documents a physician released, "
        "who must be able to read them (scope and masking) when releasing",
        "/api/v1/portal/me/telemonitoring": _PATIENT_OWN,
    }
)
