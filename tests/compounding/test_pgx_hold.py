"""A DPYD result recorded after the pharmacist validated FOLFOX-4 holds the compounding of
fluorouracil (H65): take in charge, assignment to a hood, vial plan, vial scan, release and
check-out are refused (``pgx_result_after_validation``) until the pharmacist or the
physician acknowledges it; the bags already made are shown «SOSPESA», never discarded;
oxaliplatin and calcium folinate are not concerned.

Reference patient: 2.00 m², fluorouracil bolus 400 mg/m² = 800 mg and infusion 600 mg/m² =
1200 mg on days 1–2; DPYD intermediate (activity score 1.5) halves them: 400 and 600 mg.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.models import User
from corsia.compounding import services
from corsia.compounding.models import Hood, Preparation
from corsia.compounding.selectors import preparations_for_items
from corsia.core.domain.errors import ConflictError
from corsia.prescribing.services import order_pgx_acknowledge
from corsia.testing.accounts import logged_in
from corsia.testing.compounding import Folfox, make_preparations
from corsia.testing.patients import pgx_recorded
from corsia.testing.pgx import dpyd_markers

pytestmark = pytest.mark.django_db
CODE = "pgx_result_after_validation"


def _preps(folfox: Folfox, code: str, day_offset: int = 0) -> list[Preparation]:
    return list(
        Preparation.objects.filter(
            order_id=folfox.order.pk,
            order_item__ingredient__code=code,
            scheduled_date=timezone.localdate() + timedelta(days=day_offset),
        ).order_by("order_item__sequence")
    )


def test_a_late_dpyd_result_refuses_the_take_in_charge_until_acknowledged(
    folfox: Folfox, pharmacist: User, physician: User
) -> None:
    # given FOLFOX-4 validated by the pharmacist, then the DPYD report (IM, 1.5)
    dpyd_markers("fluorouracil")
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    pgx_recorded(physician, folfox.patient.pk)
    # when the pharmacist takes it in charge: refused, the drug and doses named, nothing made
    with pytest.raises(ConflictError) as refused:
        services.order_take_charge(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    assert refused.value.code == CODE
    message = refused.value.message
    assert message.startswith("SOSPESA: referto farmacogenomico DPYD registrato dopo la ")
    assert "200 mg/m² = 400 mg invece di 800 mg" in message
    assert "300 mg/m² = 600 mg invece di 1200 mg" in message
    folfox.order.refresh_from_db()
    assert folfox.order.state == "validated"
    assert not Preparation.objects.filter(order_id=folfox.order.pk).exists()
    # then, once the pharmacist acknowledges it, the take in charge makes the preparations:
    # FOLFOX-4 days 1 and 2 have oxaliplatin (day 1), folinate and two fluorouracil each
    order_pgx_acknowledge(
        actor=pharmacist, workstation=None, order_id=folfox.order.pk, acknowledged=True
    )
    made = services.order_take_charge(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    codes = sorted(p.order_item.ingredient.code for p in made)
    assert codes == sorted(["oxaliplatin"] + ["calcium_folinate"] * 2 + ["fluorouracil"] * 4)


def test_a_late_result_holds_the_drugs_preparations_and_shows_the_bags_made_on_hold(
    folfox: Folfox, pharmacist: User, technician: User, physician: User
) -> None:
    # given day 1 made and weighed (not released), day 2 waiting; then the DPYD report
    dpyd_markers("fluorouracil")
    make_preparations(
        folfox,
        pharmacist=pharmacist,
        technician=technician,
        day=timezone.localdate(),
        release=False,
    )
    pgx_recorded(physician, folfox.patient.pk)
    (oxali,) = _preps(folfox, "oxaliplatin")
    bolus, infusion = _preps(folfox, "fluorouracil")
    tomorrow_bolus, _ = _preps(folfox, "fluorouracil", 1)
    (tomorrow_folinate,) = _preps(folfox, "calcium_folinate", 1)
    # oxaliplatin is released; the day-1 fluorouracil is not, and stays weighed
    services.preparation_release(actor=pharmacist, workstation=None, preparation_id=oxali.pk)
    with pytest.raises(ConflictError) as release:
        services.preparation_release(actor=pharmacist, workstation=None, preparation_id=bolus.pk)
    assert release.value.code == CODE
    bolus.refresh_from_db()
    assert bolus.state == "weighed"
    # day 2: the fluorouracil is not assigned, planned or scanned; the folinate is
    hood = Hood.objects.create(code="C1", name="Cappa 1", kind="bsc")
    session = services.work_session_open(
        actor=pharmacist,
        workstation=None,
        hood_id=hood.pk,
        technician=technician,
        day=timezone.localdate() + timedelta(days=1),
    )
    with pytest.raises(ConflictError) as assign:
        services.preparation_assign(
            actor=pharmacist,
            workstation=None,
            preparation_ids=[tomorrow_bolus.pk],
            session_id=session.pk,
        )
    assert assign.value.code == CODE
    (assigned,) = services.preparation_assign(
        actor=pharmacist,
        workstation=None,
        preparation_ids=[tomorrow_folinate.pk],
        session_id=session.pk,
    )
    assert assigned.state == "assigned"
    plan = services.vials_plan(
        actor=pharmacist, workstation=None, day=timezone.localdate() + timedelta(days=1)
    )
    held = [s for s in plan.skipped if s.startswith(tomorrow_bolus.label_code or "-")]
    assert len(held) == 1 and "SOSPESA: referto farmacogenomico DPYD" in held[0]
    assert plan.preparations == 1  # the folinate only
    with pytest.raises(ConflictError) as scan:
        services.preparation_scan(
            actor=technician,
            workstation=None,
            preparation_id=tomorrow_bolus.pk,
            barcode=next(v for k, v in folfox.aic.items() if k.startswith("fluorouracil")),
            lot="L1",
            expiry=timezone.localdate() + timedelta(days=300),
        )
    assert scan.value.code == CODE
    assert not tomorrow_bolus.vials.exists()
    # the bags made are on hold, with the reason, for the bedside and the pages
    infos = preparations_for_items(
        [oxali.order_item_id, bolus.order_item_id, infusion.order_item_id]
    )
    assert infos[oxali.order_item_id].on_hold == ""
    assert infos[bolus.order_item_id].on_hold.startswith("SOSPESA: referto farmacogenomico DPYD")
    assert infos[infusion.order_item_id].on_hold == infos[bolus.order_item_id].on_hold
    client = logged_in(pharmacist)
    page = client.get(f"/compounding/orders/{folfox.order.pk}/").content.decode()
    assert page.count('data-testid="pgx-hold"') == 1
    assert f"{bolus.label_code} — Fluorouracile" in page
    assert f"{oxali.label_code} — Oxaliplatino" not in page
    hood_page = client.get(f"/compounding/preparations/{bolus.pk}/").content.decode()
    assert 'data-testid="pgx-hold"' in hood_page
    oxali_page = client.get(f"/compounding/preparations/{oxali.pk}/").content.decode()
    assert 'data-testid="pgx-hold"' not in oxali_page
    # when the pharmacist acknowledges it, the bolus is released and nothing is on hold
    order_pgx_acknowledge(
        actor=pharmacist, workstation=None, order_id=folfox.order.pk, acknowledged=True
    )
    released = services.preparation_release(
        actor=pharmacist, workstation=None, preparation_id=bolus.pk
    )
    assert released.state == "released"
    assert preparations_for_items([bolus.order_item_id])[bolus.order_item_id].on_hold == ""


def test_a_released_bag_of_the_held_drug_does_not_leave_the_pharmacy(
    folfox: Folfox, pharmacist: User, technician: User, physician: User
) -> None:
    dpyd_markers("fluorouracil")
    make_preparations(
        folfox, pharmacist=pharmacist, technician=technician, day=timezone.localdate()
    )
    pgx_recorded(physician, folfox.patient.pk)
    codes = [
        p.label_code or ""
        for p in Preparation.objects.filter(
            order_id=folfox.order.pk, scheduled_date=timezone.localdate()
        )
    ]
    with pytest.raises(ConflictError) as bag:
        services.checkout_record(
            actor=technician,
            workstation=None,
            order_id=folfox.order.pk,
            day=timezone.localdate(),
            label_codes=codes,
            delivery_document="DDT-1",
        )
    assert bag.value.code == CODE
    # released, not discarded: still released, waiting for the acknowledgement
    assert set(
        Preparation.objects.filter(
            order_id=folfox.order.pk, scheduled_date=timezone.localdate()
        ).values_list("state", flat=True)
    ) == {"released"}
