"""The procurement and accounting interfaces: goods receipts from the procurement system
(preview, match, load, duplicate DDT, bad files) and consumption by cost centre exported
for accounting (hand-computed figures)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import CorsiaError
from corsia.drugs.models import MedicinalProduct
from corsia.inventory import selectors, services
from corsia.inventory.domain.accounting import ConsumptionLine, consumption_csv
from corsia.inventory.domain.procurement import (
    MAX_FILE_BYTES,
    ProcurementFileInvalid,
    decode_procurement_file,
    parse_procurement_csv,
    per_unit_cost,
)
from corsia.inventory.models import CostCenter, StockLot, StockMovement, StorageLocation
from corsia.testing.accounts import logged_in
from corsia.testing.inventory import NOW, TODAY, Load

pytestmark = pytest.mark.django_db

HEADER = "ddt_number;ddt_date;supplier;aic;gtin;lot;expiry;packs;unit_cost;order_ref\n"
GOOD = HEADER + ("DDT-900;2026-10-14;Farmaco SpA;012345678;;OX27;2027-06-30;3;345,00;ORD-77\n")


def _snapshot() -> tuple[int, int, int]:
    return StockLot.objects.count(), StockMovement.objects.count(), AuditEvent.objects.count()


# --- domain ------------------------------------------------------------------------------


def test_pack_cost_becomes_the_unit_cost_by_hand() -> None:
    # 345.00 € a pack of 10 vials = 34.5000 € a vial; 100.00 € / 3 = 33.33333… → 33.3333
    assert per_unit_cost(Decimal("345.00"), 10) == Decimal("34.5000")
    assert per_unit_cost(Decimal("100.00"), 3) == Decimal("33.3333")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (GOOD.encode("utf-16"), "procurement_file_invalid"),  # not UTF-8
        (GOOD.replace("Farmaco", "Farmacò").encode("latin-1"), "procurement_file_invalid"),
        (GOOD.encode() + b"\x00", "procurement_file_invalid"),
        (b"x" * (MAX_FILE_BYTES + 1), "file_too_large"),
    ],
)
def test_unreadable_files_are_refused_whole(content: bytes, code: str) -> None:
    with pytest.raises(ProcurementFileInvalid) as refused:
        parse_procurement_csv(decode_procurement_file(content), today=TODAY)
    assert refused.value.code == code


def test_missing_columns_name_them() -> None:
    with pytest.raises(ProcurementFileInvalid) as refused:
        parse_procurement_csv("ddt_number;supplier;aic;lot\nX;Y;012345678;L\n", today=TODAY)
    assert refused.value.code == "procurement_columns_missing"
    assert refused.value.details["missing"] == ["ddt_date", "expiry", "packs", "unit_cost"]


def test_each_bad_line_keeps_its_problems() -> None:
    text = HEADER + (
        "D1;2026-10-14;F;012345678;;L1;2027-01-31;-2;10;\n"  # negative packs
        "D1;2026-10-14;F;012345678;;L2;2027-01-31;1;1e308;\n"  # cost out of range
        "D1;2026-10-14;F;;;L3;2025-01-31;1;10;\n"  # no code, expired
        "D1;2026-10-14;F;12AB;;L4;2027-01-31;1;10\n"  # AIC not 9 digits, one field short
    )
    lines = parse_procurement_csv(text, today=TODAY)
    assert [line.line for line in lines] == [2, 3, 4, 5]
    assert lines[0].problems == ("quantità in confezioni (intero da 1 a 100000) non valida: «-2»",)
    assert lines[1].problems == ("costo per confezione non valida: «1e308»",)
    assert set(lines[2].problems) == {
        "manca il codice della confezione (AIC o GTIN)",
        "lotto scaduto il 31/01/2025: non si carica",
    }
    assert lines[3].problems == ("9 campi invece di 10 dell'intestazione",)


# --- service -----------------------------------------------------------------------------


def test_a_ddt_is_loaded_in_units_at_the_unit_cost_and_a_reimport_is_a_duplicate(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation
) -> None:
    # the oxaliplatin pack (AIC 012345678) holds 1 vial: 3 packs at 345.00 € = 3 vials at 345
    preview = services.procurement_preview(actor=pharmacist, content=GOOD.encode(), today=TODAY)
    assert preview.ok and preview.lines[0].units == 3
    assert preview.value == Decimal("1035.00")
    movements = services.procurement_import(
        actor=pharmacist, workstation="t", content=GOOD.encode(), file_name="ddt.csv",
        location=shelf, now=NOW,
    )  # fmt: skip
    (movement,) = movements
    assert (movement.quantity, movement.unit_cost, movement.reference) == (
        3, Decimal("345.0000"), "DDT DDT-900",
    )  # fmt: skip
    assert movement.pack is not None and movement.pack.aic == "012345678"
    event = AuditEvent.objects.get(event_type="inventory.procurement_imported")
    assert event.after is not None
    assert event.after["orders"] == {"DDT-900": ["ORD-77"]}
    before = _snapshot()
    with pytest.raises(CorsiaError) as refused:
        services.procurement_import(
            actor=pharmacist, workstation="t", content=GOOD.encode(), file_name="ddt.csv",
            location=shelf, now=NOW,
        )  # fmt: skip
    assert refused.value.code == "delivery_duplicate"
    assert _snapshot() == before


def test_an_unknown_aic_flags_its_line_and_nothing_is_loaded(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation
) -> None:
    text = GOOD + "DDT-900;2026-10-14;Farmaco SpA;099999999;;ZZ;2027-06-30;1;5;\n"
    preview = services.procurement_preview(actor=pharmacist, content=text.encode(), today=TODAY)
    assert not preview.ok
    assert preview.lines[1].problems == ("AIC 099999999 non presente nell'archivio farmaci",)
    before = _snapshot()
    with pytest.raises(CorsiaError) as refused:
        services.procurement_import(
            actor=pharmacist, workstation="t", content=text.encode(), file_name="x.csv",
            location=shelf, now=NOW,
        )  # fmt: skip
    assert refused.value.code == "procurement_lines_invalid"
    assert refused.value.details["errors"] == [
        {"line": 3, "message": "AIC 099999999 non presente nell'archivio farmaci"}
    ]
    assert _snapshot() == before


# --- page and API ------------------------------------------------------------------------


def test_the_page_previews_then_confirms(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation
) -> None:
    client = logged_in(pharmacist)
    text = GOOD.replace("2026-10-14", (timezone.localdate() - timedelta(days=1)).isoformat())
    page = client.post(
        "/inventory/procurement/",
        {
            "action": "preview",
            "location": "A1",
            "file": SimpleUploadedFile("ddt.csv", text.encode()),
        },
    )
    assert page.status_code == 200
    assert b"abbinata" in page.content and b"procurement-confirm" in page.content
    content = page.context["content"]
    assert StockMovement.objects.count() == 0  # the preview wrote nothing
    done = client.post(
        "/inventory/procurement/",
        {"action": "confirm", "location": "A1", "content": content, "file_name": "ddt.csv"},
    )
    assert done.status_code == 302
    assert StockMovement.objects.filter(reference="DDT DDT-900").count() == 1
    again = client.post(
        "/inventory/procurement/",
        {"action": "confirm", "location": "A1", "content": content, "file_name": "ddt.csv"},
    )
    assert again.status_code == 422 and "già caricato" in again.content.decode()


def test_a_50_mb_file_is_refused_by_size(pharmacist: User, shelf: StorageLocation) -> None:
    big = SimpleUploadedFile("big.csv", b"0" * (50 * 1024 * 1024))
    page = logged_in(pharmacist).post(
        "/inventory/procurement/", {"action": "preview", "location": "A1", "file": big}
    )
    assert page.status_code in (413, 422)
    response = logged_in(pharmacist).post(
        "/api/v1/inventory/procurement/preview", b"0" * (50 * 1024 * 1024), content_type="text/csv"
    )
    assert response.status_code == 413


def test_the_api_previews_and_loads(
    pharmacist: User, oxaliplatin: MedicinalProduct, shelf: StorageLocation
) -> None:
    client = logged_in(pharmacist)
    text = GOOD.replace("2026-10-14", (timezone.localdate() - timedelta(days=1)).isoformat())
    preview = client.post(
        "/api/v1/inventory/procurement/preview", text.encode(), content_type="text/csv"
    )
    assert preview.status_code == 200, preview.content
    assert preview.json()["lines"][0]["product_code"] == "oxaliplatin_100mg_20ml_test"
    done = client.post(
        "/api/v1/inventory/procurement?location=A1", text.encode(), content_type="text/csv"
    )
    assert done.status_code == 201, done.content
    again = client.post(
        "/api/v1/inventory/procurement?location=A1", text.encode(), content_type="text/csv"
    )
    assert (again.status_code, again.json()["code"]) == (409, "delivery_duplicate")


# --- consumption export ------------------------------------------------------------------


def test_consumption_export_by_hand(
    *,
    pharmacist: User, oxaliplatin: MedicinalProduct, fluorouracil: MedicinalProduct,
    shelf: StorageLocation, cost_center: CostCenter, load: Load,
) -> None:  # fmt: skip
    load(oxaliplatin, "OX", date(2027, 1, 31), 20, unit_cost="34.5678")
    load(fluorouracil, "FU", date(2027, 1, 31), 20, unit_cost="3.90")
    for product, units in ((oxaliplatin, 3), (fluorouracil, 2)):
        services.stock_unload(
            actor=pharmacist, workstation="t", product=product, quantity=units, location=shelf,
            cost_center=cost_center, reference="prep", now=NOW,
        )  # fmt: skip
    services.stock_return(
        actor=pharmacist, workstation="t", product=oxaliplatin, lot="OX", quantity=1,
        to_location=shelf, reason="non usato", now=NOW, cost_center=cost_center,
    )  # fmt: skip
    lines = selectors.consumption_lines(since=date(2026, 10, 1), until=date(2026, 10, 31))
    # oxaliplatin 3 − 1 = 2 vials × 34.5678 = 69.1356 → 69.14 €, 1 vial a pack → 2.00 packs
    # fluorouracil 2 × 3.90 = 7.80 €, 10 a pack → 0.20 packs, its pack has no AIC
    assert consumption_csv(lines).splitlines() == [
        "cost_center_code;cost_center_name;product_code;product_name;aic;units;packs;value_eur",
        "CC-DH;Day Hospital;fluorouracil_1000mg_test;Fluorouracile Test;;2;0.20;7.80",
        "CC-DH;Day Hospital;oxaliplatin_100mg_20ml_test;Oxaliplatino Test;012345678;2;2.00;69.14",
    ]
    assert selectors.consumption_lines(since=date(2026, 9, 1), until=date(2026, 9, 30)) == []
    response = logged_in(pharmacist).get(
        "/api/v1/inventory/consumption?since=2026-10-01&until=2026-10-31"
    )
    body = response.json()
    # 69.1356 + 7.80 = 76.9356 → 76.94 €
    assert (body["schema"], body["total_value_eur"]) == ("corsia.inventory.consumption/1", "76.94")
    assert body["rows"][1]["units"] == 2
    csv_file = logged_in(pharmacist).get(
        "/inventory/consumption/export/?since=2026-10-01&until=2026-10-31&format=csv"
    )
    assert csv_file.content.startswith("\ufeffcost_center_code;".encode())
    bad = logged_in(pharmacist).get(
        "/api/v1/inventory/consumption?since=2026-10-31&until=2026-10-01"
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "date_range_invalid")


def test_consumption_line_packs_are_rounded_half_up() -> None:
    # 7 units, 6 a pack: 1.1666… → 1.17 packs; value 10.005 → 10.01 €
    line = ConsumptionLine("C", "c", "p", "P", "", 7, 6, Decimal("10.005"))
    assert (line.packs, line.value_eur) == (Decimal("1.17"), Decimal("10.01"))
    assert json.loads(json.dumps({"v": str(line.value_eur)})) == {"v": "10.01"}
