"""Audit completeness over a scripted day of the closed loop (issue 26).

A day through the API, each step by the role that takes it in a ward, each role at its
own workstation (its own address): the coordinator registers and admits the patient; the
physician measures, prescribes FOLFOX-4 from the library, confirms, sends and signs it
(the therapy sheet archived, then opened); the
pharmacist validates, takes it in charge and plans the vials; the technician scans the
packs and weighs the bags; the pharmacist releases; the technician checks the bag out;
the nurse scans at the bedside; the physician records a toxicity; and between the acts
the chart, the order, the search, the work plan, the preparations and the documents are
read.

Every request is recorded with the audit rows and access-log entries written while it
ran. Asserted from that record, not from a count written here: every state change left an
audit event by its actor, at its time, from its workstation (with its reason when it
carried one); every read of the patient's data left an access-log entry naming the
patient, the reader and the workstation; no audit row was written outside a request.
Then ``audit_verify`` passes over the day, and the tampering ``test_tampering.py`` does
not cover (a row deleted from the middle, a forged row appended without the key) is
reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pgtrigger
import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.accounts.services import token_issue
from corsia.audit.domain.chain import link_hash
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.testing.accounts import MakeUser
from corsia.testing.audit import audit_verify_report

pytestmark = pytest.mark.django_db

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
REASON_FIELDS = ("reason", "typed_reason", "schedule_reason")


@dataclass
class Step:
    role: Role
    method: str
    path: str
    body: dict[str, Any] | None
    status: int
    started: datetime
    ended: datetime
    patient_read: bool
    events: list[AuditEvent] = field(default_factory=list)
    accesses: list[AccessLogEntry] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.role} {self.method} {self.path}"


class Day:
    """The requests of the day, each with what it wrote to the audit tables."""

    def __init__(self, users: dict[Role, User]) -> None:
        self.users = users
        self.addresses = {role: f"10.26.0.{i + 10}" for i, role in enumerate(users)}
        self.clients = {}
        for role, user in users.items():
            key, _ = token_issue(user=user)
            self.clients[role] = Client(
                headers={"Authorization": f"Bearer {key}"}, REMOTE_ADDR=self.addresses[role]
            )
        self.steps: list[Step] = []

    def __call__(
        self,
        role: Role,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        reads: bool = False,
    ) -> Any:
        last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        last_access = (
            AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        )
        started = timezone.now()
        response = self.clients[role].generic(
            method,
            "/api/v1" + path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
        )
        ended = timezone.now()
        assert response.status_code < 300, (role, method, path, response.content[:500])
        step = Step(role, method, path, body, response.status_code, started, ended, reads)
        step.events = list(AuditEvent.objects.filter(id__gt=last_event).order_by("id"))
        step.accesses = list(AccessLogEntry.objects.filter(id__gt=last_access).order_by("id"))
        self.steps.append(step)
        return response.json() if response.content else None


@pytest.fixture
def day(make_user: MakeUser) -> Iterator[tuple[Day, dict[str, Any]]]:
    from corsia.compounding.demo_data import ensure_demo_packs, load_products
    from corsia.documents.shipped import templates_install_shipped
    from corsia.patients.models import Ward
    from corsia.testing.prescribing import library_version

    # the reference data a ward has before the day starts (not the day's acts)
    users = {
        role: make_user(role, username=f"{role}_day")
        for role in (
            Role.COORDINATOR, Role.PHYSICIAN, Role.PHARMACIST, Role.TECHNICIAN, Role.NURSE,
        )
    }  # fmt: skip
    load_products()
    aic = ensure_demo_packs()
    # the print templates an install stores (corsia_setup): else the day's first print stores
    # the shipped file, an act of the system inside the physician's request
    templates_install_shipped()
    folfox = library_version(
        "FOLFOX-4", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    ward = Ward.objects.create(code="ONC", name="Oncologia", kind="inpatient")
    yield Day(users), {"aic": aic, "regimen_version_id": folfox.pk, "ward_id": ward.pk}


def _script(day: Day, ref: dict[str, Any]) -> int:
    """The day; returns the patient's id."""
    from corsia.compounding.models import Preparation
    from corsia.demo.patients import DemoPerson
    from corsia.drugs.models import MedicinalProduct

    C, P, F, T, N = (
        Role.COORDINATOR, Role.PHYSICIAN, Role.PHARMACIST, Role.TECHNICIAN, Role.NURSE,
    )  # fmt: skip
    today = timezone.localdate()
    person = DemoPerson(
        surname="Giornata", given_names="Lucia", sex="F",
        date_of_birth=date(1962, 3, 8), birthplace="Roma",
    )  # fmt: skip
    patient = day(C, "POST", "/patients", {
        "surname": "Giornata", "given_names": "Lucia", "sex": "F", "date_of_birth": "1962-03-08",
        "codice_fiscale": person.codice_fiscale, "place_of_birth": "H501",
    })  # fmt: skip
    pid = int(patient["id"])
    day(C, "POST", f"/patients/{pid}/encounters", {"kind": "inpatient", "ward_id": ref["ward_id"]})
    day(C, "GET", "/patients/search?q=Giornata", reads=True)
    for kind, value in (("height_cm", "165"), ("weight_kg", "62"),
                        ("serum_creatinine_mg_dl", "0.8")):  # fmt: skip
        day(P, "POST", "/measurements", {"patient_id": pid, "kind": kind, "value": value})
    day(P, "GET", f"/patients/{pid}/chart", reads=True)
    order = day(P, "POST", "/orders", {
        "patient_id": pid, "regimen_version_id": ref["regimen_version_id"],
        "start_date": today.isoformat(),
    })  # fmt: skip
    oid = order["id"]
    for event in ("confirm", "send"):
        order = day(P, "POST", f"/orders/{oid}/transitions",
                    {"event": event, "expected_version": order["version"]})  # fmt: skip
    day(P, "POST", f"/orders/{oid}/sign", {})  # the therapy sheet, signed and archived
    mine = day(P, "GET", "/documents/mine")
    sheet = mine[0] if isinstance(mine, list) else mine["items"][0]
    day(P, "GET", f"/documents/{sheet['id']}", reads=True)
    day(F, "GET", f"/orders?day={today.isoformat()}", reads=True)
    day(F, "GET", f"/orders/{oid}", reads=True)
    day(F, "POST", f"/compounding/orders/{oid}/validate", {})
    day(F, "POST", f"/compounding/orders/{oid}/take-charge")
    day(F, "POST", "/compounding/vials/plan", {"day": today.isoformat()})
    day(T, "GET", f"/compounding/workplan?day={today.isoformat()}", reads=True)
    preparations = day(T, "GET", f"/compounding/orders/{oid}/preparations", reads=True)
    expiry = (today + timedelta(days=200)).isoformat()
    todays = [p for p in preparations if p["scheduled_date"] == today.isoformat()]
    assert todays
    for prep in todays:
        ingredient = Preparation.objects.get(pk=prep["id"]).order_item.ingredient
        product = MedicinalProduct.objects.filter(ingredient=ingredient).order_by("-strength")[0]
        remaining = None
        while remaining != "0":
            vial = day(T, "POST", f"/compounding/preparations/{prep['id']}/scan", {
                "barcode": f"A{ref['aic'][product.code]}", "lot": "L26", "expiry": expiry,
            })  # fmt: skip
            remaining = vial["remaining_mg"]
        typed = {"typed_reason": "bilancia in manutenzione"}
        day(T, "POST", f"/compounding/preparations/{prep['id']}/bag-before",
            {"measured_g": "280", **typed})  # fmt: skip
        probe = day(T, "POST", f"/compounding/preparations/{prep['id']}/weighings",
                    {"measured_g": "281", **typed})  # fmt: skip
        if not probe["passed"]:
            weight = Decimal(280) + Decimal(probe["expected_added_g"])
            day(T, "POST", f"/compounding/preparations/{prep['id']}/weighings",
                {"measured_g": str(weight), **typed})  # fmt: skip
        day(F, "POST", f"/compounding/preparations/{prep['id']}/release")
    preparations = day(T, "GET", f"/compounding/orders/{oid}/preparations", reads=True)
    labels = [p["label_code"] for p in preparations if p["scheduled_date"] == today.isoformat()]
    day(T, "POST", f"/compounding/orders/{oid}/checkout",
        {"label_codes": labels, "delivery_document": "DDT-26"})  # fmt: skip
    mrn = day(N, "GET", f"/patients/{pid}", reads=True)["mrn"]
    day(N, "POST", "/administration/bedside/verify", {"wristband": f"PZ{mrn}", "label": labels[0]})
    day(N, "GET", f"/patients/{pid}/vitals", reads=True)
    day(P, "POST", f"/patients/{pid}/diary", {"kind": "note", "text": "Prima dose ben tollerata."})
    return pid


