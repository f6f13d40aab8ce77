"""Chemotherapy orders through the services: doses, deviations, the order's life.

Reference patient: M, 180 cm, 80 kg -> Mosteller BSA = sqrt(180 x 80 / 3600) = sqrt(4)
= 2.00 m² exactly, so every FOLFOX-4 dose is a hand multiplication:
oxaliplatin 85 x 2 = 170 mg; calcium folinate 200 x 2 = 400 mg; fluorouracil bolus
400 x 2 = 800 mg and 22-hour infusion 600 x 2 = 1200 mg (de Gramont 2000).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.concurrency import StaleVersion
from corsia.core.domain.errors import InvalidTransition, PermissionRefused, ValidationFailed
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.domain.states import OrderFrozen
from corsia.prescribing.models import Measurement, OrderItem, OrderTransition, TherapyOrder
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import aprepitant_added, library_version, measured_patient

pytestmark = pytest.mark.django_db
START = date(2026, 12, 1)


def _order(physician: User, patient: Patient, folfox: RegimenVersion, **kw: object) -> TherapyOrder:
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=folfox.pk,
        start_date=START,
        **kw,  # type: ignore[arg-type]  # test passthrough of keyword options
    )


def _reduce(actor: User, order: TherapyOrder, item: OrderItem, percent: int, reason: str) -> None:
    """``actor`` reduces one line of ``order`` by ``percent`` %, giving ``reason``."""
    services.order_item_adjust(
        actor=actor,
        workstation=None,
        order_id=order.pk,
        item_id=item.pk,
        reason=reason,
        reduction_percent=Decimal(percent),
    )


def _confirm(actor: User, order: TherapyOrder) -> TherapyOrder:
    return services.order_transition(
        actor=actor, workstation=None, order_id=order.pk, event="confirm"
    )


def _doses(order: TherapyOrder) -> list[tuple[int, str, Decimal]]:
    return [
        (i.day_of_cycle, i.ingredient.code, i.final_dose)
        for i in order.items.select_related("ingredient").order_by("day_of_cycle", "sequence")
    ]


def test_folfox4_doses_match_the_hand_calculation(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)

    assert order.state == "draft"
    assert order.bsa_m2 == Decimal("2.0000")
    assert order.bmi == Decimal("24.69")  # 80 / 1.8² = 24.691
    doses = [(d, code, dose) for d, code, dose in _doses(order) if code != "dexamethasone"]
    assert doses == [
        (1, "ondansetron", Decimal("8.0000")),
        (1, "oxaliplatin", Decimal("170.0000")),
        (1, "calcium_folinate", Decimal("400.0000")),
        (1, "fluorouracil", Decimal("800.0000")),
        (1, "fluorouracil", Decimal("1200.0000")),
        (2, "calcium_folinate", Decimal("400.0000")),
        (2, "fluorouracil", Decimal("800.0000")),
        (2, "fluorouracil", Decimal("1200.0000")),
    ]
    day2 = order.items.filter(day_of_cycle=2).values_list("scheduled_date", flat=True)
    assert set(day2) == {START + timedelta(days=1)}
    oxaliplatin = order.items.get(ingredient__code="oxaliplatin")
    assert "Mosteller" in order.body_provenance
    assert "85" in oxaliplatin.provenance


def test_order_needs_height_and_weight(
    make_user: MakeUser, physician: User, folfox: RegimenVersion
) -> None:
    bare = measured_patient(
        registrar=make_user(Role.COORDINATOR),
        physician=physician,
        height_cm=None,  # type: ignore[arg-type]  # a missing measure
    )
    with pytest.raises(ValidationFailed) as error:
        _order(physician, bare, folfox)
    assert error.value.code == "measures_missing"
    assert not TherapyOrder.objects.exists()


def test_measurement_out_of_range_is_refused(physician: User, patient: Patient) -> None:
    before = Measurement.objects.filter(patient=patient).count()
    with pytest.raises(ValidationFailed) as error:
        services.measurement_record(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            kind="weight_kg",
            value=Decimal(0),
        )
    assert error.value.field == "weight_kg"
    assert Measurement.objects.filter(patient=patient).count() == before


def test_reduction_needs_a_reason_and_applies_to_every_day(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    oxali = order.items.get(ingredient__code="oxaliplatin")

    with pytest.raises(ValidationFailed) as error:
        _reduce(physician, order, oxali, 20, " ")
    assert error.value.code == "reason_required"
    oxali.refresh_from_db()
    assert oxali.final_dose == Decimal(170)

    _reduce(physician, order, oxali, 20, "Neuropatia periferica G2")
    oxali.refresh_from_db()
    assert oxali.final_dose == Decimal("136.0000")  # 170 x 0.80
    assert oxali.calculated_dose == Decimal("170.0000")
    assert oxali.is_deviation
    assert AuditEvent.objects.filter(
        event_type="prescribing.item_adjusted", reason="Neuropatia periferica G2"
    ).exists()

    folinate = order.items.filter(ingredient__code="calcium_folinate")
    assert {i.final_dose for i in folinate} == {Decimal(400)}


def test_reduce_all_antineoplastics(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    services.order_reduce_all(
        actor=physician,
        workstation=None,
        order_id=order.pk,
        reduction_percent=Decimal(25),
        reason="Neutropenia febbrile al ciclo precedente",
    )
    doses = {(d, c, dose) for d, c, dose in _doses(order) if d == 1}
    assert (1, "oxaliplatin", Decimal("127.5000")) in doses  # 170 x 0.75
    assert (1, "fluorouracil", Decimal("600.0000")) in doses  # 800 x 0.75
    assert (1, "fluorouracil", Decimal("900.0000")) in doses  # 1200 x 0.75
    assert (1, "ondansetron", Decimal("8.0000")) in doses  # premedication untouched


def test_confirm_send_validate_take_charge(
    physician: User, pharmacist: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    for event in ("confirm", "send"):
        order = services.order_transition(
            actor=physician, workstation=None, order_id=order.pk, event=event
        )
    assert order.state == "sent_to_pharmacy"
    assert order.confirmed_by == physician

    order = services.order_transition(
        actor=pharmacist, workstation=None, order_id=order.pk, event="validate"
    )
    order = services.order_transition(
        actor=pharmacist, workstation=None, order_id=order.pk, event="take_charge"
    )
    assert order.state == "taken_in_charge"
    assert list(order.transitions.values_list("event", flat=True)) == [
        "confirm",
        "send",
        "validate",
        "take_charge",
    ]
    assert order.items.filter(validated_by=pharmacist).count() == order.items.count()

    oxali = order.items.get(ingredient__code="oxaliplatin")
    with pytest.raises(OrderFrozen) as frozen:
        _reduce(physician, order, oxali, 10, "ripensamento")
    assert "presa in carico" in frozen.value.message
    oxali.refresh_from_db()
    assert oxali.final_dose == Decimal(170)


def test_a_nurse_cannot_confirm(
    make_user: MakeUser, physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    with pytest.raises(PermissionRefused):
        _confirm(make_user(Role.NURSE), order)
    order.refresh_from_db()
    assert order.state == "draft"
    assert not OrderTransition.objects.exists()


def test_the_prescriber_cannot_validate_their_own_order(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    _confirm(physician, order)
    services.order_transition(actor=physician, workstation=None, order_id=order.pk, event="send")
    with pytest.raises(PermissionRefused) as error:
        services.order_transition(
            actor=physician, workstation=None, order_id=order.pk, event="validate"
        )
    assert error.value.code == "validator_is_prescriber"
    order.refresh_from_db()
    assert order.state == "sent_to_pharmacy"


def test_return_to_prescriber_unfreezes_and_needs_a_reason(
    physician: User, pharmacist: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    for actor, event in ((physician, "confirm"), (physician, "send"), (pharmacist, "validate")):
        services.order_transition(actor=actor, workstation=None, order_id=order.pk, event=event)
    services.order_transition(
        actor=pharmacist, workstation=None, order_id=order.pk, event="take_charge"
    )
    with pytest.raises(ValidationFailed):
        services.order_transition(
            actor=pharmacist, workstation=None, order_id=order.pk, event="return_to_prescriber"
        )
    services.order_transition(
        actor=pharmacist,
        workstation=None,
        order_id=order.pk,
        event="return_to_prescriber",
        reason="Creatinina da ricontrollare",
    )
    oxali = order.items.get(ingredient__code="oxaliplatin")
    _reduce(physician, order, oxali, 10, "Funzione renale ridotta")
    oxali.refresh_from_db()
    assert oxali.final_dose == Decimal("153.0000")


def test_transition_not_in_the_table_is_refused(
    pharmacist: User, physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    with pytest.raises(InvalidTransition):
        services.order_transition(
            actor=pharmacist, workstation=None, order_id=order.pk, event="take_charge"
        )


def test_stale_version_is_refused(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    _confirm(physician, order)
    with pytest.raises(StaleVersion):
        services.order_transition(
            actor=physician,
            workstation=None,
            order_id=order.pk,
            event="send",
            expected_version=order.version,
        )


def test_weight_change_after_calculation_forces_recalculation(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    services.measurement_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        kind="weight_kg",
        value=Decimal(71),
    )  # 80 -> 71 kg = -11.25 %
    with pytest.raises(ValidationFailed) as error:
        _confirm(physician, order)
    assert error.value.code == "weight_changed_recalculate"

    order = services.order_recalculate(actor=physician, workstation=None, order_id=order.pk)
    # BSA = sqrt(180 x 71 / 3600) = sqrt(3.55) = 1.884144; oxaliplatin 85 x 1.884144 = 160.15
    assert order.bsa_m2 == Decimal("1.8841")
    assert order.items.get(ingredient__code="oxaliplatin").final_dose == Decimal("160.15")
    order = _confirm(physician, order)
    assert order.state == "confirmed"


def test_cumulative_dose_blocks_until_overridden(
    make_user: MakeUser, physician: User, patient: Patient
) -> None:
    abvd = library_version("ABVD", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)))
    from corsia.drugs.models import ActiveIngredient

    ActiveIngredient.objects.filter(code="doxorubicin").update(
        cumulative_limit=Decimal(450), cumulative_limit_unit="mg/m2"
    )
    # 25 mg/m² on days 1 and 15 = 50 mg/m² a cycle; 9 cycles = 450 mg/m²: the 10th exceeds
    orders = []
    for cycle in range(1, 11):
        order = services.order_create(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            regimen_version_id=abvd.pk,
            start_date=START + timedelta(days=28 * (cycle - 1)),
            cycle_number=min(cycle, 6),
            # ABVD has 6 cycles: the 7th-10th repeat cycle 6, a duplicate to justify
            schedule_reason="Cicli aggiuntivi oltre il sesto" if cycle > 6 else "",
        )
        orders.append(order)
        blocked = order.items.filter(ingredient__code="doxorubicin", block_code__gt="")
        if cycle < 10:
            assert not blocked.exists(), cycle
            _confirm(physician, order)
    last = orders[-1]
    blocked_item = last.items.filter(ingredient__code="doxorubicin").first()
    assert blocked_item is not None
    assert blocked_item.block_code == "cumulative_dose_exceeded"
    with pytest.raises(ValidationFailed) as error:
        _confirm(physician, last)
    assert error.value.code == "order_blocked_by_limit"

    services.order_item_adjust(
        actor=physician,
        workstation=None,
        order_id=last.pk,
        item_id=blocked_item.pk,
        reason="Cardioprotezione con dexrazoxano",
        final_dose=blocked_item.calculated_dose,
        override_reason="FEVI conservata, cardioprotezione con dexrazoxano",
    )
    last = _confirm(physician, last)
    assert last.state == "confirmed"


def test_duplicate_carries_reductions_and_recomputes(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    oxali = order.items.get(ingredient__code="oxaliplatin")
    _reduce(physician, order, oxali, 20, "Neuropatia G2")
    _confirm(physician, order)
    services.measurement_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        kind="weight_kg",
        value=Decimal("64.8"),
    )  # BSA sqrt(180 x 64.8 / 3600) = sqrt(3.24) = 1.80
    second = services.order_duplicate(
        actor=physician, workstation=None, order_id=order.pk, start_date=START + timedelta(days=14)
    )
    assert second.cycle_number == 2
    assert second.bsa_m2 == Decimal("1.8000")
    oxali2 = second.items.get(ingredient__code="oxaliplatin")
    assert oxali2.calculated_dose == Decimal("153.0000")  # 85 x 1.8
    assert oxali2.final_dose == Decimal("122.4000")  # 153 x 0.8
    assert any(w["code"] == "weight_changed" for w in second.warnings)  # -19 %


def test_suspend_one_drug_needs_a_reason(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    order = _order(physician, patient, folfox)
    oxali = order.items.get(ingredient__code="oxaliplatin")
    with pytest.raises(ValidationFailed):
        services.order_item_set_status(
            actor=physician,
            workstation=None,
            order_id=order.pk,
            item_id=oxali.pk,
            status="suspended",
            reason="",
        )
    services.order_item_set_status(
        actor=physician,
        workstation=None,
        order_id=order.pk,
        item_id=oxali.pk,
        status="suspended",
        reason="Reazione di ipersensibilità",
    )
    oxali.refresh_from_db()
    assert oxali.status == "suspended"


def test_added_drug_is_a_recorded_deviation(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    from corsia.drugs.models import ActiveIngredient

    order = _order(physician, patient, folfox)
    aprepitant_added(physician, order)
    aprepitant = ActiveIngredient.objects.get(code="aprepitant")
    added = order.items.get(ingredient=aprepitant)
    assert added.added
    assert added.final_dose == Decimal(125)
    assert added.competence == "ward"


def test_oral_drug_tablets_from_the_archive_strengths(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    from corsia.drugs.models import ActiveIngredient, MedicinalProduct

    capecitabine, _ = ActiveIngredient.objects.get_or_create(
        code="capecitabine", defaults={"name_en": "capecitabine", "name_it": "capecitabina"}
    )
    for strength in (150, 500):
        MedicinalProduct.objects.create(
            code=f"capecitabine_{strength}",
            ingredient=capecitabine,
            name=f"Capecitabina {strength} mg",
            strength=Decimal(strength),
            physical_state="solid_oral",
        )
    order = _order(physician, patient, folfox)
    services.order_item_add(
        actor=physician,
        workstation=None,
        order_id=order.pk,
        ingredient_id=capecitabine.pk,
        dose=Decimal(825),
        dose_unit="mg/m2",
        day_of_cycle=1,
        route="po",
        reason="Capecitabina al posto del 5-FU infusionale (protocollo di reparto)",
    )
    oral = order.items.get(ingredient=capecitabine)
    # 825 mg/m² x 2.00 m² = 1650 mg = 3 x 500 + 1 x 150 mg
    assert oral.final_dose == Decimal(1650)
    assert oral.tablets == {
        "per_dose": [{"strength_mg": "500", "count": 3}, {"strength_mg": "150", "count": 1}],
        "dose_given_mg": "1650",
        "deviation_pct": "0.00",
    }


def test_order_below_the_regimen_minimum_weight_is_refused(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    RegimenVersion.objects.filter(pk=folfox.pk).update(min_weight_kg=Decimal(90))
    with pytest.raises(ValidationFailed) as error:
        _order(physician, patient, folfox)
    assert error.value.code == "below_min_weight"
    assert not TherapyOrder.objects.exists()


def test_biosimilar_choice_must_be_the_same_ingredient(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    from corsia.drugs.models import ActiveIngredient, MedicinalProduct

    order = _order(physician, patient, folfox)
    oxali = order.items.get(ingredient__code="oxaliplatin")
    other = ActiveIngredient.objects.get(code="fluorouracil")
    wrong = MedicinalProduct.objects.create(
        code="fu_test", ingredient=other, name="Fluorouracile test", strength=Decimal(500)
    )
    right = MedicinalProduct.objects.create(
        code="oxa_test", ingredient=oxali.ingredient, name="Oxaliplatino test", strength=Decimal(50)
    )
    with pytest.raises(ValidationFailed) as error:
        services.order_item_choose_product(
            actor=physician,
            workstation=None,
            order_id=order.pk,
            item_id=oxali.pk,
            product_id=wrong.pk,
        )
    assert error.value.code == "product_other_ingredient"
    services.order_item_choose_product(
        actor=physician, workstation=None, order_id=order.pk, item_id=oxali.pk, product_id=right.pk
    )
    oxali.refresh_from_db()
    assert oxali.product == right


def test_therapy_sheet_context_carries_doses_formulas_and_reasons(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    from corsia.prescribing.therapy_sheet import sheet_context

    order = _order(physician, patient, folfox)
    oxali = order.items.get(ingredient__code="oxaliplatin")
    _reduce(physician, order, oxali, 20, "Neuropatia G2")
    order.refresh_from_db()
    context = sheet_context(order)
    sections = {s["heading"]: s for s in context["sections"]}
    body = {r["label"]: r["value"] for r in sections["Parametri del paziente"]["rows"]}
    assert body["Superficie corporea (Mosteller)"] == "2 m²"
    drugs = sections["Farmaci"]["table"]["rows"]
    oxali_row = next(r for r in drugs if r[2] == oxali.ingredient.name_it)
    assert oxali_row[3:6] == ["85 mg/m²", "170 mg", "136 mg"]
    assert oxali_row[8] == "−20 %; Neuropatia G2"
    assert len(drugs) == order.items.count()


def test_signed_order_is_read_only_and_its_sheet_verifies(
    physician: User, patient: Patient, folfox: RegimenVersion
) -> None:
    from corsia.documents.models import Document
    from corsia.documents.signing import verify_pdf

    order = _order(physician, patient, folfox)
    with pytest.raises(ValidationFailed) as draft:
        services.order_sign(actor=physician, workstation=None, order_id=order.pk)
    assert draft.value.code == "order_not_confirmed"
    assert not Document.objects.exists()

    _confirm(physician, order)
    order = services.order_sign(actor=physician, workstation=None, order_id=order.pk)
    assert order.signed_document_id is not None
    document = Document.objects.get(pk=order.signed_document_id)
    report = verify_pdf(bytes(document.content))
    assert report.valid and report.intact
    assert document.patient_id == patient.pk

    services.order_transition(
        actor=physician, workstation=None, order_id=order.pk, event="revise", reason="correzione"
    )
    oxali = order.items.get(ingredient__code="oxaliplatin")
    with pytest.raises(ValidationFailed) as signed:
        _reduce(physician, order, oxali, 10, "dopo la firma")
    assert signed.value.code == "order_signed"
    oxali.refresh_from_db()
    assert oxali.final_dose == Decimal(170)
