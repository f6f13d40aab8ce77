"""The synthetic centre's UFA, stock, chairs and toxicities, in bulk (COPY), from a seed.

For the orders :mod:`bench.centre` generated that reached the pharmacy (taken in charge
onwards), what a real unit would have recorded, with the values the platform's own code
computes:

* **Preparations** — one per pharmacy line, in the state its order and day imply
  (future days *validated*; today's in the order's state; past days *checked out*).
  Product: ``compounding.services.choose_product``; bag, volumes, concentration, expiry:
  ``compounding.domain.preparation.complete_preparation`` (the regimen's bag when it fits,
  else the archive's choice, as ``order_take_charge`` does; the expiry recomputed from the
  oldest opened content, as ``preparation_weigh`` does).
* **Vials** — first the open leftovers of the product's family (earliest expiry first,
  while stable), then new vials chosen by ``compounding.domain.vials.costs.best_vial_combination``
  over the family's real presentations (strengths and pack prices of the archive); what a
  new vial holds beyond the dose becomes a ``Leftover`` (``leftover_expiry``: waste at once
  without a documented opened stability), later used, or expired.
* **Weighings** — the gravimetric check of ``compounding.domain.gravimetric`` on the drug
  volumes (archive density) and the bag (diluent density); 1.5 % of first weighings are out
  of tolerance and done again. Release by a pharmacist, check-out into the patient bag,
  operator exposure per preparation, hood sessions.
* **Stock** — lots loaded from delivery documents when a product runs low (about four
  weeks of its use, lot expiry 8–30 months), FEFO unloads of every new vial at release
  charged to the cost centre of the order's ward, expired lots wasted. Never negative.
* **Administrations** — every non-oral line of a day that was given, in sequence, at a
  chair of the day hospital, by a nurse, with the three bedside scans; 1.2 % interrupted
  and 1.3 % partial with a reason. Today's running infusions are *started*.
* **Toxicities** — CTCAE v5 terms of the loaded dictionary after about a third of the
  cycles, grades 1–2 mostly, 3–4 a few %, only grades the term defines.
* **Access log** — the technician reading the worksheet, the nurse scanning the
  wristband, the physician reading the toxicities.

The shipped archive is incomplete for some compoundable products (no density, no diluted
stability, no compatible diluent: 38, 60 and 26 of 136): the platform rightly refuses to
complete or weigh such a preparation until the pharmacist fills the archive. In the bench
database only, :func:`prepare_unit` fills those gaps with marked placeholder values
(1.0 g/mL; 24 h at 2-8 °C; sodium chloride 0.9 %) — not clinical data — so that the
history can hold the preparations a real unit made.
"""

from __future__ import annotations

import json
import math
import os
import random
from bisect import insort
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import psycopg

from bench.records import LONG_INFUSION_MINUTES, Staff, UnitItem, UnitOrder, _copy
from corsia.administration.domain.bedside import diluent_volume_ml
from corsia.compounding.domain.diluents import DILUENT_DENSITY_G_ML
from corsia.compounding.domain.gravimetric import Component, gravimetric_check
from corsia.compounding.domain.leftovers import leftover_expiry
from corsia.compounding.domain.preparation import NACL_09, complete_preparation
from corsia.compounding.domain.preparation import Preparation as Completion
from corsia.compounding.domain.product import (
    ProductData,
    StorageTemperature,
    storage_temperature_from_text,
)
from corsia.compounding.domain.vials.costs import best_vial_combination
from corsia.compounding.domain.vials.inputs import VialSize
from corsia.compounding.domain.workflow import preparation_label_code
from corsia.core.domain.errors import CorsiaError
from corsia.patients.domain.wristband import wristband_payload

# Only pure domain code at module level: ``bench/__main__.py`` imports this module (through
# ``bench.generate``) before ``django.setup()``, so the ORM-backed modules (models, services,
# products) are imported inside the functions that run after it.
if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct

# Tables tracked by pghistory written here (ids explicit; history rows in bulk).
UNIT_TRACKED = (
    "compounding_worksession",
    "compounding_preparation",
    "compounding_leftover",
    "compounding_preparationvial",
    "compounding_weighing",
    "compounding_checkout",
    "compounding_exposurerecord",
    "inventory_stocklot",
    "administration_administration",
    "toxicity_toxicityrecord",
)
UNIT_SEQUENCES = UNIT_TRACKED

# Staff, hoods and chairs per scale (the demo users count among them).
UNIT_SIZES: dict[str, dict[str, int]] = {
    "tiny": {"chairs": 6, "nurses": 2, "technicians": 2, "pharmacists": 2, "hoods": 2},
    "S": {"chairs": 15, "nurses": 4, "technicians": 2, "pharmacists": 2, "hoods": 2},
    "M": {"chairs": 40, "nurses": 10, "technicians": 4, "pharmacists": 3, "hoods": 4},
    "L": {"chairs": 60, "nurses": 20, "technicians": 6, "pharmacists": 4, "hoods": 6},
}
BENCH_DENSITY_SOURCE = "Banco di prova: densità assunta 1,0 g/mL (centro sintetico)"
BENCH_ARCHIVE_NOTE = (
    " [Banco di prova: dato mancante completato per il centro sintetico (24 h a 2-8 °C in "
    "sodio cloruro 0,9%), non un dato clinico]"
)

WEIGHING_REDONE = 0.015
ADMIN_INTERRUPTED = 0.012
ADMIN_PARTIAL = 0.013
TOXICITY_PER_CYCLE = 0.35
TOXICITY_SECOND = 0.25
MG = Decimal("0.0001")
ML = Decimal("0.01")
G = Decimal("0.01")

TOXICITY_TERMS: dict[str, int] = {  # CTCAE v5 term -> relative frequency after a cycle
    "Fatigue": 20,
    "Nausea": 18,
    "Neutrophil count decreased": 12,
    "Diarrhea": 9,
    "Anemia": 8,
    "Peripheral sensory neuropathy": 7,
    "Alopecia": 6,
    "Vomiting": 6,
    "Mucositis oral": 5,
    "Constipation": 5,
    "Anorexia": 4,
    "Platelet count decreased": 4,
    "Dysgeusia": 3,
    "Palmar-plantar erythrodysesthesia syndrome": 3,
    "White blood cell decreased": 3,
    "Rash acneiform": 2,
    "Infusion related reaction": 2,
    "Hypertension": 2,
    "Febrile neutropenia": 1,
}
GRADE_WEIGHTS = {1: 62, 2: 31, 3: 6, 4: 1}
ATTRIBUTIONS = (
    ("possible", 40),
    ("probable", 35),
    ("definite", 10),
    ("unlikely", 10),
    ("unrelated", 5),
)
INTERRUPTIONS = (
    "Reazione infusionale: infusione sospesa, medico avvisato",
    "Sospetto stravaso: infusione interrotta, procedura stravasi avviata",
    "Occlusione dell'accesso venoso non risolvibile",
)
PARTIALS = (
    "Paziente con malessere: infusione terminata prima della fine su indicazione medica",
    "Sacca danneggiata alla connessione: parte del volume perso",
)

