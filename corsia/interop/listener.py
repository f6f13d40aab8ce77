"""The HL7 listener: an MLLP server (administration's framing, reused) that hands each
message to ``message_receive`` and frames its ACK back.

Messages are applied one at a time, in arrival order, on a single worker thread that owns
its database connection (the ORM is synchronous; the sockets are not): the order the
sending system chose is the order the registry sees."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connections

from corsia.administration.pumps.mllp import mllp_serve
from corsia.interop.models import RAW_LIMIT
from corsia.interop.services import message_receive

log = logging.getLogger("corsia.interop.listener")

# A frame may carry a message up to the stored limit in a multi-byte encoding.
MAX_FRAME_BYTES = RAW_LIMIT * 4


def _receive(frame: bytes) -> bytes:
    close_old_connections()
    try:
        text = frame.decode("utf-8")
    except UnicodeDecodeError:
        # Italian systems still send ISO 8859-1 (MSH-18 "8859/1"): read it as such.
        text = frame.decode("latin-1")
    return message_receive(raw=text).encode("utf-8")


async def listener_run(
    host: str,
    port: int,
    *,
    stop: asyncio.Event,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Listen until ``stop`` is set; ``on_ready`` receives the bound port."""
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hl7-listener")
    loop = asyncio.get_running_loop()

    async def handle(frame: bytes) -> bytes:
        return await loop.run_in_executor(worker, _receive, frame)

    server = await mllp_serve(host, port, handle, max_frame=MAX_FRAME_BYTES)
    bound = server.sockets[0].getsockname()[1]
    log.info("HL7 listener on %s:%s", host, bound)
    if on_ready is not None:
        on_ready(bound)
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
        await loop.run_in_executor(worker, connections.close_all)
        worker.shutdown(wait=True)