def test_every_act_of_the_day_is_audited_and_every_read_logged(
    day: tuple[Day, dict[str, Any]],
) -> None:
    record, ref = day
    events_before = AuditEvent.objects.count()
    patient_id = _script(record, ref)
    failures: list[str] = []
    for step in record.steps:
        user = record.users[step.role]
        address = record.addresses[step.role]
        if step.method in WRITES:
            if not step.events:
                failures.append(f"{step}: no audit event")
            for event in step.events:
                if event.actor_id != user.pk or event.actor_username != user.username:
                    failures.append(f"{step}: {event.event_type} by {event.actor_username}")
                if not step.started <= event.occurred_at <= step.ended:
                    failures.append(f"{step}: {event.event_type} at {event.occurred_at}")
                if address not in event.workstation:
                    failures.append(f"{step}: {event.event_type} from {event.workstation!r}")
            body = step.body or {}
            reasons = [str(body[k]) for k in REASON_FIELDS if body.get(k)]
            for reason in reasons:
                if not any(reason in e.reason for e in step.events):
                    failures.append(f"{step}: reason {reason!r} not in its audit events")
        elif step.patient_read:
            named = [a for a in step.accesses if a.patient_id == patient_id]
            if not named:
                failures.append(f"{step}: no access-log entry naming the patient")
            for access in named:
                if access.user_id != user.pk or address not in access.workstation:
                    failures.append(f"{step}: read logged as {access.username}, "
                                    f"{access.workstation!r}")  # fmt: skip
    # no audit row was written outside the day's requests
    assert AuditEvent.objects.count() - events_before == sum(len(s.events) for s in record.steps)
    assert len([s for s in record.steps if s.method in WRITES]) >= 20
    assert failures == [], "\n".join(failures)
    assert _verify().startswith("BROKEN") is False


