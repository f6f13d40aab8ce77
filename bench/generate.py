"""The synthetic cancer centre, grown in bulk SQL (never the ORM row by row).

The patient registry (here) and their therapy history (:mod:`bench.centre`: measures,
diagnoses, orders with their lines and transitions, the access log). Preparations,
administrations and stock join it as the compounding and administration modules land
(see docs/benchmarks.md). Synthetic patients are recognisable by their MRN range (from
30,000,000) and their identifier prefix "ZZB", so a bench database can also hold the
demo data.

    python -m bench.generate --scale S [--seed 1] [--today 2026-11-23]

prints the generation figures as JSON (its own peak RSS included).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from bench.centre import Scale, generate_orders
from bench.unit import prepare_unit

SCALES = {"tiny": 400, "S": 2_000, "M": 6_000, "L": 14_000}
# The scales: patients, preparations per working day, days of history.
CENTRES = {
    "tiny": Scale(patients=400, preparations_per_day=12, history_days=60),
    "S": Scale(patients=2_000, preparations_per_day=80, history_days=365),
    "M": Scale(patients=6_000, preparations_per_day=240, history_days=3 * 365),
    "L": Scale(patients=14_000, preparations_per_day=420, history_days=5 * 365),
}
MRN_BASE = 30_000_000

_SURNAMES = (
    "ROSSI RUSSO FERRARI ESPOSITO BIANCHI ROMANO COLOMBO RICCI MARINO GRECO BRUNO GALLO CONTI "
    "DE LUCA MANCINI COSTA GIORDANO RIZZO LOMBARDI MORETTI BARBIERI FONTANA SANTORO MARIANI RINALDI "
    "CARUSO FERRARA GALLI MARTINI LEONE LONGO GENTILE MARTINELLI VITALE LOMBARDO SERRA COPPOLA DE SANTIS "
    "D'ANGELO MARCHETTI PARISI VILLA CONTE FERRARO FERRI FABBRI BIANCO MARINI GRASSO VALENTINI"
)
_NAMES = (
    "MARIO GIUSEPPE ANNA MARIA LUCA GIULIA FRANCESCO SARA ANDREA CHIARA MARCO ELENA ALESSANDRO "
    "PAOLA LORENZO MARTA DAVIDE FEDERICA MATTEO ILARIA ROBERTO SILVIA STEFANO LAURA ANTONIO FRANCESCA "
    "GIOVANNI VALENTINA PAOLO ROBERTA"
)

_INSERT = """
INSERT INTO patients_patient (
    created_at, updated_at, version, mrn, codice_fiscale, stp_eni_code, surname, given_names,
    sex, date_of_birth, place_of_birth, address, phone, email, is_active, search_text
)
SELECT now(), now(), 1,
       lpad((%(base)s::int + i)::text, 8, '0'),
       'ZZB' || lpad(i::text, 13, '0'), '',
       s.surname, g.name,
       CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END,
       date '1935-01-01' + ((i * 7919) %% 30000),
       'H501', '', '', '', true,
       s.surname || ' ' || g.name
