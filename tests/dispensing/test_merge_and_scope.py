"""The care scope's readers name the desk's patients; a patient merge moves the duplicate's plans, delegations and dispensings to the
survivor (the rows are read-only but for that), and its undoing moves them back."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from corsia.accounts.domain.roles import Role
from corsia.dispensing import services
from corsia.dispensing.care import dispensing_care_patient_ids, dispensing_pharmacy_patient_ids
from corsia.dispensing.models import Delegation, Dispensing, TherapyPlan
from corsia.patients import services as patients
from corsia.patients.models import PatientMerge
from corsia.testing.accounts import MakeUser
from corsia.testing.dispensing import NOW, Desk, dispensing_input, pack_code


def test_a_merge_moves_the_desk_rows_and_its_undoing_brings_them_back(
    desk: Desk, make_user: MakeUser
) -> None:
    desk.load(desk.capecitabine, "L-1", date(2027, 6, 30), 120)
    duplicate, survivor = desk.other_patient, desk.patient
    plan = services.plan_record(
        actor=desk.pharmacist, workstation="t", patient_id=duplicate.pk, now=NOW,
        data=services.PlanInput(
            prescriber_id=desk.physician.pk, product_code=desk.capecitabine.code,
            daily_units=Decimal(4), valid_from=date(2026, 10, 1), valid_to=date(2026, 12, 31),
        ),
    )  # fmt: skip
    delegation = services.delegation_record(
        actor=desk.pharmacist, workstation="t", patient_id=duplicate.pk, now=NOW,
        data=services.DelegationInput(
            delegate_name="Lucia Rossi", delegate_fiscal_code="RSSLCU60A41A562Q",
            identity_document="CI CA12345AB", valid_from=date(2026, 10, 1),
            valid_to=date(2027, 3, 31),
        ),
    )  # fmt: skip
    dispensing = services.dispensing_record(
        actor=desk.pharmacist, workstation="t", patient_id=duplicate.pk, now=NOW,
        data=dispensing_input(
            desk, [pack_code(desk.packs["cape"])], patient_code=duplicate.codice_fiscale,
            kind="plan", plan_id=plan.pk, product_code="", daily_units=None,
        ),
    )  # fmt: skip
    coordinator = make_user(Role.COORDINATOR)
    patients.patient_merge(
        actor=coordinator, workstation="t", survivor_id=survivor.pk, duplicate_id=duplicate.pk,
        reason="Stessa persona registrata due volte",
    )  # fmt: skip
    rows = (
        TherapyPlan.objects.get(pk=plan.pk),
        Delegation.objects.get(pk=delegation.pk),
        Dispensing.objects.get(pk=dispensing.pk),
    )
    assert {row.patient_id for row in rows} == {survivor.pk}
    merge = PatientMerge.objects.get(duplicate=duplicate, state="merged")
    patients.patient_unmerge(
        actor=coordinator, workstation="t",
        merge_id=merge.pk, reason="Erano due persone diverse",
    )  # fmt: skip
    assert {
        TherapyPlan.objects.get(pk=plan.pk).patient_id,
        Delegation.objects.get(pk=delegation.pk).patient_id,
        Dispensing.objects.get(pk=dispensing.pk).patient_id,
    } == {duplicate.pk}


def test_the_care_scope_readers_name_the_desk_patients(desk: Desk) -> None:
    desk.load(desk.capecitabine, "L-1", date(2027, 6, 30), 120)
    services.dispensing_record(
        actor=desk.technician, workstation="t", patient_id=desk.patient.pk, now=NOW,
        data=dispensing_input(desk, [pack_code(desk.packs["cape"])]),
    )  # fmt: skip
    since = NOW - timedelta(days=30)
    assert dispensing_care_patient_ids(user_id=desk.technician.pk, since=since) == [desk.patient.pk]
    assert dispensing_care_patient_ids(user_id=desk.physician.pk, since=since) == [
        desk.patient.pk
    ]  # the prescriber
    assert dispensing_care_patient_ids(user_id=desk.pharmacist.pk, since=since) == []
    assert dispensing_pharmacy_patient_ids(since=since) == [desk.patient.pk]
    assert dispensing_pharmacy_patient_ids(since=NOW + timedelta(days=1)) == []
