"""What each virtual user does: the day of a physician, a pharmacist, a nurse, a technician.

Each scenario signs in once per virtual user (bearer token, as an integration would)
and then repeats its operations. The floor is the cheapest request the server answers
with a database round trip (`/healthz`), measured with the same client and concurrency.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import aiohttp

from bench.critical import CriticalData
from bench.load import Recorder
from bench.stats import percentile

Scenario = Callable[[aiohttp.ClientSession, Recorder, str, int], Awaitable[None]]

DEMO_PASSWORD = "corsia-demo"  # noqa: S105 - published demo credential
_tokens: dict[str, str] = {}

PREVIEW = {
    "patient": {
        "sex": "F",
        "age_years": 63,
        "height_cm": 165,
        "weight_kg": 70,
        "serum_creatinine_mg_dl": 0.9,
    },
    "bsa_formula": "mosteller",
    "components": [
        {"drug": "paclitaxel", "dose": 175, "unit": "mg/m2"},
        {"drug": "carboplatin", "dose": 5, "unit": "AUC"},
        {"drug": "vincristine", "dose": 1.4, "unit": "mg/m2", "max_dose_mg": 2},
    ],
}
DRUG_QUERIES = (
    "oxali",
    "fluorouracile",
    "carbo",
    "L01XA",
    "paclitaxel",
    "rituximab",
    "ciclofosfamide",
)


def reset_tokens() -> None:
    """Forget the bearer tokens (a new server or database: sign in again)."""
    _tokens.clear()


async def _headers(
    session: aiohttp.ClientSession, recorder: Recorder, username: str
) -> dict[str, str]:
    if username not in _tokens:
        body = await recorder.call(
            session,
            "login (token)",
            "POST",
            "/api/v1/auth/token",
            json={"username": username, "password": DEMO_PASSWORD},
        )
        if body is None:
            return {}
        _tokens[username] = body["token"]
    return {"Authorization": f"Bearer {_tokens[username]}"}


# every account the scenarios use: signed in before a timed phase (``sign_in_all``)
TOKEN_USERS = ("medico", "medico2", "farmacista", "farmacista2", "infermiere", "tecnico")
PAGE_USERS = ("medico", "medico2", "farmacista", "farmacista2")


async def sign_in_all(base: str) -> Recorder:
    """Sign every account in, one after the other, before the timed phase: a user signs in
    once a day, and 50 virtual users of six accounts starting together each signed in
    (one password hash each, about 190 ms of the server's only CPU) inside the 30 s
    measured, which the figures then carried. The sign-ins' own figures are returned apart."""
    recorder = Recorder()
    async with aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.DummyCookieJar()) as session:
        for username in TOKEN_USERS:
            await _headers(session, recorder, username)
        for username in PAGE_USERS:
            await _page_cookie(session, recorder, username)
    return recorder


async def floor(session: aiohttp.ClientSession, recorder: Recorder, base: str, n: int) -> None:
    await recorder.call(session, "healthz", "GET", "/healthz")


async def physician(session: aiohttp.ClientSession, recorder: Recorder, base: str, n: int) -> None:
    headers = await _headers(session, recorder, "medico" if n % 2 else "medico2")
    await recorder.call(session, "regimen list", "GET", "/api/v1/regimens/", headers=headers)
    await recorder.call(
        session, "dose preview", "POST", "/api/v1/dosing/preview", json=PREVIEW, headers=headers
    )


async def pharmacist(session: aiohttp.ClientSession, recorder: Recorder, base: str, n: int) -> None:
    headers = await _headers(session, recorder, "farmacista" if n % 2 else "farmacista2")
    query = DRUG_QUERIES[n % len(DRUG_QUERIES)]
    await recorder.call(
        session, "drug search", "GET", "/api/v1/drugs/search", params={"q": query}, headers=headers
    )
    await recorder.call(
        session, "regimen detail", "GET", "/api/v1/regimens/FOLFOX-4", headers=headers
    )


