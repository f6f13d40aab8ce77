"""A subscriber's MLLP receiver for the tests, on asyncio in a thread of its own: it keeps
every message it gets and answers as it is told (an ACK built by hand, or silence). The
framing is written here from the MLLP spec (0x0B message 0x1C 0x0D), not borrowed from the
code under test."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

START, END = b"\x0b", b"\x1c\x0d"

# answer(message) → the ACK's text, or None to say nothing (the sender's timeout)
Answer = Callable[[str], str | None]


def control_id_of(message: str) -> str:
    return message.split("\r", 1)[0].split("|")[9]


def ack(message: str, code: str = "AA", *, error: str = "") -> str:
    """An ACK to ``message`` as a pharmacy system writes it (ERR-8: the user message)."""
    head = (
        "MSH|^~\\&|SIO_FARMACIA|OSP_SAN_MATTEO|CORSIA|OSP_SAN_MATTEO|20261201110006||ACK|A1|P|2.5"
    )
    segments = [head, f"MSA|{code}|{control_id_of(message)}"]
    if error:
        segments.append(f"ERR||PID^1^3|204^Unknown key identifier^HL70357|E||||{error}")
    return "\r".join(segments)


class Receiver:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.received: list[str] = []

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        buffer = b""
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    return
                buffer += data
                while START in buffer and END in buffer:
                    start = buffer.index(START)
                    end = buffer.index(END, start)
                    message = buffer[start + 1 : end].decode("utf-8")
                    buffer = buffer[end + 2 :]
                    self.received.append(message)
                    reply = self.answer(message)
                    if reply is not None:
                        writer.write(START + reply.encode("utf-8") + END)
                        await writer.drain()
        finally:
            writer.close()


@contextmanager
def receiving(answer: Answer) -> Iterator[tuple[Receiver, int]]:
    """A receiver on a free loopback port for the duration of the block."""
    receiver = Receiver(answer)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    port: list[int] = []

    async def serve() -> asyncio.AbstractServer:
        server = await asyncio.start_server(receiver._connection, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        return server

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=5)
    ready.wait(5)
    try:
        yield receiver, port[0]
    finally:
        server.close()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
