"""The demo hospital's stock: cost centres for the demo wards, the pharmacy layout
(cabinets A–C with shelves, a fridge, a day-hospital cabinet) and lots of the products of
common regimens (FOLFOX first), with one lot expiring soon and one already expired.

Unit costs here are demo values, not real prices. Idempotent: a second run finds the
delivery document and loads nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from corsia.core.actors import User
from corsia.drugs.selectors import products_by_code
from corsia.inventory import services
from corsia.inventory.models import CostCenter, StockMovement, StorageLocation
from corsia.patients.selectors import ward_inpatients, wards_with_places

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct

DEMO_WORKSTATION = "demo"
DEMO_SUPPLIER = "Fornitore dimostrativo S.p.A."

# cost centre code, name, ward code
COST_CENTERS = (
    ("CC-ONC", "Oncologia medica – degenza", "ONC"),
    ("CC-EMA", "Ematologia – degenza", "EMA"),
    ("CC-OEP", "Oncoematologia pediatrica", "OEP"),
    ("CC-DHONC", "Day Hospital oncologico", "DHONC"),
    ("CC-UFA", "Farmacia – UFA", "UFA"),
)

# code, name, kind, parent code, pick order, ward code
LOCATIONS = (
    ("FARM", "Magazzino farmacia", "pharmacy", None, 1, "UFA"),
    ("FARM-A", "Armadio A – antiblastici", "pharmacy", "FARM", 1, "UFA"),
    ("FARM-A1", "Armadio A, ripiano 1", "pharmacy", "FARM-A", 1, "UFA"),
    ("FARM-A2", "Armadio A, ripiano 2", "pharmacy", "FARM-A", 2, "UFA"),
    ("FARM-A3", "Armadio A, ripiano 3", "pharmacy", "FARM-A", 3, "UFA"),
    ("FARM-B", "Armadio B – antiblastici", "pharmacy", "FARM", 2, "UFA"),
    ("FARM-B1", "Armadio B, ripiano 1", "pharmacy", "FARM-B", 1, "UFA"),
    ("FARM-B2", "Armadio B, ripiano 2", "pharmacy", "FARM-B", 2, "UFA"),
    ("FARM-C", "Armadio C – supporto", "pharmacy", "FARM", 3, "UFA"),
    ("FARM-C1", "Armadio C, ripiano 1", "pharmacy", "FARM-C", 1, "UFA"),
    ("FRIGO-1", "Frigorifero 1 (2–8 °C)", "fridge", "FARM", 4, "UFA"),
    ("FRIGO-1A", "Frigorifero 1, ripiano alto", "fridge", "FRIGO-1", 1, "UFA"),
    ("FRIGO-1B", "Frigorifero 1, ripiano basso", "fridge", "FRIGO-1", 2, "UFA"),
    ("UFA-BOX", "UFA – zona filtro (prelievo del giorno)", "ufa", None, 2, "UFA"),
    ("DHONC-ARM", "Armadio di reparto Day Hospital", "ward_cabinet", None, 3, "DHONC"),
)

# product code, shelf, [(lot, days to expiry, units)], demo unit cost (€)
LOTS: tuple[tuple[str, str, tuple[tuple[str, int, int], ...], str], ...] = (
    ("oxaliplatin_50mg_10ml_oxaliplatino", "FARM-A1", (("OX50-2401", 45, 12), ("OX50-2407", 400, 30)), "18.50"),
    ("oxaliplatin_100mg_20ml_oxaliplatino", "FARM-A1", (("OX100-2403", 200, 20), ("OX100-2410", 520, 25)), "34.00"),
    ("calcium_levofolinate_50mg_5ml_calcio", "FARM-C1", (("LV50-2402", 300, 40),), "4.20"),
    ("calcium_levofolinate_175mg_17_5ml_calcio", "FARM-C1", (("LV175-2405", 25, 10), ("LV175-2411", 480, 30)), "12.90"),
    ("calcium_folinate_100mg_10ml_lederfolin", "FARM-C1", (("LF100-2404", 360, 30),), "3.10"),
    ("calcium_folinate_350mg_35ml_lederfolin", "FARM-C1", (("LF350-2406", 380, 20),), "9.80"),
    ("fluorouracil_500mg_10ml_fluorouracile", "FARM-A2", (("FU500-2402", 150, 40),), "2.30"),
    ("fluorouracil_1000mg_20ml_fluorouracile", "FARM-A2", (("FU1G-2403", 250, 30),), "3.90"),
    ("fluorouracil_5000mg_100ml_fluorouracile", "FARM-A2", (("FU5G-2312", -10, 4), ("FU5G-2405", 330, 12)), "16.00"),
    ("irinotecan_100mg_5ml_campto", "FARM-A3", (("IR100-2404", 280, 15),), "21.00"),
    ("irinotecan_300mg_15ml_campto", "FARM-A3", (("IR300-2406", 410, 10),), "58.00"),
    ("carboplatin_150mg_15ml_carboplatino", "FARM-B1", (("CB150-2403", 230, 20),), "7.50"),
    ("carboplatin_450mg_45ml_carboplatino", "FARM-B1", (("CB450-2405", 340, 15),), "19.00"),
    ("cisplatin_50mg_50ml_cisplatino", "FARM-B1", (("CP50-2402", 190, 20),), "6.40"),
    ("paclitaxel_100mg_16_7ml_paclitaxel", "FARM-B2", (("PX100-2404", 260, 15),), "28.00"),
    ("paclitaxel_300mg_50ml_paclitaxel", "FARM-B2", (("PX300-2407", 450, 10),), "75.00"),
    ("cyclophosphamide_1000mg_powder_endoxan", "FARM-B2", (("CY1G-2405", 365, 12),), "11.00"),
    ("doxorubicin_50mg_25ml_adriblastina", "FRIGO-1B", (("DX50-2404", 210, 12),), "24.00"),
    ("vincristine_2mg_2ml_vincristina", "FRIGO-1B", (("VC2-2403", 170, 10),), "9.50"),
    ("gemcitabine_1000mg_26_3ml_gemcitabina", "FRIGO-1B", (("GM1G-2405", 300, 12),), "22.00"),
    ("rituximab_100mg_10ml_mabthera", "FRIGO-1A", (("RX100-2404", 240, 6),), "210.00"),
    ("rituximab_500mg_50ml_mabthera", "FRIGO-1A", (("RX500-2406", 300, 8),), "1050.00"),
    ("bevacizumab_100mg_4ml_avastin", "FRIGO-1A", (("BV100-2405", 260, 6),), "300.00"),
    ("bevacizumab_400mg_16ml_avastin", "FRIGO-1A", (("BV400-2407", 330, 6),), "1180.00"),
)  # fmt: skip

DEMO_DOCUMENT = "DEMO-0001"
EXPIRED_DOCUMENT = "DEMO-0000"


def ensure_cost_centers_and_layout(*, actor: User) -> int:
    created = 0
    wards = {w.code: w for w in wards_with_places()}
    for code, name, ward_code in COST_CENTERS:
        if not CostCenter.objects.filter(code=code).exists():
            services.cost_center_save(
                actor=actor,
                workstation=DEMO_WORKSTATION,
                code=code,
                name=name,
                ward=wards.get(ward_code),
            )
            created += 1
    for code, name, kind, parent, order, ward_code in LOCATIONS:
        if not StorageLocation.objects.filter(code=code).exists():
            services.location_save(
                actor=actor,
                workstation=DEMO_WORKSTATION,
                code=code,
                name=name,
                kind=kind,
                pick_order=order,
                parent=StorageLocation.objects.get(code=parent) if parent else None,
                ward=wards.get(ward_code),
            )
            created += 1
    return created


@transaction.atomic
def ensure_demo_stock(*, actor: User) -> int:
    """Load the demo lots (one delivery now, one in the past whose lot has since expired)
    and a few unloads for a day-hospital patient; returns the movements created."""
    if StockMovement.objects.filter(reference=f"DDT {DEMO_DOCUMENT}").exists():
        return 0
    ensure_cost_centers_and_layout(actor=actor)
    now = timezone.now()
    today = timezone.localdate(now)
    products = products_by_code(row[0] for row in LOTS)
    shelves = StorageLocation.objects.in_bulk([row[1] for row in LOTS], field_name="code")
    current: list[services.LoadLine] = []
    past: list[services.LoadLine] = []
    for code, shelf, lots, cost in LOTS:
        product = products.get(code)
        if product is None:
            continue
        for lot, days, units in lots:
            line = services.LoadLine(
                product=product,
                lot=lot,
                expiry=today + timedelta(days=days),
                quantity=units,
                unit_cost=Decimal(cost),
                location=shelves[shelf],
            )
            (past if days < 0 else current).append(line)
    moved = 0
    farm = StorageLocation.objects.get(code="FARM")
    if past:
        then = now - timedelta(days=200)
        moved += len(
            services.stock_load(
                actor=actor,
                workstation=DEMO_WORKSTATION,
                supplier=DEMO_SUPPLIER,
                document_number=EXPIRED_DOCUMENT,
                document_date=timezone.localdate(then),
                lines=past,
                location=farm,
                now=then,
            )
        )
    moved += len(
        services.stock_load(
            actor=actor,
            workstation=DEMO_WORKSTATION,
            supplier=DEMO_SUPPLIER,
            document_number=DEMO_DOCUMENT,
            document_date=today,
            lines=current,
            location=farm,
            now=now,
        )
    )
    moved += _demo_folfox_unloads(actor=actor, products=products, now=now)
    return moved


def _demo_folfox_unloads(
    *, actor: User, products: dict[str, MedicinalProduct], now: datetime
) -> int:
    """One FOLFOX day for a day-hospital patient: vials charged to the DH cost centre."""
    patient = next(iter(ward_inpatients(user=actor, ward_code="DHONC")), None)
    center = CostCenter.objects.get(code="CC-DHONC")
    moved = 0
    for code, shelf, units in (
        ("oxaliplatin_100mg_20ml_oxaliplatino", "FARM-A1", 1),
        ("oxaliplatin_50mg_10ml_oxaliplatino", "FARM-A1", 1),
        ("calcium_levofolinate_175mg_17_5ml_calcio", "FARM-C1", 2),
        ("fluorouracil_1000mg_20ml_fluorouracile", "FARM-A2", 1),
        ("fluorouracil_5000mg_100ml_fluorouracile", "FARM-A2", 1),
    ):
        product = products.get(code)
        if product is None:
            continue
        moved += len(
            services.stock_unload(
                actor=actor,
                workstation=DEMO_WORKSTATION,
                product=product,
                quantity=units,
                location=StorageLocation.objects.get(code=shelf),
                cost_center=center,
                reference="demo:folfox",
                now=now,
                patient=patient,
            )
        )
    return moved


# --- ward requests (issue 19) -----------------------------------------------------------

# the day hospital's cabinet: product code, par, reorder point, units already in it
CABINET = "DHONC-ARM"
PAR_LEVELS = (
    ("oxaliplatin_50mg_10ml_oxaliplatino", 6, 2, 2),
    ("fluorouracil_500mg_10ml_fluorouracile", 10, 3, 8),
    ("calcium_levofolinate_50mg_5ml_calcio", 10, 4, 3),
)
# the request waiting for the pharmacy: product code, units
REQUEST_LINES = (
    ("oxaliplatin_50mg_10ml_oxaliplatino", 4),
    ("calcium_levofolinate_50mg_5ml_calcio", 7),
)


@transaction.atomic
def ensure_demo_ward_requests(*, pharmacist: User, nurse: User, coordinator: User) -> int:
    """The day hospital's cabinet with par levels (set by the coordinator) and some stock
    (transferred from the pharmacy), and an urgent ward-stock request of the nurse's
    waiting for the pharmacy's evaluation. Needs the demo stock and the ward staff (the
    nurse assigned to the day hospital). Returns the requests created."""
    from corsia.inventory.models import ParLevel, WardRequest
    from corsia.inventory.services import ward_requests as wr

    cabinet = StorageLocation.objects.filter(code=CABINET).first()
    if cabinet is None or ParLevel.objects.filter(cabinet=cabinet).exists():
        return 0
    now = timezone.now()
    products = products_by_code(row[0] for row in PAR_LEVELS)
    for code, par, point, units in PAR_LEVELS:
        product = products.get(code)
        if product is None:
            continue
        wr.par_level_save(
            actor=coordinator, workstation=DEMO_WORKSTATION, cabinet=cabinet,
            product=product, par=par, reorder_point=point, now=now,
        )  # fmt: skip
        shelf = next(row[1] for row in LOTS if row[0] == code)
        services.stock_transfer(
            actor=pharmacist, workstation=DEMO_WORKSTATION, product=product, quantity=units,
            from_location=StorageLocation.objects.get(code=shelf), to_location=cabinet,
            reference="demo:dotazione iniziale", now=now,
        )  # fmt: skip
    lines = [
        wr.RequestLineInput(products[code], units)
        for code, units in REQUEST_LINES
        if code in products
    ]
    if not lines or WardRequest.objects.filter(cabinet=cabinet).exists():
        return 0
    wr.ward_request_create(
        actor=nurse, workstation=DEMO_WORKSTATION, cabinet=cabinet, kind="ward_stock",
        urgency="urgent", lines=lines, now=now, submit=True,
        note="Reintegro per le sedute FOLFOX di domani.",
    )  # fmt: skip
    return 1
