"""What each virtual user does: the day of a physician, a pharmacist, a nurse, a technician.

Each scenario signs in once per virtual user (bearer token, as an integration would)
and then repeats its operations. The floor is the cheapest request the server answers
with a database round trip (`/healthz`), measured with the same client and concurrency.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import aiohttp

from bench.load import Recorder

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
    await recorder.call(
        session,
        f"{prefix} reduce one drug",
        "POST",
        f"/api/v1/orders/{order_id}/items/{item['id']}/adjust",
        json={"reduction_percent": "20", "reason": "Neutropenia G2 al ciclo precedente"},
        headers=headers,
    )
    for event in ("confirm", "send"):
        await recorder.call(
            session,
            f"{prefix} {event}",
            "POST",
            f"/api/v1/orders/{order_id}/transitions",
            json={"event": event},
            headers=headers,
        )
    return order_id


async def take_in_charge(
    session: aiohttp.ClientSession,
    recorder: Recorder,
    headers: dict[str, str],
    order_id: int,
    *,
    prefix: str = "order",
) -> None:
    for event in ("validate", "take_charge"):
        await recorder.call(
            session,
            f"{prefix} {event}",
            "POST",
            f"/api/v1/orders/{order_id}/transitions",
            json={"event": event},
            headers=headers,
        )


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
# One chemotherapy order from prescription to the last transition available on main.
# Each step is (name, role's user, coroutine); compounding and administration steps are
# appended here when those modules land (start_preparation ... administer).


@dataclass(frozen=True)
class Step:
    name: str
    username: str
    method: str
    path: str  # may contain {order} and {item}
    body: dict[str, Any] | None = None


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
    Step(
        "validate",
        "farmacista",
        "POST",
        "/api/v1/orders/{order}/transitions",
        {"event": "validate"},
    ),
    Step(
        "take charge",
        "farmacista",
        "POST",
        "/api/v1/orders/{order}/transitions",
        {"event": "take_charge"},
    ),
)
NOT_YET_ON_MAIN = (
    "start_preparation",
    "vial assignment, compounding, gravimetric check",
    "complete_preparation / release",
    "deliver",
    "bedside checks and administer",
)


async def critical_path(base: str, patient_id: int, repeats: int = 5) -> dict[str, Any]:
    """Time each step of one order (unloaded server), ``repeats`` orders; median per step."""
    from bench.stats import percentile

    recorder = Recorder()
    per_step: dict[str, list[float]] = {s.name: [] for s in CRITICAL_PATH}
    async with aiohttp.ClientSession(base_url=base) as session:
        for _ in range(repeats):
            order_id = item_id = 0
            for step in CRITICAL_PATH:
                headers = await _headers(session, recorder, step.username)
                body = step.body
                if step.path == "/api/v1/orders":
                    body = {
                        "patient_id": patient_id,
                        "regimen_version_id": CONTEXT.regimen_version_id,
                        "start_date": (CONTEXT.today + timedelta(days=1)).isoformat(),
                    }
                started = time.perf_counter()
                answer = await recorder.call(
                    session,
                    step.name,
                    step.method,
                    step.path.format(order=order_id, item=item_id),
                    json=body,
                    headers=headers,
                )
                per_step[step.name].append(time.perf_counter() - started)
                if answer is None:
                    return {
                        "error": f"step {step.name!r} failed",
                        "samples": recorder.error_samples,
                    }
                if step.path == "/api/v1/orders":
                    order_id = int(answer["id"])
                    item_id = next(
                        (i["id"] for i in answer["items"] if i["competence"] == "pharmacy"),
                        answer["items"][0]["id"],
                    )
    steps = {name: round(percentile(v, 50) * 1000, 1) for name, v in per_step.items()}
    total = round(sum(steps.values()), 1)
    return {
        "orders": repeats,
        "steps_ms_median": steps,
        "total_ms": total,
        "goal_ms": 500,
        "met": total <= 500,
        "not_yet_on_main": list(NOT_YET_ON_MAIN),
        "note": "time to the complete response on loopback with the server otherwise idle",
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
