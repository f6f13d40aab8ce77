"""The compounding reads for the pharmacy's reports (``selectors_reports``), added up in SQL,
against hand counts over the year of ``corsia/testing/reports_pharmacy.py`` (Y = 2025) and
its second patient «Verdi»."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from corsia.compounding.models import Preparation
from corsia.compounding.selectors_reports import (
    DrawTotal,
    draw_totals,
    drawn_per_diagnosis,
    exposure_totals,
    leftovers_wasted,
)
from corsia.testing.accounts import MakeUser
from corsia.testing.reports_pharmacy import PharmacyYear, pharmacy_year, second_patient

pytestmark = pytest.mark.django_db
SINCE, UNTIL = date(2025, 1, 1), date(2025, 12, 31)


def _by_key(totals: list[DrawTotal]) -> dict[tuple[object, int], DrawTotal]:
    return {(t.patient_id or t.diagnosis_id, t.product_id): t for t in totals}


def test_draw_totals_per_product_patient_and_diagnosis(make_user: MakeUser) -> None:
    year = pharmacy_year(make_user)
    verdi = second_patient(year, make_user)
    oxa, fu = year.oxaliplatin.pk, year.fluorouracil.pk
    rossi = Preparation.objects.exclude(order__patient=verdi.patient).first()
    assert rossi is not None and verdi.order.diagnosis_id is not None
    rossi_id, verdi_id = rossi.order.patient_id, verdi.patient.pk
    # per product: oxaliplatin Rossi 70 + 15,5 (leftovers), Verdi 100 (new vial) + 20
    # (leftover) = 4 draws, 1 new, 205,5 mg; fluorouracil 300 mg (the Y-1 draw is outside)
    per_product = {t.product_id: t for t in draw_totals(since=SINCE, until=UNTIL)}
    assert per_product == {
        oxa: DrawTotal(oxa, 4, 1, Decimal("205.5"), 0),
        fu: DrawTotal(fu, 1, 0, Decimal(300), 0),
    }
    with_preparations = {
        t.product_id: t.preparations
        for t in draw_totals(since=SINCE, until=UNTIL, preparations=True)
    }
    assert with_preparations == {oxa: 2, fu: 1}  # Rossi's and Verdi's oxaliplatin
    # from leftovers only (vial sharing): 70 + 15,5 + 20 = 105,5 mg; 300 mg
    shared = {
        t.product_id: (t.draws, t.mg)
        for t in draw_totals(since=SINCE, until=UNTIL, leftovers_only=True)
    }
    assert shared == {oxa: (3, Decimal("105.5")), fu: (1, Decimal(300))}
    # per patient and product, with the distinct preparations
    per_patient = _by_key(draw_totals(since=SINCE, until=UNTIL, per="patient", preparations=True))
    assert per_patient == {
        (rossi_id, oxa): DrawTotal(oxa, 2, 0, Decimal("85.5"), 1, patient_id=rossi_id),
        (rossi_id, fu): DrawTotal(fu, 1, 0, Decimal(300), 1, patient_id=rossi_id),
        (verdi_id, oxa): DrawTotal(oxa, 2, 1, Decimal(120), 1, patient_id=verdi_id),
    }
    # per diagnosis of the order: Rossi's order names none, Verdi's 153.9
    per_diagnosis = {
        (t.diagnosis_id, t.product_id): t.mg
        for t in draw_totals(since=SINCE, until=UNTIL, per="diagnosis")
    }
    colon = verdi.order.diagnosis_id
    assert per_diagnosis == {
        (None, oxa): Decimal("85.5"),
        (None, fu): Decimal(300),
        (colon, oxa): Decimal(120),
    }
    assert drawn_per_diagnosis(since=SINCE, until=UNTIL) == {
        (None, rossi_id): 2,
        (colon, verdi_id): 1,
    }
    # the filters: the ingredient, the order's ward
    only_fu = draw_totals(since=SINCE, until=UNTIL, ingredient_id=year.fluorouracil.ingredient_id)
    assert [(t.product_id, t.mg) for t in only_fu] == [(fu, Decimal(300))]
    assert (
        draw_totals(since=SINCE, until=UNTIL, ward_id=-1) == []
        and drawn_per_diagnosis(since=SINCE, until=UNTIL, ward_id=-1) == {}
    )


def test_leftovers_wasted_and_exposure_totals(make_user: MakeUser) -> None:
    year: PharmacyYear = pharmacy_year(make_user)
    oxa = year.oxaliplatin
    # 6 mL expired 11/03 + 4 mL eliminated 01/06 at 5 mg/mL = 50 mg; the third expires in
    # Y+1, fluorouracil's is used up
    wasted = leftovers_wasted(since=SINCE, until=UNTIL)
    assert [(w.product_id, w.mg) for w in wasted] == [(oxa.pk, Decimal(50))]
    assert (
        leftovers_wasted(since=SINCE, until=UNTIL, ingredient_id=year.fluorouracil.ingredient_id)
        == []
    )
    # the expired one of Y+1 counts in Y+1
    next_year = leftovers_wasted(since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert [(w.product_id, w.mg) for w in next_year] == [(oxa.pk, Decimal(50))]
    # exposure: A oxaliplatin 12 min, fluorouracil 9,5 min; B oxaliplatin 20 min, folinate
    # 30 min (the selector keeps every ingredient; the Y-1 record is outside)
    totals = {
        (t.operator_id, t.ingredient_id): (t.preparations, t.seconds, t.minutes)
        for t in exposure_totals(since=SINCE, until=UNTIL)
    }
    a, b = year.technician_a.pk, year.technician_b.pk
    assert totals[(a, oxa.ingredient_id)] == (1, 720, Decimal(12))
    assert totals[(a, year.fluorouracil.ingredient_id)] == (1, 570, Decimal("9.5"))
    assert totals[(b, oxa.ingredient_id)] == (1, 1200, Decimal(20))
    assert len(totals) == 4 and sorted(s for _, s, _ in totals.values()) == [570, 720, 1200, 1800]
    named = {
        t.operator_id: t.operator_name
        for t in exposure_totals(since=SINCE, until=UNTIL, operator_id=b)
    }
    assert named == {b: year.technician_b.get_full_name() or year.technician_b.username}