_verify = audit_verify_report


def test_a_row_deleted_from_the_middle_of_the_day_is_reported(
    day: tuple[Day, dict[str, Any]],
) -> None:
    # test_tampering.py covers an edited row, a rewritten chain, the newest row deleted,
    # TRUNCATE; here: a row taken out of the middle (and, below, a forged one appended
    # without the key the chain is sealed with, as an attacker with the database only could)
    record, ref = day
    _script(record, ref)
    assert not _verify().startswith("BROKEN")
    rows = list(AuditEvent.objects.order_by("id"))
    middle = rows[len(rows) // 2]
    with pgtrigger.ignore("audit.AuditEvent:append_only"):
        AuditEvent.objects.filter(pk=middle.pk).delete()
    report = _verify()
    assert report.startswith("BROKEN"), report
    # named at the next row of its shard, or at the first row of another shard that
    # sealed it as its shard's head (ADR 0012), whichever comes first
    named = next(
        r
        for r in rows[len(rows) // 2 + 1 :]
        if r.shard == middle.shard or middle.pk in (r.anchors or [])
    )
    assert f"entry {named.pk}:" in report


def test_a_forged_row_appended_without_the_key_is_reported(
    day: tuple[Day, dict[str, Any]],
) -> None:
    record, ref = day
    _script(record, ref)
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    forged = AuditEvent(
        event_type="prescribing.order_cancelled", actor=last.actor,
        actor_username=last.actor_username, workstation=last.workstation,
        target_type=last.target_type, target_id=last.target_id, patient_id=last.patient_id,
        reason="annullata", prev_hash=last.hash, hash="0" * 64,
    )  # fmt: skip
    forged.hash = link_hash(last.hash, forged.payload(), None)
    with pgtrigger.ignore("audit.AuditEvent:append_only"):
        AuditEvent.objects.bulk_create([forged])
    report = _verify()
    assert report.startswith("BROKEN"), report
