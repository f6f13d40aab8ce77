"""The pump gateway: an MLLP listener that hands each inbound message to the services.

Messages are applied one at a time, in arrival order, on a single worker thread that owns
its database connection (the ORM is synchronous; the sockets are not).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connections

from corsia.administration.pumps.mllp import MAX_FRAME_BYTES, mllp_serve
from corsia.administration.pumps.services import pump_message_receive

log = logging.getLogger("corsia.administration.gateway")


def _apply(frame: bytes) -> bytes:
    close_old_connections()
    try:
        text = frame.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8 as MSH-18 says: read it anyway, so the ACK can name the message.
        text = frame.decode("latin-1")
    return pump_message_receive(raw=text).encode("utf-8")


async def gateway_run(
    host: str,
    port: int,
    *,
    stop: asyncio.Event,
    on_ready: Callable[[int], None] | None = None,
    max_frame: int = MAX_FRAME_BYTES,
) -> None:
    """Listen until ``stop`` is set; ``on_ready`` receives the bound port."""
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pump-gateway")
    loop = asyncio.get_running_loop()

    async def handle(frame: bytes) -> bytes:
        return await loop.run_in_executor(worker, _apply, frame)

    server = await mllp_serve(host, port, handle, max_frame=max_frame)
    bound = server.sockets[0].getsockname()[1]
    log.info("pump gateway listening on %s:%s", host, bound)
    if on_ready is not None:
        on_ready(bound)
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
        await loop.run_in_executor(worker, connections.close_all)
        worker.shutdown(wait=True)
