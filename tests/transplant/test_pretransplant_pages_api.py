"""The pre-transplant path through the API and the case page: the same acts with the same
permissions, problem+json with a stable code, the Italian refusal beside its form, nothing
written when refused, the access log on reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.patients.models import Patient
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.prescribing import library_version
from corsia.testing.transplant import case_opened
from corsia.testing.transplant_path import RECIPIENT_HLA, din, scanned, wristband
from corsia.transplant.models import Infusion, Product

pytestmark = pytest.mark.django_db

API = "/api/v1/transplant"
HLA_JSON = {locus: list(pair) for locus, pair in RECIPIENT_HLA.items()}
NEGATIVE = {m: "negative" for m in ("hiv", "hbsag", "anti_hbc", "hcv", "syphilis", "htlv")}


@pytest.fixture
def regimen(make_user: MakeUser) -> RegimenVersion:
    return library_version(
        "MEL200", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHARMACIST))
    )


def test_the_path_to_engraftment_through_the_api(
    physician: User, nurse: User, recipient: Patient, regimen: RegimenVersion
) -> None:
    doctor, ward = api_client(physician), api_client(nurse)
    status, case = post_json(
        doctor, f"{API}/patients/{recipient.pk}/cases",
        {"transplant_type": "allogeneic", "source": "pb", "indication": "LAM in RC1"},
    )  # fmt: skip
    assert status == 201
    cid = case["id"]
    status, body = post_json(
        ward, f"{API}/cases/{cid}/typing", {"expected_version": 1, "hla": HLA_JSON, "abo": "O"}
    )
    assert status == 200, body
    status, path = post_json(
        ward, f"{API}/cases/{cid}/donors",
        {"kind": "sibling", "name": "Luca", "hla": HLA_JSON, "born_on": "1988-03-04",
         "markers": NEGATIVE, "consent": True, "abo": "A"},
    )  # fmt: skip
    assert status == 201, path
    donor = path["donors"][0]
    assert (donor["match"]["score_10"], donor["eligible"]) == ("10/10", True)
    # a nurse does not choose the donor; the physician does
    status, _ = post_json(
        ward, f"{API}/donors/{donor['id']}/choose", {"expected_version": 1, "reason": "x"}
    )
    assert status == 403
    status, path = post_json(
        doctor, f"{API}/donors/{donor['id']}/choose", {"expected_version": 1, "reason": "10/10"}
    )
    assert status == 200 and path["donors"][0]["state"] == "chosen"
    day_zero = timezone.localdate() - timedelta(days=3)
    collection = {
        "method": "apheresis", "collected_on": str(day_zero - timedelta(days=1)), "din": din(7),
        "volume_ml": "250", "cd34_per_ul": "480",
    }  # fmt: skip
    status, refused = post_json(ward, f"{API}/cases/{cid}/products", collection)
    assert (status, refused["code"]) == (422, "weight_required")
    status, refused = post_json(
        ward, f"{API}/cases/{cid}/products", {**collection, "volume_ml": "1e308"}
    )
    assert status == 422
    assert not Product.objects.exists()
    status, path = post_json(
        ward, f"{API}/cases/{cid}/products", {**collection, "recipient_weight_kg": "64"}
    )
    assert status == 201 and path["products"][0]["cd34_dose"] == "1.88"
    product = path["products"][0]
    for version, kind in ((1, "received"), (2, "issued")):
        status, path = post_json(
            ward,
            f"{API}/products/{product['id']}/custody",
            {"expected_version": version, "kind": kind},
        )
        assert status == 200, path
    case_now = doctor.get(f"{API}/cases/{cid}").json()
    status, body = post_json(
        doctor, f"{API}/cases/{cid}/conditioning",
        {"expected_version": case_now["version"], "regimen_version_id": regimen.pk,
         "intensity": "MAC", "start": str(day_zero - timedelta(days=2)), "day_zero": str(day_zero)},
    )  # fmt: skip
    assert status == 200 and body["day_zero"] == str(day_zero), body
    infusion = {
        "din_scan": scanned(din(8)), "wristband": wristband(recipient), "volume_ml": "250",
        "started_at": f"{day_zero}T10:00:00+01:00",
    }  # fmt: skip
    status, refused = post_json(ward, f"{API}/cases/{cid}/infusions", infusion)
    assert (status, refused["code"]) == (422, "product_unknown")
    assert not Infusion.objects.exists()
    status, path = post_json(
        ward, f"{API}/cases/{cid}/infusions", {**infusion, "din_scan": scanned(din(7))}
    )
    assert status == 201, path
    status, refused = post_json(
        ward, f"{API}/cases/{cid}/counts", {"on": str(day_zero - timedelta(days=1)), "anc": "0.1"}
    )
    assert (status, refused["code"]) == (422, "on_before_day_zero")
    for day, anc in enumerate(("0.2", "0.6", "0.7", "0.9")):
        status, path = post_json(
            ward,
            f"{API}/cases/{cid}/counts",
            {"on": str(day_zero + timedelta(days=day)), "anc": anc},
        )
        assert status == 201, path
    assert path["neutrophil_engraftment_day"] == 1
    read = doctor.get(f"{API}/cases/{cid}/path")
    assert read.status_code == 200
    assert AccessLogEntry.objects.filter(patient_id=recipient.pk, channel="api").exists()


def test_the_case_page_shows_the_path_and_refuses_in_italian(
    physician: User, recipient: Patient, make_user: MakeUser
) -> None:
    case = case_opened(physician, recipient.pk)
    client = logged_in(physician)
    page = client.get(f"/transplant/cases/{case.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="timeline"' in text and "Potenziali donatori" in text
    fields = {
        f"hla_{lo.lower()}_{n + 1}": a
        for lo, pair in RECIPIENT_HLA.items()
        for n, a in enumerate(pair)
    }
    refused = client.post(
        f"/transplant/cases/{case.pk}/typing/", {**fields, "hla_a_1": "A2", "version": "1"}
    )
    assert refused.status_code == 422
    assert "nomenclatura OMS" in refused.content.decode()
    done = client.post(
        f"/transplant/cases/{case.pk}/typing/", {**fields, "version": "1", "abo": "O"}
    )
    assert done.status_code == 302
    stale = client.post(f"/transplant/cases/{case.pk}/typing/", {**fields, "version": "1"})
    assert stale.status_code == 409
    outsider = logged_in(make_user(Role.PHARMACIST))
    assert outsider.get(f"/transplant/cases/{case.pk}/").status_code == 403
