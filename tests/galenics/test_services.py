"""The galenic laboratory's acts: the formulary's versions, a batch's worksheet, weighing
by lot, quality controls, the release with its stock unload, dispensing."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import CorsiaError
from corsia.galenics import services
from corsia.galenics.models import Batch, BatchState, Formula, FormulaState
from corsia.testing.accounts import MakeUser
from corsia.testing.galenics import (
    EXPIRED_LOT,
    OINTMENT,
    SUSPENSION,
    Lab,
    batch_opened,
    batch_prepared,
    batch_weighed,
    lab_ready,
    published,
    refusal_code,
)

pytestmark = pytest.mark.django_db
D = Decimal


# --- formulary ---------------------------------------------------------------------------------


def test_published_formula_is_read_only_and_changes_as_a_new_version(lab: Lab) -> None:
    formula = published(lab.pharmacist)
    assert formula.state == FormulaState.PUBLISHED
    assert [i.quantity for i in formula.ingredients.all()] == [D(2), D(84)]
    refused = refusal_code(
        lambda: services.formula_update(
            actor=lab.pharmacist,
            workstation="t",
            formula_id=formula.pk,
            expected_version=formula.version,
            data=SUSPENSION,
        )
    )
    assert refused == "formula_not_draft"
    draft = services.formula_new_version(
        actor=lab.pharmacist, workstation="t", formula_id=formula.pk
    )
    assert (draft.number, draft.state, draft.ingredients.count()) == (2, FormulaState.DRAFT, 2)
    assert (
        refusal_code(
            lambda: services.formula_new_version(
                actor=lab.pharmacist, workstation="t", formula_id=formula.pk
            )
        )
        == "draft_exists"
    )
    changed = replace(SUSPENSION, stability_days=14)
    services.formula_update(
        actor=lab.pharmacist,
        workstation="t",
        formula_id=draft.pk,
        expected_version=draft.version,
        data=changed,
    )
    draft.refresh_from_db()
    services.formula_publish(
        actor=lab.pharmacist, workstation="t", formula_id=draft.pk, expected_version=draft.version
    )
    formula.refresh_from_db()
    assert formula.state == FormulaState.SUPERSEDED
    assert Formula.objects.get(pk=draft.pk).stability_days == 14
    assert AuditEvent.objects.filter(event_type="galenics.formula_published").count() == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"code": "Bad Code!"}, "code_invalid"),
        ({"name": "a\x00b"}, "invalid_characters"),
        ({"kind": "secret"}, "kind_unknown"),
        ({"stability_days": 0}, "stability_invalid"),
        ({"quality_controls": ("smell",)}, "quality_control_unknown"),
        ({"ingredients": ()}, "ingredients_required"),
    ],
)
def test_bad_formulas_refused(lab: Lab, change: dict[str, object], code: str) -> None:
    data = replace(SUSPENSION, **change)  # type: ignore[arg-type]
    assert (
        refusal_code(
            lambda: services.formula_create(actor=lab.pharmacist, workstation="t", data=data)
        )
        == code
    )


@pytest.mark.parametrize(
    ("ingredient", "code"),
    [
        (services.IngredientInput("nope", D(1), "mg"), "product_unknown"),
        (services.IngredientInput("omeprazole_raw_g", D(1), "kg"), "unit_unknown"),
        (services.IngredientInput("omeprazole_raw_g", D(1), "mL", D(1), "g"), "unit_incompatible"),
        (services.IngredientInput("omeprazole_raw_g", D(0), "mg"), "quantity_invalid"),
        (services.IngredientInput("omeprazole_raw_g", D("1e308"), "mg"), "quantity_too_large"),
    ],
)
def test_bad_ingredients_refused(lab: Lab, ingredient: services.IngredientInput, code: str) -> None:
    data = replace(SUSPENSION, ingredients=(ingredient,))
    assert (
        refusal_code(
            lambda: services.formula_create(actor=lab.pharmacist, workstation="t", data=data)
        )
        == code
    )


def test_technician_cannot_write_the_formulary(lab: Lab, technician: User) -> None:
    assert (
        refusal_code(
            lambda: services.formula_create(actor=technician, workstation="t", data=SUSPENSION)
        )
        == "permission_denied"
    )


# --- batch -------------------------------------------------------------------------------------


def test_worksheet_scaled_and_draft_not_prepared(lab: Lab, technician: User) -> None:
    draft = services.formula_create(actor=lab.pharmacist, workstation="t", data=OINTMENT)
    assert refusal_code(lambda: batch_opened(technician, draft, D(10))) == "formula_not_published"
    formula = published(lab.pharmacist, SUSPENSION)
    batch = batch_opened(technician, formula, D(150))
    # 150 mL: omeprazole 2 mg/mL → 300 mg; bicarbonate 84 mg/mL → 12 600 mg.
    assert [(line.required, line.unit) for line in batch.lines.all()] == [
        (D(300), "mg"),
        (D(12600), "mg"),
    ]
    assert batch.number.startswith(f"G{timezone.localdate().year}-")
    for bad, code in [(D(0), "quantity_invalid"), (D("1e308"), "quantity_too_large")]:
        assert refusal_code(lambda bad=bad: batch_opened(technician, formula, bad)) == code
    assert (
        refusal_code(lambda: batch_opened(technician, formula, D(1), cost_center_code="NOPE"))
        == "cost_center_unknown"
    )


def test_weighing_checks_the_lot_and_the_tolerance(
    lab: Lab, suspension: Formula, technician: User
) -> None:
    batch = batch_opened(technician, suspension, D(150))
    line = batch.lines.get(product=lab.products["omeprazole_raw_g"])

    def weigh(quantity: Decimal, lot: str, unit: str = "", previous: str = "") -> services.Weighing:
        return services.line_weigh(
            actor=technician,
            workstation="t",
            line_id=line.pk,
            quantity=quantity,
            unit=unit,
            lot=lot,
            previous=previous,
        )

    assert refusal_code(lambda: weigh(D(300), EXPIRED_LOT)) == "lot_expired"
    assert refusal_code(lambda: weigh(D(300), lab.lots["zinc_oxide_raw_g"])) == "lot_wrong_product"
    assert refusal_code(lambda: weigh(D(300), "NOWHERE")) == "lot_not_in_stock"
    assert refusal_code(lambda: weigh(D(300), "")) == "lot_required"
    assert refusal_code(lambda: weigh(D(0), "OME-2611")) == "quantity_invalid"
    assert refusal_code(lambda: weigh(D("1e308"), "OME-2611")) == "quantity_too_large"
    assert refusal_code(lambda: weigh(D(300), "OME-2611", "mL")) == "unit_incompatible"
    assert refusal_code(lambda: weigh(D(300), "OME\x002611")) == "invalid_characters"
    # 316 mg is +5,33%: kept, out of tolerance; 0,314 g is +4,67%: in.
    assert not weigh(D(316), "OME-2611").within_tolerance
    assert (
        refusal_code(
            lambda: services.batch_prepared(actor=technician, workstation="t", batch_id=batch.pk)
        )
        == "weighing_missing"
    )
    result = weigh(D("0.314"), "OME-2611", "g", "adjusted")
    assert result.within_tolerance
    assert result.line.weighed == D(314)


def test_release_unloads_the_stock_and_sets_the_beyond_use_date(
    lab: Lab, suspension: Formula, technician: User, releaser: User
) -> None:
    before = {code: lab.held(code) for code in ("omeprazole_raw_g", "sodium_bicarbonate_raw_g")}
    batch = batch_weighed(lab, technician, suspension, D(150))
    assert (
        refusal_code(
            lambda: services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
        )
        == "batch_not_prepared"
    )
    services.qc_record(
        actor=technician, workstation="t", batch_id=batch.pk, control="appearance", passed=True
    )
    services.qc_record(
        actor=technician,
        workstation="t",
        batch_id=batch.pk,
        control="volume",
        passed=False,
        value="145 mL",
    )
    services.batch_prepared(actor=technician, workstation="t", batch_id=batch.pk)
    assert (
        refusal_code(
            lambda: services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
        )
        == "qc_failed"
    )
    for control in ("volume", "resuspension", "label"):
        services.qc_record(
            actor=technician, workstation="t", batch_id=batch.pk, control=control, passed=True
        )
    assert (
        refusal_code(
            lambda: services.batch_release(actor=technician, workstation="t", batch_id=batch.pk)
        )
        == "permission_denied"
    )
    released = services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
    assert released.state == BatchState.RELEASED
    # 300 mg of omeprazole by the gram: 1 unit; 12 600 mg of bicarbonate: 13 units.
    assert lab.held("omeprazole_raw_g") == before["omeprazole_raw_g"] - 1
    assert lab.held("sodium_bicarbonate_raw_g") == before["sodium_bicarbonate_raw_g"] - 13
    # Stable 30 days, lots expiring in 200+ days: the stability decides.
    assert released.beyond_use == timezone.localdate() + timedelta(days=30)
    assert (
        refusal_code(
            lambda: services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
        )
        == "batch_released"
    )


def test_missing_control_and_preparer_refused(
    lab: Lab, suspension: Formula, pharmacist: User, releaser: User
) -> None:
    batch = batch_weighed(lab, pharmacist, suspension, D(100))
    services.batch_prepared(actor=pharmacist, workstation="t", batch_id=batch.pk)
    assert (
        refusal_code(
            lambda: services.batch_release(actor=pharmacist, workstation="t", batch_id=batch.pk)
        )
        == "release_by_preparer"
    )
    assert (
        refusal_code(
            lambda: services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
        )
        == "qc_missing"
    )


def test_beyond_use_is_the_earliest_lot_expiry(lab: Lab, technician: User, releaser: User) -> None:
    formula = published(lab.pharmacist, replace(OINTMENT, stability_days=3000))
    batch = batch_prepared(lab, technician, formula, D(100))
    released = services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
    assert released.beyond_use == min(
        lab.expiries["zinc_oxide_raw_g"], lab.expiries["white_soft_paraffin_raw_g"]
    )


def test_release_refused_when_the_stock_is_short_nothing_taken(
    make_user: object, technician: User, releaser: User, pharmacist: User
) -> None:
    lab = lab_ready(pharmacist, units=5)
    formula = published(pharmacist, OINTMENT)
    batch = batch_prepared(lab, technician, formula, D(100))  # 90 g of paraffin: 90 units
    assert (
        refusal_code(
            lambda: services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
        )
        == "stock_insufficient"
    )
    assert Batch.objects.get(pk=batch.pk).state == BatchState.PREPARED
    assert lab.held("zinc_oxide_raw_g") == 5


def test_dispensing(lab: Lab, technician: User, releaser: User) -> None:
    formula = published(lab.pharmacist, OINTMENT)
    batch = batch_prepared(lab, technician, formula, D(100))

    def dispense(quantity: Decimal, ward_code: str = "", now: datetime | None = None) -> object:
        return services.batch_dispense(
            actor=technician,
            workstation="t",
            batch_id=batch.pk,
            quantity=quantity,
            ward_code=ward_code,
            now=now,
        )

    assert refusal_code(lambda: dispense(D(10), ward_code="X")) == "ward_unknown"
    from corsia.patients.models import Ward

    ward = Ward.objects.create(code="DERM", name="Dermatologia", kind="ward")
    assert refusal_code(lambda: dispense(D(10), ward_code="DERM")) == "batch_not_released"
    services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
    row = services.batch_dispense(
        actor=technician, workstation="t", batch_id=batch.pk, quantity=D(60), ward_code=ward.code
    )
    assert row.ward_id == ward.pk
    assert refusal_code(lambda: dispense(D(41), ward_code="DERM")) == "dispense_exceeds_batch"
    assert refusal_code(lambda: dispense(D(1))) == "recipient_required"
    later = timezone.now() + timedelta(days=400)
    assert refusal_code(lambda: dispense(D(1), ward_code="DERM", now=later)) == "batch_expired"


@pytest.mark.django_db(transaction=True)
def test_concurrent_releases_unload_once(
    pharmacist: User, technician: User, releaser: User, make_user: object
) -> None:
    lab = lab_ready(pharmacist)
    formula = published(pharmacist, OINTMENT)
    batch = batch_prepared(lab, technician, formula, D(100))
    before = lab.held("zinc_oxide_raw_g")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def release() -> None:
        try:
            barrier.wait()
            services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
            outcomes.append("released")
        except CorsiaError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=release) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["batch_released", "released"]
    assert lab.held("zinc_oxide_raw_g") == before - 10


def test_dispensing_to_a_patient_writes_the_access_log_on_read(
    lab: Lab, technician: User, releaser: User, make_user: MakeUser
) -> None:
    from corsia.audit.models import AccessLogEntry
    from corsia.galenics import selectors
    from corsia.testing.patients import patient_registered

    patient = patient_registered(make_user(Role.COORDINATOR))
    formula = published(lab.pharmacist, OINTMENT)
    batch = batch_prepared(lab, technician, formula, D(100))
    services.batch_release(actor=releaser, workstation="t", batch_id=batch.pk)
    row = services.batch_dispense(
        actor=releaser, workstation="t", batch_id=batch.pk, quantity=D(30), patient_id=patient.pk
    )
    assert row.patient_id == patient.pk
    view = selectors.batch_view(user=releaser, workstation="t", batch_id=batch.pk)
    assert view.left == D(70)
    assert AccessLogEntry.objects.filter(patient_id=patient.pk, user=releaser).exists()
