"""An oral line taken several times a day (regimens' ``administrations_per_day``): its order
line keeps it, the cycle's tablets and the cumulative dose count every administration, and
``GET /api/v1/orders/{id}/oral-supply`` says what the pharmacy dispenses. Reference values by
hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.drugs.models import ActiveIngredient, MedicinalProduct
from corsia.patients.models import Patient
from corsia.prescribing import services
from corsia.prescribing.cumulative import order_cumulative
from corsia.prescribing.domain.oral_supply import OralLine, TabletSupply, cycle_supply
from corsia.prescribing.models import TherapyOrder
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.prescribing import library_version

START = date(2026, 3, 2)

pytestmark = pytest.mark.django_db


@pytest.fixture
def capecitabine_mbc(make_user: MakeUser) -> RegimenVersion:
    version = library_version(
        "CAPE-MBC", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )
    capecitabine = ActiveIngredient.objects.get(code="capecitabine")
    for strength in (150, 500):
        MedicinalProduct.objects.create(
            code=f"capecitabine_{strength}",
            ingredient=capecitabine,
            name=f"Capecitabina {strength} mg",
            strength=Decimal(strength),
            physical_state="solid_oral",
        )
    return version


def _order(physician: User, patient: Patient, version: RegimenVersion) -> TherapyOrder:
    return services.order_create(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        regimen_version_id=version.pk,
        start_date=START,
    )


def test_the_cycle_supply_counts_every_administration() -> None:
    # capecitabine 2,500 mg twice a day on days 1-14 as 5 x 500 mg: 5 x 2 x 14 = 140 tablets;
    # a day at 2,650 mg (5 x 500 + 1 x 150) twice adds 2 tablets of 150 mg
    days = [date(2026, 3, d) for d in range(2, 16)]
    lines = [OralLine("capecitabine", day, 2, ((Decimal(500), 5),)) for day in days[:-1]] + [
        OralLine("capecitabine", days[-1], 2, ((Decimal(500), 5), (Decimal(150), 1)))
    ]
    assert cycle_supply(lines) == [
        TabletSupply("capecitabine", Decimal(500), 140, days[0], days[-1], 14, 10),
        TabletSupply("capecitabine", Decimal(150), 2, days[-1], days[-1], 1, 2),
    ]


def test_a_line_taken_zero_times_a_day_is_an_error_not_no_tablets() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        cycle_supply([OralLine("capecitabine", START, 0, ((Decimal(500), 5),))])


def test_capecitabine_twice_a_day_from_the_library(
    physician: User, patient: Patient, capecitabine_mbc: RegimenVersion
) -> None:
    # CAPE-MBC: capecitabine 1,255 mg/m² per administration, twice a day, days 1-14.
    # Patient 180 cm, 80 kg: Mosteller BSA = sqrt(180 x 80 / 3600) = 2.00 m²;
    # 1,255 x 2.00 = 2,510 mg per administration. With 500 and 150 mg tablets no sum is
    # 2,510 (500a + 150b is a multiple of 50 and 2,510 - 500a is never a multiple of 150):
    # the closest is 2,500 mg = 5 x 500 mg (-0.4 %). Per cycle: 5 x 2 x 14 = 140 tablets.
    order = _order(physician, patient, capecitabine_mbc)
    lines = list(order.items.filter(ingredient__code="capecitabine"))
    assert len(lines) == 14
    assert {line.administrations_per_day for line in lines} == {2}
    assert {line.final_dose for line in lines} == {Decimal(2510)}
    assert lines[0].tablets["per_dose"] == [{"strength_mg": "500", "count": 5}]
    client = logged_in(physician)
    response = client.get(f"/api/v1/orders/{order.pk}/oral-supply")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["without_tablets"] == []
    assert body["supply"] == [
        {
            "ingredient": "capecitabine",
            "strength_mg": "500",
            "tablets": 140,
            "first_day": "2026-03-02",
            "last_day": "2026-03-15",
            "days": 14,
            "most_per_day": 10,
        }
    ]
    item = client.get(f"/api/v1/orders/{order.pk}").json()["items"][0]
    assert (item["administrations_per_day"], item["tablets_per_dose"]) == (
        2,
        [{"strength_mg": "500", "count": 5}],
    )


def test_the_order_page_says_twice_a_day(
    physician: User, patient: Patient, capecitabine_mbc: RegimenVersion
) -> None:
    order = _order(physician, patient, capecitabine_mbc)
    first = order.items.filter(ingredient__code="capecitabine").first()
    assert first is not None
    client = logged_in(physician)
    page = client.get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert f'data-testid="per-day-{first.pk}">× 2 volte al giorno' in page


def test_the_cumulative_dose_counts_both_administrations(
    physician: User, patient: Patient, capecitabine_mbc: RegimenVersion
) -> None:
    # a lifetime limit on capecitabine (for the test) in mg: the cycle gives
    # 2,510 mg x 2 a day x 14 days = 70,280 mg, not 35,140 mg
    ActiveIngredient.objects.filter(code="capecitabine").update(
        cumulative_limit=Decimal(1_000_000), cumulative_limit_unit="mg"
    )
    order = _order(physician, patient, capecitabine_mbc)
    (tally,) = order_cumulative(order)
    assert tally.total == Decimal(70280)


def test_oral_supply_of_an_order_the_reader_cannot_see_is_not_found(
    physician: User, patient: Patient, capecitabine_mbc: RegimenVersion, make_user: MakeUser
) -> None:
    order = _order(physician, patient, capecitabine_mbc)
    client = logged_in(physician)
    response = client.get(f"/api/v1/orders/{order.pk + 1000}/oral-supply")
    assert response.status_code == 404
    assert response.json()["code"] == "order_not_found"