PREP_COLUMNS = (
    "id, created_at, updated_at, version, scheduled_date, state, state_reason, label_code, "
    "dose_mg, diluent, bag_volume_ml, bag_overfill_ml, volume_to_draw_ml, final_volume_ml, "
    "final_concentration_mg_ml, expiry_at, storage, protect_from_light, warnings, "
    "blocking_reason, planned_vials, started_at, ended_at, validated_at, released_at, "
    "checkout_id, hood_id, order_id, order_item_id, product_id, released_by_id, technician_id, "
    "updated_by_id, validated_by_id, session_id"
)
SESSION_COLUMNS = (
    "id, created_at, updated_at, date, started_at, ended_at, plan, hood_id, pharmacist_id, "
    "technician_id"
)
VIAL_COLUMNS = (
    "id, lot, lot_expiry, mg_drawn, ml_drawn, source, barcode, scanned_at, leftover_id, pack_id, "
    "preparation_id, product_id, scanned_by_id"
)
LEFTOVER_COLUMNS = (
    "id, created_at, updated_at, lot, lot_expiry, concentration_mg_ml, volume_ml, opened_at, "
    "expires_at, storage, protected_from_light, state, hood_id, product_id, from_preparation_id"
)
WEIGHING_COLUMNS = (
    "id, tare_g, measured_g, source, expected_g, deviation_g, deviation_percent, "
    "drug_deviation_percent, tolerance_percent, basis, passed, message, recorded_at, "
    "preparation_id, recorded_by_id"
)
CHECKOUT_COLUMNS = "id, day, delivery_document, checked_out_at, checked_out_by_id, order_id"
EXPOSURE_COLUMNS = "id, started_at, ended_at, ingredient_id, operator_id, hood_id, preparation_id"
LOT_COLUMNS = (
    "id, created_at, updated_at, lot, expiry, quantity, unit_cost, pack_id, product_id, location_id"
)
MOVEMENT_COLUMNS = (
    "kind, lot, expiry, quantity, unit_cost, reference, supplier, document_date, reason, "
    "workstation, at, actor_id, cost_center_id, pack_id, patient_id, product_id, "
    "from_location_id, to_location_id"
)
ADMIN_COLUMNS = (
    "id, created_at, updated_at, version, label_kind, preparation_ref, ingredient_code, "
    "ingredient_name, dose, dose_unit, volume_ml, duration_minutes, rate_ml_h, badge_verified, "
    "started_at, ended_at, state, volume_given_ml, reason, overridden_checks, override_reason, "
    "workstation, ended_by_id, nurse_id, order_id, order_item_id, patient_id, pump_id, "
    "updated_by_id"
)
SCAN_COLUMNS = (
    "kind, raw, outcome, codes, message, workstation, scanned_at, administration_id, nurse_id, "
    "order_item_id, patient_id"
)
TOXICITY_COLUMNS = (
    "id, created_at, updated_at, grade, attribution, onset_date, resolution_date, serious, "
    "notes, order_id, cycle_number, workstation, recorded_at, correction_reason, is_current, "
    "entered_in_error, entered_in_error_reason, entered_in_error_at, entered_in_error_by_id, "
    "patient_id, recorded_by_id, supersedes_id, term_id"
)


# ------------------------------------------------------------------ setup (autocommit)


def prepare_unit(conn: psycopg.Connection[Any], *, scale: str) -> None:
    """Synthetic staff, hoods and chairs for ``scale`` (idempotent), and the densities the
    gravimetric check needs. Before the centre's transaction; ordinary inserts (triggers on)."""
    sizes = UNIT_SIZES[scale]
    with conn.cursor() as cur:
        for role, demo, prefix, count in (
            ("nurse", "infermiere", "bench.inf", sizes["nurses"]),
            ("technician", "tecnico", "bench.tec", sizes["technicians"]),
            ("pharmacist", "farmacista", "bench.farm", sizes["pharmacists"] - 1),
        ):
            group = cur.execute(
                "SELECT g.group_id FROM accounts_user_groups g JOIN accounts_user u "
                "ON u.id = g.user_id WHERE u.username = %s",
                (demo,),
            ).fetchall()
            for n in range(1, count):
                username = f"{prefix}{n:02d}"
                row = cur.execute(
                    "INSERT INTO accounts_user (password, is_superuser, username, first_name, "
                    "last_name, email, is_staff, is_active, date_joined, tax_code, directory_dn) "
                    "VALUES ('!', false, %s, %s, 'BANCO', '', false, true, now(), '', '') "
                    "ON CONFLICT (username) DO NOTHING RETURNING id",
                    (username, f"{role.upper()} {n:02d}"),
                ).fetchone()
                if row is not None:
                    for (group_id,) in group:
                        cur.execute(
                            "INSERT INTO accounts_user_groups (user_id, group_id) VALUES (%s, %s)",
                            (row[0], group_id),
                        )
        for n in range(1, sizes["hoods"] + 1):
            cur.execute(
                "INSERT INTO compounding_hood (created_at, updated_at, code, name, kind, active) "
                "VALUES (now(), now(), %s, %s, 'bsc', true) ON CONFLICT (code) DO NOTHING",
                (f"B{n}", f"Cappa BSC {n} (banco di prova)"),
            )
        for n in range(1, sizes["chairs"] + 1):
            cur.execute(
                "INSERT INTO accounts_workstation (name, location, is_active) VALUES (%s, %s, true) "
                "ON CONFLICT (name) DO NOTHING",
                (f"DHONC-POLTRONA-{n:02d}", f"Day Hospital oncologico, poltrona {n}"),
            )
        compoundable = (
            "strength IS NOT NULL AND concentration IS NOT NULL "
            "AND physical_state NOT IN ('', 'solid_oral', 'other')"
        )
        cur.execute(
            "UPDATE drugs_medicinalproduct SET density_g_ml = 1.0, density_source = %s "  # noqa: S608
            f"WHERE density_g_ml IS NULL AND {compoundable}",
            (BENCH_DENSITY_SOURCE,),
        )
        cur.execute(
            "UPDATE drugs_medicinalproduct SET diluted_stability_hours = 24, "  # noqa: S608
            "diluted_stability_temperature = '2-8 °C', stability_note = stability_note || %s "
            f"WHERE diluted_stability_hours IS NULL AND {compoundable}",
            (BENCH_ARCHIVE_NOTE,),
        )
        cur.execute(
            "UPDATE drugs_medicinalproduct SET compatible_diluents = %s::jsonb, "  # noqa: S608
            "stability_note = stability_note || %s "
            f"WHERE compatible_diluents = '[]'::jsonb AND {compoundable}",
            (json.dumps([NACL_09]), BENCH_ARCHIVE_NOTE),
        )
    conn.commit()


