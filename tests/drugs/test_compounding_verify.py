"""The archive's compounding-data page and API, and the pharmacist's verification."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.core.domain.concurrency import StaleVersion
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.drugs import services
from corsia.drugs.models import MedicinalProduct
from corsia.drugs.services_compounding import product_compounding_verify

PACLITAXEL = "paclitaxel_300mg_50ml_paclitaxel"  # complete (RCP Taxol)
ETOPOSIDE = "etoposide_100mg_5ml_etoposide"  # no density in the SmPC


def test_page_lists_missing_data_counts_and_filters(reference: None, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    client: Client = client_for(Role.NURSE)
    page = client.get("/drugs/compounding/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="compounding-counts"' in text
    assert "Paclitaxel generico 6 mg/mL 300 mg/50 mL" in text
    assert "Capecitabina" not in text and "Xeloda" not in text  # oral: not compounded
    incomplete = client.get("/drugs/compounding/", {"incompleti": "1"}).content.decode()
    assert "Paclitaxel generico 6 mg/mL 300 mg/50 mL" not in incomplete
    assert "Etoposide generico 20 mg/mL 100 mg/5 mL" in incomplete
    sheet = client.get(f"/drugs/products/{ETOPOSIDE}/").content.decode()
    assert 'data-testid="compounding-missing"' in sheet and "densità" in sheet
    assert "determinarla per pesata" in sheet
    assert "Conferma i dati di allestimento" not in sheet  # a nurse cannot verify


def test_api_lists_missing_fields_and_counts(reference: None, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    client: Client = client_for(Role.PHYSICIAN)
    every = client.get("/api/v1/drugs/compounding").json()
    only = client.get("/api/v1/drugs/compounding", {"incomplete": "true"}).json()
    assert only["total"] == every["total"] > every["incomplete"] == len(only["products"]) > 0
    codes = {p["code"]: p for p in every["products"]}
    assert codes[PACLITAXEL]["compounding_missing"] == []
    assert "density" in codes[ETOPOSIDE]["compounding_missing"]
    assert every["missing_counts"]["density"] == sum(
        "density" in p["compounding_missing"] for p in every["products"]
    )
    assert PACLITAXEL not in {p["code"] for p in only["products"]}
    product = client.get(f"/api/v1/drugs/products/{PACLITAXEL}").json()
    assert product["compounding_sources"]["filter"].startswith("RCP Taxol sez. 6.6")
    assert product["compounding_verified_by"] is None


def test_pharmacist_verifies_with_who_when_and_audit(reference: None, make_user) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    pharmacist = make_user(Role.PHARMACIST)
    product = MedicinalProduct.objects.get(code=PACLITAXEL)
    assert product.to_verify is True
    verified = product_compounding_verify(
        actor=pharmacist, workstation=None, code=PACLITAXEL, expected_version=product.version
    )
    verified.refresh_from_db()
    assert (verified.to_verify, verified.compounding_verified_by) == (False, pharmacist)
    assert verified.compounding_verified_at is not None
    event = AuditEvent.objects.get(event_type="drugs.compounding_verified")
    assert (event.actor, event.target_id) == (pharmacist, str(verified.pk))
    # a stale page (old version) is refused
    with pytest.raises(StaleVersion):
        product_compounding_verify(
            actor=pharmacist, workstation=None, code=PACLITAXEL, expected_version=1
        )
    # re-importing the same data keeps the verification; changing it withdraws it
    services.drugs_reference_load()
    verified.refresh_from_db()
    assert verified.to_verify is False
    line = {
        "type": "product",
        "code": PACLITAXEL,
        "ingredient": "paclitaxel",
        "name": verified.name,
        "final_concentration_max": "1.0",
    }
    services.catalogue_import(
        content=json.dumps(line).encode(), file_name="x.jsonl", source="test", user=pharmacist
    )
    withdrawn = MedicinalProduct.objects.get(code=PACLITAXEL)
    assert (withdrawn.to_verify, withdrawn.compounding_verified_at) == (True, None)


def test_incomplete_data_and_other_roles_are_refused(reference: None, make_user) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    etoposide = MedicinalProduct.objects.get(code=ETOPOSIDE)
    with pytest.raises(ValidationFailed) as refused:
        product_compounding_verify(
            actor=make_user(Role.PHARMACIST),
            workstation=None,
            code=ETOPOSIDE,
            expected_version=etoposide.version,
        )
    assert refused.value.code == "compounding_incomplete"
    assert "densità" in refused.value.message
    for role in (Role.ADMINISTRATOR, Role.NURSE, Role.PHYSICIAN):
        with pytest.raises(PermissionRefused):
            product_compounding_verify(
                actor=make_user(role), workstation=None, code=PACLITAXEL, expected_version=1
            )
    etoposide.refresh_from_db()
    assert etoposide.to_verify is True
    assert not AuditEvent.objects.filter(event_type="drugs.compounding_verified").exists()


def test_button_and_api_verify_with_the_same_permission(reference: None, client_for) -> None:  # type: ignore[no-untyped-def]  # factory fixture
    pharmacist: Client = client_for(Role.PHARMACIST)
    sheet = pharmacist.get(f"/drugs/products/{PACLITAXEL}/").content.decode()
    assert "Conferma i dati di allestimento" in sheet
    version = MedicinalProduct.objects.get(code=PACLITAXEL).version
    done = pharmacist.post(
        f"/drugs/products/{PACLITAXEL}/compounding-verify/", {"version": version}
    )
    assert done.status_code == 302
    after = pharmacist.get(f"/drugs/products/{PACLITAXEL}/").content.decode()
    assert 'data-testid="compounding-verified"' in after
    nurse: Client = client_for(Role.NURSE)
    url = "/api/v1/drugs/products/campto_irinotecan/compounding-verify"
    assert nurse.post(url, {"version": 1}, content_type="application/json").status_code == 403
    assert (
        nurse.post(f"/drugs/products/{PACLITAXEL}/compounding-verify/", {"version": 2}).status_code
        == 403
    )
    api = pharmacist.post(
        "/api/v1/drugs/products/irinotecan_100mg_5ml_campto/compounding-verify",
        {"version": 1},
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["code"] == "compounding_incomplete"
    missing = pharmacist.post(
        "/api/v1/drugs/products/no_such/compounding-verify",
        {"version": 1},
        content_type="application/json",
    )
    assert missing.status_code == 404
