from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.drugs.models import ActiveIngredient, MedicinalProduct, Pack
from corsia.inventory import services
from corsia.inventory.models import CostCenter, StorageLocation
from corsia.patients.models import Patient, Ward, WardAssignment
from corsia.testing.accounts import MakeUser, role_user
from corsia.testing.inventory import FU_GTIN, NOW, OXALI_GTIN, Load, WardScene

pharmacist = role_user(Role.PHARMACIST)


@pytest.fixture
def oxaliplatin(db: None) -> MedicinalProduct:
    ingredient = ActiveIngredient.objects.create(
        code="oxaliplatin", name_en="oxaliplatin", name_it="oxaliplatino", atc_code="L01XA03"
    )
    product = MedicinalProduct.objects.create(
        code="oxaliplatin_100mg_20ml_test",
        ingredient=ingredient,
        name="Oxaliplatino Test",
        strength=Decimal(100),
    )
    Pack.objects.create(code="oxali-test-1", product=product, aic="012345678", units_per_pack=1)
    return product


@pytest.fixture
def fluorouracil(db: None) -> MedicinalProduct:
    ingredient = ActiveIngredient.objects.create(
        code="fluorouracil", name_en="fluorouracil", name_it="fluorouracile", atc_code="L01BC02"
    )
    product = MedicinalProduct.objects.create(
        code="fluorouracil_1000mg_test",
        ingredient=ingredient,
        name="Fluorouracile Test",
        strength=Decimal(1000),
    )
    Pack.objects.create(code="fu-test-10", product=product, units_per_pack=10)
    return product


@pytest.fixture
def ward(db: None) -> Ward:
    return Ward.objects.create(code="DHONC", name="Day Hospital oncologico", kind="day_hospital")


@pytest.fixture
def cost_center(pharmacist: User, ward: Ward) -> CostCenter:
    return services.cost_center_save(
        actor=pharmacist, workstation="test", code="CC-DH", name="Day Hospital", ward=ward
    )


@pytest.fixture
def shelf(pharmacist: User) -> StorageLocation:
    cabinet = services.location_save(
        actor=pharmacist, workstation="test", code="A", name="Armadio A", kind="pharmacy",
        pick_order=1,
    )  # fmt: skip
    return services.location_save(
        actor=pharmacist, workstation="test", code="A1", name="Armadio A ripiano 1",
        kind="pharmacy", parent=cabinet, pick_order=1,
    )  # fmt: skip


@pytest.fixture
def load(pharmacist: User, shelf: StorageLocation) -> Load:
    """Load lots into ``shelf`` (or ``location``) with a document dated ``TODAY``."""

    def _load(
        product: MedicinalProduct,
        lot: str,
        expiry: date,
        quantity: int,
        *,
        unit_cost: str = "10.00",
        location: StorageLocation | None = None,
        now: datetime = NOW,
    ) -> None:
        services.stock_load(
            actor=pharmacist,
            workstation="test",
            supplier="Fornitore",
            document_number=f"DDT-{lot}",
            document_date=now.date(),
            lines=[
                services.LoadLine(
                    product=product,
                    lot=lot,
                    expiry=expiry,
                    quantity=quantity,
                    unit_cost=Decimal(unit_cost),
                    location=location,
                )
            ],
            location=shelf,
            now=now,
        )

    return _load


@pytest.fixture
def patient(db: None) -> Patient:
    return Patient.objects.create(
        mrn="P0001",
        codice_fiscale="RSSMRA85T10A562S",
        surname="Rossi",
        given_names="Mario",
        sex="M",
        date_of_birth=date(1985, 12, 10),
    )


# --- ward requests ----------------------------------------------------------------------


@pytest.fixture
def nurse(make_user: MakeUser, ward: Ward) -> User:
    """The day hospital's nurse, assigned to its ward (the ward requests she sees)."""
    user = make_user(Role.NURSE, username="inf_bianchi")
    WardAssignment.objects.create(user=user, ward=ward, assigned_by=user)
    return user


@pytest.fixture
def technician(make_user: MakeUser) -> User:
    return make_user(Role.TECHNICIAN, username="tec_neri")


@pytest.fixture
def cabinet(pharmacist: User, ward: Ward) -> StorageLocation:
    return services.location_save(
        actor=pharmacist, workstation="test", code="ARM-DH", name="Armadio Day Hospital",
        kind="ward_cabinet", ward=ward,
    )  # fmt: skip


@pytest.fixture
def scannable(oxaliplatin: MedicinalProduct, fluorouracil: MedicinalProduct) -> None:
    """The two products' packs carry a GS1 DataMatrix (oxaliplatin: 1 vial a pack;
    fluorouracil: 10 vials a pack); oxaliplatin's stamp a valid AIC (012345676: digits in
    odd places 0+2+4+6 = 12, in even places doubled 2+6+1+5 = 14, 26 mod 10 = 6)."""
    Pack.objects.filter(product=oxaliplatin).update(gtin=OXALI_GTIN, aic="012345676")
    Pack.objects.filter(product=fluorouracil).update(gtin=FU_GTIN)


@pytest.fixture
def scene(
    nurse: User, technician: User, cabinet: StorageLocation, scannable: None,
    request: pytest.FixtureRequest,
) -> WardScene:  # fmt: skip
    return WardScene(
        nurse=nurse,
        pharmacist=request.getfixturevalue("pharmacist"),
        technician=technician,
        cabinet=cabinet,
        shelf=request.getfixturevalue("shelf"),
        oxaliplatin=request.getfixturevalue("oxaliplatin"),
        fluorouracil=request.getfixturevalue("fluorouracil"),
        load=request.getfixturevalue("load"),
    )
