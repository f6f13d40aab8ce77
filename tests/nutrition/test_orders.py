"""The saved order against the database: drafted on the chart's weight, signed after the
checks run again (a block refuses and writes nothing, warnings need a reason, a stale
weight refuses), validated by a pharmacist who is not the prescriber, compounded, started
at the bedside; two signatures at once sign once; signed orders are read-only."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import (
    ConflictError,
    CorsiaError,
    PermissionRefused,
    ValidationFailed,
)
from corsia.nutrition import selectors, services
from corsia.nutrition.models import NutritionOrder, NutritionOrderLine
from corsia.patients.domain.wristband import wristband_payload
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser
from corsia.testing.nutrition import (
    NEONATE_LINES,
    TARE_G,
    adult_patient,
    checked_out,
    drafted,
    exact_gross_g,
    stp,
    weighed,
)

pytestmark = pytest.mark.django_db
REASON = "Soluvit senza osmolarità in etichetta: contributo trascurabile"


def _events() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("event_type", flat=True))


def _signed(physician: User, patient: Patient) -> NutritionOrder:
    order = drafted(physician, patient.pk)
    return services.order_sign(
        actor=physician, workstation="ws-1", order_id=order.pk, expected_version=1,
        warning_reason=REASON,
    )  # fmt: skip


def test_an_adult_order_from_draft_to_the_bedside(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    order = drafted(physician, adult.pk)
    # the chart's weight and the patient's age, the adult bag of the preview's example
    assert (order.state, order.age_group, order.weight_kg) == ("draft", "adult", Decimal(70))
    assert order.results["volume_ml"] == "1895.0000"
    assert [line.code for line in order.lines.all()][:2] == ["AA_AMINOVEN_10", "GLU_50"]
    order = services.order_sign(
        actor=physician, workstation="ws-1", order_id=order.pk, expected_version=1,
        warning_reason=REASON,
    )  # fmt: skip
    assert (order.state, order.warning_reason, order.signed_by_id) == (
        "signed",
        REASON,
        physician.pk,
    )
    order = services.order_validate(
        actor=pharmacist, workstation="farmacia", order_id=order.pk, expected_version=2
    )
    order = services.order_prepare(
        actor=pharmacist, workstation="farmacia", order_id=order.pk, expected_version=3,
        gross_g=exact_gross_g(order), tare_g=TARE_G,
    )  # fmt: skip
    order = checked_out(pharmacist, order)
    order = services.order_administer(
        actor=nurse, workstation="letto 4", patient_id=adult.pk,
        wristband=wristband_payload(adult.mrn), label=order.bag_id, rate_ml_h=Decimal(79),
        expected_version=5,
    )  # fmt: skip
    assert order.state == "administered"
    assert _events() [-6:] == [
        "nutrition.order_drafted", "nutrition.order_signed", "nutrition.order_validated",
        "nutrition.order_prepared", "nutrition.bag_checked_out", "nutrition.order_administered",
    ]  # fmt: skip


def test_a_neonatal_order_takes_the_neonate_band(physician: User, neonate: Patient) -> None:
    order = drafted(physician, neonate.pk, NEONATE_LINES, route="central", preterm=True)
    assert (order.age_group, order.results["band"], order.weight_kg) == (
        "neonatal", "neonate_preterm", Decimal("1.2"),
    )  # fmt: skip


def test_only_prescribers_draft_and_only_pharmacists_validate(
    physician: User, pharmacist: User, nurse: User, adult: Patient
) -> None:
    with pytest.raises(PermissionRefused):
        drafted(nurse, adult.pk)
    order = _signed(physician, adult)
    with pytest.raises(PermissionRefused):
        services.order_validate(
            actor=nurse, workstation=None, order_id=order.pk, expected_version=None
        )


def test_a_physician_pharmacist_cannot_validate_their_own_order(
    make_user: MakeUser, adult: Patient
) -> None:
    from django.contrib.auth.models import Group

    both = make_user(Role.PHYSICIAN)
    both.groups.add(Group.objects.get(name=Role.PHARMACIST.value))
    both = User.objects.get(pk=both.pk)  # permissions cache
    order = _signed(both, adult)
    with pytest.raises(PermissionRefused) as refused:
        services.order_validate(actor=both, workstation=None, order_id=order.pk, expected_version=2)
    assert refused.value.code == "self_validation_refused"
    with pytest.raises(PermissionRefused):
        services.order_reject(
            actor=both, workstation=None, order_id=order.pk, expected_version=2, reason="no"
        )
    assert NutritionOrder.objects.get(pk=order.pk).state == "signed"


def test_a_blocked_order_is_not_signed_and_nothing_is_written(
    physician: User, adult: Patient
) -> None:
    order = drafted(physician, adult.pk, route="peripheral")  # 1506 mOsm/L > 900
    assert order.blocked is True
    events, row = _events(), NutritionOrder.objects.filter(pk=order.pk).values().get()
    with pytest.raises(ValidationFailed) as refused:
        services.order_sign(
            actor=physician, workstation=None, order_id=order.pk, expected_version=1,
            warning_reason=REASON,
        )  # fmt: skip
    assert refused.value.code == "nutrition_order_blocked"
    assert "peripheral_osmolarity_exceeded" in refused.value.details["blocks"]
    assert _events() == events
    assert NutritionOrder.objects.filter(pk=order.pk).values().get() == row


def test_warnings_need_a_typed_reason(physician: User, adult: Patient) -> None:
    order = drafted(physician, adult.pk)
    with pytest.raises(ValidationFailed) as refused:
        services.order_sign(
            actor=physician, workstation=None, order_id=order.pk, expected_version=1
        )
    assert refused.value.code == "warning_reason_required"
    assert refused.value.details["warnings"] == ["osmolarity_not_labelled"]
    with pytest.raises(ValidationFailed) as unsafe:
        services.order_sign(
            actor=physician, workstation=None, order_id=order.pk, expected_version=1,
            warning_reason="ok\x00",
        )  # fmt: skip
    assert unsafe.value.code == "invalid_characters"


def test_a_patient_weighed_too_long_ago_is_refused(
    make_user: MakeUser, physician: User, nurse: User
) -> None:
    from corsia.testing.patients import patient_registered

    patient = patient_registered(make_user(Role.COORDINATOR), codice_fiscale="", stp_eni_code=stp())
    weighed(nurse, patient.pk, "70", at=timezone.now() - timedelta(days=8))
    with pytest.raises(ValidationFailed) as refused:
        drafted(physician, patient.pk)
    assert refused.value.code == "weight_stale"
    assert not NutritionOrder.objects.filter(patient=patient).exists()


def test_a_weight_gone_stale_between_draft_and_signature_refuses(
    make_user: MakeUser, physician: User, nurse: User, adult: Patient, settings: object
) -> None:
    order = drafted(physician, adult.pk)
    setattr(settings, "CORSIA_NUTRITION_WEIGHT_MAX_AGE_DAYS", -1)  # noqa: B010  # every weight stale
    with pytest.raises(ValidationFailed) as refused:
        services.order_sign(
            actor=physician, workstation=None, order_id=order.pk, expected_version=1,
            warning_reason=REASON,
        )  # fmt: skip
    assert refused.value.code == "weight_stale"
    assert NutritionOrder.objects.get(pk=order.pk).state == "draft"


def test_no_weight_in_the_chart_is_refused(make_user: MakeUser, physician: User) -> None:
    from corsia.testing.patients import patient_registered

    patient = patient_registered(make_user(Role.COORDINATOR), codice_fiscale="", stp_eni_code=stp())
    with pytest.raises(ValidationFailed) as refused:
        drafted(physician, patient.pk)
    assert refused.value.code == "weight_missing"


def test_rejection_needs_a_reason_and_closes_the_order(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    order = _signed(physician, adult)
    with pytest.raises(ValidationFailed) as refused:
        services.order_reject(
            actor=pharmacist, workstation=None, order_id=order.pk, expected_version=2, reason=" "
        )
    assert refused.value.code == "reason_required"
    order = services.order_reject(
        actor=pharmacist, workstation=None, order_id=order.pk, expected_version=2,
        reason="Potassio da rivedere con l'ultimo esame",
    )  # fmt: skip
    assert order.state == "rejected"
    with pytest.raises(ConflictError):
        services.order_validate(
            actor=pharmacist, workstation=None, order_id=order.pk, expected_version=None
        )


def test_a_signed_order_is_read_only(physician: User, adult: Patient) -> None:
    order = _signed(physician, adult)
    with pytest.raises(DatabaseError), transaction.atomic():
        NutritionOrder.objects.filter(pk=order.pk).update(weight_kg=Decimal(80))
    with pytest.raises(DatabaseError), transaction.atomic():
        NutritionOrderLine.objects.filter(order=order).update(amount=Decimal(2000))
    with pytest.raises(DatabaseError), transaction.atomic():
        NutritionOrder.objects.filter(pk=order.pk).delete()
    with pytest.raises(ConflictError) as refused:
        services.order_sign(
            actor=physician, workstation=None, order_id=order.pk, expected_version=None,
            warning_reason=REASON,
        )  # fmt: skip
    assert refused.value.code == "nutrition_order_wrong_state"


def test_cancelling_needs_a_reason(physician: User, adult: Patient) -> None:
    order = drafted(physician, adult.pk)
    with pytest.raises(ValidationFailed):
        services.order_cancel(
            actor=physician, workstation=None, order_id=order.pk, expected_version=1, reason=""
        )
    order = services.order_cancel(
        actor=physician, workstation=None, order_id=order.pk, expected_version=1,
        reason="Ripresa l'alimentazione enterale",
    )  # fmt: skip
    assert order.state == "cancelled"


def test_an_order_from_a_ward_template(physician: User, adult: Patient) -> None:
    template = services.template_save(
        actor=physician, workstation=None,
        data=services.TemplateInput(
            name="Adulto standard", ward="Ematologia", age_group="adult", route="central",
            lines=(
                services.LineInput("AA_AMINOVEN_10", Decimal("1.2"), "g/kg"),
                services.LineInput("GLU_50", Decimal("3"), "g/kg"),
                services.LineInput("LIP_SMOFLIPID_20", Decimal("1"), "g/kg"),
            ),
        ),
    )  # fmt: skip
    order = drafted(physician, adult.pk, (), route="", template_id=template.pk)
    # 1.2 g/kg × 70 kg = 84 g amino acids = 840 mL of a 10 % solution
    first = order.results["components"][0]
    assert (first["code"], first["volume_ml"]) == (
        "AA_AMINOVEN_10", "840.0000",
    )  # fmt: skip
    assert order.template_id == template.pk
    assert order.route == "central"


def test_reads_are_logged_and_the_work_plan_holds_validated_orders(
    physician: User, pharmacist: User, adult: Patient
) -> None:
    order = _signed(physician, adult)
    assert selectors.work_plan(user=pharmacist, day=order.for_date, workstation=None) == []
    services.order_validate(
        actor=pharmacist, workstation=None, order_id=order.pk, expected_version=2
    )
    logged = AccessLogEntry.objects.count()
    plan = selectors.work_plan(user=pharmacist, day=order.for_date, workstation="farmacia")
    assert [entry.order.pk for entry in plan] == [order.pk]
    codes = [step.part.component.code for step in plan[0].steps]
    assert codes.index("P_GLYCOPHOS") < codes.index("CA_GLUC_10")
    assert codes[-1] == "LIP_SMOFLIPID_20"
    assert plan[0].csv.splitlines()[1].startswith(f"NPT-{order.pk},1,AA_AMINOVEN_10,")
    assert AccessLogEntry.objects.count() == logged + 1
    selectors.order_get(user=pharmacist, order_id=order.pk, workstation=None)
    assert AccessLogEntry.objects.count() == logged + 2


@pytest.mark.django_db(transaction=True)
def test_two_signatures_at_once_sign_once(make_user: MakeUser) -> None:
    physician, nurse = make_user(Role.PHYSICIAN), make_user(Role.NURSE)
    patient = adult_patient(make_user(Role.COORDINATOR), nurse)
    order = drafted(physician, patient.pk)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def sign() -> None:
        try:
            barrier.wait(timeout=10)
            services.order_sign(
                actor=physician, workstation=None, order_id=order.pk, expected_version=None,
                warning_reason=REASON,
            )  # fmt: skip
            outcomes.append("signed")
        except CorsiaError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(map(str, outcomes)) == ["nutrition_order_wrong_state", "signed"]
    assert NutritionOrder.objects.get(pk=order.pk).version == 2
    assert _events().count("nutrition.order_signed") == 1


def test_the_demo_orders_are_made_once(
    physician: User, pharmacist: User, nurse: User, make_user: MakeUser
) -> None:
    from corsia.nutrition.demo import ensure_demo_nutrition

    people = {
        "physician": physician, "pharmacist": pharmacist, "nurse": nurse,
        "coordinator": make_user(Role.COORDINATOR),
    }  # fmt: skip
    assert ensure_demo_nutrition(**people) >= 1
    neonatal = NutritionOrder.objects.get(age_group="neonatal")
    assert (neonatal.state, neonatal.results["band"]) == ("signed", "neonate_preterm")
    assert ensure_demo_nutrition(**people) == 0
