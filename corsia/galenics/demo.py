"""Demo galenic laboratory: the raw materials (``data/raw_materials.jsonl``, imported
into the drug archive), their lots loaded into the pharmacy, two published formulas — a
magistral oral suspension for a child (omeprazole 2 mg/mL in sodium bicarbonate 8,4%) and
an officinal ointment (zinc oxide 10% in white soft paraffin), a zinc oxide paste 25% with
its base quanto basta — and one batch of the
ointment prepared by the technician and released by a second pharmacist. Through the
services; idempotent: nothing is done when the formulas exist."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from corsia.core.actors import User
from corsia.drugs.selectors import products_by_code
from corsia.drugs.services import catalogue_import
from corsia.galenics import services
from corsia.galenics.models import Formula
from corsia.inventory import services as stock
from corsia.inventory.selectors import cost_center_options, stock_locations

DATA = Path(__file__).parent / "data" / "raw_materials.jsonl"
COST_CENTER = "CC-FARM-GAL"

SUSPENSION = services.FormulaInput(
    code="omeprazolo-sosp-2mg-ml",
    name="Omeprazolo sospensione orale 2 mg/mL",
    kind="magistral",
    pharmaceutical_form="sospensione orale",
    batch_unit="mL",
    method=(
        "Pesare l'omeprazolo e il sodio bicarbonato. Sciogliere il bicarbonato in acqua "
        "depurata (8,4%), aggiungere l'omeprazolo triturato a piccole porzioni agitando fino "
        "a sospensione omogenea, portare a volume con acqua depurata. Confezionare in flacone "
        "di vetro ambrato con siringa dosatrice. Agitare prima dell'uso."
    ),
    stability_days=30,
    storage="In frigorifero (2-8 °C), al riparo dalla luce",
    quality_controls=("appearance", "volume", "resuspension", "label"),
    ingredients=(
        services.IngredientInput("omeprazole_raw_g", Decimal(2), "mg", Decimal(1), "g"),
        services.IngredientInput(
            "sodium_bicarbonate_raw_g", Decimal(84), "mg", Decimal(1), "g", excipient=True
        ),
    ),
)
OINTMENT = services.FormulaInput(
    code="zinco-ossido-unguento-10",
    name="Unguento all'ossido di zinco 10%",
    kind="officinal",
    pharmaceutical_form="unguento",
    batch_unit="g",
    method=(
        "Setacciare lo zinco ossido, triturarlo con una parte della vaselina bianca fino a "
        "pasta liscia, incorporare la vaselina restante per diluizioni successive fino a "
        "omogeneità. Ripartire in vasetti."
    ),
    stability_days=180,
    storage="A temperatura inferiore a 25 °C",
    quality_controls=("appearance", "mass_uniformity", "label"),
    ingredients=(
        services.IngredientInput("zinc_oxide_raw_g", Decimal("0.1"), "g", Decimal(1), "g"),
        services.IngredientInput(
            "white_soft_paraffin_raw_g", Decimal("0.9"), "g", Decimal(1), "g", excipient=True
        ),
    ),
)
PASTE = services.FormulaInput(
    code="zinco-ossido-pasta-25",
    name="Pasta all'ossido di zinco 25%",
    kind="officinal",
    pharmaceutical_form="pasta",
    batch_unit="g",
    method=(
        "Setacciare lo zinco ossido, impastarlo con poca vaselina bianca fino a pasta liscia, "
        "incorporare la vaselina quanto basta al peso finale, per diluizioni successive. "
        "Ripartire in vasetti."
    ),
    stability_days=180,
    storage="A temperatura inferiore a 25 °C",
    quality_controls=("appearance", "mass_uniformity", "label"),
    ingredients=(
        services.IngredientInput("zinc_oxide_raw_g", Decimal("0.25"), "g", Decimal(1), "g"),
        services.IngredientInput(
            "white_soft_paraffin_raw_g", None, "g", Decimal(1), "g", quantum_satis=True
        ),
    ),
)
LOTS = (
    ("omeprazole_raw_g", "OME-2611", 400, 25),
    ("sodium_bicarbonate_raw_g", "BIC-2610", 500, 2),
    ("zinc_oxide_raw_g", "ZNO-2605", 500, 1),
    ("white_soft_paraffin_raw_g", "VAS-2609", 2000, 1),
)


def raw_materials_load() -> None:
    """The raw materials of the demo formulas in the drug archive (idempotent)."""
    catalogue_import(content=DATA.read_bytes(), file_name=DATA.name, source="galenics demo")


def _stock(pharmacist: User) -> None:
    now = timezone.now()
    products = products_by_code(code for code, *_ in LOTS)
    location = stock_locations()[0]
    stock.stock_load(
        actor=pharmacist,
        workstation="demo",
        supplier="Fornitore materie prime FU",
        document_number="DDT-GAL-1",
        document_date=now.date(),
        lines=[
            stock.LoadLine(
                product=products[code],
                lot=lot,
                expiry=now.date() + timedelta(days=365 + 30 * n),
                quantity=units,
                unit_cost=Decimal(cost),
            )
            for n, (code, lot, units, cost) in enumerate(LOTS)
        ],
        location=location,
        now=now,
    )


def ensure_demo_galenics(*, pharmacist: User, releaser: User, technician: User) -> int:
    """The formulas published (their number) and one batch released (0 when already
    there)."""
    if Formula.objects.filter(code=SUSPENSION.code).exists():
        return 0
    raw_materials_load()
    if not cost_center_options().filter(code=COST_CENTER).exists():
        stock.cost_center_save(
            actor=pharmacist, workstation="demo", code=COST_CENTER, name="Farmacia — galenica"
        )
    _stock(pharmacist)
    published = []
    for data in (SUSPENSION, OINTMENT, PASTE):
        draft = services.formula_create(actor=pharmacist, workstation="demo", data=data)
        published.append(
            services.formula_publish(
                actor=pharmacist,
                workstation="demo",
                formula_id=draft.pk,
                expected_version=draft.version,
            )
        )
    batch = services.batch_open(
        actor=technician,
        workstation="demo",
        formula_id=published[1].pk,
        quantity=Decimal(500),
        cost_center_code=COST_CENTER,
    )
    lots = {code: lot for code, lot, *_ in LOTS}
    for line in batch.lines.select_related("product"):
        services.line_weigh(
            actor=technician,
            workstation="demo",
            line_id=line.pk,
            quantity=line.required or Decimal(0),  # the ointment has no vehicle q.b.
            lot=lots[line.product.code],
        )
    for control in OINTMENT.quality_controls:
        services.qc_record(
            actor=technician, workstation="demo", batch_id=batch.pk, control=control, passed=True
        )
    services.batch_prepared(actor=technician, workstation="demo", batch_id=batch.pk)
    services.batch_release(actor=releaser, workstation="demo", batch_id=batch.pk)
    return len(published)