async def nurse(session: aiohttp.ClientSession, recorder: Recorder, base: str, n: int) -> None:
    headers = await _headers(session, recorder, "infermiere")
    await recorder.call(
        session, "dose preview", "POST", "/api/v1/dosing/preview", json=PREVIEW, headers=headers
    )


async def technician(session: aiohttp.ClientSession, recorder: Recorder, base: str, n: int) -> None:
    headers = await _headers(session, recorder, "tecnico")
    await recorder.call(
        session,
        "drug interactions",
        "GET",
        "/api/v1/drugs/interactions",
        params={"codes": "methotrexate,fluorouracil,capecitabine"},
        headers=headers,
    )


PATIENT_QUERIES = (
    "rossi mario",
    "BIANCHI ANNA",
    "ZZB0000000000137",
    "30000042",
    "giulia ferrari",
    "conti",
)


async def patient_search(
    session: aiohttp.ClientSession, recorder: Recorder, base: str, n: int
) -> None:
    headers = await _headers(session, recorder, "medico")
    query = PATIENT_QUERIES[n % len(PATIENT_QUERIES)]
    await recorder.call(
        session,
        "patient search",
        "GET",
        "/api/v1/patients/search",
        params={"q": query},
        headers=headers,
    )


# The bench prescribes the same regimen and cycle repeatedly for the same patients: a
# duplicate cycle needs a reason (H48), which the bench states.
BENCH_SCHEDULE_REASON = "Banco di prova: la stessa prescrizione ripetuta per misurare i tempi"


@dataclass
class Context:
    """What the order scenarios need from the synthetic centre (set by the driver)."""

    today: date = field(default_factory=date.today)
    patients: list[int] = field(default_factory=list)  # measured synthetic patients
    regimen_version_id: int = 0  # a validated version to prescribe (FOLFOX-4)
    orders: list[int] = field(default_factory=list)  # existing orders to read
    # orders the physicians sent, for the pharmacists to validate and take in charge
    sent: asyncio.Queue[int] | None = None
    sessions: dict[str, str] = field(default_factory=dict)
    critical: CriticalData = field(default_factory=CriticalData)


CONTEXT = Context()
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


async def _page_cookie(session: aiohttp.ClientSession, recorder: Recorder, username: str) -> str:
    """Sign in through the login page (session cookie) once per user; '' on failure."""
    if username in CONTEXT.sessions:
        return CONTEXT.sessions[username]
    async with session.get("/login/") as response:
        body = await response.read()
        csrf_cookie = response.cookies.get("csrftoken")
    match = _CSRF.search(body)
    if match is None or csrf_cookie is None:
        recorder.errors["login (page)"] += 1
        return ""
    start = time.perf_counter()
    async with session.post(
        "/login/",
        data={
            "username": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": match.group(1).decode(),
        },
        headers={"Cookie": f"csrftoken={csrf_cookie.value}"},
        allow_redirects=False,
    ) as response:
        await response.read()
        sid = response.cookies.get("sessionid")
    if response.status != 302 or sid is None:
        recorder.errors["login (page)"] += 1
        if len(recorder.error_samples) < 10:
            recorder.error_samples.append(f"login (page) {response.status}")
        return ""
    recorder.durations["login (page)"].append(time.perf_counter() - start)
    recorder.note_cpu("login (page)", response.headers)
    CONTEXT.sessions[username] = f"sessionid={sid.value}; csrftoken={csrf_cookie.value}"
    return CONTEXT.sessions[username]


