"""The pump gateway: an MLLP listener that hands each inbound message to the services.

Messages are applied one at a time, in arrival order, on a single worker thread that owns
its database connection (the ORM is synchronous; the sockets are not).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from django.db import close_old_connections

from corsia.administration.pumps.mllp import MAX_FRAME_BYTES, frame_text, mllp_listen_in_order
from corsia.administration.pumps.services import pump_message_receive


def _apply(frame: bytes) -> bytes:
    close_old_connections()
    return pump_message_receive(raw=frame_text(frame)).encode("utf-8")


async def gateway_run(
    host: str,
    port: int,
    *,
    stop: asyncio.Event,
    on_ready: Callable[[int], None] | None = None,
    max_frame: int = MAX_FRAME_BYTES,
) -> None:
    """Listen until ``stop`` is set; ``on_ready`` receives the bound port."""
    await mllp_listen_in_order(
        host, port, _apply, stop=stop, label="pump-gateway", on_ready=on_ready, max_frame=max_frame
    )
