"""Bedside administration through the services, on FOLFOX-4 day 1 (see
corsia/testing/administration.py).

Doses for BSA 2.00 m² (hand calculation, de Gramont 2000): oxaliplatin 85 x 2 = 170 mg,
folinic acid 200 x 2 = 400 mg, fluorouracil bolus 400 x 2 = 800 mg, 22-h infusion
600 x 2 = 1200 mg; ondansetron 8 mg and dexamethasone 8 mg flat (ward).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.administration.bedside.infusion import administration_end, administration_interrupt
from corsia.administration.bedside.items import runs_in_y
from corsia.administration.domain.bedside import OverrideRefused, VolumeRefused
from corsia.administration.models import Administration, AdministrationScan
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import InvalidTransition, PermissionRefused, ValidationFailed
from corsia.prescribing import services as prescribing
from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.testing.accounts import MakeUser
from corsia.testing.administration import Folfox, MakeFolfox, give, verify

pytestmark = pytest.mark.django_db


def test_the_doses_of_the_day_are_the_hand_calculated_ones(folfox: Folfox) -> None:
    assert {code: item.final_dose for code, item in folfox.items.items()} == {
        "ondansetron": Decimal("8.0000"),
        "dexamethasone": Decimal("8.0000"),
        "oxaliplatin": Decimal("170.0000"),
        "calcium_folinate": Decimal("400.0000"),
        "fluorouracil": Decimal("800.0000"),
    }
    assert folfox.fu_infusion.final_dose == Decimal("1200.0000")
    assert folfox.order.state == "prepared"


def test_another_patients_wristband_blocks_and_nothing_starts(folfox: Folfox) -> None:
    # given the ward drugs already given, so only the patient check can fail
    give(folfox, folfox.items["ondansetron"])
    give(folfox, folfox.items["dexamethasone"])
    administrations = Administration.objects.count()

    # when the nurse scans another patient's wristband with the oxaliplatin bag
    result = verify(folfox, "oxaliplatin", wristband=f"PZ{folfox.other_patient.mrn}")

    # then it is refused as wrong patient, nothing starts, every scan is on record
    assert not result.allowed
    assert [r.code for r in result.refusals] == ["wrong_patient"]
    assert result.administration is None
    assert Administration.objects.count() == administrations
    scans = list(AdministrationScan.objects.order_by("-id")[:3])
    assert sorted((s.kind, s.outcome, s.codes) for s in scans) == [
        ("badge", "accepted", []),
        ("label", "accepted", []),
        ("wristband", "refused", ["wrong_patient"]),
    ]
    assert scans[0].administration is None
    refused = AuditEvent.objects.get(event_type="administration.bedside_refused")
    assert refused.after == {"codes": ["wrong_patient"], "label": folfox.label("oxaliplatin")}
    folfox.order.refresh_from_db()
    assert folfox.order.state == "delivered"  # received with the ward drugs, nothing more


def test_fluorouracil_before_oxaliplatin_and_folinic_acid_blocks(folfox: Folfox) -> None:
    give(folfox, folfox.items["ondansetron"])
    give(folfox, folfox.items["dexamethasone"])

    result = verify(folfox, "fluorouracil")

    assert not result.allowed
    assert [r.code for r in result.refusals] == ["sequence_previous_not_finished"] * 2
    assert [r.message for r in result.refusals] == [
        "SEQUENZA: prima di Fluorouracile va completato Oxaliplatino (n. 3 dello schema).",
        "SEQUENZA: prima di Fluorouracile va completato Calcio folinato (n. 4 dello schema).",
    ]
    assert not Administration.objects.filter(order_item=folfox.items["fluorouracil"]).exists()
    label_scan = AdministrationScan.objects.filter(kind="label").latest("id")
    assert (label_scan.outcome, label_scan.codes) == (
        "refused",
        ["sequence_previous_not_finished", "sequence_previous_not_finished"],
    )


def test_right_sequence_records_start_and_end_and_the_order_becomes_administered(
    folfox: Folfox,
) -> None:
    order_id = folfox.order.pk
    # day 1 in the regimen's order; folinic acid runs in Y with oxaliplatin
    give(folfox, folfox.items["ondansetron"])
    give(folfox, folfox.items["dexamethasone"])
    oxali = verify(folfox, "oxaliplatin")
    assert oxali.allowed and oxali.refusals == ()
    assert TherapyOrder.objects.get(pk=order_id).state == "delivered"  # received at the bed
    folinate = verify(folfox, "calcium_folinate")
    assert folinate.allowed, [r.code for r in folinate.refusals]
    started = oxali.administration
    assert (started.state, started.badge_verified, started.nurse) == ("started", True, folfox.nurse)
    # the UFA's bag: 170 mg / 5 mg/mL = 34 mL drawn into glucose 5 % 250 mL = 284 mL
    assert (started.dose, started.dose_unit, started.volume_ml) == (
        Decimal("170.0000"),
        "mg",
        Decimal("284.00"),
    )
    assert started.started_at is not None and started.ended_at is None
    assert started.scans.count() == 3
    bags = {oxali: Decimal("284.00"), folinate: folinate.administration.volume_ml}
    for result, bag_ml in bags.items():
        ended = administration_end(
            actor=folfox.nurse, workstation="t", administration_id=result.administration.pk
        )
        assert (ended.state, ended.volume_given_ml) == ("completed", bag_ml)
        assert ended.ended_at is not None and ended.ended_at >= ended.started_at
    give(folfox, folfox.items["fluorouracil"])
    give(folfox, folfox.fu_infusion)
    assert TherapyOrder.objects.get(pk=order_id).state == "delivered"  # day 2 still to come

    # day 2 (tomorrow) is not given today: wrong day, no override
    day2 = list(
        folfox.order.items.filter(day_of_cycle=2).select_related("ingredient").order_by("sequence")
    )
    assert [i.ingredient.code for i in day2] == ["calcium_folinate", "fluorouracil", "fluorouracil"]
    folfox.prepare(day2[0].scheduled_date)
    tomorrow = verify(folfox, "", label=folfox.labels[day2[0].pk])
    assert [r.code for r in tomorrow.refusals] == ["wrong_day"]
    # given tomorrow has come (the items' date is moved to today), day 2 goes in order
    OrderItem.objects.filter(pk__in=[i.pk for i in day2]).update(
        scheduled_date=folfox.items["oxaliplatin"].scheduled_date
    )
    for item in day2:
        give(folfox, item)

    order = TherapyOrder.objects.get(pk=order_id)
    assert order.state == "administered"
    assert list(order.transitions.values_list("event", flat=True))[-2:] == ["deliver", "administer"]
    assert order.transitions.get(event="administer").actor == folfox.nurse


def test_interrupt_needs_volume_and_reason_and_the_drug_can_restart(folfox: Folfox) -> None:
    give(folfox, folfox.items["ondansetron"])
    give(folfox, folfox.items["dexamethasone"])
    started = verify(folfox, "oxaliplatin").administration
    with pytest.raises(ValidationFailed) as no_reason:
        administration_interrupt(
            actor=folfox.nurse,
            workstation="t",
            administration_id=started.pk,
            volume_given_ml=Decimal("80"),
            reason=" ",
        )
    assert no_reason.value.code == "reason_required"
    with pytest.raises(VolumeRefused) as too_much:
        administration_interrupt(
            actor=folfox.nurse,
            workstation="t",
            administration_id=started.pk,
            volume_given_ml=Decimal("285"),  # the bag holds 34 + 250 = 284 mL
            reason="reazione",
        )
    assert too_much.value.code == "volume_above_bag"
    started.refresh_from_db()
    assert started.state == "started"  # refused input changed nothing

    stopped = administration_interrupt(
        actor=folfox.nurse,
        workstation="t",
        administration_id=started.pk,
        volume_given_ml=Decimal("80"),
        reason="Reazione infusionale grado 1, medico avvisato",
    )
    assert (stopped.state, stopped.volume_given_ml) == ("interrupted", Decimal("80"))
    with pytest.raises(InvalidTransition):
        administration_end(actor=folfox.nurse, workstation="t", administration_id=started.pk)
    # the next drug waits for oxaliplatin ...
    assert [r.code for r in verify(folfox, "fluorouracil").refusals][:1] == [
        "sequence_previous_not_finished"
    ]
    # ... which may be restarted with a new verification
    assert verify(folfox, "oxaliplatin").allowed


def test_partial_end_needs_a_reason(folfox: Folfox) -> None:
    give(folfox, folfox.items["ondansetron"])
    give(folfox, folfox.items["dexamethasone"])
    started = verify(folfox, "oxaliplatin").administration
    with pytest.raises(ValidationFailed) as missing:
        administration_end(
            actor=folfox.nurse,
            workstation="t",
            administration_id=started.pk,
            volume_given_ml=Decimal("200"),
        )
    assert missing.value.code == "partial_reason_required"
    ended = administration_end(
        actor=folfox.nurse,
        workstation="t",
        administration_id=started.pk,
        volume_given_ml=Decimal("200"),
        reason="Stravaso sospetto: infusione fermata, procedura avviata",
    )
    assert (ended.state, ended.volume_given_ml) == ("partial", Decimal("200"))


def test_sequence_override_with_reason_is_recorded_and_reported(folfox: Folfox) -> None:
    with pytest.raises(OverrideRefused):
        verify(folfox, "oxaliplatin", overrides={"sequence_previous_not_finished": ""})
    assert not Administration.objects.exists()

    result = verify(
        folfox,
        "oxaliplatin",
        overrides={"sequence_previous_not_finished": "Dr. Rossi: antiemesi già per os"},
    )

    assert result.allowed
    admin = result.administration
    assert admin.overridden_checks == ["sequence_previous_not_finished"]
    assert admin.override_reason == (
        "sequence_previous_not_finished: Dr. Rossi: antiemesi già per os"
    )
    label_scan = admin.scans.get(kind="label")
    assert label_scan.outcome == "overridden"
    event = AuditEvent.objects.get(event_type="administration.bedside_override")
    assert event.reason == admin.override_reason


def test_a_badge_of_another_nurse_blocks_and_a_missing_badge_needs_a_reason(
    folfox: Folfox, make_user: MakeUser
) -> None:
    colleague = make_user(Role.NURSE)
    colleague.badge_code = "BADGE-0077"
    colleague.save(update_fields=["badge_code"])
    result = verify(folfox, "ondansetron", badge="BADGE-0077")
    assert [r.code for r in result.refusals] == ["badge_other_user"]
    badge_scan = AdministrationScan.objects.filter(kind="badge").latest("id")
    assert badge_scan.raw == "•••••••077"  # the badge code itself is not logged

    no_badge = verify(
        folfox, "ondansetron", badge="", overrides={"badge_missing": "badge dimenticato"}
    )
    assert no_badge.allowed
    assert no_badge.administration.badge_verified is False


def test_unreleased_preparation_blocks(make_folfox: MakeFolfox) -> None:
    # given day 1 weighed at the UFA but not released by the pharmacist
    folfox = make_folfox(release=False)
    give(folfox, folfox.items["ondansetron"])
    give(folfox, folfox.items["dexamethasone"])
    # when the nurse scans the oxaliplatin bag, it is refused and nothing starts
    result = verify(folfox, "oxaliplatin")
    assert [r.code for r in result.refusals] == ["preparation_not_released"]
    assert not Administration.objects.filter(order_item=folfox.items["oxaliplatin"]).exists()


def test_suspended_order_blocks(folfox: Folfox) -> None:
    prescribing.order_transition(
        actor=folfox.physician,
        workstation=None,
        order_id=folfox.order.pk,
        event="suspend",
        reason="Neutropenia",
    )
    result = verify(folfox, "ondansetron")
    assert [r.code for r in result.refusals] == ["order_suspended"]


def test_only_nurses_administer(folfox: Folfox, make_user: MakeUser) -> None:
    with pytest.raises(PermissionRefused):
        verify(folfox, "ondansetron", actor=make_user(Role.PHYSICIAN))
    assert not AdministrationScan.objects.exists()


def test_a_drug_cannot_be_started_twice(folfox: Folfox) -> None:
    assert verify(folfox, "ondansetron").allowed
    again = verify(folfox, "ondansetron")
    assert [r.code for r in again.refusals] == ["already_running"]
    assert Administration.objects.count() == 1


def test_oxaliplatin_waits_for_the_premedication_it_does_not_run_in_y_with(
    folfox: Folfox,
) -> None:
    # oxaliplatin's "in Y con l'acido folinico" names the drug after it, not dexamethasone
    give(folfox, folfox.items["ondansetron"])
    running = verify(folfox, "dexamethasone")
    assert running.allowed
    result = verify(folfox, "oxaliplatin")
    assert [r.code for r in result.refusals] == ["sequence_previous_not_finished"]
    assert result.refusals[0].message.endswith("(n. 2 dello schema).")  # dexamethasone
    assert not Administration.objects.filter(order_item=folfox.items["oxaliplatin"]).exists()
    # and once dexamethasone has ended, oxaliplatin and folinic acid start together
    administration_end(
        actor=folfox.nurse, workstation="t", administration_id=running.administration.pk
    )
    assert verify(folfox, "oxaliplatin").allowed
    assert verify(folfox, "calcium_folinate").allowed


def test_y_site_is_read_from_the_regimen_text() -> None:
    def item(conditions: str) -> OrderItem:
        return OrderItem(infusion_conditions=conditions)

    with_next = item("in Y con l'acido folinico")
    plain = item("")
    own = item("iniziare 30 minuti dopo l'avvio dell'acido folinico, in Y")
    assert runs_in_y(with_next, plain)  # FOLFOX-4: folinic acid after oxaliplatin
    assert not runs_in_y(plain, with_next)  # oxaliplatin after dexamethasone
    assert runs_in_y(plain, own)  # FOLFIRINOX: irinotecan after folinic acid
    assert not runs_in_y(None, own)
