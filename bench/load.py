"""A closed-loop load generator on loopback: N virtual users, each running a scenario.

Each virtual user logs in through the API (bearer token) and repeats its role's
operations until the deadline. Server time is measured per request as the time to
the complete response on loopback (the client and the server share the machine, so
the figures include the client's own overhead; the floor run measures that overhead).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.cpu import HEADER_DB, HEADER_QUERIES, HEADER_SERVER
from bench.stats import OperationFigures


@dataclass
class Recorder:
    durations: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    # per operation: (server CPU µs, database CPU µs, queries) of each answered request
    # whose response carried them (bench.cpu.CpuMiddleware)
    cpu: dict[str, list[tuple[int, int, int]]] = field(default_factory=lambda: defaultdict(list))

    def note_cpu(self, name: str, headers: Any) -> None:
        try:
            sample = (
                int(headers[HEADER_SERVER]),
                int(headers[HEADER_DB]),
                int(headers[HEADER_QUERIES]),
            )
        except (KeyError, ValueError):
            return
        self.cpu[name].append(sample)

    async def call(
        self, session: aiohttp.ClientSession, name: str, method: str, url: str, **kwargs: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            async with session.request(method, url, **kwargs) as response:
                body = await response.read()
                elapsed = time.perf_counter() - start
                if response.status >= 400:
                    self.errors[name] += 1
                    if len(self.error_samples) < 10:
                        self.error_samples.append(f"{name} {response.status} {body[:200]!r}")
                    return None
                self.durations[name].append(elapsed)
                self.note_cpu(name, response.headers)
                if response.content_type.endswith("json") and body:
                    return await response.json(content_type=None)
                return body
        except (TimeoutError, aiohttp.ClientError) as exc:
            self.errors[name] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{name} {type(exc).__name__}")
            return None

    def figures(self, wall_s: float) -> list[OperationFigures]:
        names = sorted(set(self.durations) | set(self.errors))
        return [
            OperationFigures.from_samples(
                n, self.durations.get(n, []), self.errors.get(n, 0), wall_s
            )
            for n in names
        ]


Scenario = Callable[[aiohttp.ClientSession, Recorder, str, int], Awaitable[None]]


async def run_load(
    *, base: str, scenarios: list[Scenario], users: int, seconds: float
) -> tuple[Recorder, float]:
    """Run ``users`` virtual users (round-robin over ``scenarios``) for ``seconds``."""
    recorder = Recorder()
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=users, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(
        base_url=base,
        connector=connector,
        timeout=timeout,
        # each virtual user carries its own session cookie: none is shared through a jar
        cookie_jar=aiohttp.DummyCookieJar(),
    ) as session:

        async def virtual_user(index: int) -> None:
            scenario = scenarios[index % len(scenarios)]
            iteration = 0
            while time.monotonic() < deadline:
                await scenario(session, recorder, base, index * 100_000 + iteration)
                iteration += 1

        start = time.monotonic()
        await asyncio.gather(*(virtual_user(i) for i in range(users)))
        wall = time.monotonic() - start
    return recorder, wall
