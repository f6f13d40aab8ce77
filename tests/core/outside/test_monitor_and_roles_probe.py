"""The permission matrix and the trial monitor's scope probed from outside (issue 26),
with bearer tokens, over every operation of the OpenAPI document:

* no token: 401 problem+json; a token of a role lacking the operation's permission (read
  from the function the operation calls, as the in-process matrix does): 403
  problem+json, and nothing written to the audit tables;
* a trial monitor: every patient-scoped GET of a patient not enrolled in their trials is
  404, of the enrolled one 200; no write succeeds (403 or 404, also with an empty body:
  the order transitions, which reading orders lets in, refuse a role that takes no
  decision before reading the body) and nothing changes.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.services import token_issue
from corsia.core.access import PUBLIC
from corsia.testing.accounts import MakeUser
from corsia.testing.outside import (
    WRITE_METHODS,
    MaskedChart,
    api_operations,
    audit_counts,
    changed,
    holds,
    is_problem,
    probe_patient_gets,
    row_counts,
)
from corsia.testing.prescribing import measured_patient

pytestmark = [pytest.mark.outside, pytest.mark.django_db]

OPERATIONS = api_operations()


def _client(user: object) -> Client:
    key, _ = token_issue(user=user)  # type: ignore[arg-type]  # a User
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_every_operation_without_a_token_is_401_problem_json() -> None:
    client = Client()
    failures = []
    for op in OPERATIONS:
        if op.permission == PUBLIC:
            continue
        before = audit_counts()
        response = client.generic(
            op.method, op.missing_url(), "{}", content_type="application/json"
        )
        if not is_problem(response, 401):
            failures.append(f"{op}: {response.status_code}")
        elif changed(before, audit_counts()):
            failures.append(f"{op}: an anonymous request wrote audit rows")
    assert len(OPERATIONS) > 100
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_operation_a_role_lacks_is_403_problem_json(make_user: MakeUser, role: Role) -> None:
    client = _client(make_user(role))
    failures = []
    for op in OPERATIONS:
        if op.permission in (None, PUBLIC):
            failures += [f"{op}: no declared permission"] if op.permission is None else []
            continue
        if holds(role, op.permission):
            if op.method == "GET":
                response = client.get(op.missing_url())
                if response.status_code in (401, 403):
                    failures.append(
                        f"{op}: {role} holds {op.permission}, got {response.status_code}"
                    )
            continue
        before = audit_counts()
        response = client.generic(
            op.method, op.missing_url(), "{}", content_type="application/json"
        )
        if not is_problem(response, 403):
            failures.append(f"{op}: {role} lacks {op.permission}, got {response.status_code}")
        elif changed(before, audit_counts()):
            failures.append(f"{op}: a refused request wrote audit rows")
    assert failures == [], "\n".join(failures)


# --- the trial monitor ------------------------------------------------------------------------


def test_the_monitor_reads_the_enrolled_patient_only(masked: MaskedChart) -> None:
    # every GET whose parameters are a patient or an order (a letter's, a document's or a
    # board's id of another patient: tests/regimens/test_monitor_scope.py)
    from corsia.prescribing import services as prescribing
    from corsia.regimens.models import RegimenVersion

    m = masked
    other = measured_patient(
        registrar=m.coordinator, physician=m.physician, surname="Esterno", given_names="Anna",
        sex="F",
    )  # fmt: skip
    folfox = RegimenVersion.objects.get(regimen__code="FOLFOX-4")
    other_order = prescribing.order_create(
        actor=m.physician, workstation=None, patient_id=other.pk,
        regimen_version_id=folfox.pk, start_date=timezone.localdate(),
    )  # fmt: skip
    probed, failures = probe_patient_gets(
        _client(m.monitor),
        Role.TRIAL_MONITOR,
        [(m.patient.pk, m.order_id, 200), (other.pk, other_order.pk, 404)],
    )
    assert probed > 20
    assert failures == [], "\n".join(failures)


# Taking or giving back one's own token: open to anyone, no patient data written.
OWN_SESSION = {"/api/v1/auth/token"}

# The patient portal's own API: a patient's token only; a staff token is not a credential
# there (401), as the operations declare.
PATIENT_REALM = "/api/v1/portal/me/"


def test_no_write_succeeds_for_a_monitor(masked: MaskedChart) -> None:
    m = masked
    client = _client(m.monitor)
    values: dict[str, object] = {"patient_id": m.patient.pk, "order_id": m.order_id}
    failures = []
    for op in OPERATIONS:
        if op.method not in WRITE_METHODS or op.path in OWN_SESSION:
            continue
        filled = {
            name: values.get(name, 999999 if kind == "integer" else "x")
            for name, kind in op.path_params
        }
        before = row_counts()
        response = client.generic(op.method, op.url(filled), "{}", content_type="application/json")
        refused = (401, 403, 404) if op.path.startswith(PATIENT_REALM) else (403, 404)
        if response.status_code not in refused:
            failures.append(f"{op}: {response.status_code}")
        elif diff := changed(before, row_counts()):
            failures.append(f"{op}: {response.status_code} but changed {diff}")
    assert failures == [], "\n".join(failures)


def test_a_monitor_takes_no_decision_on_an_order(masked: MaskedChart) -> None:
    # the one write a monitor's permission (prescribing.view_order) lets in: the service
    # decides by the event who may take it
    from corsia.prescribing.domain.states import OrderEvent
    from corsia.prescribing.models import TherapyOrder

    m = masked
    client = _client(m.monitor)
    failures = []
    for event in OrderEvent:
        version = TherapyOrder.objects.get(pk=m.order_id).version
        before = row_counts()
        response = client.post(
            f"/api/v1/orders/{m.order_id}/transitions",
            {"event": event.value, "expected_version": version, "reason": "prova"},
            content_type="application/json",
        )
        if response.status_code not in (403, 404, 409):
            failures.append(f"{event}: {response.status_code}")
        elif diff := changed(before, row_counts()):
            failures.append(f"{event}: {response.status_code} but changed {diff}")
    assert failures == [], "\n".join(failures)