# ------------------------------------------------------------------ the archive (Django)


@dataclass(frozen=True)
class Product:
    id: int
    code: str
    data: ProductData
    pack_id: int | None
    barcode_kind: str  # "aic" | "gtin" | ""
    barcode_code: str
    unit_cost: Decimal
    units_per_pack: int
    supplier: str
    location_id: int
    family: tuple[VialSize, ...]


@dataclass
class Archive:
    """The compounding view of the drug archive: product choice and completion, cached."""

    products: dict[str, Product] = field(default_factory=dict)
    choice: dict[tuple[int, int], str | None] = field(default_factory=dict)
    strengths: dict[int, list[Decimal]] = field(default_factory=dict)
    completions: dict[tuple[str, Decimal, str], tuple[Completion | None, str]] = field(
        default_factory=dict
    )
    ingredients: dict[int, tuple[str, str]] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)

    def product_for(self, item: UnitItem) -> Product | None:
        """``choose_product`` of the line, asked once per ingredient and strength band."""
        strengths = self.strengths.get(item.ingredient_id, [])
        band = sum(1 for s in strengths if s <= item.final_dose)
        key = (item.ingredient_id, band)
        if key not in self.choice:
            from corsia.compounding.services import choose_product
            from corsia.prescribing.models import OrderItem

            chosen = choose_product(
                OrderItem(ingredient_id=item.ingredient_id, final_dose=item.final_dose)
            )
            self.choice[key] = chosen.code if chosen is not None else None
            if chosen is not None and chosen.code not in self.products:
                self._add(chosen)
        code = self.choice[key]
        return self.products[code] if code is not None else None

    def _add(self, chosen: MedicinalProduct) -> None:
        from corsia.compounding.products import NotCompoundable, family_products, product_data
        from corsia.drugs.models import Pack

        sizes: list[VialSize] = []
        members: list[tuple[MedicinalProduct, ProductData]] = []
        for member in family_products(chosen):
            try:
                members.append((member, product_data(member)))
            except NotCompoundable:
                continue
        for member, data in members:
            packs = [
                p
                for p in Pack.objects.filter(product=member).order_by("code")
                if p.units_per_pack and p.price_eur is not None
            ]
            unit = min(
                (Decimal(p.price_eur or 0) / p.units_per_pack for p in packs), default=Decimal(0)
            )
            sizes.append(VialSize(member.code, data.family, data.strength_mg, unit.quantize(G)))
        for member, data in members:
            pack = Pack.objects.filter(product=member).order_by("-price_eur", "code").first()
            kind, code = "", ""
            if pack is not None and pack.aic:
                kind, code = "aic", pack.aic
            elif pack is not None and pack.gtin:
                kind, code = "gtin", pack.gtin
            cold = storage_temperature_from_text(member.storage) is StorageTemperature.REFRIGERATED
            price = next(s.price_eur for s in sizes if s.product_code == member.code)
            self.products[member.code] = Product(
                id=member.pk,
                code=member.code,
                data=data,
                pack_id=pack.pk if pack is not None else None,
                barcode_kind=kind,
                barcode_code=code,
                unit_cost=price,
                units_per_pack=(pack.units_per_pack if pack is not None else 1) or 1,
                supplier=member.holder or "Distributore intermedio",
                location_id=self.locations["FRIGO-1A" if cold else "FARM-A1"],
                family=tuple(sizes),
            )

    def complete(
        self, product: Product, item: UnitItem, at: datetime, opened_at: datetime | None = None
    ) -> tuple[Completion | None, str]:
        """The worksheet of the line, as ``order_take_charge`` completes it."""
        key = (product.code, item.final_dose, item.preparation)
        if opened_at is None and key in self.completions:
            done, reason = self.completions[key]
            if done is None:
                return None, reason
            shift = at - done.prepared_at
            return _shifted(done, shift), ""
        from corsia.compounding.services import requested_bag  # the regimen's bag text

        diluent, volume = requested_bag(item.preparation)
        result: tuple[Completion | None, str]
        try:
            result = (
                complete_preparation(
                    dose_mg=item.final_dose,
                    product=product.data,
                    prepared_at=at,
                    opened_at=opened_at,
                    diluent=diluent,
                    bag_volume_ml=volume,
                ),
                "",
            )
        except CorsiaError as refused:
            result = (None, refused.message)
            if diluent is not None:  # the regimen's bag does not fit: the archive chooses
                try:
                    result = (
                        complete_preparation(
                            dose_mg=item.final_dose,
                            product=product.data,
                            prepared_at=at,
                            opened_at=opened_at,
                        ),
                        "",
                    )
                except CorsiaError as again:
                    result = (None, again.message)
        if opened_at is None:
            self.completions[key] = result
        return result


def _shifted(done: Completion, shift: timedelta) -> Completion:
    return replace(done, prepared_at=done.prepared_at + shift, expiry=done.expiry + shift)


def load_archive(cur: psycopg.Cursor[Any]) -> Archive:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CORSIA_DEMO", "1")
    import django

    django.setup()
    archive = Archive()
    for ingredient_id, strength in cur.execute(
        "SELECT ingredient_id, strength FROM drugs_medicinalproduct WHERE strength IS NOT NULL "
        "AND concentration IS NOT NULL AND biosimilar_of_id IS NULL "
        "AND physical_state NOT IN ('', 'solid_oral', 'other') ORDER BY strength"
    ):
        archive.strengths.setdefault(ingredient_id, []).append(strength)
    archive.ingredients = {
        r[0]: (r[1], r[2])
        for r in cur.execute(
            "SELECT id, code, coalesce(nullif(name_it, ''), name_en) FROM drugs_activeingredient"
        )
    }
    archive.locations = dict(
        cur.execute("SELECT code, id FROM inventory_storagelocation").fetchall()
    )
    return archive


