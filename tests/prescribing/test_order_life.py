"""The order's life through the services, the API and the pages (hazard-named).

* closed loop: the milestones (preparation started/completed, delivered, administered)
  are refused from the order's API and page; only ``order_milestone_record`` records
  them, once (idempotent);
* independent double check: whoever edited, confirmed or signed the order does not
  validate it; a line changed after its validation must be validated again;
* duplicate or too-early cycle: refused unless the physician says why (DOCE-75 repeats
  every 21 days; cycle 1 on 2026-01-05, tolerance 2 days -> cycle 2 from
  2026-01-05 + 21 - 2 = 2026-01-24).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.domain.states import MilestoneStep, OrderMilestone
from corsia.prescribing.models import OrderItem, OrderTransition, TherapyOrder
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.prescribing import library_version, measured_patient

pytestmark = pytest.mark.django_db
START = date(2026, 12, 1)
MILESTONE_EVENTS = ("start_preparation", "complete_preparation", "deliver", "administer")


def _order(physician: User, patient: Patient, version: RegimenVersion, **kw: Any) -> TherapyOrder:
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=kw.pop("start_date", START),
        **kw,
    )


def _fire(order: TherapyOrder, *steps: tuple[User, str], reason: str = "") -> TherapyOrder:
    for actor, event in steps:
        order = services.order_transition(
            actor=actor, workstation=None, order_id=order.pk, event=event, reason=reason
        )
    return order


def _sent(physician: User, patient: Patient, folfox: RegimenVersion) -> TherapyOrder:
    order = _order(physician, patient, folfox)
    return _fire(order, (physician, "confirm"), (physician, "send"))


def _snapshot(order: TherapyOrder) -> tuple[str, int, list[str], int]:
    order.refresh_from_db()
    return (
        order.state,
        order.version,
        list(order.transitions.values_list("event", flat=True)),
        AuditEvent.objects.filter(
            target_type="prescribing.therapyorder", target_id=str(order.pk)
        ).count(),
    )


# ---------------------------------------------------------------- closed loop


def test_H_closed_loop_skip_sequence_is_refused_through_the_api(
    make_user: MakeUser, physician: User, pharmacist: User, patient: Patient, folfox: RegimenVersion
) -> None:
    """The reported skip: a validated order taken to "administered" by firing take_charge,
    start_preparation, complete_preparation, deliver and administer in turn, with no
    preparation, weighing, release, check-out or scan."""
    order = _sent(physician, patient, folfox)
    farm = logged_in(pharmacist)
    order.refresh_from_db()
    status, body = post_json(
        farm,
        f"/api/v1/orders/{order.pk}/transitions",
        {"event": "validate", "expected_version": order.version},
    )
    assert (status, body["state"]) == (200, "validated")
    # taking charge is the pharmacist's decision (the UFA creates the preparations after)
    status, body = post_json(
        farm,
        f"/api/v1/orders/{order.pk}/transitions",
        {"event": "take_charge", "expected_version": body["version"]},
    )
    assert (status, body["state"]) == (200, "taken_in_charge")
    version = body["version"]
    before = _snapshot(order)

    nurse = logged_in(make_user(Role.NURSE))
    for client, event in (
        (farm, "start_preparation"),
        (farm, "complete_preparation"),
        (farm, "deliver"),
        (nurse, "administer"),
    ):
        status, problem = post_json(
            client,
            f"/api/v1/orders/{order.pk}/transitions",
            {"event": event, "expected_version": version},
        )
        assert status == 409, (event, problem)
        assert problem["code"] == "transition_not_allowed_here"
    # every role that the table allows for a milestone is refused the same way
    for event in MILESTONE_EVENTS:
        status, problem = post_json(
            farm,
            f"/api/v1/orders/{order.pk}/transitions",
            {"event": event, "expected_version": version},
        )
        assert (status, problem["code"]) == (409, "transition_not_allowed_here")

    assert _snapshot(order) == before  # nothing changed: state, version, history, audit
    assert before[0] == "taken_in_charge"
    assert not OrderTransition.objects.filter(order=order, event__in=MILESTONE_EVENTS).exists()


def test_H_closed_loop_milestones_are_refused_by_the_service_and_the_page(
    make_user: MakeUser, physician: User, pharmacist: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _fire(_sent(physician, patient, folfox), (pharmacist, "validate"))
    order = _fire(order, (pharmacist, "take_charge"))
    before = _snapshot(order)
    with pytest.raises(ConflictError) as refused:
        services.order_transition(
            actor=make_user(Role.TECHNICIAN),
            workstation=None,
            order_id=order.pk,
            event="start_preparation",
        )
    assert refused.value.code == "transition_not_allowed_here"

    farm = logged_in(pharmacist)
    # the pharmacist's screen for an order is the validation screen of the pharmacy
    opened = farm.get(f"/prescribing/orders/{order.pk}/")
    assert (opened.status_code, opened["Location"]) == (302, f"/compounding/orders/{order.pk}/")
    page = farm.get(opened["Location"]).content.decode()
    for event in MILESTONE_EVENTS:
        assert f'data-event="{event}"' not in page
        assert f'value="{event}"' not in page
    # the decisions are still offered: giving the order back to the prescriber
    assert 'name="action" value="return"' in page
    answer = farm.post(
        f"/prescribing/orders/{order.pk}/transition/",
        {"event": "start_preparation", "version": order.version},
        follow=True,
    )
    assert "non si registra da qui" in answer.content.decode()
    assert _snapshot(order) == before


def test_H_closed_loop_milestones_are_recorded_once_through_the_entry_point(
    make_user: MakeUser, physician: User, pharmacist: User, patient: Patient, folfox: RegimenVersion
) -> None:
    technician = make_user(Role.TECHNICIAN)
    nurse = make_user(Role.NURSE)
    order = _fire(_sent(physician, patient, folfox), (pharmacist, "validate"))
    order = _fire(order, (pharmacist, "take_charge"))

    def record(actor: User, milestone: OrderMilestone) -> MilestoneStep:
        return services.order_milestone_record(
            actor=actor,
            workstation=None,
            order_id=order.pk,
            milestone=milestone,
            source="UFA, preparazione P-TEST",
        )

    # a physician is not who records the hood's work: refused, nothing changed
    before = _snapshot(order)
    with pytest.raises(PermissionRefused):
        record(physician, OrderMilestone.PREPARATION_STARTED)
    assert _snapshot(order) == before

    assert record(technician, OrderMilestone.PREPARATION_STARTED) is MilestoneStep.RECORD
    assert record(technician, OrderMilestone.PREPARATION_STARTED) is (MilestoneStep.ALREADY_REACHED)
    assert record(pharmacist, OrderMilestone.PREPARATION_COMPLETED) is MilestoneStep.RECORD
    assert record(technician, OrderMilestone.PREPARATION_STARTED) is (
        MilestoneStep.ALREADY_REACHED
    )  # a later day's preparation started: the order is already past it
    # the bag's label scanned at the bed: received and, all drugs given, administered
    assert record(nurse, OrderMilestone.ADMINISTERED) is MilestoneStep.RECORD
    assert record(nurse, OrderMilestone.ADMINISTERED) is MilestoneStep.ALREADY_REACHED
    assert record(pharmacist, OrderMilestone.DELIVERED) is MilestoneStep.ALREADY_REACHED

    order.refresh_from_db()
    assert order.state == "administered"
    rows = list(order.transitions.values_list("event", "actor_id", "reason"))
    assert [(e, a) for e, a, _ in rows] == [
        ("confirm", physician.pk),
        ("send", physician.pk),
        ("validate", pharmacist.pk),
        ("take_charge", pharmacist.pk),
        ("start_preparation", technician.pk),
        ("complete_preparation", pharmacist.pk),
        ("deliver", nurse.pk),
        ("administer", nurse.pk),
    ]
    assert rows[4][2] == "Allestimento iniziato (UFA, preparazione P-TEST)"
    assert AuditEvent.objects.filter(
        event_type="prescribing.order_transition",
        target_id=str(order.pk),
        after__event="administer",
    ).exists()


def test_H_closed_loop_a_milestone_does_not_move_a_suspended_order(
    make_user: MakeUser, physician: User, pharmacist: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _fire(_sent(physician, patient, folfox), (pharmacist, "validate"))
    order = _fire(order, (pharmacist, "take_charge"))
    order = _fire(order, (physician, "suspend"), reason="Neutropenia febbrile")
    step = services.order_milestone_record(
        actor=make_user(Role.TECHNICIAN),
        workstation=None,
        order_id=order.pk,
        milestone="preparation_started",
        source="UFA",
    )
    assert step is MilestoneStep.NOT_APPLICABLE
    order.refresh_from_db()
    assert order.state == "suspended"
    assert AuditEvent.objects.filter(
        event_type="prescribing.milestone_not_applied", target_id=str(order.pk)
    ).exists()
    # a validated order of which nothing is in the loop yet is simply left alone
    other = _fire(
        _sent(
            physician,
            measured_patient(
                registrar=make_user(Role.COORDINATOR), physician=physician, surname="Neri"
            ),
            folfox,
        ),
        (pharmacist, "validate"),
    )
    assert (
        services.order_milestone_record(
            actor=make_user(Role.NURSE),
            workstation=None,
            order_id=other.pk,
            milestone=OrderMilestone.ADMINISTERED,
            source="letto del paziente",
        )
        is MilestoneStep.NOT_YET
    )
    other.refresh_from_db()
    assert other.state == "validated"


# ---------------------------------------------------------------- double check


def test_H_double_check_a_physician_who_edited_the_order_cannot_validate_it(
    make_user: MakeUser, physician: User, pharmacist: User, patient: Patient, folfox: RegimenVersion
) -> None:
    colleague = make_user(Role.PHYSICIAN, username="dr_collega")
    order = _order(physician, patient, folfox)
    oxali = order.items.get(ingredient__code="oxaliplatin")
    services.order_item_adjust(  # the colleague reduces a dose: an author of the order
        actor=colleague,
        workstation=None,
        order_id=order.pk,
        item_id=oxali.pk,
        reason="Neuropatia G2",
        reduction_percent=Decimal(20),
    )
    order = _fire(order, (physician, "confirm"), (physician, "send"))
    with pytest.raises(PermissionRefused) as refused:
        _fire(order, (colleague, "validate"))
    assert refused.value.code == "validator_edited_order"
    status, problem = post_json(
        logged_in(colleague),
        f"/api/v1/orders/{order.pk}/transitions",
        {"event": "validate", "expected_version": order.version},
    )
    assert (status, problem["code"]) == (403, "validator_edited_order")
    page = logged_in(colleague).get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert 'data-event="validate"' not in page
    order.refresh_from_db()
    assert (order.state, order.validated_by) == ("sent_to_pharmacy", None)
    assert not order.items.filter(validated_by__isnull=False).exists()
    # a third physician who never touched it is independent
    third = make_user(Role.PHYSICIAN, username="dr_terzo")
    assert _fire(order, (third, "validate")).state == "validated"


def test_H_double_check_who_confirmed_the_order_cannot_validate_it(
    make_user: MakeUser, physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    colleague = make_user(Role.PHYSICIAN, username="dr_conferma")
    order = _fire(_order(physician, patient, folfox), (colleague, "confirm"), (colleague, "send"))
    with pytest.raises(PermissionRefused) as refused:
        _fire(order, (colleague, "validate"))
    assert refused.value.code == "validator_edited_order"


def test_H_double_check_a_pharmacist_physician_who_edited_cannot_validate_lines(
    make_user: MakeUser, physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    both = make_user(Role.PHYSICIAN, username="dr_farm")
    both.groups.add(Group.objects.get(name=Role.PHARMACIST.value))
    order = _order(physician, patient, folfox)
    services.order_update_general(
        actor=both, workstation=None, order_id=order.pk, notes="Controllare la creatinina"
    )
    order = _fire(order, (physician, "confirm"), (physician, "send"))
    lines = list(order.items.values_list("pk", flat=True))
    with pytest.raises(PermissionRefused) as refused:
        services.order_items_validate(
            actor=both, workstation=None, order_id=order.pk, item_ids=lines[:1]
        )
    assert refused.value.code == "validator_edited_order"
    assert not order.items.filter(validated_by__isnull=False).exists()


def test_H_double_check_a_line_changed_after_validation_is_validated_again(
    physician: User, pharmacist: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _sent(physician, patient, folfox)
    oxali = order.items.get(ingredient__code="oxaliplatin")
    folinate = order.items.get(ingredient__code="calcium_folinate", day_of_cycle=1)
    day2 = list(order.items.filter(day_of_cycle=2).values_list("pk", flat=True))
    services.order_items_validate(
        actor=pharmacist,
        workstation=None,
        order_id=order.pk,
        item_ids=[oxali.pk, folinate.pk, *day2],
    )
    assert all(
        services.order_item_is_validated(i)
        for i in OrderItem.objects.filter(pk__in=[oxali.pk, folinate.pk, *day2])
    )
    order = _fire(order, (pharmacist, "return_to_prescriber"), reason="Ridurre l'oxaliplatino")
    services.order_item_adjust(
        actor=physician,
        workstation=None,
        order_id=order.pk,
        item_id=oxali.pk,
        reason="Neuropatia G2",
        reduction_percent=Decimal(20),
    )  # 170 x 0.8 = 136 mg
    services.order_day_move(
        actor=physician,
        workstation=None,
        order_id=order.pk,
        day_of_cycle=2,
        new_date=date(2026, 12, 3),
        reason="Festività",
    )
    oxali.refresh_from_db()
    folinate.refresh_from_db()
    assert oxali.final_dose == Decimal("136.0000")
    assert (oxali.validated_by, oxali.validated_at) == (None, None)  # changed: void
    assert not OrderItem.objects.filter(pk__in=day2, validated_by__isnull=False).exists()
    assert folinate.validated_by == pharmacist  # untouched: still validated
    assert AuditEvent.objects.filter(
        event_type="prescribing.validation_cleared", target_id=str(order.pk)
    ).exists()

    order = _fire(order, (physician, "confirm"), (physician, "send"))
    assert not services.order_item_is_validated(OrderItem.objects.get(pk=oxali.pk))
    order = _fire(order, (pharmacist, "validate"))
    oxali.refresh_from_db()
    assert services.order_item_is_validated(oxali)
    assert oxali.validated_by == pharmacist


# ---------------------------------------------------------------- duplicate / too early


@pytest.fixture
def doce(make_user: MakeUser) -> RegimenVersion:
    version = library_version(
        "DOCE-75", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    assert version.cycle_length_days == 21
    return version


def test_H_too_early_cycle_is_refused_without_a_reason(
    physician: User, patient: Patient, doce: RegimenVersion
) -> None:
    _order(physician, patient, doce, start_date=date(2026, 1, 5))
    with pytest.raises(ValidationFailed) as refused:
        _order(physician, patient, doce, start_date=date(2026, 1, 23), cycle_number=2)
    assert refused.value.code == "cycle_too_early"
    assert refused.value.details["problems"][0]["earliest"] == "2026-01-24"
    assert TherapyOrder.objects.filter(patient=patient).count() == 1  # nothing saved

    on_time = _order(physician, patient, doce, start_date=date(2026, 1, 24), cycle_number=2)
    assert on_time.schedule_reason == ""

    third = _order(
        physician,
        patient,
        doce,
        start_date=date(2026, 2, 12),  # cycle 2 on 2026-01-24: earliest 2026-02-12
        cycle_number=3,
    )
    assert third.schedule_reason == ""


def test_H_duplicate_cycle_needs_a_reason_recorded_and_audited(
    physician: User, patient: Patient, doce: RegimenVersion
) -> None:
    first = _order(physician, patient, doce, start_date=date(2026, 1, 5))
    with pytest.raises(ValidationFailed) as refused:
        _order(physician, patient, doce, start_date=date(2026, 1, 5))
    assert refused.value.code == "cycle_duplicate"
    second = _order(
        physician,
        patient,
        doce,
        start_date=date(2026, 1, 5),
        schedule_reason="Prescrizione sostitutiva: la prima verrà annullata",
    )
    assert second.schedule_reason == "Prescrizione sostitutiva: la prima verrà annullata"
    audit = AuditEvent.objects.get(
        event_type="prescribing.schedule_justified", target_id=str(second.pk)
    )
    assert audit.reason == second.schedule_reason
    assert audit.after is not None
    assert audit.after["problems"][0] == {
        "code": "cycle_duplicate",
        "order_id": first.pk,
        "earliest": None,
    }
    # a cancelled order no longer counts
    _fire(first, (physician, "cancel"), reason="Sostituita")
    _fire(second, (physician, "cancel"), reason="Sostituita")
    assert _order(physician, patient, doce, start_date=date(2026, 1, 5)).schedule_reason == ""


def test_H_too_early_cycle_through_the_api_and_the_page(
    physician: User, patient: Patient, doce: RegimenVersion
) -> None:
    _order(physician, patient, doce, start_date=date(2026, 1, 5))
    doctor = logged_in(physician)
    request = {
        "patient_id": patient.pk,
        "regimen_version_id": doce.pk,
        "start_date": "2026-01-23",
        "cycle_number": 2,
    }
    status, problem = post_json(doctor, "/api/v1/orders", request)
    assert (status, problem["code"]) == (422, "cycle_too_early")
    answer = doctor.post(
        f"/prescribing/patient/{patient.pk}/orders/new/",
        {"regimen_version": doce.pk, "start_date": "2026-01-23", "cycle_number": 2},
        follow=True,
    )
    assert "non prima del 24/01/2026" in answer.content.decode()
    assert TherapyOrder.objects.filter(patient=patient).count() == 1

    status, body = post_json(
        doctor, "/api/v1/orders", {**request, "schedule_reason": "Anticipo per ferie"}
    )
    assert status == 201, body
    assert body["schedule_reason"] == "Anticipo per ferie"
    answer = doctor.post(
        f"/prescribing/patient/{patient.pk}/orders/new/",
        {
            "regimen_version": doce.pk,
            "start_date": "2026-01-23",
            "cycle_number": 3,
            "schedule_reason": "Anticipo concordato con l'oncologo",
        },
        follow=True,
    )
    assert TherapyOrder.objects.filter(patient=patient, cycle_number=3).exists()
    assert "Anticipo concordato" in answer.content.decode()
