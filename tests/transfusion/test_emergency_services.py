"""Emergency release, crossmatch, label attributes and the haemovigilance report through
the services and the API: refusals change nothing, acceptances are audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import CorsiaError
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.patients import patient_registered
from corsia.testing.transfusion import (
    bag_barcodes,
    crossmatched,
    red_cells_requested,
    transfusion_ready,
)
from corsia.transfusion import services
from corsia.transfusion.models import (
    Crossmatch,
    EmergencyRelease,
    IssuedBag,
    Transfusion,
    TransfusionReaction,
)

pytestmark = pytest.mark.django_db
PASSWORD = "Pw-test-12345"  # make_user's


def _refused(call: object, **kw: object) -> str:
    with pytest.raises(CorsiaError) as refusal:
        call(**kw)  # type: ignore[operator]
    return refusal.value.code


def _declare(physician: object, request: object, policy: str = "negative_only") -> None:
    services.emergency_declare(
        actor=physician,  # type: ignore[arg-type]
        workstation=None,
        request_id=request.pk,  # type: ignore[attr-defined]
        expected_version=request.version,  # type: ignore[attr-defined]
        reason="Emorragia acuta, Hb 5,9 g/dL, instabilità emodinamica",
        rhd_policy=policy,
    )


def test_emergency_release_group_not_confirmed(make_user: MakeUser) -> None:
    physician, nurse, second = (
        make_user(Role.PHYSICIAN),
        make_user(Role.NURSE),
        make_user(Role.NURSE),
    )
    patient = patient_registered(physician)  # no determination: group unknown
    request = red_cells_requested(physician, patient)
    o_neg = bag_barcodes("A999926000025", group="O-")
    issue: dict[str, Any] = {"actor": physician, "workstation": None, "request_id": request.pk}
    # before the urgency is declared: refused, nothing issued
    assert _refused(services.bag_issue, **issue, scans=o_neg) == "group_not_confirmed"
    _declare(physician, request)
    request.refresh_from_db()
    # declared twice: refused
    assert (
        _refused(
            services.emergency_declare,
            actor=physician,
            workstation=None,
            request_id=request.pk,
            expected_version=request.version,
            reason="di nuovo",
            rhd_policy="negative_only",
        )
        == "emergency_already_declared"
    )
    # O RhD positive not declared allowed; group A never
    o_pos = bag_barcodes("A999926000033", group="O+")
    assert _refused(services.bag_issue, **issue, scans=o_pos) == "emergency_group_not_allowed"
    a_pos = bag_barcodes("A999926000041", group="A+")
    assert _refused(services.bag_issue, **issue, scans=a_pos) == "emergency_group_not_allowed"
    assert not IssuedBag.objects.exists()
    bag = services.bag_issue(**issue, scans=o_neg)
    assert bag.emergency
    # at the bedside: no crossmatch needed, the emergency warned
    row = services.transfusion_check(
        actor=nurse,
        workstation=None,
        request_id=request.pk,
        second_operator=second,
        wristband=f"PZ{patient.mrn}",
        scans=o_neg,
    )
    assert any("emergenza" in w for w in row.warnings)
    # pending until the SIMT's crossmatch, then regularised
    client = api_client(physician)
    answer = client.get(f"/api/v1/transfusion/requests/{request.pk}").json()
    assert answer["pending_regularisation"] == [bag.pk]
    assert answer["emergency"]["rhd_policy"] == "negative_only"
    crossmatched(physician, bag)
    answer = client.get(f"/api/v1/transfusion/requests/{request.pk}").json()
    assert answer["pending_regularisation"] == []
    assert AuditEvent.objects.filter(event_type="transfusion.emergency_declared").count() == 1


def test_o_positive_only_for_an_eligible_patient(make_user: MakeUser) -> None:
    physician = make_user(Role.PHYSICIAN)
    young_woman = patient_registered(
        physician,
        sex="F",
        given_names="Giulia",
        date_of_birth=date(2000, 3, 1),
        codice_fiscale="",
        stp_eni_code="STP1200000000002",
    )
    request = red_cells_requested(physician, young_woman)
    assert (
        _refused(_declare, physician=physician, request=request, policy="positive_allowed")
        == "rhd_positive_not_eligible"
    )
    assert not EmergencyRelease.objects.exists()
    # Mario Rossi: M, born 1985, an adult male
    mario = patient_registered(physician)
    request = red_cells_requested(physician, mario)
    _declare(physician, request, "positive_allowed")
    bag = services.bag_issue(
        actor=physician,
        workstation=None,
        request_id=request.pk,
        scans=bag_barcodes("A999926000033", group="O+"),
    )
    assert bag.emergency and bag.rhd_positive


def test_crossmatch_required_expired_or_incompatible_refused(make_user: MakeUser) -> None:
    s = transfusion_ready(make_user)  # compatible crossmatch recorded
    check: dict[str, Any] = {
        "actor": s.nurse,
        "workstation": None,
        "request_id": s.request.pk,
        "second_operator": s.second_nurse,
        "wristband": f"PZ{s.patient.mrn}",
    }
    # a second unit without crossmatch
    codes = bag_barcodes("A999926000058")
    second_bag = services.bag_issue(
        actor=s.physician, workstation=None, request_id=s.request.pk, scans=codes
    )
    assert _refused(services.transfusion_check, **check, scans=codes) == "crossmatch_missing"
    crossmatched(s.physician, second_bag, result="incompatible")
    assert _refused(services.transfusion_check, **check, scans=codes) == "crossmatch_incompatible"
    # a sample older than 72 h, or an unknown result: refused at recording
    for hours, result, code in (
        (73, "compatible", "sample_expired"),
        (1, "maybe", "crossmatch_invalid"),
    ):
        record = {"result": result, "method": "iat", "sample": "XM-9"}
        taken = timezone.now() - timedelta(hours=hours)
        assert _refused(
            services.crossmatch_record, actor=s.physician, workstation=None,
            bag_id=second_bag.pk, sample_collected_at=taken, **record,
        ) == code  # fmt: skip
    assert Crossmatch.objects.filter(bag=second_bag).count() == 1
    assert not Transfusion.objects.exists()
    assert services.transfusion_check(**check, scans=s.codes).state == "checked"


def test_special_testing_or_typed_attribute_satisfies_the_request(make_user: MakeUser) -> None:
    physician = make_user(Role.PHYSICIAN)
    s = transfusion_ready(make_user)
    request = services.transfusion_request_create(
        actor=physician,
        workstation=None,
        patient_id=s.patient.pk,
        data=services.RequestInput(
            component="red_cells",
            units=2,
            indication="Trapianto allogenico",
            planned_at=timezone.now(),
            treatments=("irradiated", "cmv_negative"),
        ),
    )
    issue: dict[str, Any] = {"actor": physician, "workstation": None, "request_id": request.pk}
    codes = bag_barcodes("A999926000066")  # E9002: leukodepleted, irradiated; not CMV-neg.
    assert _refused(services.bag_issue, **issue, scans=codes) == "treatment_missing"
    assert _refused(services.bag_issue, **issue, scans=[*codes, "&(Z0000"]) == (
        "special_testing_unknown"
    )
    bag = services.bag_issue(**issue, scans=[*codes, "&(X9001"])
    assert "cmv_negative" in bag.treatments and bag.treatments_typed == []
    typed = services.bag_issue(
        **issue, scans=bag_barcodes("A999926000074"), typed_treatments=("cmv_negative",)
    )
    assert typed.treatments_typed == ["cmv_negative"]
    assert _refused(
        services.bag_issue, **issue, scans=bag_barcodes("A999926000082"), typed_treatments=("gold",)
    ) in ("treatment_invalid", "units_all_issued")


def test_api_bad_input_never_500(make_user: MakeUser) -> None:
    s = transfusion_ready(make_user)
    client = api_client(s.physician)
    url = f"/api/v1/transfusion/requests/{s.request.pk}/emergency"
    status, answer = post_json(
        client,
        url,
        {"expected_version": s.request.version, "reason": "x\x00", "rhd_policy": "negative_only"},
    )
    assert status == 400 and answer["code"]
    status, answer = post_json(
        client, url, {"expected_version": 1e308, "reason": "x", "rhd_policy": "negative_only"}
    )
    assert status in (400, 422) and answer["code"]
    status, answer = post_json(
        client, url, {"expected_version": s.request.version, "reason": "x", "rhd_policy": "always"}
    )
    assert (status, answer["code"]) == (422, "rhd_policy_invalid")
    xm = f"/api/v1/transfusion/bags/{s.bag.pk}/crossmatch"
    status, answer = post_json(
        client,
        xm,
        {
            "result": "compatible",
            "method": "iat",
            "sample": "S",
            "sample_collected_at": "2020-01-01T00:00:00+01:00",
        },
    )
    assert (status, answer["code"]) == (422, "sample_expired")
    assert not EmergencyRelease.objects.exists() and s.bag.crossmatches.count() == 1


def test_haemovigilance_report_api_csv_and_page(make_user: MakeUser) -> None:
    s = transfusion_ready(make_user)
    row = services.transfusion_check(
        actor=s.nurse,
        workstation=None,
        request_id=s.request.pk,
        second_operator=s.second_nurse,
        wristband=f"PZ{s.patient.mrn}",
        scans=s.codes,
    )
    client = api_client(s.nurse)
    base = f"/api/v1/transfusion/transfusions/{row.pk}"
    vitals = {"phase": "before", "systolic_bp": "125", "diastolic_bp": "75", "heart_rate": "80"}
    assert post_json(client, f"{base}/vitals", vitals)[0] == 201
    assert post_json(client, f"{base}/start", {"expected_version": row.version})[0] == 200
    status, answer = post_json(
        client,
        f"{base}/reactions",
        {"category": "fnhtr", "severity": "1", "imputability": "probable",
         "onset_at": timezone.now().isoformat(), "description": "Brivido, T 38,6 °C"},
    )  # fmt: skip
    assert status == 201
    reaction = TransfusionReaction.objects.get(pk=answer["id"])
    answer = client.get(f"/api/v1/transfusion/reactions/{reaction.pk}/haemovigilance").json()
    assert answer["patient_initials"] == "MR" and answer["category"] == "fnhtr"
    assert answer["units"][0]["din"] == s.bag.din and answer["severity"] == "1"
    csv = client.get(f"/api/v1/transfusion/reactions/{reaction.pk}/haemovigilance.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[1].startswith(f"{reaction.pk},MR,M,")
    assert client.get("/api/v1/transfusion/reactions/999999/haemovigilance").status_code == 404
    page = logged_in(s.nurse).get(f"/transfusion/reaction/{reaction.pk}/haemovigilance/")
    assert page.status_code == 200 and s.bag.din in page.content.decode()
    request_page = logged_in(s.physician).get(f"/transfusion/request/{s.request.pk}/")
    assert "Registra crossmatch" in request_page.content.decode()


def test_pages_bad_input_is_an_italian_message_nothing_changed(make_user: MakeUser) -> None:
    physician = make_user(Role.PHYSICIAN)
    patient = patient_registered(physician)
    request = red_cells_requested(physician, patient)
    page = logged_in(physician)
    url = f"/transfusion/request/{request.pk}/emergency/"
    for version, reason, policy, message in (
        (str(request.version), "Emorragia\x00", "negative_only", ""),  # core's NUL guard
        ("1e308", "Emorragia", "negative_only", "Versione mancante"),
        (str(request.version), "Emorragia", "positive_always", "Politica RhD non valida"),
    ):
        response = page.post(url, {"version": version, "reason": reason, "rhd_policy": policy})
        assert 400 <= response.status_code < 500, (version, reason, policy)
        assert message in response.content.decode()
    assert not EmergencyRelease.objects.exists()
    bag_url = f"/transfusion/request/{request.pk}/issue/"
    expired = bag_barcodes("A999926000025", group="O-", expires=timezone.now() - timedelta(hours=1))
    scans = dict(zip(("scan1", "scan2", "scan3", "scan4"), expired, strict=True))
    response = page.post(bag_url, scans)
    assert response.status_code == 422 and "La sacca è scaduta" in response.content.decode()
    assert not IssuedBag.objects.exists()
    shown = page.get(f"/transfusion/request/{request.pk}/").content.decode()
    assert "non confermato" in shown


def test_crossmatch_expired_at_the_bedside_72_hours_after_the_sample(make_user: MakeUser) -> None:
    s = transfusion_ready(make_user)  # crossmatch on a sample taken 2 hours ago
    check: dict[str, Any] = {
        "actor": s.nurse,
        "workstation": None,
        "request_id": s.request.pk,
        "second_operator": s.second_nurse,
        "wristband": f"PZ{s.patient.mrn}",
        "scans": s.codes,
    }
    with time_machine.travel(timezone.now() + timedelta(hours=70, minutes=1)):
        assert _refused(services.transfusion_check, **check) == "crossmatch_expired"
    assert not Transfusion.objects.exists()
