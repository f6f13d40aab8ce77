"""The synthetic cancer centre, grown in bulk SQL (never the ORM row by row).

Only the patient registry is generated so far: orders, preparations and
administrations join it as those modules land (see docs/benchmarks.md).
Synthetic patients are recognisable by their MRN range (from 30,000,000) and
their identifier prefix "ZZB", so a bench database can also hold the demo data.
"""

from __future__ import annotations

import psycopg

SCALES = {"tiny": 400, "S": 2_000, "M": 6_000, "L": 14_000}
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
