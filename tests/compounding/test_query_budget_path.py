"""Queries per request of the compounding path (issue 27): the pharmacist's and the
technician's requests of the benchmark's critical path (``bench/scenarios.py``,
``CRITICAL_PATH``) through the API, counted with Django's query counter, never timed
(``tests/administration/test_query_budget_bedside.py`` for the bedside).

Counted in the steady state: each caller has made a request before (permission set
cached, token stamped). Every statement counts, savepoints included. The FOLFOX-4 day of
``corsia.testing.compounding`` (oxaliplatin 170 mg from a 200 mg / 40 mL vial: 34.00 mL,
34.00 g of drug; fluorouracil 1200 mg from two 1000 mg vials): the session with the
day's four preparations, their vial plan, the oxaliplatin scanned, weighed and released,
the second vial of the fluorouracil infusion, the patient bag checked out.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from corsia.accounts.models import User
from corsia.compounding import services
from corsia.compounding.models import Hood
from corsia.drugs.models import MedicinalProduct
from corsia.inventory.models import CostCenter, StockLot, StorageLocation
from corsia.patients.models import Ward
from corsia.prescribing.models import TherapyOrder
from corsia.testing.accounts import api_client
from corsia.testing.compounding import Folfox, make_preparation

pytestmark = pytest.mark.django_db

API = "/api/v1/compounding"
OXALI_200 = "oxaliplatin_200mg_40ml_oxaliplatino"
FU_1000 = "fluorouracil_1000mg_20ml_fluorouracile"

# request → the most queries it may take: the figures reached on 2026-12-05 (before, in
# the comment); lower them with each fold. Each starts with the token (1); every write adds
# pghistory's context; each audit append is 2 statements.
BUDGET = {
    # (39) the technician, the hood, the session and its audit; the preparations locked in
    # one query (was one each), the pharmacogenomic results once for the order (were the
    # order's lines and results per preparation); per preparation its save and audit
    "hood session + assign (4 preparations)": 28,
    # (45) the preparations locked with their order, the pharmacogenomic results once, each
    # family of products once (fluorouracil's two doses share it), every price in one query
    # (was one per product), the leftovers, the plans saved, the audit
    "vial plan (the session)": 18,
    # (29) the preparation locked, the pharmacogenomic results, its vials, the family, the
    # pack by AIC or GTIN in one query (was two), its market; the vial, the leftover, the
    # order's "preparation started" (8, with the roles, cold here), the save, two audits;
    # the answer from what the scan changed (were the vials and the market read again)
    "scan: first vial (starts the preparation)": 24,
    # (20) as the first, without the order's milestone; the leftover's hood not read
    "scan: a further vial": 15,
    "weigh bag before": 7,  # (7) the preparation locked, the save, the audit
    # (12) the preparation locked, its vials, the weighing, the save, the exposure record
    # (the operator and the hood by id: were read), the audit
    "weigh": 10,
    # (28) the preparation locked with the patient (was read by the unload), its vials and
    # weighings once each (were twice), the pharmacogenomic results; the save; the unload
    # (cost centre, lot, the lot locked, the movement, its audit); two audits; open left?
    "release": 24,
    # (30) the order locked, its pharmacy lines, the day's preparations locked, the
    # pharmacogenomic results, the bag; the four saves, the order's "delivered" (7), two
    # audits, every preparation's vials in one query (was one per preparation) for the
    # RDS^O13 subscribers; the answer's order state and labels
    "check-out (4 preparations)": 26,
}

# tables a scan, a weighing or a release reads at most once (one round trip per scan, no
# repeated read; the release reads the day's other preparations too: is the day done?)
ONCE = (
    "compounding_preparationvial",
    "compounding_weighing",
    "prescribing_orderitem",
    "patients_pgxresult",
    "drugs_pack",
    "drugs_packshortage",
)


_FROM = re.compile(r'\bFROM "([a-z0-9_]+)"')


def _reads(sql: list[str], table: str) -> int:
    """The SELECTs of ``sql`` whose first table is ``table``."""
    return sum(
        1 for q in sql if q.startswith("SELECT") and (m := _FROM.search(q)) and m[1] == table
    )


def _count(client: Client, url: str, body: dict[str, Any] | None) -> tuple[Any, int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            url, json.dumps(body) if body is not None else "", content_type="application/json"
        )
    assert response.status_code in (200, 201), (url, response.content[:500])
    return (
        response.json(),
        len(queries.captured_queries),
        [q["sql"] for q in queries.captured_queries],
    )


def test_queries_per_compounding_request(
    folfox: Folfox, pharmacist: User, technician: User
) -> None:
    today = timezone.localdate()
    # the order's ward with its cost centre, the lot L1 of every FOLFOX product in stock:
    # the release unloads the vials used, as at the benchmark
    ward = Ward.objects.create(code="DHQ", name="Day Hospital conteggio", kind="day_hospital")
    TherapyOrder.objects.filter(pk=folfox.order.pk).update(ward=ward)
    CostCenter.objects.create(code="CC-DHQ", name="Day Hospital conteggio", ward=ward)
    store = StorageLocation.objects.create(code="UFA-Q", name="UFA conteggio", kind="ufa")
    for product in MedicinalProduct.objects.filter(code__in=folfox.aic):
        StockLot.objects.create(
            product=product,
            lot="L1",
            expiry=today + timedelta(days=300),
            location=store,
            quantity=10,
            unit_cost=1,
        )
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    preps = [
        p
        for p in services.order_take_charge(
            actor=pharmacist, workstation=None, order_id=folfox.order.pk
        )
        if p.scheduled_date == today
    ]
    assert len(preps) == 4
    hood = Hood.objects.create(code="CQB", name="Cappa conteggio", kind="bsc")
    pharmacy, hood_side = api_client(pharmacist), api_client(technician)
    pharmacy.get(f"{API}/hoods")  # each caller's first request: permission set cached
    hood_side.get(f"{API}/hoods")
    seen: dict[str, tuple[int, list[str]]] = {}

    def measure(client: Client, name: str, url: str, body: dict[str, Any] | None = None) -> Any:
        answer, n, sql = _count(client, url, body)
        seen[name] = (n, sql)
        return answer

    session = measure(
        pharmacy,
        "hood session + assign (4 preparations)",
        f"{API}/sessions",
        {
            "hood_id": hood.pk,
            "technician_id": technician.pk,
            "preparation_ids": [p.pk for p in preps],
        },
    )
    assert [p["state"] for p in session["preparations"]] == ["assigned"] * 4
    plan = measure(
        pharmacy, "vial plan (the session)", f"{API}/vials/plan", {"session_id": session["id"]}
    )
    assert plan["preparations"] == 4

    by_drug = {(p.order_item.ingredient.code, p.dose_mg): p for p in preps}
    oxali = by_drug["oxaliplatin", Decimal(170)]
    infusion = by_drug["fluorouracil", Decimal(1200)]
    expiry = (today + timedelta(days=300)).isoformat()

    def pack(code: str) -> dict[str, str]:
        return {"barcode": folfox.aic[code], "lot": "L1", "expiry": expiry}

    vial = measure(
        hood_side,
        "scan: first vial (starts the preparation)",
        f"{API}/preparations/{oxali.pk}/scan",
        pack(OXALI_200),
    )
    assert (vial["ml_drawn"], vial["remaining_mg"], vial["preparation_state"]) == (
        "34.00",
        "0",
        "in_progress",
    )
    typed = {"typed_reason": "bilancia guasta"}
    measure(
        hood_side,
        "weigh bag before",
        f"{API}/preparations/{oxali.pk}/bag-before",
        {"measured_g": "280.00"} | typed,
    )
    weighing = measure(
        hood_side,
        "weigh",
        f"{API}/preparations/{oxali.pk}/weighings",
        {"measured_g": "314.00"} | typed,  # 280 + 34.00 mL x 1.000
    )
    assert (weighing["passed"], weighing["preparation_state"]) == (True, "weighed")
    released = measure(pharmacy, "release", f"{API}/preparations/{oxali.pk}/release")
    assert released["state"] == "released"
    # the one 200 mg vial left the stock
    assert StockLot.objects.get(product__code=OXALI_200, lot="L1").quantity == 9

    _count(hood_side, f"{API}/preparations/{infusion.pk}/scan", pack(FU_1000))  # 1000 mg
    second = measure(
        hood_side,
        "scan: a further vial",
        f"{API}/preparations/{infusion.pk}/scan",
        pack(FU_1000),
    )
    assert (second["mg_drawn"], second["remaining_mg"]) == ("200.0000", "0")
    for prep in preps:
        if prep.pk != oxali.pk:
            # the rest as the services make it (not counted)
            make_preparation(prep, folfox=folfox, technician=technician)
            services.preparation_release(actor=pharmacist, workstation=None, preparation_id=prep.pk)
    labels = sorted(f"PRP{p.pk:09d}" for p in preps)
    bag = measure(
        hood_side,
        "check-out (4 preparations)",
        f"{API}/orders/{folfox.order.pk}/checkout",
        {"label_codes": labels, "delivery_document": "DDT-CQB"},
    )
    assert (bag["order_state"], bag["label_codes"]) == ("delivered", labels)

    assert set(seen) == set(BUDGET)
    over = {name: (n, BUDGET[name]) for name, (n, _) in seen.items() if n > BUDGET[name]}
    assert not over, (over, {name: seen[name][1] for name in over})
    for name in BUDGET:
        if name.startswith(("scan", "weigh", "release")):
            reads = {t: _reads(seen[name][1], t) for t in ONCE}
            assert all(n <= 1 for n in reads.values()), (name, reads)
