"""What each virtual user does: the day of a physician, a pharmacist, a nurse, a technician.

Each scenario signs in once per virtual user (bearer token, as an integration would)
and then repeats its operations. The floor is the cheapest request the server answers
with a database round trip (`/healthz`), measured with the same client and concurrency.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

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


MIX: list[Scenario] = [physician, pharmacist, nurse, technician, patient_search]