# ------------------------------------------------------------------ the stock


@dataclass
class Lot:
    id: int
    code: str
    expiry: date
    quantity: int
    product: Product
    created_at: datetime
    updated_at: datetime


class Stock:
    """Lots per product, FEFO; delivered when a product runs low; expired lots wasted."""

    def __init__(self, rng: random.Random, staff: Staff, first_lot_id: int) -> None:
        self.rng, self.staff = rng, staff
        self.lots: dict[str, list[Lot]] = defaultdict(list)  # per product, by expiry
        self.all_lots: list[Lot] = []
        self.used: dict[str, deque[date]] = defaultdict(deque)
        self.movements: list[tuple[Any, ...]] = []
        self.next_lot_id = first_lot_id
        self.deliveries = 0
        self.lot_serial = 0

    def _on_hand(self, code: str, day: date) -> int:
        return sum(lot.quantity for lot in self.lots[code] if lot.expiry >= day)

    def _waste_expired(self, code: str, day: date, now: datetime) -> None:
        for lot in self.lots[code]:
            if lot.expiry < day and lot.quantity > 0:
                at = datetime.combine(lot.expiry + timedelta(days=1), dtime(8, 0), tzinfo=UTC)
                if at > now:
                    continue
                self.movements.append(
                    (
                        "waste", lot.code, lot.expiry, lot.quantity, lot.product.unit_cost, "",
                        "", None, f"Lotto scaduto il {lot.expiry:%d/%m/%Y}", "", at,
                        self.staff.pharmacists[0], None, lot.product.pack_id, None,
                        lot.product.id, lot.product.location_id, None,
                    )
                )  # fmt: skip
                lot.quantity, lot.updated_at = 0, at

    def _deliver(self, product: Product, at: datetime, units: int) -> None:
        packs = max(1, math.ceil(units / product.units_per_pack))
        quantity = packs * product.units_per_pack
        self.lot_serial += 1
        self.deliveries += 1
        code = f"B{at:%y}{self.lot_serial:06d}"
        expiry = at.date() + timedelta(days=self.rng.randint(240, 900))
        lot = Lot(self.next_lot_id, code, expiry, quantity, product, at, at)
        self.next_lot_id += 1
        insort(self.lots[product.code], lot, key=lambda x: (x.expiry, x.id))
        self.all_lots.append(lot)
        self.movements.append(
            (
                "load", code, expiry, quantity, product.unit_cost,
                f"DDT {at:%Y}/{self.deliveries:06d}", product.supplier, at.date(), "", "", at,
                self.rng.choice(self.staff.pharmacists), None, product.pack_id, None, product.id,
                None, product.location_id,
            )
        )  # fmt: skip

    def take(self, product: Product, at: datetime, now: datetime) -> Lot:
        """The lot a new vial comes from (first expiry first), delivering if needed."""
        day = at.date()
        code = product.code
        self._waste_expired(code, day, now)
        used = self.used[code]
        while used and used[0] < day - timedelta(days=28):
            used.popleft()
        on_hand = self._on_hand(code, day)
        if on_hand <= max(1, len(used) // 4):  # about a week left: order four weeks
            delivered = min(
                at - timedelta(minutes=40), datetime.combine(day, dtime(7, 30), tzinfo=UTC)
            )
            self._deliver(product, delivered, max(len(used), 4))
        used.append(day)
        lot = next(lot for lot in self.lots[code] if lot.expiry >= day and lot.quantity > 0)
        return lot

    def unload(
        self,
        lot: Lot,
        at: datetime,
        *,
        actor: int,
        cost_center: int | None,
        patient: int,
        label: str,
    ) -> None:
        lot.quantity -= 1
        lot.updated_at = max(lot.updated_at, at)
        self.movements.append(
            (
                "unload", lot.code, lot.expiry, 1, lot.product.unit_cost,
                f"preparation:{label}", "", None, "", "", at, actor, cost_center,
                lot.product.pack_id, patient, lot.product.id, lot.product.location_id, None,
            )
        )  # fmt: skip

    def close(self, today: date, now: datetime) -> None:
        for code in list(self.lots):
            self._waste_expired(code, today, now)


# ------------------------------------------------------------------ the unit


@dataclass
class Prep:
    """One preparation on its way; rows are written once it is complete."""

    id: int
    order: UnitOrder
    item: UnitItem
    product: Product | None
    state: str
    created_at: datetime
    started_at: datetime | None = None
    weighed_at: datetime | None = None
    released_at: datetime | None = None
    checkout_id: int | None = None
    hood: int | None = None
    session: int | None = None
    technician: int | None = None
    pharmacist: int | None = None
    updated_at: datetime | None = None


@dataclass
class Leftover:
    id: int
    product: Product
    lot: Lot
    ml: Decimal
    opened_at: datetime
    expires_at: datetime
    storage: str
    prep: int
    hood: int | None
    updated_at: datetime
    wasted: bool


def _spread(start: datetime, end: datetime, n: int) -> list[tuple[datetime, datetime]]:
    if n <= 0:
        return []
    step = max((end - start) / n, timedelta(minutes=4))
    return [(start + step * k, start + step * (k + 1)) for k in range(n)]


def _day_progress(order: UnitOrder, day: date, today: date, rng: random.Random) -> str:
    if day > today:
        return "validated"
    if day < today:
        return "administered"
    if day == order.first:
        return {
            "taken_in_charge": "validated",
            "in_preparation": "in_progress",
            "prepared": "released",
            "delivered": "running",
            "administered": "administered",
        }[order.state]
    return rng.choice(("validated", "released", "running"))


def generate_unit(
    cur: psycopg.Cursor[Any],
    *,
    orders: list[UnitOrder],
    staff: Staff,
    rng: random.Random,
    today: date,
    now: datetime,
) -> tuple[dict[str, int], list[tuple[datetime, int, int, str, str]]]:
    """COPY the unit's rows for ``orders``; returns the counts and the reads to log."""
    archive = load_archive(cur)
    ids = {t: _next(cur, t) for t in UNIT_TRACKED}
    counts: dict[str, int] = defaultdict(int)
    reads: list[tuple[datetime, int, int, str, str]] = []
    hoods = [
        r[0] for r in cur.execute("SELECT id FROM compounding_hood WHERE active ORDER BY code")
    ]
    chairs = [
        r[0]
        for r in cur.execute(
            "SELECT name FROM accounts_workstation WHERE name LIKE 'DHONC-POLTRONA-%%' ORDER BY name"
        )
    ] or ["DHONC"]
    cost_centers = dict(
        cur.execute(
            "SELECT ward_id, id FROM inventory_costcenter WHERE ward_id IS NOT NULL ORDER BY code DESC"
        )
    )
    mrn = dict(
        cur.execute(
            "SELECT id, mrn FROM patients_patient WHERE id = ANY(%s)",
            (list({o.patient_id for o in orders}),),
        ).fetchall()
    )
    terms = {
        r[1]: (r[0], {g for g, text in enumerate(r[2:], start=1) if text})
        for r in cur.execute(
            "SELECT id, term, grade_1, grade_2, grade_3, grade_4, grade_5 FROM toxicity_ctcaeterm "
            "WHERE term = ANY(%s)",
            (list(TOXICITY_TERMS),),
        )
    }
    stock = Stock(rng, staff, ids["inventory_stocklot"])
    sessions: dict[tuple[date, int], tuple[int, int, int]] = {}
    session_rows: list[tuple[Any, ...]] = []

    def session_of(day: date, slot: int) -> tuple[int, int, int, int]:
        hood = hoods[slot % len(hoods)]
        key = (day, hood)
        if key not in sessions:
            k = day.toordinal() + slot
            technician = staff.technicians[k % len(staff.technicians)]
            pharmacist = staff.pharmacists[k % len(staff.pharmacists)]
            sid = ids["compounding_worksession"]
            ids["compounding_worksession"] += 1
            started = datetime.combine(day, dtime(7, 0), tzinfo=UTC)
            ended = None if day >= today else datetime.combine(day, dtime(15, 30), tzinfo=UTC)
            session_rows.append(
                (
                    sid,
                    started,
                    ended or started,
                    day,
                    started,
                    ended,
                    "{}",
                    hood,
                    pharmacist,
                    technician,
                )
            )
            sessions[key] = (sid, technician, pharmacist)
        sid, technician, pharmacist = sessions[key]
        return hood, sid, technician, pharmacist

    # pass 1: every preparation with its times; check-outs; administrations
    preps: list[Prep] = []
    checkout_rows: list[tuple[Any, ...]] = []
    admin_rows: list[list[Any]] = []
    scan_rows: list[tuple[Any, ...]] = []
    prep_of_item: dict[int, Prep] = {}
    slot_of_day: dict[date, int] = defaultdict(int)
    tox_rows: list[tuple[Any, ...]] = []
    suspected_rows: list[tuple[int, int]] = []
    for order in orders:
        taken = order.stamps.get("take_charge")
        validated = order.stamps.get("validate")
        assert taken is not None and validated is not None
        by_day: dict[date, list[UnitItem]] = defaultdict(list)
        for item in order.items:
            by_day[item.day].append(item)
        for day, items in sorted(by_day.items()):
            items.sort(key=lambda i: i.sequence)
            plan = order.days[day]
            progress = _day_progress(order, day, today, rng)
            first_day = day == order.first
            prep_start, prep_end, deliver = plan.prep_start, plan.prep_end, plan.deliver
            if first_day:
                prep_start = order.stamps.get("start_preparation", (0, prep_start))[1]
                prep_end = order.stamps.get("complete_preparation", (0, prep_end))[1]
                deliver = order.stamps.get("deliver", (0, deliver))[1]
            if day == today:  # nothing after now
                prep_start, prep_end, deliver = (
                    min(t, now) for t in (prep_start, prep_end, deliver)
                )
            pharmacy = [i for i in items if i.competence == "pharmacy"]
            slots = _spread(prep_start, prep_end, len(pharmacy))
            given_today = progress in ("administered", "running")
            checkout_id = None
            if given_today and pharmacy:
                checkout_id = ids["compounding_checkout"]
                ids["compounding_checkout"] += 1
                checkout_rows.append(
                    (
                        checkout_id, day, f"DDC-{day:%Y}-{checkout_id:07d}", deliver,
                        staff.pick(rng, "technician"), order.id,
                    )
                )  # fmt: skip
            for k, item in enumerate(pharmacy):
                product = archive.product_for(item)
                if progress == "validated" or (progress == "in_progress" and k > 0):
                    state = "validated"
                elif progress == "in_progress":
                    state = "in_progress"
                elif progress == "released":
                    state = "released"
                else:
                    state = "checked_out"
                prep = Prep(ids["compounding_preparation"], order, item, product, state, taken[1])
                ids["compounding_preparation"] += 1
                prep_of_item[item.id] = prep
                preps.append(prep)
                if state == "validated" and day == today and hoods:
                    prep.state = "assigned"
                if prep.state in ("assigned", "in_progress", "released", "checked_out"):
                    slot = slot_of_day[day]
                    slot_of_day[day] += 1
                    prep.hood, prep.session, prep.technician, prep.pharmacist = session_of(
                        day, slot
                    )
                if state in ("in_progress", "released", "checked_out"):
                    begin, finish = slots[k]
                    prep.started_at = begin
                    if state != "in_progress":
                        prep.weighed_at = finish - timedelta(minutes=3)
                        prep.released_at = finish
                prep.checkout_id = checkout_id if state == "checked_out" else None
            if not given_today:
                continue
            # the chair: lines in sequence (a portable pump goes home after connection)
            nurse = staff.pick(rng, "nurse")
            chair = rng.choice(chairs)
            cursor = max(plan.chair_start, deliver + timedelta(minutes=5))
            schedule = []
            for item in items:
                if item.route == "po":
                    continue
                minutes = item.duration_minutes or 5
                end = cursor + timedelta(minutes=minutes)
                schedule.append((item, cursor, end))
                away = minutes if minutes <= LONG_INFUSION_MINUTES else 15
                cursor += timedelta(minutes=away + (item.interval_after_minutes or 5))
            administered = order.stamps.get("administer")
            if day == order.last and administered is not None and schedule:
                # the order's 'administer' is when the last line in the chair ended
                limit = administered[1]
                chair_end = max(
                    (e if (i.duration_minutes or 5) <= LONG_INFUSION_MINUTES else s)
                    for i, s, e in schedule
                )
                if chair_end > limit:
                    begin = schedule[0][1]
                    span = max(chair_end - begin, timedelta(minutes=1))
                    room = max(limit - begin, timedelta(minutes=len(schedule)))
                    ratio = room / span
                    schedule = [
                        (
                            i,
                            begin + (s - begin) * ratio,
                            begin
                            + (s - begin) * ratio
                            + (e - s)
                            * (ratio if (i.duration_minutes or 5) <= LONG_INFUSION_MINUTES else 1),
                        )
                        for i, s, e in schedule
                    ]
            first_scan = True
            for item, start, end in schedule:
                if progress == "running" and start > now:
                    break
                running = progress == "running" and end > now
                made = prep_of_item.get(item.id)
                bag = None
                if item.competence == "pharmacy":
                    if made is None or made.product is None or item.amount_unit != "mg":
                        continue  # not compoundable from the archive: pending at the UFA
                    bag, _why = archive.complete(made.product, item, made.created_at)
                    if bag is None:
                        continue
                aid = ids["administration_administration"]
                ids["administration_administration"] += 1
                code, name = archive.ingredients[item.ingredient_id]
                label = (
                    ("PRP", preparation_label_code(made.id))
                    if made is not None
                    else ("WRD", f"WRD{item.id}")
                )
                volume = bag.final_volume_ml if bag else diluent_volume_ml(item.preparation)
                rate = (
                    (volume * 60 / item.duration_minutes).quantize(Decimal("0.1"))
                    if volume and item.duration_minutes
                    else None
                )
                roll = rng.random()
                state, given, reason = "completed", volume, ""
                if running:
                    state, given = "started", None
                elif roll < ADMIN_INTERRUPTED:
                    state, reason = "interrupted", rng.choice(INTERRUPTIONS)
                    given = (
                        (volume * Decimal(rng.uniform(0.1, 0.8))).quantize(ML) if volume else None
                    )
                elif roll < ADMIN_INTERRUPTED + ADMIN_PARTIAL:
                    state, reason = "partial", rng.choice(PARTIALS)
                    given = (
                        (volume * Decimal(rng.uniform(0.6, 0.95))).quantize(ML) if volume else None
                    )
                admin_rows.append(
                    [
                        aid, start, end if not running else start, 1 if running else 2, label[0],
                        label[1], code, name, item.final_dose, item.amount_unit, volume,
                        item.duration_minutes, rate, True, start, None if running else end, state,
                        given, reason, "[]", "", chair, None if running else nurse, nurse,
                        order.id, item.id, order.patient_id, None, nurse,
                    ]
                )  # fmt: skip
                counts[f"administrations_{state}"] += 1
                at = start - timedelta(minutes=1)
                for kind, raw in (
                    ("wristband", wristband_payload(mrn[order.patient_id])),
                    ("badge", "•••" + f"{nurse:03d}"[-3:]),
                    ("label", label[1]),
                ):
                    scan_rows.append(
                        (
                            kind,
                            raw,
                            "accepted",
                            "[]",
                            "",
                            chair,
                            at,
                            aid,
                            nurse,
                            item.id,
                            order.patient_id,
                        )
                    )
                if first_scan:
                    reads.append((at, nurse, order.patient_id, "braccialetto al letto", "web"))
                    first_scan = False
        if order.state == "administered":
            _toxicities(
                rng,
                order,
                archive=archive,
                terms=terms,
                staff=staff,
                today=today,
                now=now,
                ids=ids,
                rows=tox_rows,
                suspected=suspected_rows,
                reads=reads,
            )

    # pass 2: the hood, in time order (leftovers and stock are shared across orders)
    vial_rows: list[tuple[Any, ...]] = []
    weighing_rows: list[tuple[Any, ...]] = []
    exposure_rows: list[tuple[Any, ...]] = []
    prep_rows: list[tuple[Any, ...]] = []
    leftovers: dict[str, list[Leftover]] = defaultdict(list)  # per family, open ones
    all_leftovers: list[Leftover] = []
    started = sorted(
        (p for p in preps if p.started_at is not None), key=lambda p: (p.started_at, p.id)
    )
    for prep in preps:
        if prep.started_at is None:
            prep_rows.append(_prep_row(prep, archive, [], counts))
    for prep in started:
        assert prep.started_at is not None and prep.technician is not None
        product = prep.product
        item = prep.item
        if product is None or item.amount_unit != "mg":
            prep_rows.append(_prep_row(prep, archive, [], counts))
            continue
        moment = prep.started_at
        base, why = archive.complete(product, item, moment)
        if base is None:  # the archive cannot complete it: pending, nothing drawn
            prep_rows.append(_prep_row(prep, archive, [], counts, reason=why))
            continue
        reads.append(
            (
                moment,
                prep.technician,
                prep.order.patient_id,
                f"preparazione {preparation_label_code(prep.id)}",
                "web",
            )
        )
        remaining = item.final_dose
        planned: list[dict[str, Any]] = []
        drawn: list[tuple[Product, Decimal, Decimal]] = []  # product, mg, ml
        oldest_open: datetime | None = None
        at = moment
        family = product.data.family
        pool = leftovers[family]
        pool[:] = [x for x in pool if x.expires_at > moment + timedelta(minutes=10) and x.ml > 0]
        usable = [  # only open content the preparation's own stability allows
            x
            for x in pool
            if archive.complete(product, item, moment, opened_at=x.opened_at)[0] is not None
        ]
        for left in sorted(usable, key=lambda x: (x.expires_at, x.id)):
            if remaining <= 0:
                break
            available = left.ml * left.product.data.concentration_mg_ml
            mg = min(remaining, available).quantize(MG)
            ml = (mg / left.product.data.concentration_mg_ml).quantize(ML, ROUND_HALF_UP)
            if mg <= 0 or ml <= 0:
                continue
            at += timedelta(seconds=50)
            left.ml = max(Decimal(0), left.ml - ml)
            left.updated_at = at
            remaining -= mg
            oldest_open = min(oldest_open or left.opened_at, left.opened_at)
            vid = ids["compounding_preparationvial"]
            ids["compounding_preparationvial"] += 1
            vial_rows.append(
                (
                    vid,
                    left.lot.code,
                    left.lot.expiry,
                    mg,
                    ml,
                    "leftover",
                    "",
                    at,
                    left.id,
                    None,
                    prep.id,
                    left.product.id,
                    prep.technician,
                )
            )
            planned.append(
                {
                    "product": left.product.code,
                    "mg": str(mg),
                    "source": "leftover",
                    "leftover_id": left.id,
                }
            )
            drawn.append((left.product, mg, ml))
            counts["leftover_draws"] += 1
        if remaining > 0:
            combo = sorted(
                best_vial_combination(remaining, product.family), key=lambda s: -s.strength_mg
            )
            for n, size in enumerate(combo):
                vial_product = archive.products[size.product_code]
                mg = min(remaining, size.strength_mg).quantize(MG)
                if mg <= 0:  # the dose is drawn (0.1 mg units rounded up)
                    break
                ml = (mg / vial_product.data.concentration_mg_ml).quantize(ML, ROUND_HALF_UP)
                at += timedelta(seconds=70)
                lot = stock.take(vial_product, at, now)
                if prep.released_at is not None:
                    stock.unload(
                        lot,
                        prep.released_at,
                        actor=prep.pharmacist or staff.pharmacists[0],
                        cost_center=cost_centers.get(prep.order.ward_id),
                        patient=prep.order.patient_id,
                        label=preparation_label_code(prep.id),
                    )
                vid = ids["compounding_preparationvial"]
                ids["compounding_preparationvial"] += 1
                vial_rows.append(
                    (
                        vid,
                        lot.code,
                        lot.expiry,
                        mg,
                        ml,
                        "new",
                        _barcode(vial_product, lot),
                        at,
                        None,
                        vial_product.pack_id,
                        prep.id,
                        vial_product.id,
                        prep.technician,
                    )
                )
                planned.append(
                    {
                        "product": vial_product.code,
                        "mg": str(mg),
                        "source": "new",
                        "vial": f"V{n + 1}",
                        "strength_mg": str(size.strength_mg),
                    }
                )
                drawn.append((vial_product, mg, ml))
                counts["vials_new"] += 1
                remaining -= mg
                excess = size.strength_mg - mg
                if excess > 0:
                    data = vial_product.data
                    opened = data.opened_stability
                    storage = (
                        opened.temperature
                        if opened is not None
                        else StorageTemperature.REFRIGERATED
                    )
                    expires = leftover_expiry(
                        product=data, opened_at=at, storage=storage, protected_from_light=True
                    )
                    left = Leftover(
                        ids["compounding_leftover"], vial_product, lot,
                        (excess / data.concentration_mg_ml).quantize(ML, ROUND_HALF_UP), at, expires,
                        storage.value, prep.id, prep.hood, at, expires <= at,
                    )  # fmt: skip
                    ids["compounding_leftover"] += 1
                    all_leftovers.append(left)
                    if not left.wasted:
                        leftovers[data.family].append(left)
        # worksheet as recomputed at the weighing (oldest opened content)
        done, reason = archive.complete(product, item, moment, opened_at=oldest_open)
        if prep.weighed_at is not None and done is not None:
            weigh_at = prep.weighed_at
            components = [
                Component(p.code, ml, p.data.density_g_ml or Decimal(1), True)
                for p, _mg, ml in drawn
            ]
            components.append(
                Component(
                    done.bag.diluent,
                    done.bag.content_ml,
                    DILUENT_DENSITY_G_ML.get(done.bag.diluent, Decimal(1)),
                    False,
                )
            )
            tare = {
                Decimal(100): Decimal("14.8"),
                Decimal(250): Decimal("21.5"),
                Decimal(500): Decimal("31.0"),
            }.get(done.bag.nominal_ml, Decimal("44.0"))
            expected = tare + sum((c.weight_g for c in components), Decimal(0))
            tries = []
            if rng.random() < WEIGHING_REDONE:  # a drug volume not all in: weighed again
                drug = sum((c.weight_g for c in components if c.is_drug), Decimal(0))
                tries.append(
                    (
                        weigh_at - timedelta(minutes=6),
                        expected - max(drug * Decimal("0.6"), expected * Decimal("0.07")),
                    )
                )
            tries.append((weigh_at, expected * Decimal(str(1 + rng.gauss(0, 0.008)))))
            for when, measured in tries:
                result = gravimetric_check(
                    tare_g=tare, components=components, measured_g=measured.quantize(G)
                )
                if not result.passed and when == weigh_at:  # never by chance: put it right
                    result = gravimetric_check(
                        tare_g=tare, components=components, measured_g=expected.quantize(G)
                    )
                wid = ids["compounding_weighing"]
                ids["compounding_weighing"] += 1
                weighing_rows.append(
                    (
                        wid, tare, result.measured_g, "scale", result.expected_g, result.deviation_g,
                        result.deviation_percent, result.drug_deviation_percent, result.tolerance_percent,
                        result.basis.value, result.passed, result.message, when, prep.id, prep.technician,
                    )
                )  # fmt: skip
                counts["weighings_passed" if result.passed else "weighings_failed"] += 1
            xid = ids["compounding_exposurerecord"]
            ids["compounding_exposurerecord"] += 1
            exposure_rows.append(
                (xid, moment, weigh_at, item.ingredient_id, prep.technician, prep.hood, prep.id)
            )
        prep_rows.append(_prep_row(prep, archive, planned, counts, done=done, reason=reason))
    stock.close(today, now)

    leftover_rows = []
    for left in all_leftovers:
        if left.wasted:
            state = "wasted"
        elif left.ml <= 0:
            state = "used"
        elif left.expires_at <= now:
            state = "expired"
        else:
            state = "open"
        counts[f"leftovers_{state}"] += 1
        leftover_rows.append(
            (
                left.id, left.opened_at, left.updated_at, left.lot.code, left.lot.expiry,
                left.product.data.concentration_mg_ml, left.ml, left.opened_at, left.expires_at,
                left.storage, True, state, left.hood, left.product.id, left.prep,
            )
        )  # fmt: skip
    lot_rows = [
        (
            lot.id,
            lot.created_at,
            lot.updated_at,
            lot.code,
            lot.expiry,
            lot.quantity,
            lot.product.unit_cost,
            lot.product.pack_id,
            lot.product.id,
            lot.product.location_id,
        )
        for lot in stock.all_lots
    ]
    tables: tuple[tuple[str, str, Sequence[Sequence[Any]]], ...] = (
        ("compounding_worksession", SESSION_COLUMNS, session_rows),
        ("compounding_checkout", CHECKOUT_COLUMNS, checkout_rows),
        ("compounding_preparation", PREP_COLUMNS, prep_rows),
        ("compounding_leftover", LEFTOVER_COLUMNS, leftover_rows),
        ("compounding_preparationvial", VIAL_COLUMNS, vial_rows),
        ("compounding_weighing", WEIGHING_COLUMNS, weighing_rows),
        ("compounding_exposurerecord", EXPOSURE_COLUMNS, exposure_rows),
        ("inventory_stocklot", LOT_COLUMNS, lot_rows),
        ("inventory_stockmovement", MOVEMENT_COLUMNS, stock.movements),
        ("administration_administration", ADMIN_COLUMNS, admin_rows),
        ("administration_administrationscan", SCAN_COLUMNS, scan_rows),
        ("toxicity_toxicityrecord", TOXICITY_COLUMNS, tox_rows),
        (
            "toxicity_toxicityrecord_suspected_ingredients",
            "toxicityrecord_id, activeingredient_id",
            suspected_rows,
        ),
    )
    for table, columns, rows in tables:
        _copy(cur, table, columns, rows)
        counts[table.split("_", 1)[1]] = len(rows)
    counts["stock_deliveries"] = stock.deliveries
    from django.db import connections

    connections.close_all()
    return dict(counts), reads


def _barcode(product: Product, lot: Lot) -> str:
    if product.barcode_kind == "aic":
        return "A" + product.barcode_code
    if product.barcode_kind == "gtin":
        return f"(01){product.barcode_code}(17){lot.expiry:%y%m%d}(10){lot.code}"
    return ""


def _prep_row(
    prep: Prep,
    archive: Archive,
    planned: list[dict[str, Any]],
    counts: dict[str, int],
    *,
    done: Completion | None = None,
    reason: str = "",
) -> tuple[Any, ...]:
    item = prep.item
    if done is None and not reason:
        if prep.product is None:
            reason = "Nessun medicinale in archivio per questo principio attivo."
        elif item.amount_unit != "mg":
            reason = f"Dose in {item.amount_unit}: l'allestimento automatico gestisce i mg."
        else:
            done, reason = archive.complete(prep.product, item, prep.created_at)
    state = prep.state
    if reason:
        state = "pending"  # the pharmacist completes it by hand (not modelled)
    counts[f"preparations_{state}"] += 1
    last = prep.released_at or prep.weighed_at or prep.started_at or prep.created_at
    version = {
        "pending": 1,
        "validated": 1,
        "assigned": 2,
        "in_progress": 3,
        "released": 5,
        "checked_out": 6,
    }[state]
    released = prep.released_at if state in ("released", "checked_out") else None
    return (
        prep.id, prep.created_at, last, version, item.day, state, "", preparation_label_code(prep.id),
        item.final_dose, done.bag.diluent if done else "", done.bag.nominal_ml if done else None,
        done.bag.overfill_ml if done else Decimal(0), done.volume_to_draw_ml if done else None,
        done.final_volume_ml if done else None, done.final_concentration_mg_ml if done else None,
        done.expiry if done else None, done.storage.value if done else "",
        done.protect_from_light if done else False, json.dumps(list(done.warnings) if done else []),
        reason, json.dumps(planned), prep.started_at if state != "pending" else None,
        prep.weighed_at if released else None, item_validated(prep), released,
        prep.checkout_id if state == "checked_out" else None,
        prep.hood if state != "pending" else None, prep.order.id, item.id,
        prep.product.id if prep.product else None, prep.pharmacist if released else None,
        prep.technician if state != "pending" else None, prep.technician or prep.order.stamps["take_charge"][0],
        prep.order.stamps["validate"][0], prep.session if state != "pending" else None,
    )  # fmt: skip


def item_validated(prep: Prep) -> datetime:
    return prep.order.stamps["validate"][1]


def _toxicities(
    rng: random.Random,
    order: UnitOrder,
    *,
    archive: Archive,
    terms: dict[str, tuple[int, set[int]]],
    staff: Staff,
    today: date,
    now: datetime,
    ids: dict[str, int],
    rows: list[tuple[Any, ...]],
    suspected: list[tuple[int, int]],
    reads: list[tuple[datetime, int, int, str, str]],
) -> None:
    if not terms or rng.random() >= TOXICITY_PER_CYCLE:
        return
    how_many = 2 if rng.random() < TOXICITY_SECOND else 1
    names = list(TOXICITY_TERMS)
    chosen = set()
    drugs = sorted({i.ingredient_id for i in order.items if i.competence == "pharmacy"})
    for _ in range(how_many):
        name = rng.choices(names, [TOXICITY_TERMS[n] for n in names])[0]
        if name in chosen or name not in terms:
            continue
        chosen.add(name)
        term_id, graded = terms[name]
        allowed = [g for g in GRADE_WEIGHTS if g in graded]
        if not allowed:
            continue
        grade = rng.choices(allowed, [GRADE_WEIGHTS[g] for g in allowed])[0]
        onset = order.last + timedelta(days=rng.randint(2, 14))
        recorded = datetime.combine(
            onset + timedelta(days=rng.randint(0, 7)), dtime(9, 0), tzinfo=UTC
        ) + timedelta(minutes=rng.randint(0, 180))
        if recorded >= now:
            continue
        resolved = onset + timedelta(days=rng.randint(4, 30))
        resolution = resolved if resolved < recorded.date() and grade <= 2 else None
        attribution = rng.choices([a for a, _ in ATTRIBUTIONS], [w for _, w in ATTRIBUTIONS])[0]
        physician = order.prescriber
        tid = ids["toxicity_toxicityrecord"]
        ids["toxicity_toxicityrecord"] += 1
        rows.append(
            (
                tid, recorded, recorded, grade, attribution, onset, resolution,
                grade == 4 or (grade == 3 and rng.random() < 0.5), "", order.id, order.cycle, "",
                recorded, "", True, False, "", None, None, order.patient_id, physician, None, term_id,
            )
        )  # fmt: skip
        if attribution != "unrelated":
            suspected.extend((tid, drug) for drug in drugs)
        reads.append(
            (
                recorded - timedelta(minutes=2),
                physician,
                order.patient_id,
                "tossicità (CTCAE)",
                "web",
            )
        )


def _next(cur: psycopg.Cursor[Any], table: str) -> int:
    row = cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()  # noqa: S608
    assert row is not None
    return int(row[0])
