"""The compounding robot / smart hood, two-way: the preparation pushed (file drop, HTTP),
the device's result recorded through the hood's scan and weighing, and every refusal
leaving nothing behind."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.compounding import services as ufa
from corsia.compounding.devices.adapters import DeviceUnreachable, FileDropAdapter, HttpAdapter
from corsia.compounding.devices.simulator import ShelfVial, SimulatedFault, simulate_result
from corsia.compounding.domain.device_result import (
    DeviceResultInvalid,
    parse_device_result,
    volumes_check,
)
from corsia.compounding.models import CheckOut, DeviceResult, Preparation
from corsia.compounding.robot import robot_document
from corsia.core.domain.errors import CorsiaError
from corsia.drugs.models import MedicinalProduct
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.compounding import Folfox, check_out, make_preparations

pytestmark = pytest.mark.django_db


def _oxaliplatin_validated(folfox: Folfox, pharmacist: User) -> Preparation:
    ufa.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    ufa.order_take_charge(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    return Preparation.objects.get(
        order_id=folfox.order.pk,
        scheduled_date=timezone.localdate(),
        order_item__ingredient__code="oxaliplatin",
    )


def _shelf(folfox: Folfox, prep: Preparation) -> list[ShelfVial]:
    expiry = timezone.localdate() + timedelta(days=300)
    return [
        ShelfVial(
            product_code=p.code,
            strength_mg=Decimal(p.strength or 0),
            concentration_mg_ml=Decimal(p.concentration or 0),
            lot="ROB1",
            expiry=expiry,
            aic=folfox.aic[p.code],
        )
        for p in MedicinalProduct.objects.filter(ingredient=prep.order_item.ingredient)
        if p.code in folfox.aic
    ]


def _result(
    folfox: Folfox, prep: Preparation, operator: User, fault: SimulatedFault, **kw: Any
) -> dict[str, Any]:
    prep.refresh_from_db()
    return simulate_result(
        robot_document(prep),
        shelf=_shelf(folfox, prep),
        operator=operator.username,
        now=timezone.now(),
        fault=fault,
        density_g_ml=Decimal(prep.product.density_g_ml or 1),  # type: ignore[union-attr]
        **kw,
    )


def _post(client: Client, prep_id: int, body: Any) -> tuple[int, Any]:
    return post_json(client, f"/api/v1/compounding/preparations/{prep_id}/device-result", body)


@pytest.fixture
def robot(make_user: MakeUser) -> Client:
    """The device's own account (a technician's permissions, no person behind it)."""
    return logged_in(make_user(Role.TECHNICIAN, username="robot_ufa"))


def test_a_plausible_result_is_recorded_through_the_hood_and_waits_for_the_pharmacist(
    folfox: Folfox, pharmacist: User, technician: User, robot: Client
) -> None:
    # given a validated oxaliplatin preparation and the simulator's answer to its document
    prep = _oxaliplatin_validated(folfox, pharmacist)
    body = _result(folfox, prep, technician, SimulatedFault.NONE)
    # when the device posts it
    status, answer = _post(robot, prep.pk, body)
    # then every vial is recorded with its lot and serial, the weighing read from the
    # device's load cell passed, and the preparation waits for the release
    assert status == 201, answer
    assert answer["outcome"] == "weighed"
    assert answer["preparation_state"] == "weighed"
    assert answer["operator"] == technician.username
    prep.refresh_from_db()
    vials = list(prep.vials.all())
    assert [v.lot for v in vials] == ["ROB1"] * len(body["vials"])
    assert all(v.serial.startswith("SIM") for v in vials)
    assert all(v.scanned_by_id == technician.pk for v in vials)
    weighing = prep.weighings.get()
    assert weighing.passed and weighing.source == "scale"
    assert weighing.scale_id == "ROBOT-SIM-1-LC"
    assert prep.bag_before_g == Decimal(body["weights"]["bag_before_g"])
    result = DeviceResult.objects.get(preparation=prep)
    assert [i["id"] for i in result.images] == [f"ROBOT-SIM-1-IMG-{prep.pk}-{n}" for n in (1, 2, 3)]
    assert result.weighing_id == weighing.pk
    assert AuditEvent.objects.filter(event_type="compounding.device_result_recorded").count() == 1
    # the pharmacist sees the device's outcome on the preparation page
    page = logged_in(pharmacist).get(f"/compounding/preparations/{prep.pk}/")
    assert b'data-testid="device-results"' in page.content
    assert f"ROBOT-SIM-1-IMG-{prep.pk}-3".encode() in page.content
    # the row is append-only in the database
    with pytest.raises(DatabaseError), transaction.atomic():
        DeviceResult.objects.filter(pk=result.pk).update(outcome="gravimetric_failed")
    # the operator prepared it: the release is someone else's
    with pytest.raises(CorsiaError) as refused:
        ufa.preparation_release(actor=technician, workstation=None, preparation_id=prep.pk)
    assert refused.value.code in ("release_by_preparer", "permission_denied")
    ufa.preparation_release(actor=pharmacist, workstation=None, preparation_id=prep.pk)
    # and a result for the released preparation is refused
    again = _result(folfox, prep, technician, SimulatedFault.NONE, result_id="R-after")
    status, problem = _post(robot, prep.pk, again)
    assert (status, problem["code"]) == (409, "device_result_preparation_released")


def test_the_same_result_twice_is_refused_and_changes_nothing(
    folfox: Folfox, pharmacist: User, technician: User, robot: Client
) -> None:
    prep = _oxaliplatin_validated(folfox, pharmacist)
    body = _result(folfox, prep, technician, SimulatedFault.NONE, result_id="R-1")
    assert _post(robot, prep.pk, body)[0] == 201
    vials, weighings = prep.vials.count(), prep.weighings.count()
    status, problem = _post(robot, prep.pk, body)
    assert (status, problem["code"]) == (409, "device_result_duplicate")
    assert (prep.vials.count(), prep.weighings.count()) == (vials, weighings)
    assert DeviceResult.objects.count() == 1


def test_a_wrong_vial_is_refused_as_at_the_hood_and_nothing_is_recorded(
    folfox: Folfox, pharmacist: User, technician: User, robot: Client
) -> None:
    prep = _oxaliplatin_validated(folfox, pharmacist)
    fluorouracil = next(code for code in folfox.aic if code.startswith("fluorouracil"))
    body = _result(
        folfox,
        prep,
        technician,
        SimulatedFault.WRONG_VIAL,
        wrong_code=f"(716){folfox.aic[fluorouracil]}(17)301231(10)X1(21)S1",
    )
    status, problem = _post(robot, prep.pk, body)
    assert (status, problem["code"]) == (422, "wrong_drug")
    prep.refresh_from_db()
    assert prep.state == "validated"
    assert prep.bag_before_g is None
    assert not prep.vials.exists() and not prep.weighings.exists()
    assert not DeviceResult.objects.exists()


def test_out_of_tolerance_is_recorded_as_failed_and_cannot_be_released(
    folfox: Folfox, pharmacist: User, technician: User, robot: Client
) -> None:
    prep = _oxaliplatin_validated(folfox, pharmacist)
    body = _result(folfox, prep, technician, SimulatedFault.OUT_OF_TOLERANCE)
    status, answer = _post(robot, prep.pk, body)
    assert (status, answer["outcome"]) == (201, "gravimetric_failed")
    assert answer["preparation_state"] == "in_progress"
    assert prep.weighings.get().passed is False
    with pytest.raises(CorsiaError) as refused:
        ufa.preparation_release(actor=pharmacist, workstation=None, preparation_id=prep.pk)
    assert refused.value.code == "gravimetric_not_passed"


@pytest.mark.parametrize(
    ("fault", "outcome"),
    [(SimulatedFault.REJECTED, "device_rejected"), (SimulatedFault.VOLUME_OFF, "volume_mismatch")],
)
def test_a_device_rejection_or_wrong_volume_is_recorded_without_weighing(
    *,
    folfox: Folfox,
    pharmacist: User,
    technician: User,
    robot: Client,
    fault: SimulatedFault,
    outcome: str,
) -> None:
    prep = _oxaliplatin_validated(folfox, pharmacist)
    status, answer = _post(robot, prep.pk, _result(folfox, prep, technician, fault))
    assert (status, answer["outcome"]) == (201, outcome)
    assert answer["preparation_state"] == "in_progress"
    assert not prep.weighings.exists()


def test_refusals_for_unknown_cancelled_preparations_and_bad_documents(
    folfox: Folfox, pharmacist: User, technician: User, robot: Client, make_user: MakeUser
) -> None:
    prep = _oxaliplatin_validated(folfox, pharmacist)
    body = _result(folfox, prep, technician, SimulatedFault.NONE)
    # unknown preparation (the document names the one in the address)
    status, problem = _post(robot, 999999, {**body, "preparation": {"id": 999999}})
    assert (status, problem["code"]) == (404, "preparation_not_found")
    # an operator Corsia does not know, or one who may not prepare
    status, problem = _post(robot, prep.pk, {**body, "operator": "nobody"})
    assert (status, problem["code"]) == (422, "device_operator_unknown")
    nurse = make_user(Role.NURSE, username="inf_reparto")
    status, problem = _post(robot, prep.pk, {**body, "operator": nurse.username})
    assert (status, problem["code"]) == (403, "permission_denied")
    # malformed: 1e308 grams, a negative volume, a bad GTIN without lot, no vials, schema
    bad = json.loads(json.dumps(body))
    bad["weights"]["bag_after_g"] = 1e308
    bad["vials"][0]["volume_ml"] = "-3"
    bad["vials"].append({"gtin": "123", "volume_ml": "1"})
    status, problem = _post(robot, prep.pk, bad)
    assert (status, problem["code"]) == (422, "device_result_invalid")
    fields = {e["field"] for e in problem["details"]["errors"]}
    added = len(body["vials"])  # the index of the vial appended
    assert fields == {
        "weights.bag_after_g",
        "vials[0].volume_ml",
        f"vials[{added}].gtin",
        f"vials[{added}].lot",
    }
    for broken in ({**body, "schema": "other/1"}, {**body, "vials": []}):
        status, problem = _post(robot, prep.pk, broken)
        assert (status, problem["code"]) == (422, "device_result_invalid")
    # refused at the door before the service: a NUL in a string, a body not an object,
    # bytes that are not JSON
    nul = json.loads(json.dumps(body))
    nul["vials"][0]["barcode"] = "A\u0000B"
    assert _post(robot, prep.pk, nul)[1]["code"] == "invalid_characters"
    assert _post(robot, prep.pk, [1, 2])[1]["code"] == "body_not_object"
    response = robot.post(
        f"/api/v1/compounding/preparations/{prep.pk}/device-result",
        b"\xff\xfe{not json",
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    # a rejected (cancelled) preparation
    ufa.preparation_reject(
        actor=pharmacist, workstation=None, preparation_id=prep.pk, reason="ordine modificato"
    )
    status, problem = _post(robot, prep.pk, body)
    assert (status, problem["code"]) == (409, "device_result_preparation_cancelled")
    assert not DeviceResult.objects.exists()
    # nobody without the permission gets in
    status, _ = _post(logged_in(nurse), prep.pk, body)
    assert status == 403


# --- domain: parsing and the volume check, by hand --------------------------------------


def test_volumes_check_by_hand() -> None:
    # expected 34.00 mL, tolerance 5 % → 32.30 to 35.70 mL in range (inclusive)
    assert (
        volumes_check(
            reported_ml=[Decimal("35.70"), Decimal("32.30")],
            expected_ml=[Decimal(34), Decimal(34)],
            tolerance_percent=Decimal(5),
        )
        == ()
    )
    (off,) = volumes_check(
        reported_ml=[Decimal("35.71")], expected_ml=[Decimal(34)], tolerance_percent=Decimal(5)
    )
    # (35.71 − 34) / 34 = 5.0294 % → 5.03
    assert (off.index, off.deviation_percent) == (0, Decimal("5.03"))


def test_a_vial_without_its_code_is_read_as_the_gs1_human_readable_form() -> None:
    document = {
        "schema": "corsia.compounding.robot-result/1",
        "result_id": "R9",
        "device": {"id": "ROB"},
        "preparation": {"id": 7},
        "operator": "tec",
        "completed_at": "2026-12-01T09:00:00+01:00",
        "verdict": "accepted",
        "weights": {"bag_before_g": "280.5", "bag_after_g": 314},
        "vials": [
            {
                "aic": "012345678",
                "lot": "L9",
                "expiry": "2027-03-31",
                "serial": "S1",
                "volume_ml": "34",
            }
        ],
        "images": ["IMG-1"],
    }
    parsed = parse_device_result(document, preparation_id=7)
    assert parsed.vials[0].code() == "(716)012345678(17)270331(10)L9(21)S1"
    assert parsed.bag_after_g == Decimal(314)
    assert parsed.scale_id == "ROB"
    assert parsed.images[0].id == "IMG-1"
    with pytest.raises(DeviceResultInvalid):
        parse_device_result(document, preparation_id=8)  # another preparation
    with pytest.raises(DeviceResultInvalid):
        parse_device_result({**document, "verdict": "rejected"}, preparation_id=7)  # no reason
    with pytest.raises(DeviceResultInvalid):
        parse_device_result({**document, "completed_at": "2026-12-01T09:00"}, preparation_id=7)


# --- adapters ----------------------------------------------------------------------------


def test_file_drop_adapter_writes_the_document_whole(tmp_path: Path) -> None:
    document = {
        "schema": "corsia.compounding.robot/1",
        "preparation": {"id": 42, "label_code": "PRP000000042"},
    }
    receipt = FileDropAdapter(tmp_path).push(document)
    assert receipt.target == str(tmp_path / "PRP000000042.json")
    assert json.loads((tmp_path / "PRP000000042.json").read_text("utf-8")) == document
    assert [p.name for p in tmp_path.iterdir()] == ["PRP000000042.json"]  # no temporary left
    with pytest.raises(DeviceUnreachable):
        FileDropAdapter(tmp_path / "missing").push(document)


def test_http_adapter_posts_with_the_token_and_reports_a_refusal() -> None:
    received: list[tuple[str, dict[str, Any]]] = []

    class Device(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append((self.headers["Authorization"], json.loads(self.rfile.read(length))))
            self.send_response(202 if self.path == "/ok" else 409)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Device)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        receipt = HttpAdapter(f"{base}/ok", token="t0k").push({"preparation": {"id": 1}})
        assert (receipt.status, received[0]) == (202, ("Bearer t0k", {"preparation": {"id": 1}}))
        with pytest.raises(DeviceUnreachable) as refused:
            HttpAdapter(f"{base}/busy").push({"preparation": {"id": 1}})
        assert refused.value.details == {"status": 409}
    finally:
        server.shutdown()
        server.server_close()


def test_push_sends_a_validated_preparation_and_is_audited(
    folfox: Folfox, pharmacist: User, technician: User, tmp_path: Path
) -> None:
    prep = _oxaliplatin_validated(folfox, pharmacist)
    receipt = ufa.preparation_device_push(
        actor=technician,
        workstation=None,
        preparation_id=prep.pk,
        adapter=FileDropAdapter(tmp_path),
    )
    sent = json.loads(Path(receipt.target).read_text("utf-8"))
    assert sent["schema"] == "corsia.compounding.robot/1"
    assert sent["preparation"]["id"] == prep.pk
    assert AuditEvent.objects.filter(event_type="compounding.device_pushed").count() == 1


def test_the_simulator_command_prints_then_records(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    prep = _oxaliplatin_validated(folfox, pharmacist)
    out = StringIO()
    call_command(
        "robot_simulator", preparation=prep.pk, operator=technician.username, print_only=True,
        stdout=out,
    )  # fmt: skip
    printed = json.loads(out.getvalue())
    assert printed["schema"] == "corsia.compounding.robot-result/1"
    assert not DeviceResult.objects.exists()  # printing records nothing
    out = StringIO()
    call_command("robot_simulator", preparation=prep.pk, operator=technician.username, stdout=out)
    assert out.getvalue().startswith("weighed: ")
    with pytest.raises(CommandError, match="device_result_preparation_weighed"):
        call_command("robot_simulator", preparation=prep.pk, operator=technician.username)


def test_a_logger_file_through_the_api_waits_for_the_pharmacists_decision(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    # given the day's bag checked out
    today = timezone.localdate()
    make_preparations(folfox, pharmacist=pharmacist, technician=technician, day=today)
    check_out(folfox, technician=technician, day=today)
    checkout = CheckOut.objects.get(order=folfox.order)
    # 08:00 4 °C, 08:20 8.5 °C, 09:00 5 °C: 40 minutes above 8 °C (sample and hold)
    body = (
        "timestamp,temperature_c\n"
        f"{today}T08:00:00+01:00,4\n{today}T08:20:00+01:00,8.5\n{today}T09:00:00+01:00,5\n"
    )
    tech = logged_in(technician)
    url = f"/api/v1/compounding/checkouts/{checkout.pk}/transport-log"
    answer = tech.post(url, body.encode(), content_type="text/csv").json()
    assert (answer["excursion"], answer["minutes_outside"], answer["released"]) == (True, 40, False)
    bad = tech.post(
        url, b"timestamp,temperature_c\n2026-12-01T08:00:00Z,1e308\n", content_type="text/csv"
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "transport_csv_invalid")
    # the technician may not decide; the pharmacist rejects, then cannot release
    decide = f"/api/v1/compounding/transports/{answer['id']}"
    assert post_json(tech, f"{decide}/reject", {"reason": "x"})[0] == 403
    status, rejected = post_json(
        logged_in(pharmacist), f"{decide}/reject", {"reason": "fuori stabilità"}
    )
    assert (status, rejected["rejected"]) == (200, True)
    status, problem = post_json(logged_in(pharmacist), f"{decide}/release", {"reason": "ripensato"})
    assert (status, problem["code"]) == (409, "transport_already_rejected")
    assert (
        AuditEvent.objects.filter(event_type="compounding.transport_excursion_rejected").count()
        == 1
    )