async def prescribe(
    session: aiohttp.ClientSession,
    recorder: Recorder,
    headers: dict[str, str],
    patient_id: int,
    *,
    prefix: str = "order",
) -> int | None:
    """The physician's prescription: create, read, reduce one drug, confirm, send."""
    order = await recorder.call(
        session,
        f"{prefix} create",
        "POST",
        "/api/v1/orders",
        json={
            "patient_id": patient_id,
            "regimen_version_id": CONTEXT.regimen_version_id,
            "start_date": (CONTEXT.today + timedelta(days=1)).isoformat(),
            # the load prescribes the same regimen again and again for a few patients
            "schedule_reason": BENCH_SCHEDULE_REASON,
        },
        headers=headers,
    )
    if order is None:
        return None
    order_id = int(order["id"])
    await recorder.call(
        session, f"{prefix} read", "GET", f"/api/v1/orders/{order_id}", headers=headers
    )
    item = next((i for i in order["items"] if i["competence"] == "pharmacy"), order["items"][0])
    adjusted = await recorder.call(
        session,
        f"{prefix} reduce one drug",
        "POST",
        f"/api/v1/orders/{order_id}/items/{item['id']}/adjust",
        json={
            "reduction_percent": "20",
            "reason": "Neutropenia G2 al ciclo precedente",
            "expected_version": order["version"],
        },
        headers=headers,
    )
    version = adjusted["version"] if adjusted else order["version"]
    events = ("confirm", "send")
    await fire(session, recorder, headers, order_id, events, version=version, prefix=prefix)
    return order_id


async def take_in_charge(
    session: aiohttp.ClientSession,
    recorder: Recorder,
    headers: dict[str, str],
    order_id: int,
    *,
    prefix: str = "order",
) -> None:
    order = await recorder.call(
        session, f"{prefix} read", "GET", f"/api/v1/orders/{order_id}", headers=headers
    )
    if order is None:
        return
    events = ("validate", "take_charge")
    await fire(
        session, recorder, headers, order_id, events, version=order["version"], prefix=prefix
    )


async def fire(
    session: aiohttp.ClientSession,
    recorder: Recorder,
    headers: dict[str, str],
    order_id: int,
    events: Sequence[str],
    *,
    version: int,
    prefix: str,
) -> None:
    """The order's ``events``, one transition call each, in turn, each at the version the
    one before answered."""
    for event in events:
        answer = await recorder.call(
            session,
            f"{prefix} {event}",
            "POST",
            f"/api/v1/orders/{order_id}/transitions",
            json={"event": event, "expected_version": version},
            headers=headers,
        )
        version = answer["version"] if answer else version


