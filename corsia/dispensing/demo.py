"""The demo direct distribution desk: the desk's shelf (``DD``) and cost centre
(``CC-DD``), oral drugs of the archive in stock there (capecitabine 500 mg and 150 mg,
temozolomide 100 mg: lots and expiries a tester can type, see ``BARCODES``), and one
outpatient with a capecitabine therapy plan and a delegation to collect. Through the
services; idempotent: nothing is done when the desk's shelf exists."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from corsia.core.actors import User
from corsia.dispensing import services
from corsia.dispensing.models import TherapyPlan
from corsia.drugs.selectors import products_by_code
from corsia.inventory import services as stock
from corsia.inventory.selectors import location_options

WORKSTATION = "demo"
LOCATION = "DD"
COST_CENTER = "CC-DD"
DOCUMENT = "DEMO-DD-0001"

# product code, AIC of its pack, lot, days to expiry, units
LOTS = (
    ("capecitabine_500mg_xeloda", "035219029", "CAP500-D1", 300, 1200),
    ("capecitabine_500mg_xeloda", "035219029", "CAP500-D2", 540, 1200),
    ("capecitabine_150mg_xeloda", "035219017", "CAP150-D1", 400, 600),
    ("temozolomide_100mg_temodal", "034527150", "TMZ100-D1", 360, 50),
)


def barcodes(today: date) -> list[str]:
    """What a tester types in the scan field: per lot, the GS1 DataMatrix of one pack (AI
    716 AIC, 17 expiry AAMMGG, 10 lot, 21 serial) and the pack's AIC barcode (FEFO)."""
    result = []
    for _code, aic, lot, days, _units in LOTS:
        expiry = today + timedelta(days=days)
        result.append(f"(716){aic}(17){expiry:%y%m%d}(10){lot}(21)0001")
        result.append(f"A{aic}")
    return result


def ensure_demo_dispensing(*, pharmacist: User, physician: User, patient_id: int | None) -> str:
    """The desk, its stock, and the patient's plan and delegation (``patient_id``: an
    adult demo outpatient)."""
    if location_options().filter(code=LOCATION).exists():
        return "already there"
    now = timezone.now()
    today = timezone.localdate(now)
    location = stock.location_save(
        actor=pharmacist, workstation=WORKSTATION, code=LOCATION,
        name="Distribuzione diretta – banco", kind="pharmacy", pick_order=9,
    )  # fmt: skip
    stock.cost_center_save(
        actor=pharmacist, workstation=WORKSTATION, code=COST_CENTER,
        name="Farmacia – distribuzione diretta",
    )  # fmt: skip
    products = products_by_code({code for code, *_rest in LOTS})
    lines = [
        stock.LoadLine(
            product=products[code], lot=lot, expiry=today + timedelta(days=days),
            quantity=units, unit_cost=Decimal("0.5000"),
        )
        for code, _aic, lot, days, units in LOTS
        if code in products
    ]  # fmt: skip
    stock.stock_load(
        actor=pharmacist, workstation=WORKSTATION, supplier="Fornitore dimostrativo S.p.A.",
        document_number=DOCUMENT, document_date=today, lines=lines, location=location, now=now,
    )  # fmt: skip
    if patient_id is None or "capecitabine_500mg_xeloda" not in products:
        return f"{len(lines)} lots at the desk"
    if not TherapyPlan.objects.filter(patient_id=patient_id).exists():
        services.plan_record(
            actor=pharmacist, workstation=WORKSTATION, patient_id=patient_id,
            data=services.PlanInput(
                prescriber_id=physician.pk, product_code="capecitabine_500mg_xeloda",
                daily_units=Decimal(6), valid_from=today - timedelta(days=7),
                valid_to=today + timedelta(days=172), plan_number="PT-DEMO-0001",
            ),
            now=now,
        )  # fmt: skip
        services.delegation_record(
            actor=pharmacist, workstation=WORKSTATION, patient_id=patient_id,
            data=services.DelegationInput(
                delegate_name="Lucia Rossi", delegate_fiscal_code="RSSLCU60A41A562Q",
                identity_document="Carta d'identità CA12345AB",
                valid_from=today - timedelta(days=7), valid_to=today + timedelta(days=180),
            ),
            now=now,
        )  # fmt: skip
    return f"{len(lines)} lots at the desk, a therapy plan and a delegation"
