"""What the critical path of one order needs in the bench database, and nothing more.

The timed path (``bench.scenarios.critical_path``) prescribes mFOLFOX6 (every drug on
day 1, so the order closes the loop to "administered" the same day) for a measured
synthetic patient, and takes it through the pharmacy and the bedside. For that the
database must hold, beyond the demo hospital ``corsia_setup --demo`` loads:

- an active hood (the demo's ``C1``) and the demo technician;
- for every product of the regimen's pharmacy drugs that has a scannable pack (the demo
  packs, fictitious AIC starting with 9), a lot in the UFA with plenty of units (the
  technician types its lot and expiry at the hood; the release unloads it);
- the nurse's badge (demo users get one);
- an active day-hospital encounter for the patient, so the order belongs to the Day
  Hospital and the release charges its cost centre (the patient's wristband is
  ``PZ`` + the MRN: nothing to store).

Idempotent, bulk SQL (psycopg), no Django: it runs in the bench driver's process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import psycopg

CRITICAL_REGIMEN = "mFOLFOX6"
BENCH_LOT = "BENCH-CP"
HOOD = "C1"
TECHNICIAN = "tecnico"
NURSE = "infermiere"
DAY_HOSPITAL = "DHONC"
LOT_UNITS = 1_000_000


@dataclass
class CriticalData:
    """What the timed client needs to know, as a technician and a nurse would."""

    regimen_version_id: int = 0
    hood_id: int = 0
    technician_id: int = 0
    nurse_badge: str = ""
    patient_id: int = 0
    patient_mrn: str = ""
    # product code -> {"aic", "lot", "expiry" (ISO), "density_g_ml" (str)}
    packs: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _one(conn: psycopg.Connection[Any], sql: str, params: tuple[Any, ...] = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def prepare_critical_path(database_url: str, *, today: date, patient_id: int) -> CriticalData:
    data = CriticalData(patient_id=patient_id)
    with psycopg.connect(database_url) as conn:
        data.regimen_version_id = (
            _one(
                conn,
                "SELECT v.id FROM regimens_regimenversion v JOIN regimens_regimen r "
                "ON r.id = v.regimen_id WHERE r.code = %s AND v.status = 'validated' "
                "ORDER BY v.number DESC LIMIT 1",
                (CRITICAL_REGIMEN,),
            )
            or 0
        )
        conn.execute(
            "INSERT INTO compounding_hood (created_at, updated_at, code, name, kind, active) "
            "VALUES (now(), now(), %s, 'Cappa 1 — BSC classe II', 'bsc', true) "
            "ON CONFLICT (code) DO UPDATE SET active = true",
            (HOOD,),
        )
        data.hood_id = _one(conn, "SELECT id FROM compounding_hood WHERE code = %s", (HOOD,))
        data.technician_id = (
            _one(conn, "SELECT id FROM accounts_user WHERE username = %s", (TECHNICIAN,)) or 0
        )
        data.nurse_badge = (
            _one(conn, "SELECT badge_code FROM accounts_user WHERE username = %s", (NURSE,)) or ""
        )
        if not data.nurse_badge:
            data.problems.append(f"the nurse {NURSE!r} has no badge")
        data.patient_mrn = (
            _one(conn, "SELECT mrn FROM patients_patient WHERE id = %s", (patient_id,)) or ""
        )
        _day_hospital_encounter(conn, patient_id)
        _stock(conn, data, today)
        conn.commit()
    return data


def _day_hospital_encounter(conn: psycopg.Connection[Any], patient_id: int) -> None:
    ward = _one(conn, "SELECT id FROM patients_ward WHERE code = %s", (DAY_HOSPITAL,))
    active = _one(
        conn,
        "SELECT 1 FROM patients_encounter WHERE patient_id = %s AND state = 'active'",
        (patient_id,),
    )
    if ward is None or active:
        return
    conn.execute(
        "INSERT INTO patients_encounter (created_at, updated_at, version, kind, admitted_at, "
        "state, state_reason, patient_id, ward_id) "
        "VALUES (now(), now(), 1, 'day_hospital', now() - interval '1 hour', 'active', '', %s, %s)",
        (patient_id, ward),
    )


def _top_up(
    conn: psycopg.Connection[Any], product_id: int, pack_id: int, location: int, expiry: date
) -> None:
    """Bring the bench lot to ``LOT_UNITS`` with a load movement for what it adds, so the
    lot always equals the sum of its movements (as ``stock_load`` keeps it)."""
    held = _one(
        conn,
        "SELECT quantity FROM inventory_stocklot WHERE product_id = %s AND lot = %s "
        "AND location_id = %s",
        (product_id, BENCH_LOT, location),
    )
    missing = LOT_UNITS - int(held or 0)
    if missing <= 0:
        return
    conn.execute(
        "INSERT INTO inventory_stocklot (created_at, updated_at, lot, expiry, quantity, "
        "unit_cost, pack_id, product_id, location_id) "
        "VALUES (now(), now(), %s, %s, %s, 1, %s, %s, %s) "
        "ON CONFLICT (product_id, lot, location_id) DO UPDATE SET quantity = %s",
        (BENCH_LOT, expiry, LOT_UNITS, pack_id, product_id, location, LOT_UNITS),
    )
    conn.execute(
        "INSERT INTO inventory_stockmovement (kind, lot, expiry, quantity, unit_cost, "
        "reference, supplier, document_date, reason, workstation, at, actor_id, pack_id, "
        "product_id, to_location_id) "
        "SELECT 'load', %s, %s, %s, 1, 'bench:critical-path', 'Bench', current_date, '', "
        "'bench', now(), (SELECT id FROM accounts_user ORDER BY id LIMIT 1), %s, %s, %s",
        (BENCH_LOT, expiry, missing, pack_id, product_id, location),
    )


def _stock(conn: psycopg.Connection[Any], data: CriticalData, today: date) -> None:
    """A bench lot in the UFA for every scannable product of the regimen's drugs."""
    location = _one(
        conn,
        "SELECT id FROM inventory_storagelocation ORDER BY (code = 'UFA-BOX') DESC, id LIMIT 1",
    )
    if location is None:
        data.problems.append("no storage location: the release will not unload the stock")
    expiry = today + timedelta(days=365)
    rows = conn.execute(
        "SELECT DISTINCT ON (p.id) p.id, p.code, k.id, k.aic, p.density_g_ml "
        "FROM drugs_medicinalproduct p JOIN drugs_pack k ON k.product_id = p.id "
        "WHERE k.aic LIKE '9%%' AND p.ingredient_id IN ("
        "  SELECT i.ingredient_id FROM regimens_regimencomponent i WHERE i.version_id = %s"
        ") ORDER BY p.id, k.id",
        (data.regimen_version_id,),
    ).fetchall()
    for product_id, code, pack_id, aic, density in rows:
        data.packs[code] = {
            "aic": aic,
            "lot": BENCH_LOT,
            "expiry": expiry.isoformat(),
            "density_g_ml": str(density if density is not None else Decimal(1)),
        }
        if location is not None:
            _top_up(conn, product_id, pack_id, location, expiry)
    if not data.packs:
        data.problems.append("no scannable pack for the regimen's drugs (demo packs missing)")