async def prescribing_physician(
    session: aiohttp.ClientSession, recorder: Recorder, base: str, n: int
) -> None:
    """A physician prescribes a cycle for a measured patient and reads an order page."""
    username = "medico" if n % 2 else "medico2"
    headers = await _headers(session, recorder, username)
    if CONTEXT.patients and CONTEXT.regimen_version_id:
        # n = user index * 100,000 + iteration: spread the users over different patients
        patient_id = CONTEXT.patients[(n // 100_000 * 53 + n % 100_000) % len(CONTEXT.patients)]
        order_id = await prescribe(session, recorder, headers, patient_id)
        if order_id is not None and CONTEXT.sent is not None:
            CONTEXT.sent.put_nowait(order_id)
    cookie = await _page_cookie(session, recorder, username)
    if CONTEXT.orders and cookie:
        order_id = CONTEXT.orders[n % len(CONTEXT.orders)]
        await recorder.call(
            session,
            "order page",
            "GET",
            f"/prescribing/orders/{order_id}/",
            headers={"Cookie": cookie},
        )


async def pharmacy_queue(
    session: aiohttp.ClientSession, recorder: Recorder, base: str, n: int
) -> None:
    """The pharmacist opens today's queue, then validates and takes charge of a sent order."""
    username = "farmacista" if n % 2 else "farmacista2"
    cookie = await _page_cookie(session, recorder, username)
    if cookie:
        await recorder.call(
            session,
            "pharmacy work plan page",
            "GET",
            "/prescribing/pharmacy/",
            headers={"Cookie": cookie},
        )
    if CONTEXT.sent is not None and not CONTEXT.sent.empty():
        headers = await _headers(session, recorder, username)
        await take_in_charge(session, recorder, headers, CONTEXT.sent.get_nowait())


async def pharmacy_plan(
    session: aiohttp.ClientSession, recorder: Recorder, base: str, n: int
) -> None:
    """Only the pharmacy work plan page (data-growth comparison)."""
    cookie = await _page_cookie(session, recorder, "farmacista")
    if cookie:
        await recorder.call(
            session,
            "pharmacy work plan page",
            "GET",
            "/prescribing/pharmacy/",
            headers={"Cookie": cookie},
        )


# ------------------------------------------------------------------ critical path
# One chemotherapy order from prescription to administration, through the JSON API, each
# step by the role that takes it. ``per`` says how often a step runs for one order: once,
# for each preparation (each pharmacy drug of the day), for each vial scanned, or for each
# drug given at the bedside (ward drugs too: the order is administered when all are).


@dataclass(frozen=True)
class Step:
    name: str
    username: str
    method: str
    path: str  # may contain {order}, {item}, {prep}, {administration}
    body: dict[str, Any] | None = None
    per: str = "order"  # "order" | "preparation" | "vial" | "drug"


CRITICAL_PATH: tuple[Step, ...] = (
    Step("create (doses computed)", "medico", "POST", "/api/v1/orders"),
    Step("read", "medico", "GET", "/api/v1/orders/{order}"),
    Step(
        "reduce one drug",
        "medico",
        "POST",
        "/api/v1/orders/{order}/items/{item}/adjust",
        {"reduction_percent": "20", "reason": "Neutropenia G2 al ciclo precedente"},
    ),
    Step("confirm", "medico", "POST", "/api/v1/orders/{order}/transitions", {"event": "confirm"}),
    Step("send", "medico", "POST", "/api/v1/orders/{order}/transitions", {"event": "send"}),
    Step("validate", "farmacista", "POST", "/api/v1/compounding/orders/{order}/validate", {}),
    Step("take charge", "farmacista", "POST", "/api/v1/compounding/orders/{order}/take-charge"),
    Step("hood session + assign", "farmacista", "POST", "/api/v1/compounding/sessions"),
    Step("vial plan", "farmacista", "POST", "/api/v1/compounding/vials/plan"),
    Step("scan", "tecnico", "POST", "/api/v1/compounding/preparations/{prep}/scan", per="vial"),
    Step(
        "weigh bag before",
        "tecnico",
        "POST",
        "/api/v1/compounding/preparations/{prep}/bag-before",
        per="preparation",
    ),
    Step(
        "weigh",
        "tecnico",
        "POST",
        "/api/v1/compounding/preparations/{prep}/weighings",
        per="preparation",
    ),
    Step(
        "release",
        "farmacista",
        "POST",
        "/api/v1/compounding/preparations/{prep}/release",
        per="preparation",
    ),
    Step("check-out", "tecnico", "POST", "/api/v1/compounding/orders/{order}/checkout"),
    Step(
        "bedside verify + start",
        "infermiere",
        "POST",
        "/api/v1/administration/bedside/verify",
        per="drug",
    ),
    Step(
        "end",
        "infermiere",
        "POST",
        "/api/v1/administration/administrations/{administration}/end",
        per="drug",
    ),
)
STEPS = {s.name: s for s in CRITICAL_PATH}
CRITICAL_GOAL_MS = 500.0
TARE_G = Decimal("30.00")


class PathFailed(Exception):
    pass


@dataclass
class _Order:
    """One order on its way, and the time and calls each step took for it."""

    session: aiohttp.ClientSession
    recorder: Recorder
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ids: dict[str, int] = field(default_factory=dict)
    # wraps each timed request (the in-process profile counts its SQL queries)
    around: Callable[[str], AbstractContextManager[Any]] | None = None

    async def call(self, name: str, body: dict[str, Any] | None = None, **ids: int) -> Any:
        step = STEPS[name]
        headers = await _headers(self.session, self.recorder, step.username)
        with self.around(name) if self.around else nullcontext():
            started = time.perf_counter()
            answer = await self.recorder.call(
                self.session,
                f"path: {name}",
                step.method,
                step.path.format(**(self.ids | ids)),
                json=body if body is not None else step.body,
                headers=headers,
            )
            self.seconds[name] += time.perf_counter() - started
        self.calls[name] += 1
        if answer is None:
            raise PathFailed(f"step {name!r} failed")
        return answer


def _pack(product_code: str) -> dict[str, str]:
    pack = CONTEXT.critical.packs.get(product_code)
    if pack is None:
        raise PathFailed(f"no scannable pack of {product_code} in the bench database")
    return {"barcode": pack["aic"], "lot": pack["lot"], "expiry": pack["expiry"]}


def _drug_added(vials: list[dict[str, Any]]) -> Decimal:
    """The drug's own mass added to the bag: volume drawn x density of each vial."""
    grams = Decimal(0)
    for vial in vials:
        density = Decimal(CONTEXT.critical.packs[vial["product_code"]]["density_g_ml"])
        grams += Decimal(vial["ml_drawn"]) * density
    return grams.quantize(Decimal("0.01"))


async def _compound(order: _Order, prep: dict[str, Any]) -> None:
    """Scan the planned vials (then the preparation's product until the dose is drawn),
    weigh the bag as the balance would read it, release."""
    remaining = Decimal(prep["dose_mg"])
    vials: list[dict[str, Any]] = []
    for planned in prep["planned_vials"]:
        if remaining <= 0:
            break
        body = (
            {"leftover_id": planned["leftover_id"]}
            if planned["source"] == "leftover"
            else _pack(planned["product"])
        )
        vials.append(await order.call("scan", body, prep=prep["id"]))
        remaining = Decimal(vials[-1]["remaining_mg"])
    while remaining > 0 and len(vials) < 20:
        vials.append(await order.call("scan", _pack(prep["product_code"]), prep=prep["id"]))
        remaining = Decimal(vials[-1]["remaining_mg"])
    # the bag before the addition, then after it: the drug's own mass is checked
    typed = "bench: bilancia simulata"
    await order.call(
        "weigh bag before",
        {"measured_g": str(TARE_G), "typed_reason": typed},
        prep=prep["id"],
    )
    weighing = await order.call(
        "weigh",
        {"measured_g": str(_drug_added(vials) + TARE_G), "typed_reason": typed},
        prep=prep["id"],
    )
    if not weighing["passed"]:
        raise PathFailed(f"weighing refused: {weighing['message']}")
    await order.call("release", prep=prep["id"])


async def _one_order(order: _Order, patient_id: int) -> None:
    today = CONTEXT.today
    critical = CONTEXT.critical
    created = await order.call(
        "create (doses computed)",
        {
            "patient_id": patient_id,
            "regimen_version_id": critical.regimen_version_id,
            "start_date": today.isoformat(),
            "schedule_reason": BENCH_SCHEDULE_REASON,
        },
    )
    order.ids["order"] = int(created["id"])
    pharmacy_items = [i for i in created["items"] if i["competence"] == "pharmacy"]
    order.ids["item"] = (pharmacy_items or created["items"])[0]["id"]
    version = (await order.call("read"))["version"]
    for name in ("reduce one drug", "confirm", "send"):
        body = dict(STEPS[name].body or {}) | {"expected_version": version}
        version = (await order.call(name, body))["version"]
    await order.call("validate")
    preps = [
        p
        for p in await order.call("take charge")
        if p["scheduled_date"] == today.isoformat() and p["state"] == "validated"
    ]
    session = await order.call(
        "hood session + assign",
        {
            "hood_id": critical.hood_id,
            "technician_id": critical.technician_id,
            "preparation_ids": [p["id"] for p in preps],
        },
    )
    await order.call("vial plan", {"session_id": session["id"]})
    # the plan is on the preparations: the technician's worksheet
    planned = {p["id"]: p["planned_vials"] for p in await _preparations(order)}
    for prep in preps:
        await _compound(order, prep | {"planned_vials": planned.get(prep["id"], [])})
    await order.call(
        "check-out",
        {
            "label_codes": [p["label_code"] for p in preps],
            "delivery_document": f"DDT-BENCH-{order.ids['order']}",
        },
    )
    labels = {p["order_item_id"]: p["label_code"] for p in preps}
    day = sorted(
        (
            i
            for i in created["items"]
            if i["scheduled_date"] == today.isoformat() and i["status"] == "active"
        ),
        key=lambda i: i["sequence"],
    )
    for item in day:
        verified = await order.call(
            "bedside verify + start",
            {
                "wristband": f"PZ{critical.patient_mrn}",
                "badge": critical.nurse_badge,
                "label": labels.get(item["id"], f"WRD{item['id']}"),
                "expected_item_id": item["id"],
            },
        )
        if not verified["allowed"]:
            raise PathFailed(
                f"bedside refused {item['ingredient']}: "
                + ", ".join(r["code"] for r in verified["refusals"])
            )
        administration = verified["administration"]
        await order.call(
            "end",
            {"expected_version": administration["version"]},
            administration=administration["id"],
        )


async def _preparations(order: _Order) -> list[dict[str, Any]]:
    """The worksheet read (not a timed step: the page the technician has open)."""
    headers = await _headers(order.session, order.recorder, "tecnico")
    answer = await order.recorder.call(
        order.session,
        "path: worksheet read",
        "GET",
        f"/api/v1/compounding/orders/{order.ids['order']}/preparations",
        headers=headers,
    )
    if answer is None:
        raise PathFailed("worksheet read failed")
    return list(answer)


async def critical_path(
    base: str,
    patient_id: int,
    repeats: int = 5,
    *,
    session: Any = None,
    around: Callable[[str], AbstractContextManager[Any]] | None = None,
) -> dict[str, Any]:
    """Time each step of one order (unloaded server), ``repeats`` orders: per step the
    median over the orders of its time summed over the drugs, vials and preparations of
    one order; the total is the sum of the steps' medians."""
    recorder = Recorder()
    per_step: dict[str, list[float]] = {s.name: [] for s in CRITICAL_PATH}
    calls: dict[str, int] = {}
    async with session or aiohttp.ClientSession(base_url=base) as client:
        for _ in range(repeats):
            order = _Order(session=client, recorder=recorder, around=around)
            try:
                await _one_order(order, patient_id)
            except PathFailed as failed:
                return {"error": str(failed), "samples": recorder.error_samples}
            for name, samples in per_step.items():
                samples.append(order.seconds.get(name, 0.0))
            calls = dict(order.calls)
    steps = {name: round(percentile(v, 50) * 1000, 1) for name, v in per_step.items()}
    total = round(sum(steps.values()), 1)
    share = {name: round(ms / total, 3) if total else 0.0 for name, ms in steps.items()}
    return {
        "orders": repeats,
        "regimen": "mFOLFOX6",
        "calls_per_order": calls,
        "requests_per_order": sum(calls.values()),
        "steps_ms_median": steps,
        "steps_share": share,
        "total_ms": total,
        "goal_ms": CRITICAL_GOAL_MS,
        "met": total <= CRITICAL_GOAL_MS,
        "note": "time to the complete response on loopback with the server otherwise idle, "
        "summed over every request of one order (prescription to the end of the last "
        "administration); sign-in excluded",
    }


MIX: list[Scenario] = [
    physician,
    pharmacist,
    nurse,
    technician,
    patient_search,
    prescribing_physician,
    pharmacy_queue,
]
