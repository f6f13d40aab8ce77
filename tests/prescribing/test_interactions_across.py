"""Interactions across everything the patient takes (H59): the chemotherapy order against
the ward's prescriptions and the home therapy, at the ward, at signing and validation, at
the dispensing desk; the patient's list and its API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.drugs.domain.interactions import Severity
from corsia.prescribing import services
from corsia.prescribing.current_drugs import CHEMOTHERAPY, WARD, CurrentDrug
from corsia.prescribing.interactions_check import (
    find_interactions,
    order_interactions_acknowledge,
    order_interactions_pending,
    patient_interactions_view,
)
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.interactions import chemo_order, ward_prescribed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _archive(drugs_reference: None) -> None:
    """The shipped drug archive: the curated interactions are the ones checked."""


def _sign(physician: User, order_id: int) -> None:
    services.order_confirm_and_sign(actor=physician, workstation="ambulatorio-3", order_id=order_id)


def test_capecitabine_with_warfarin_on_the_ward_needs_an_acknowledgement(
    make_user: MakeUser, physician: User
) -> None:
    # given a capecitabine cycle starting today
    order = chemo_order(make_user, physician, "CAPE-MBC")
    # when the ward prescribes warfarin without acknowledging: refused, naming both drugs
    with pytest.raises(ValidationFailed) as refused:
        ward_prescribed(physician, order.patient, "warfarin")
    assert refused.value.code == "interaction_unacknowledged"
    assert "Warfarin" in refused.value.message and "Capecitabina" in refused.value.message
    ward_prescribed(physician, order.patient, "warfarin", acknowledged=True)
    # then the chemotherapy order is not signed before the major interaction is seen
    with pytest.raises(ValidationFailed) as unsigned:
        _sign(physician, order.pk)
    assert unsigned.value.code == "interaction_unacknowledged"
    assert unsigned.value.details is not None
    found = unsigned.value.details["interactions"]
    assert [(f["a"], f["a_source"], f["b"], f["b_source"], f["severity"]) for f in found] == [
        ("capecitabine", CHEMOTHERAPY, "warfarin", WARD, "major")
    ]
    assert "INR" in unsigned.value.message
    # acknowledged (kept on the order, audited with who and where), then signed
    done = order_interactions_acknowledge(
        actor=physician, workstation="ambulatorio-3", order_id=order.pk, acknowledged=True
    )
    assert [f.pair for f in done] == [("capecitabine", "warfarin")]
    order.refresh_from_db()
    assert [(a["key"], a["by_id"], a["reason"]) for a in order.interaction_acknowledgements] == [
        ("capecitabine+warfarin:major", physician.pk, "")
    ]
    event = AuditEvent.objects.get(event_type="prescribing.interaction_acknowledged")
    assert (event.actor_id, event.workstation, event.patient_id) == (
        physician.pk,
        "ambulatorio-3",
        order.patient_id,
    )
    _sign(physician, order.pk)
    order.refresh_from_db()
    assert order.signed_at is not None


def test_brivudine_with_fluorouracil_is_a_hard_stop_lifted_only_by_a_reason(
    make_user: MakeUser, physician: User
) -> None:
    order = chemo_order(make_user, physician, "FOLFOX-4")
    # the ward: refused without a reason, prescribed with one
    with pytest.raises(ValidationFailed) as refused:
        ward_prescribed(physician, order.patient, "brivudine", dose="125", acknowledged=True)
    assert refused.value.code == "interaction_contraindicated"
    ward_prescribed(
        physician, order.patient, "brivudine", dose="125", override_reason="Zoster oftalmico"
    )
    # the order: an acknowledgement is not enough, a pharmacist cannot lift it
    with pytest.raises(ValidationFailed) as no_reason:
        order_interactions_acknowledge(
            actor=physician, workstation=None, order_id=order.pk, acknowledged=True
        )
    assert no_reason.value.code == "interaction_contraindicated"
    with pytest.raises(PermissionRefused):
        order_interactions_acknowledge(
            actor=make_user(Role.PHARMACIST),
            workstation=None,
            order_id=order.pk,
            override_reason="nessuna",
        )
    with pytest.raises(ValidationFailed) as unsigned:
        _sign(physician, order.pk)
    assert unsigned.value.code == "interaction_contraindicated"
    # the physician's reason lifts it: recorded on the order and in the audit trail
    order_interactions_acknowledge(
        actor=physician,
        workstation="ambulatorio-3",
        order_id=order.pk,
        override_reason="Brivudina sospesa, ciclo rinviato di 4 settimane",
    )
    event = AuditEvent.objects.get(event_type="prescribing.interaction_overridden")
    assert event.reason == "Brivudina sospesa, ciclo rinviato di 4 settimane"
    assert event.after is not None
    assert [f["severity"] for f in event.after["interactions"]] == ["contraindicated"]
    order.refresh_from_db()
    assert order_interactions_pending(order) == []
    _sign(physician, order.pk)


def test_clarithromycin_on_the_ward_against_venetoclax_in_the_cycle(
    make_user: MakeUser, physician: User
) -> None:
    order = chemo_order(make_user, physician, "VEN-AZA")
    with pytest.raises(ValidationFailed) as refused:
        ward_prescribed(physician, order.patient, "clarithromycin", dose="500")
    assert refused.value.code == "interaction_contraindicated"
    assert "Venetoclax" in refused.value.message and "titolazione" in refused.value.message


def test_a_ward_drug_after_the_cycle_does_not_interact(
    make_user: MakeUser, physician: User
) -> None:
    # capecitabine days 1-14 of a cycle that started 30 days ago; warfarin from today
    start = timezone.localdate() - timedelta(days=30)
    order = chemo_order(make_user, physician, "CAPE-MBC", start=start)
    ward_prescribed(physician, order.patient, "warfarin")  # no acknowledgement needed
    assert order_interactions_pending(order) == []
    view = patient_interactions_view(user=physician, patient_id=order.patient_id, workstation=None)
    assert [d.code for d in view.drugs] == ["warfarin"]
    assert view.interactions == []


def test_mercaptopurine_with_allopurinol_and_febuxostat_are_major() -> None:
    drugs = [
        CurrentDrug("mercaptopurine", "Mercaptopurina", CHEMOTHERAPY, "ciclo 1", order_id=1),
        CurrentDrug("allopurinol", "Allopurinolo", WARD, "reparto"),
        CurrentDrug("febuxostat", "Febuxostat", WARD, "reparto"),
        CurrentDrug("paracetamol", "Paracetamolo", WARD, "reparto"),
    ]
    found = find_interactions(drugs, focus={"mercaptopurine"})
    assert [(f.first.code, f.second.code, f.severity) for f in found] == [
        ("mercaptopurine", "allopurinol", Severity.MAJOR),
        ("mercaptopurine", "febuxostat", Severity.MAJOR),
    ]
    assert "un quarto" in found[0].management
    assert found[0].message.startswith(
        "Interazione grave tra Mercaptopurina (chemioterapia) e Allopurinolo (terapia di reparto)"
    )


def test_the_patient_api_lists_the_interactions_of_the_period(
    make_user: MakeUser, physician: User
) -> None:
    order = chemo_order(make_user, physician, "CAPE-MBC")
    ward_prescribed(physician, order.patient, "warfarin", acknowledged=True)
    client = logged_in(physician)
    today = timezone.localdate()
    url = f"/api/v1/patients/{order.patient_id}/interactions"
    answer = client.get(
        url, {"from": today.isoformat(), "to": (today + timedelta(days=7)).isoformat()}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["from"] == today.isoformat()
    assert [(i["a"]["code"], i["b"]["code"], i["severity"]) for i in body["interactions"]] == [
        ("capecitabine", "warfarin", "major")
    ]
    assert {d["source"] for d in body["drugs"]} == {"chemotherapy", "ward"}
    # a reversed period is a clear refusal
    reversed_ = client.get(
        url, {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}
    )
    assert (reversed_.status_code, reversed_.json()["code"]) == (422, "period_invalid")
    # the IT staff, without the prescriptions' permission, do not read it
    assert logged_in(make_user(Role.IT_STAFF)).get(url).status_code == 403
    # the order's acknowledgement through the API
    status, ack = post_json(
        client, f"/api/v1/orders/{order.pk}/interactions/acknowledge", {"acknowledged": False}
    )
    assert (status, ack["code"]) == (422, "interaction_unacknowledged")
    status, ack = post_json(
        client, f"/api/v1/orders/{order.pk}/interactions/acknowledge", {"acknowledged": True}
    )
    assert status == 200
    assert [i["severity"] for i in ack["acknowledged"]] == ["major"]


def test_the_patient_page_shows_the_interactions(make_user: MakeUser, physician: User) -> None:
    order = chemo_order(make_user, physician, "CAPE-MBC")
    ward_prescribed(physician, order.patient, "warfarin", acknowledged=True)
    page = logged_in(physician).get(f"/prescribing/patient/{order.patient_id}/")
    text = page.content.decode()
    assert 'data-testid="patient-interactions"' in text
    assert "Capecitabina" in text and "Warfarin" in text and "Terapia di reparto" in text
    order_page = logged_in(physician).get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert 'data-testid="interactions-pending"' in order_page
