"""The unit's staff, hoods, chairs and archive gaps, before the centre's transaction."""

from __future__ import annotations

import json
from typing import Any

import psycopg

from bench.unit.constants import BENCH_ARCHIVE_NOTE, BENCH_DENSITY_SOURCE, UNIT_SIZES
from corsia.compounding.domain.preparation import NACL_09

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
