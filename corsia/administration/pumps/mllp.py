"""MLLP (HL7 Minimal Lower Layer Protocol) over asyncio: framing, a server, a client.

A frame is ``0x0B`` + message + ``0x1C 0x0D``. The reader keeps partial frames across
reads, drops bytes outside frames (noise, a half frame after a reconnect) and abandons a
frame that grows past ``max_frame`` bytes. Every read and connect has a timeout.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from django.db import connections

from corsia.core.domain.errors import CorsiaError

START = b"\x0b"
END = b"\x1c\x0d"
MAX_FRAME_BYTES = 1024 * 1024
IDLE_TIMEOUT_SECONDS = 300.0

log = logging.getLogger("corsia.administration.mllp")


def frame(payload: bytes) -> bytes:
    return START + payload + END


def frame_text(payload: bytes) -> str:
    """A message's text: UTF-8 as MSH-18 usually says, else ISO 8859-1 (still sent by
    older systems), so it can always be stored and answered."""
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("latin-1")


class MllpNoAnswer(CorsiaError):
    code = "pump_no_answer"
    status = 504


@dataclass
class FrameReader:
    """Incremental deframer: ``feed`` bytes, get whole messages back."""

    max_frame: int = MAX_FRAME_BYTES
    discarded_bytes: int = 0
    oversized_frames: int = 0
    _buffer: bytearray = field(default_factory=bytearray)
    _inside: bool = False

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer.extend(data)
        frames: list[bytes] = []
        while True:
            if not self._inside:
                start = self._buffer.find(START)
                if start < 0:
                    self.discarded_bytes += len(self._buffer)
                    self._buffer.clear()
                    return frames
                self.discarded_bytes += start
                del self._buffer[: start + 1]
                self._inside = True
            end = self._buffer.find(END)
            if end < 0:
                if len(self._buffer) > self.max_frame:
                    self.oversized_frames += 1
                    self.discarded_bytes += len(self._buffer)
                    self._buffer.clear()
                    self._inside = False
                return frames
            body = bytes(self._buffer[:end])
            del self._buffer[: end + len(END)]
            self._inside = False
            restart = body.rfind(START)
            if restart >= 0:  # a frame began again before this one ended: keep the last
                self.discarded_bytes += restart + 1
                body = body[restart + 1 :]
            if len(body) > self.max_frame:
                self.oversized_frames += 1
                self.discarded_bytes += len(body)
                continue
            frames.append(body)


Handler = Callable[[bytes], Awaitable[bytes | None]]


async def _serve_connection(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    handler: Handler,
    *,
    max_frame: int,
    idle_timeout: float,
) -> None:
    peer = writer.get_extra_info("peername")
    deframer = FrameReader(max_frame=max_frame)
    try:
        while True:
            try:
                data = await asyncio.wait_for(reader.read(65536), timeout=idle_timeout)
            except TimeoutError:
                log.info("MLLP %s: idle, closing", peer)
                return
            if not data:
                return
            for message in deframer.feed(data):
                answer = await handler(message)
                if answer is not None:
                    writer.write(frame(answer))
                    await writer.drain()
            if deframer.oversized_frames:
                log.warning("MLLP %s: frame over %d bytes, closing", peer, max_frame)
                return
    except (ConnectionError, asyncio.IncompleteReadError) as problem:
        log.info("MLLP %s: connection lost (%s)", peer, problem)
    finally:
        if deframer.discarded_bytes:
            log.warning("MLLP %s: %d bytes outside frames ignored", peer, deframer.discarded_bytes)
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def mllp_serve(
    host: str,
    port: int,
    handler: Handler,
    *,
    max_frame: int = MAX_FRAME_BYTES,
    idle_timeout: float = IDLE_TIMEOUT_SECONDS,
) -> asyncio.Server:
    """Start listening; each frame is passed to ``handler``, its answer framed back."""

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve_connection(
            reader, writer, handler, max_frame=max_frame, idle_timeout=idle_timeout
        )

    return await asyncio.start_server(on_connect, host, port)


async def mllp_listen_in_order(
    host: str,
    port: int,
    apply: Callable[[bytes], bytes],
    *,
    stop: asyncio.Event,
    label: str,
    on_ready: Callable[[int], None] | None = None,
    max_frame: int = MAX_FRAME_BYTES,
) -> None:
    """Listen until ``stop`` is set; ``on_ready`` receives the bound port. Each frame is
    given to ``apply`` (synchronous: the ORM) on one worker thread that owns its database
    connection, so messages are applied one at a time, in arrival order."""
    worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=label)
    loop = asyncio.get_running_loop()

    async def handle(frame: bytes) -> bytes:
        return await loop.run_in_executor(worker, apply, frame)

    server = await mllp_serve(host, port, handle, max_frame=max_frame)
    bound = server.sockets[0].getsockname()[1]
    log.info("%s listening on %s:%s", label, host, bound)
    if on_ready is not None:
        on_ready(bound)
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
        await loop.run_in_executor(worker, connections.close_all)
        worker.shutdown(wait=True)


Listener = Callable[..., Awaitable[None]]


def listen_until_signalled(
    run: Listener, host: str, port: int, write: Callable[[str], None]
) -> None:
    """A management command's body: ``run(host, port, stop=, on_ready=)`` until SIGINT or
    SIGTERM; ``LISTENING host:port`` written once bound."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)

        def ready(bound: int) -> None:
            write(f"LISTENING {host}:{bound}")

        await run(host, port, stop=stop, on_ready=ready)

    asyncio.run(main())


async def mllp_exchange(
    host: str, port: int, payload: bytes, *, timeout: float, max_frame: int = MAX_FRAME_BYTES
) -> bytes:
    """Send one message and wait for the one answer (the ACK), all within ``timeout``."""

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(frame(payload))
            await writer.drain()
            deframer = FrameReader(max_frame=max_frame)
            while True:
                data = await reader.read(65536)
                if not data:
                    raise ConnectionError("connection closed before the answer")
                answers = deframer.feed(data)
                if answers:
                    return answers[0]
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    try:
        return await asyncio.wait_for(exchange(), timeout=timeout)
    except TimeoutError:
        raise MllpNoAnswer(
            f"Nessuna risposta da {host}:{port} entro {timeout:g} secondi.",
            details={"host": host, "port": port},
        ) from None
    except OSError as problem:
        raise MllpNoAnswer(
            f"Impossibile comunicare con {host}:{port}: {problem}.",
            details={"host": host, "port": port},
        ) from None


def mllp_exchange_sync(host: str, port: int, payload: bytes, *, timeout: float) -> bytes:
    """:func:`mllp_exchange` from synchronous code (services).

    When this thread already runs an event loop (an async server, or a test driving a
    browser through Playwright's sync API), the exchange runs on a short-lived thread of
    its own instead: ``asyncio.run`` cannot nest."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(mllp_exchange(host, port, payload, timeout=timeout))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(
            asyncio.run, mllp_exchange(host, port, payload, timeout=timeout)
        ).result()
