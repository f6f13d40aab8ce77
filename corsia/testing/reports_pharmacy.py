"""A small pharmacy year (``year``, 2025 unless told: called Y below) for the pharmacy
reports' tests, written by hand so every figure can be counted by hand.

A FOLFOX order is taken in charge and its first day made at the hood on 1 June of Y−3 (the
clock moved there: so the preparations exist, and what the hood records then falls outside
Y). Then, in Y (dates below with 2025 for Y, 2024 for Y−1, 2026 for Y+1):

- oxaliplatin, its largest product priced at 2 €/mg, fluorouracil's at 0,01 €/mg;
- leftovers of oxaliplatin at 5 mg/mL: 6 mL expired on 11/03/2025 (30 mg), 4 mL eliminated
  on 01/06/2025 (20 mg), 10 mL expired on 02/01/2026 (outside 2025); a used-up one of
  fluorouracil (0 mL, not waste);
- draws from leftovers: oxaliplatin 70 mg (05/04/2025) and 15,5 mg (09/09/2025), 10 mg on
  30/12/2024 (outside); fluorouracil 300 mg (12/07/2025);
- exposure register: technician A oxaliplatin 10:00-10:12 on 10/03/2025 (12 min) and
  fluorouracil 10:15:00-10:24:30 (9,5 min), 31/12/2024 oxaliplatin 30 min (outside);
  technician B oxaliplatin 09:00-09:20 on 05/05/2025 (20 min) and calcium folinate
  11:00-11:30 (30 min: not an antineoplastic, not counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.compounding.demo_data import ensure_demo_packs
from corsia.compounding.models import (
    ExposureRecord,
    Leftover,
    LeftoverState,
    Preparation,
    PreparationVial,
    VialSource,
)
from corsia.drugs.models import MedicinalProduct, Pack
from corsia.prescribing import services
from corsia.testing.accounts import MakeUser
from corsia.testing.compounding import Folfox, folfox_sent_to_pharmacy, make_preparations
from corsia.testing.prescribing import measured_patient


@dataclass(frozen=True)
class PharmacyYear:
    physician: User
    pharmacist: User
    technician_a: User
    technician_b: User
    oxaliplatin: MedicinalProduct
    fluorouracil: MedicinalProduct


def _at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(
        day.year, day.month, day.day, hour, minute, second, tzinfo=timezone.get_current_timezone()
    )


def _price(product: MedicinalProduct, per_mg: Decimal) -> None:
    assert product.strength is not None
    for pack in Pack.objects.filter(product=product):
        pack.price_eur = product.strength * per_mg * pack.units_per_pack
        pack.save(update_fields=["price_eur"])


def _leftover(
    product: MedicinalProduct,
    ml: str,
    opened: datetime,
    expires: datetime,
    state: str,
    *,
    updated: datetime | None = None,
) -> Leftover:
    return Leftover.objects.create(
        product=product,
        lot="R25",
        lot_expiry=date(2027, 1, 31),
        concentration_mg_ml=Decimal(5),
        volume_ml=Decimal(ml),
        opened_at=opened,
        expires_at=expires,
        storage="2-8 °C",
        state=state,
        updated_at=updated or opened,
    )


def _draw(
    prep: Preparation,
    product: MedicinalProduct,
    mg: str,
    at: datetime,
    by: User,
    *,
    source: str = VialSource.LEFTOVER,
) -> None:
    PreparationVial.objects.create(
        preparation=prep,
        product=product,
        lot="R25",
        lot_expiry=date(2027, 1, 31),
        mg_drawn=Decimal(mg),
        ml_drawn=Decimal(mg) / 5,
        source=source,
        scanned_at=at,
        scanned_by=by,
    )


def _exposure(operator: User, prep: Preparation, start: datetime, minutes: str) -> None:
    ExposureRecord.objects.create(
        operator=operator,
        ingredient_id=prep.order_item.ingredient_id,
        preparation=prep,
        started_at=start,
        ended_at=start + timedelta(minutes=float(minutes)),
    )


def pharmacy_year(make_user: MakeUser, year: int = 2025) -> PharmacyYear:
    physician, pharmacist = make_user(Role.PHYSICIAN), make_user(Role.PHARMACIST)
    technician_a, technician_b = make_user(Role.TECHNICIAN), make_user(Role.TECHNICIAN)
    approvers = (make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    registrar = make_user(Role.COORDINATOR)
    hood_day = _at(date(year - 3, 6, 1), 9)
    with time_machine.travel(hood_day, tick=True):
        today = timezone.localdate()
        folfox = folfox_sent_to_pharmacy(
            physician=physician, approvers=approvers, registrar=registrar, start=today
        )
        preps = make_preparations(folfox, pharmacist=pharmacist, technician=technician_a, day=today)
    by_code = {p.order_item.ingredient.code: p for p in preps}
    oxa_prep, fu_prep, lv_prep = (
        by_code["oxaliplatin"],
        by_code["fluorouracil"],
        by_code["calcium_folinate"],
    )
    oxaliplatin = MedicinalProduct.objects.filter(ingredient__code="oxaliplatin").order_by(
        "-strength"
    )[0]
    fluorouracil = MedicinalProduct.objects.filter(ingredient__code="fluorouracil").order_by(
        "-strength"
    )[0]
    _price(oxaliplatin, Decimal(2))
    _price(fluorouracil, Decimal("0.01"))
    _leftover(
        oxaliplatin,
        "6",
        _at(date(year, 3, 10), 10),
        _at(date(year, 3, 11), 10),
        LeftoverState.EXPIRED,
    )
    _leftover(
        oxaliplatin,
        "4",
        _at(date(year, 6, 1), 9),
        _at(date(year, 6, 2), 9),
        LeftoverState.WASTED,
        updated=_at(date(year, 6, 1), 15),
    )
    _leftover(
        oxaliplatin,
        "10",
        _at(date(year, 12, 31), 12),
        _at(date(year + 1, 1, 2), 12),
        LeftoverState.EXPIRED,
    )
    _leftover(
        fluorouracil, "0", _at(date(year, 7, 12), 8), _at(date(year, 7, 13), 8), LeftoverState.USED
    )
    _draw(oxa_prep, oxaliplatin, "70", _at(date(year, 4, 5), 11), technician_a)
    _draw(oxa_prep, oxaliplatin, "15.5", _at(date(year, 9, 9), 11), technician_b)
    _draw(oxa_prep, oxaliplatin, "10", _at(date(year - 1, 12, 30), 11), technician_a)
    _draw(fu_prep, fluorouracil, "300", _at(date(year, 7, 12), 9), technician_a)
    _exposure(technician_a, oxa_prep, _at(date(year, 3, 10), 10), "12")
    _exposure(technician_a, fu_prep, _at(date(year, 3, 10), 10, 15), "9.5")
    _exposure(technician_a, oxa_prep, _at(date(year - 1, 12, 31), 10), "30")
    _exposure(technician_b, oxa_prep, _at(date(year, 5, 5), 9), "20")
    _exposure(technician_b, lv_prep, _at(date(year, 5, 5), 11), "30")
    return PharmacyYear(
        physician, pharmacist, technician_a, technician_b, oxaliplatin, fluorouracil
    )


def second_patient(data: PharmacyYear, make_user: MakeUser, year: int = 2025) -> Folfox:
    """A second FOLFOX-4 patient («Verdi», ICD-9-CM 153.9 «Colon»), taken in charge and made
    at the hood on 2 June of Y−3 (outside Y), then in Y: a new vial of oxaliplatin, 100 mg
    drawn on 03/02/2025, and 20 mg from a leftover on 04/02/2025, for its oxaliplatin."""
    physician = data.physician
    with time_machine.travel(_at(date(year - 3, 6, 2), 9), tick=True):
        today = timezone.localdate()
        first = Preparation.objects.filter(order_item__ingredient__code="oxaliplatin").first()
        assert first is not None
        patient = measured_patient(
            registrar=make_user(Role.COORDINATOR), physician=physician, surname="Verdi"
        )
        diagnosis = services.diagnosis_record(
            actor=physician, workstation=None, patient_id=patient.pk, code="153.9", label="Colon"
        )
        order = services.order_create(
            actor=physician,
            workstation=None,
            patient_id=patient.pk,
            regimen_version_id=first.order.regimen_version_id,
            start_date=today,
            diagnosis_id=diagnosis.pk,
        )
        for event in ("confirm", "send"):
            services.order_transition(
                actor=physician, workstation=None, order_id=order.pk, event=event
            )
        folfox = Folfox(order=order, patient=patient, aic=ensure_demo_packs())
        preps = make_preparations(
            folfox, pharmacist=data.pharmacist, technician=data.technician_a, day=today
        )
    oxa = next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")
    at = _at(date(year, 2, 3), 10)
    _draw(oxa, data.oxaliplatin, "100", at, data.technician_a, source=VialSource.NEW)
    _draw(oxa, data.oxaliplatin, "20", _at(date(year, 2, 4), 10), data.technician_a)
    return folfox
