"""IT staff's page and API of the FSE documents: state, attempts and the gateway's error;
the retry through the page and the API with the same permission; a document of a masked
stay left out of every list for whoever does not treat the patient."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.fse.models import FseDocument
from corsia.fse.services import fse_document_send, fse_document_submit
from corsia.fse.simulator import GatewayServer
from corsia.patients.models import BedOrChair, Patient, Ward
from corsia.testing.accounts import api_client, logged_in, post_json
from corsia.testing.patients import masked_stay_admitted

LDO = (Path(__file__).parent / "examples" / "LDO.xml").read_bytes()

pytestmark = pytest.mark.django_db


def _refused_by_the_gateway(physician: User, patient: Patient) -> FseDocument:
    row = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    with override_settings(CORSIA_FSE_ISSUER=""):
        sent = fse_document_send(document_id=row.pk)
    assert sent is not None and sent.state == "failed"
    return sent


def test_a_refused_document_is_shown_with_the_gateways_error_and_retried(
    gateway: GatewayServer,
    physician: User,
    it_staff: User,
    ldo_patient: Callable[..., Patient],
) -> None:
    row = _refused_by_the_gateway(physician, ldo_patient())
    page = logged_in(it_staff)

    listing = page.get("/fse/?state=failed").content.decode()
    assert row.identificativo_doc in listing and "Campo token JWT non valido." in listing
    detail = page.get(f"/fse/{row.pk}/").content.decode()
    assert "/msg/jwt-validation" in detail and "Claim mancanti: iss" in detail
    assert 'data-testid="retry-form"' in detail
    assert AccessLogEntry.objects.filter(user=it_staff, patient_id=row.patient_id).exists()

    no_reason = page.post(f"/fse/{row.pk}/retry/", {"reason": " "})
    assert no_reason.status_code == 302
    row.refresh_from_db()
    assert row.state == "failed"  # nothing changed without a reason
    page.post(f"/fse/{row.pk}/retry/", {"reason": "Emittente configurato"})
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("queued", 0)

    api = api_client(it_staff)
    body = api.get(f"/api/v1/fse/documents/{row.pk}").json()
    assert [e["event"] for e in body["events"]][-1] == "retry"
    status, problem = post_json(api, f"/api/v1/fse/documents/{row.pk}/retry", {"reason": "x"})
    assert (status, problem["code"]) == (409, "fse_document_not_retriable")


def test_only_it_staff_see_the_documents(
    gateway: GatewayServer, physician: User, ldo_patient: Callable[..., Patient]
) -> None:
    row = _refused_by_the_gateway(physician, ldo_patient())
    assert logged_in(physician).get("/fse/").status_code == 403
    assert api_client(physician).get("/api/v1/fse/documents").status_code == 403
    status, _ = post_json(
        api_client(physician), f"/api/v1/fse/documents/{row.pk}/retry", {"reason": "x"}
    )
    assert status == 403
    row.refresh_from_db()
    assert row.state == "failed"


def test_a_document_of_a_masked_stay_is_hidden_from_every_list(
    gateway: GatewayServer,
    physician: User,
    coordinator: User,
    it_staff: User,
    ldo_patient: Callable[..., Patient],
) -> None:
    patient = ldo_patient()
    ward = Ward.objects.create(code="EMAT", name="Ematologia", kind="day_hospital")
    BedOrChair.objects.create(ward=ward, code="P01", kind="chair")
    admitted = timezone.now() - timedelta(days=2)
    masked_stay_admitted(coordinator, patient, ward.pk, admitted_at=admitted)
    row = _refused_by_the_gateway(physician, patient)
    # the letter covers the masked stay (the example's own dates are 2022)
    FseDocument.objects.filter(pk=row.pk).update(
        service_start=admitted + timedelta(hours=1), service_end=timezone.now()
    )

    page = logged_in(it_staff)
    assert row.identificativo_doc not in page.get("/fse/").content.decode()
    assert page.get(f"/fse/{row.pk}/").status_code == 404
    api = api_client(it_staff)
    assert api.get("/api/v1/fse/documents").json() == {
        "count": 0,
        "limit": 100,
        "offset": 0,
        "items": [],
    }
    assert api.get(f"/api/v1/fse/documents/{row.pk}").status_code == 404