FROM generate_series(%(first)s::int, %(last)s::int) AS i
CROSS JOIN LATERAL (SELECT (string_to_array(%(surnames)s, ' '))[1 + (i * 31) %% %(ns)s::int] AS surname) s
CROSS JOIN LATERAL (SELECT (string_to_array(%(names)s, ' '))[1 + (i * 17) %% %(nn)s::int] AS name) g
"""


def synthetic_patients(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    row = conn.execute(
        "SELECT count(*) FROM patients_patient WHERE mrn >= %s", (str(MRN_BASE),)
    ).fetchone()
    count = row[0] if row else 0
    assert isinstance(count, int)
    return count


def grow_patients(database_url: str, *, total: int) -> int:
    """Bring the synthetic patients up to ``total`` (idempotent); returns how many were added."""
    surnames = _SURNAMES.replace("D'ANGELO", "DANGELO")
    with psycopg.connect(database_url, autocommit=True) as conn:
        present = synthetic_patients(conn)
        if present >= total:
            return 0
        conn.execute(
            _INSERT,
            {
                "base": MRN_BASE,
                "first": present + 1,
                "last": total,
                "surnames": surnames,
                "ns": len(surnames.split()),
                "names": _NAMES,
                "nn": len(_NAMES.split()),
            },
        )
        conn.execute("ANALYZE patients_patient")
        return total - present


_MARKER = """
CREATE TABLE IF NOT EXISTS bench_centre (
    scale text NOT NULL, seed integer NOT NULL, today date NOT NULL, orders integer NOT NULL,
    generated_at timestamptz NOT NULL DEFAULT now(), figures jsonb NOT NULL
)"""
# the last order the generator wrote: the orders a bench load then creates come after it
# (the sequence is set past the generator's ids); NULL in a marker written before
_MARKER_LAST_ORDER = "ALTER TABLE bench_centre ADD COLUMN IF NOT EXISTS last_order_id bigint"


def _marker_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute(_MARKER)
    conn.execute(_MARKER_LAST_ORDER)


def synthetic_orders(conn: psycopg.Connection[Any], *, up_to: int | None = None) -> int:
    """The orders of the synthetic patients (``up_to``: those of id up to it)."""
    row = conn.execute(
        "SELECT count(*) FROM prescribing_therapyorder o JOIN patients_patient p "
        "ON p.id = o.patient_id WHERE p.mrn >= %s AND (%s::bigint IS NULL OR o.id <= %s)",
        (str(MRN_BASE), up_to, up_to),
    ).fetchone()
    return int(row[0]) if row else 0


def centre_recorded(
    conn: psycopg.Connection[Any], *, scale: str, seed: int, today: date, figures: dict[str, Any]
) -> None:
    """The marker of the centre just generated (in ``conn``'s transaction): its scale, seed
    and day, the last order's id and the synthetic orders up to it (the generator's: it
    refuses a database that already holds some)."""
    _marker_table(conn)
    row = conn.execute("SELECT coalesce(max(id), 0) FROM prescribing_therapyorder").fetchone()
    last = int(row[0]) if row else 0
    conn.execute(
        "INSERT INTO bench_centre (scale, seed, today, orders, last_order_id, figures) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        (scale, seed, today, synthetic_orders(conn, up_to=last), last, json.dumps(figures)),
    )


def centre_marker_of(conn: psycopg.Connection[Any]) -> dict[str, Any] | None:
    """The centre already in the database (scale, seed, day), if the orders the generator
    wrote are all there. Only those are counted (of id up to the marker's last order): the
    orders a bench load creates on a reused centre do not make it look another one (before,
    every synthetic order was counted, and a rerun at M regenerated for 15 minutes)."""
    _marker_table(conn)
    row = conn.execute(
        "SELECT scale, seed, today, orders, last_order_id, figures::text FROM bench_centre "
        "ORDER BY generated_at DESC LIMIT 1"
    ).fetchone()
    if row is None or synthetic_orders(conn, up_to=row[4]) != row[3]:
        return None
    return {"scale": row[0], "seed": row[1], "today": row[2], "figures": json.loads(row[5])}


def centre_marker(database_url: str) -> dict[str, Any] | None:
    """:func:`centre_marker_of` the database of ``database_url``."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        return centre_marker_of(conn)


def _local_today() -> date:
    """Today as the hospital's pages see it (``timezone.localdate()``)."""
    return datetime.now(ZoneInfo("Europe/Rome")).date()


def generate_centre(database_url: str, *, scale: str, seed: int, today: date) -> dict[str, Any]:
    """Patients then their therapy history for ``scale``; refuses a database that already
    holds synthetic orders (the bench recreates its database instead)."""
    centre = CENTRES[scale]
    # orders of today stand as they would mid-morning (or now, if earlier)
    now = datetime.combine(today, time(10, 0), tzinfo=UTC)
    if today == _local_today():
        now = min(now, datetime.now(UTC))
    added = grow_patients(database_url, total=centre.patients)
    with psycopg.connect(database_url) as conn:
        prepare_unit(conn, scale=scale)
    with psycopg.connect(database_url) as conn:
        if synthetic_orders(conn):
            raise RuntimeError("the database already holds synthetic orders: recreate it first")
        patients = conn.execute(
            "SELECT id, sex, date_of_birth FROM patients_patient WHERE mrn >= %s "
            "ORDER BY mrn LIMIT %s",
            (str(MRN_BASE), centre.patients),
        ).fetchall()
        figures = generate_orders(
            conn, scale=centre, seed=seed, today=today, now=now, patient_ids=patients
        )
        figures["patients_added"] = added
        centre_recorded(conn, scale=scale, seed=seed, today=today, figures=figures)
        conn.commit()
    return figures


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    parser.add_argument("--scale", default="S", choices=sorted(CENTRES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        parser.error("DATABASE_URL is required")
    today = args.today or _local_today()
    figures = generate_centre(database_url, scale=args.scale, seed=args.seed, today=today)
    sys.stdout.write(json.dumps(figures, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
