"""The HL7 listener: an MLLP server (administration's framing, reused) that hands each
message to ``message_receive`` and frames its ACK back.

Messages are applied one at a time, in arrival order, on a single worker thread that owns
its database connection (the ORM is synchronous; the sockets are not): the order the
sending system chose is the order the registry sees."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from django.db import close_old_connections

from corsia.administration.pumps.mllp import frame_text, mllp_listen_in_order
from corsia.interop.models import RAW_LIMIT
from corsia.interop.services import fault_ack, message_receive

log = logging.getLogger("corsia.interop.listener")

# A frame may carry a message up to the stored limit in a multi-byte encoding.
MAX_FRAME_BYTES = RAW_LIMIT * 4


def _receive(frame: bytes) -> bytes:
    close_old_connections()
    text = frame_text(frame)
    try:
        return message_receive(raw=text).encode("utf-8")
    except Exception:  # the database unreachable, a fault of ours: the sender still gets an AE
        log.exception("HL7 listener: message not stored")
        return fault_ack(text).encode("utf-8")


async def listener_run(
    host: str,
    port: int,
    *,
    stop: asyncio.Event,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Listen until ``stop`` is set; ``on_ready`` receives the bound port."""
    await mllp_listen_in_order(
        host,
        port,
        _receive,
        stop=stop,
        label="hl7-listener",
        on_ready=on_ready,
        max_frame=MAX_FRAME_BYTES,
    )
