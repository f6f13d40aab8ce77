"""A laboratory report reaches the chart; IT staff see the messages and replay one; the
pages and the API answer with the same permission, and a denial writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.interop.models import InboundMessage, ReceivedResult
from corsia.interop.services import message_receive
from corsia.patients.models import Encounter
from corsia.patients.services import ward_ensure
from corsia.records.selectors import lab_view
from corsia.testing.accounts import api_client, logged_in, post_json
from corsia.testing.interop import adt, oru, pid, pv1

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wards")]


def test_lab_report_results_are_in_the_chart_with_units_ranges_and_flags(
    physician: User,
) -> None:
    message_receive(raw=adt("A01", "ADT2001", pid(), pv1()))

    ack = message_receive(raw=oru("LAB2001"))

    assert "MSA|AA|LAB2001" in ack
    row = InboundMessage.objects.get(control_id="LAB2001")
    assert row.patient_id is not None
    view = lab_view(user=physician, patient_id=row.patient_id)
    got = {
        r.analyte: (r.value, r.unit, r.reference_low, r.reference_high, r.flag)
        for r in view.results
    }
    # LOINC 718-7, 777-3, 2160-0 named as the chart names them (the code table)
    assert got == {
        "Emoglobina": (Decimal("10.9000"), "g/dL", Decimal("12.0000"), Decimal("16.0000"), "L"),
        "Piastrine": (Decimal("245.0000"), "10*9/L", Decimal("150.0000"), Decimal("400.0000"), ""),
        "Creatinina": (Decimal("0.8200"), "mg/dL", Decimal("0.5000"), Decimal("0.9000"), ""),
    }
    kept = ReceivedResult.objects.filter(message=row).order_by("pk")
    assert [(k.filler_number, k.code, k.segment) for k in kept] == [
        ("LAB26-004711", "718-7", "OBX^1^5"),
        ("LAB26-004711", "777-3", "OBX^2^5"),
        ("LAB26-004711", "2160-0", "OBX^3^5"),
    ]
    assert "OBX^4" in row.outcome  # the text comment, not a numeric result
    recorded = AuditEvent.objects.filter(event_type="records.lab_result_recorded")
    assert recorded.count() == 3


def test_a_result_that_is_not_a_number_names_its_obx_and_records_nothing() -> None:
    message_receive(raw=adt("A01", "ADT2002", pid(), pv1()))
    bad = oru("LAB2002").replace("||0.82|", "||0,8,2|")

    ack = message_receive(raw=bad)

    assert "MSA|AE|LAB2002" in ack
    assert "|OBX^3^5|" in ack
    assert not ReceivedResult.objects.exists()


def test_it_staff_list_filter_open_and_replay_a_message(it_staff: User) -> None:
    ward_missing = adt("A01", "ADT2003", pid(), pv1("EMATO", "L01"))
    message_receive(raw=ward_missing)
    row = InboundMessage.objects.get(control_id="ADT2003")
    assert row.state == "error"
    client = logged_in(it_staff)

    listing = client.get("/interop/messages/?state=error&type=ADT")
    page = client.get(f"/interop/messages/{row.pk}/")

    assert listing.status_code == 200
    assert "ADT2003" in listing.content.decode()
    text = page.content.decode()
    assert "<pre" in text and "EMATO^^L01" in text and "MSA|AE|ADT2003" in text
    assert "PV1^1^3" in text

    # the ward is configured; IT staff replay the message with a reason
    ward_ensure(code="EMATO", name="Ematologia", kind="inpatient", places=[("L01", "bed")])
    refused = client.post(f"/interop/messages/{row.pk}/replay/", {"reason": ""})
    row.refresh_from_db()
    assert refused.status_code == 302 and row.state == "error"

    client.post(f"/interop/messages/{row.pk}/replay/", {"reason": "Reparto EMATO configurato"})

    row.refresh_from_db()
    assert (row.state, row.attempts) == ("processed", 2)
    assert Encounter.objects.get().ward.code == "EMATO"
    replayed = AuditEvent.objects.get(event_type="interop.message_replayed")
    assert (replayed.actor_id, replayed.reason) == (it_staff.pk, "Reparto EMATO configurato")


def test_a_processed_message_is_not_replayed(it_staff: User) -> None:
    message_receive(raw=adt("A01", "ADT2004", pid(), pv1()))
    row = InboundMessage.objects.get()

    status, body = post_json(
        api_client(it_staff), f"/api/v1/interop/messages/{row.pk}/replay", {"reason": "prova"}
    )

    assert (status, body["code"]) == (409, "message_not_retriable")
    assert Encounter.objects.count() == 1


def test_api_lists_and_shows_with_the_access_log(it_staff: User) -> None:
    message_receive(raw=adt("A01", "ADT2005", pid(), pv1()))
    row = InboundMessage.objects.get()
    assert row.patient_id is not None
    client = api_client(it_staff)

    listed = client.get("/api/v1/interop/messages?state=processed&type=ADT").json()
    shown = client.get(f"/api/v1/interop/messages/{row.pk}").json()
    bad = client.get("/api/v1/interop/messages?state=lost")

    assert [m["control_id"] for m in listed["items"]] == ["ADT2005"]
    assert listed["count"] == 1
    assert shown["raw"].startswith("MSH|^~\\&|SIO_ADT|") and "MSA|AA|ADT2005" in shown["ack"]
    assert AccessLogEntry.objects.filter(user=it_staff, patient_id=row.patient_id).count() == 1
    assert (bad.status_code, bad.json()["code"]) == (422, "state_invalid")


def test_clinical_roles_do_not_see_the_messages_and_a_denial_writes_nothing(
    physician: User,
) -> None:
    message_receive(raw=adt("A01", "ADT2006", pid(), pv1("EMATO", "L01")))
    row = InboundMessage.objects.get()
    pages, api = logged_in(physician), api_client(physician)
    events = AuditEvent.objects.count()

    page = pages.get("/interop/messages/")
    replay = post_json(api, f"/api/v1/interop/messages/{row.pk}/replay", {"reason": "x"})

    assert page.status_code == 403
    assert replay[0] == 403
    assert AuditEvent.objects.count() == events
