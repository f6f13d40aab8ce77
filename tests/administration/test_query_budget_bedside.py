"""Queries per request of the bedside path (issue 27): the nurse's scans through the API,
counted with Django's query counter, never timed (``tests/core/test_query_budget.py`` for
the mix). Each scan is one request and repeats no read: the bag's reads the order's lines
once besides the line it locks (were three reads: the locked line, the day's lines, the
whole order again for the pharmacogenomic barrier).

Counted in the steady state: the nurse has made a request before (permission set cached,
token stamped). Every statement counts, savepoints included. The FOLFOX-4 day of
``corsia.testing.administration``: ondansetron first (verify, then end), then the session
scans of the next bag.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corsia.testing.accounts import api_client
from corsia.testing.administration import Folfox

pytestmark = pytest.mark.django_db

API = "/api/v1/administration"

# scan → the most queries it may take (the figure reached on 2026-12-05, before in the
# comment; lower it with each fold). Each starts with the token (1) and pghistory's context
# on every write.
BUDGET = {
    # wristband (the patient), badge (the nurse), label (the line locked, the order's lines
    # once: the day's for the rules, all of them for the pharmacogenomic barrier; the
    # administrations and the appointment of the day), the allergies (2) and the
    # pharmacogenomic results against the bag's drug, the administration, the scan log,
    # two audit appends (2 each), the order's milestone, the roles (cold here). Was 27.
    "bedside verify (three scans, start)": 26,
    # the administration locked, the nurse, the audit append, the subscribers notified,
    # the order's active lines and their administrations (is the order done?)
    "administration end": 12,
    "session scan: wristband": 9,  # the session, the patient, the day's lines, the scan log
    "session scan: badge": 7,  # the session, the badge's owner, the scan log
    # as "bedside verify", from the open session (was 22)
    "session scan: bag": 21,
}


def _count(client: Client, url: str, body: dict[str, Any]) -> tuple[Any, int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 201), (url, response.content[:500])
    return (
        response.json(),
        len(queries.captured_queries),
        [q["sql"] for q in queries.captured_queries],
    )


def test_queries_per_bedside_scan(folfox: Folfox) -> None:
    nurse = api_client(folfox.nurse)
    nurse.get(f"{API}/bedside/session")  # the nurse's first request: permission set cached
    seen: dict[str, tuple[int, list[str]]] = {}

    def measure(name: str, url: str, body: dict[str, Any]) -> Any:
        answer, n, sql = _count(nurse, url, body)
        seen[name] = (n, sql)
        return answer

    bag = folfox.label("ondansetron")
    verified = measure(
        "bedside verify (three scans, start)",
        f"{API}/bedside/verify",
        {"wristband": folfox.wristband, "badge": "BADGE-0042", "label": bag},
    )
    assert verified["allowed"], verified
    admin = verified["administration"]
    measure(
        "administration end",
        f"{API}/administrations/{admin['id']}/end",
        {"expected_version": admin["version"]},
    )
    measure("session scan: wristband", f"{API}/bedside/scan", {"code": folfox.wristband})
    measure("session scan: badge", f"{API}/bedside/scan", {"code": "BADGE-0042"})
    measure("session scan: bag", f"{API}/bedside/scan", {"code": folfox.label("dexamethasone")})

    assert set(seen) == set(BUDGET)
    over = {name: (n, BUDGET[name]) for name, (n, _) in seen.items() if n > BUDGET[name]}
    assert not over, (over, {name: seen[name][1] for name in over})
    # one round trip per scan: no scan repeats a read
    for name in ("session scan: wristband", "session scan: badge", "session scan: bag"):
        selects = Counter(
            q for q in seen[name][1] if q.startswith("SELECT") and "audit_chain_lock_heads" not in q
        )
        assert max(selects.values()) == 1, (name, selects.most_common(1))
    # the bag's scan reads the order's lines twice: the line it locks, then the whole order
    # once (the day's lines and the pharmacogenomic barrier)
    lines = [
        q
        for q in seen["session scan: bag"][1]
        if q.startswith("SELECT") and 'FROM "prescribing_orderitem"' in q
    ]
    assert len(lines) == 2, lines
    assert "FOR UPDATE" in lines[0] and "FOR UPDATE" not in lines[1], lines
