"""The stock pages render for the roles that hold inventory.view_stock; the load page
loads a document and refuses a bad CSV naming its lines; the File F command writes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.drugs.models import MedicinalProduct
from corsia.inventory import services
from corsia.inventory.models import CostCenter, StockLot, StockMovement, StorageLocation
from corsia.patients.models import Patient
from corsia.testing.accounts import logged_in


def _load_today(user: User, product: MedicinalProduct, shelf: StorageLocation) -> None:
    today = timezone.localdate()
    services.stock_load(
        actor=user, workstation="t", supplier="Ditta", document_number="DDT-1",
        document_date=today, location=shelf, now=timezone.now(),
        lines=[
            services.LoadLine(product, "SOON", today + timedelta(days=30), 4, Decimal("10.00")),
        ],
    )  # fmt: skip


PAGES = ("/inventory/", "/inventory/expiring/", "/inventory/movements/", "/inventory/consumption/")


@pytest.mark.parametrize(
    "role", [Role.PHARMACIST, Role.TECHNICIAN, Role.COORDINATOR, Role.ADMINISTRATOR]
)
def test_every_stock_page_renders_for_the_roles_that_view_stock(
    *,
    role: Role, make_user: object, pharmacist: User, oxaliplatin: MedicinalProduct,
    shelf: StorageLocation, cost_center: CostCenter,
) -> None:  # fmt: skip
    _load_today(pharmacist, oxaliplatin, shelf)
    services.stock_unload(
        actor=pharmacist, workstation="t", product=oxaliplatin, quantity=1, location=shelf,
        cost_center=cost_center, reference="preparation:1", now=timezone.now(),
    )  # fmt: skip
    client = logged_in(make_user(role))  # type: ignore[operator]  # factory fixture
    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Oxaliplatino Test" in page.content.decode(), url
    month = timezone.localdate().strftime("%Y-%m")
    consumption = client.get("/inventory/consumption/", {"month": month}).content.decode()
    assert 'data-testid="consumption-CC-DH"' in consumption
    filtered = client.get("/inventory/", {"q": "nessuno"}).content.decode()
    assert 'data-testid="stock-empty"' in filtered
    load_page = client.get("/inventory/load/")
    assert load_page.status_code == (200 if role in (Role.PHARMACIST, Role.TECHNICIAN) else 403)


@pytest.mark.parametrize("role", [Role.NURSE, Role.PHYSICIAN, Role.TRIAL_MONITOR])
def test_roles_without_view_stock_get_403(role: Role, make_user: object) -> None:
    client = logged_in(make_user(role))  # type: ignore[operator]  # factory fixture
    for url in (*PAGES, "/inventory/load/"):
        assert client.get(url).status_code == 403, url


def test_load_page_loads_a_delivery_document(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation
) -> None:
    today = timezone.localdate()
    data = {
        "action": "document",
        "doc-supplier": "Ditta",
        "doc-document_number": "DDT-77",
        "doc-document_date": today.isoformat(),
        "doc-location": str(shelf.pk),
        "line-TOTAL_FORMS": "2",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "40",
        "line-0-product": str(oxaliplatin.pk),
        "line-0-lot": "L77",
        "line-0-expiry": date(today.year + 2, 1, 31).isoformat(),
        "line-0-quantity": "6",
        "line-0-unit_cost": "34,50",
    }
    response = logged_in(pharmacist).post("/inventory/load/", data)
    assert response.status_code == 302
    assert response["Location"] == "/inventory/movements/?kind=load&q=DDT-77"
    assert StockLot.objects.get(lot="L77").quantity == 6


def test_load_page_refuses_a_bad_csv_naming_the_line_and_loads_nothing(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation
) -> None:
    content = (
        b"supplier;document_number;document_date;product_code;lot;expiry;quantity;unit_cost\n"
        b"Ditta;D1;2026-01-02;oxaliplatin_100mg_20ml_test;L1;2099-01-31;5;1.00\n"
        b"Ditta;D1;2026-01-02;oxaliplatin_100mg_20ml_test;L2;2099-01-31;cinque;1.00\n"
    )
    response = logged_in(pharmacist).post(
        "/inventory/load/",
        {
            "action": "csv",
            "csv-file": SimpleUploadedFile("consegne.csv", content, content_type="text/csv"),
            "csv-location": str(shelf.pk),
        },
    )
    assert response.status_code == 422
    assert "Riga 3: quantità (intero &gt; 0) non valida: «cinque»" in response.content.decode()
    assert StockMovement.objects.count() == 0


def test_file_f_command_writes_the_fixed_width_file(
    *,
    tmp_path: Path, make_user: object, pharmacist: User, oxaliplatin: MedicinalProduct,
    shelf: StorageLocation, cost_center: CostCenter, patient: Patient,
) -> None:  # fmt: skip
    _load_today(pharmacist, oxaliplatin, shelf)
    now = timezone.now()
    services.stock_unload(
        actor=pharmacist, workstation="t", product=oxaliplatin, quantity=2, location=shelf,
        cost_center=cost_center, reference="preparation:9", now=now, patient=patient,
    )  # fmt: skip
    target = tmp_path / "filef.txt"
    errors = StringIO()
    call_command(
        "file_f", "--month", timezone.localdate(now).strftime("%Y-%m"), "--format", "fixed",
        "--user", pharmacist.username, "--hospital-code", "190901", "--output", str(target),
        stderr=errors,
    )  # fmt: skip
    line = target.read_bytes().decode("ascii")
    day = timezone.localdate(now).strftime("%Y%m%d")
    assert line == (
        f"190901S{day[:6]}0000001RSSMRA85T10A562S{day}012345678L01XA03000002"
        "000000100000000000002000CC-DH     \r\n"
    )
    assert "1 record, 0 esclusi" in errors.getvalue()
