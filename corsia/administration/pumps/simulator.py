"""An infusion pump simulator speaking IHE PCD over MLLP, as its own process (no Django).

    python -m corsia.administration.pumps.simulator --listen 127.0.0.1:0 \\
        --gateway 127.0.0.1:2575 --pump-id PMP-0001 [--occlusion-after 5] [--speed 60]

* listens for PCD-03 programmes (RGV^O15): checks them as a pump would (units, rate
  against volume and duration, maximum rate, not while infusing) and answers AA or AE;
* once programmed it infuses: every ``--status-interval`` seconds it sends a PCD-01 status
  (ORU^R01) with the volume infused so far (``--speed`` compresses time for demos);
* an occlusion alarm (PCD-04, ORU^R40 ``MDC_EVT_FLUID_LINE_OCCL``) is raised after
  ``--occlusion-after`` seconds, or on SIGUSR1; SIGUSR2 ends it (the pump stays paused);
* when the volume is infused it reports "completed".

The first line on stdout is ``LISTENING host:port`` (useful with port 0).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import re
import signal
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from corsia.administration.domain.hl7_pcd import (
    MDC_EVT_FLUID_LINE_OCCL,
    AckCode,
    AlarmPhase,
    AlarmPriority,
    Hl7Error,
    MessageRefused,
    ProgrammeOrder,
    PumpReportedStatus,
    build_ack,
    build_pcd01,
    build_pcd04,
    parse_pcd,
    pump_application,
    read_header,
)
from corsia.administration.domain.pump_program import RATE_MAX, PumpProgramRefused, rate_check
from corsia.administration.pumps.mllp import MllpNoAnswer, mllp_exchange, mllp_serve

log = logging.getLogger("corsia.pump_simulator")


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


@dataclass
class SimulatedPump:
    pump_id: str
    gateway: tuple[str, int]
    status_interval: float = 2.0
    speed: float = 1.0
    occlusion_after: float | None = None
    max_rate: Decimal = RATE_MAX
    ack_timeout: float = 5.0
    status: PumpReportedStatus | None = None
    programme: ProgrammeOrder | None = None
    infused_ml: Decimal = Decimal(0)
    occlusion: asyncio.Event = field(default_factory=asyncio.Event)
    clear: asyncio.Event = field(default_factory=asyncio.Event)
    _counter: int = 0
    _task: asyncio.Task[None] | None = None

    def _control_id(self) -> str:
        self._counter += 1
        safe = re.sub(r"[^A-Za-z0-9._-]", "", self.pump_id)[:20]
        return f"{safe}-{self._counter}-{uuid.uuid4().hex[:8]}"

    @staticmethod
    def _now() -> datetime:
        return datetime.now().astimezone()

    # --- inbound (programmes) -----------------------------------------------------------

    async def on_frame(self, frame: bytes) -> bytes:
        raw = frame.decode("utf-8", errors="replace")
        header = read_header(raw)
        refusal: MessageRefused | None = None
        try:
            message = parse_pcd(raw)
            if not isinstance(message, ProgrammeOrder):
                raise MessageRefused(
                    f"La pompa accetta solo programmi RGV^O15, non {message.header.message_type}.",
                    code="unsupported_message_type",
                    ack_code=AckCode.REJECT,
                    hl7_error=Hl7Error.UNSUPPORTED_MESSAGE_TYPE,
                    location="MSH^1^9",
                )
            self._check(message)
        except MessageRefused as problem:
            refusal = problem
        code = refusal.ack_code if refusal else AckCode.ACCEPT
        log.info("programme %s: %s", header.control_id if header else "?", code.value)
        answer = build_ack(
            control_id=self._control_id(),
            sent_at=self._now(),
            ack_code=code,
            ref_control_id=header.control_id if header else "",
            trigger=header.trigger if header else "",
            sender=pump_application(self.pump_id),
            receiver=header.sender if header else "",
            refusal=refusal,
        )
        if refusal is None:
            self._start(message)  # type: ignore[arg-type]  # a ProgrammeOrder when accepted
        return answer.encode("utf-8")

    def _check(self, order: ProgrammeOrder) -> None:
        if self.status in (PumpReportedStatus.RUNNING, PumpReportedStatus.ALARM):
            raise MessageRefused(
                "La pompa sta infondendo o è in allarme: programma non accettato.",
                code="pump_busy",
                ack_code=AckCode.ERROR,
                hl7_error=Hl7Error.RECORD_LOCKED,
            )
        if order.rate_ml_h > self.max_rate:
            raise MessageRefused(
                f"Velocità {order.rate_ml_h} mL/h oltre il limite della pompa ({self.max_rate}).",
                code="rate_too_high",
                ack_code=AckCode.ERROR,
                hl7_error=Hl7Error.INTERNAL_ERROR,
                location="RXG^1^15",
            )
        try:
            rate_check(
                rate_ml_h=order.rate_ml_h,
                volume_ml=order.volume_ml,
                duration_min=order.duration_min,
            )
        except PumpProgramRefused as wrong:
            raise MessageRefused(
                wrong.message,
                code=wrong.code,
                ack_code=AckCode.ERROR,
                hl7_error=Hl7Error.INTERNAL_ERROR,
                location="RXG^1^15",
            ) from None

    def _start(self, order: ProgrammeOrder) -> None:
        self.programme = order
        self.infused_ml = Decimal(0)
        self.status = PumpReportedStatus.RUNNING
        self.occlusion.clear()
        self.clear.clear()
        self._task = asyncio.get_running_loop().create_task(self._infuse(order))

    # --- outbound (status, alarms) -------------------------------------------------------

    async def _send(self, message: str) -> None:
        try:
            answer = await mllp_exchange(
                *self.gateway, message.encode("utf-8"), timeout=self.ack_timeout
            )
            log.info("gateway answered %s", answer.decode("utf-8", "replace").split("\r")[1:2])
        except MllpNoAnswer as problem:
            log.warning("gateway unreachable: %s", problem.message)

    async def _report(self, order: ProgrammeOrder) -> None:
        assert self.status is not None
        await self._send(
            build_pcd01(
                device_id=self.pump_id,
                control_id=self._control_id(),
                sent_at=self._now(),
                status=self.status,
                rate_ml_h=order.rate_ml_h
                if self.status == PumpReportedStatus.RUNNING
                else Decimal(0),
                volume_infused_ml=self.infused_ml.quantize(Decimal("0.1")),
                vtbi_ml=order.volume_ml,
            )
        )

    async def _alarm(self, *, ref: str, phase: AlarmPhase) -> None:
        await self._send(
            build_pcd04(
                device_id=self.pump_id,
                control_id=self._control_id(),
                sent_at=self._now(),
                alarm_ref=ref,
                alarm=MDC_EVT_FLUID_LINE_OCCL,
                alarm_text="Occlusione a valle",
                priority=AlarmPriority.HIGH,
                phase=phase,
                active=phase != AlarmPhase.END,
            )
        )

    async def _infuse(self, order: ProgrammeOrder) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        last = started
        await self._report(order)
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.occlusion.wait(), timeout=self.status_interval)
            now = loop.time()
            hours = Decimal(str((now - last) * self.speed / 3600))
            last = now
            self.infused_ml = min(self.infused_ml + order.rate_ml_h * hours, order.volume_ml)
            due = self.occlusion_after is not None and now - started >= self.occlusion_after
            if self.occlusion.is_set() or due:
                await self._occlude(order)
                return
            if self.infused_ml >= order.volume_ml:
                self.status = PumpReportedStatus.COMPLETED
                await self._report(order)
                return
            await self._report(order)

    async def _occlude(self, order: ProgrammeOrder) -> None:
        ref = f"OCCL-{uuid.uuid4().hex[:8]}"
        self.status = PumpReportedStatus.ALARM
        await self._alarm(ref=ref, phase=AlarmPhase.START)
        await self._report(order)
        await self.clear.wait()
        await self._alarm(ref=ref, phase=AlarmPhase.END)
        self.status = PumpReportedStatus.PAUSED
        await self._report(order)


async def _main(args: argparse.Namespace) -> None:
    pump = SimulatedPump(
        pump_id=args.pump_id,
        gateway=_address(args.gateway),
        status_interval=args.status_interval,
        speed=args.speed,
        occlusion_after=args.occlusion_after,
        ack_timeout=args.ack_timeout,
    )
    host, port = _address(args.listen)
    server = await mllp_serve(host, port, pump.on_frame)
    bound = server.sockets[0].getsockname()[1]
    print(f"LISTENING {host}:{bound}", flush=True)  # noqa: T201  # the parent reads the port
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, pump.occlusion.set)
    loop.add_signal_handler(signal.SIGUSR2, pump.clear.set)
    try:
        if args.lifetime:
            await asyncio.wait_for(stop.wait(), timeout=args.lifetime)
        else:
            await stop.wait()
    except TimeoutError:
        log.info("lifetime over")
    finally:
        server.close()
        await server.wait_closed()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Simulatore di pompa infusionale (IHE PCD/MLLP)")
    parser.add_argument("--listen", required=True, help="host:port (porta 0 = libera)")
    parser.add_argument("--gateway", required=True, help="host:port del gateway Corsia")
    parser.add_argument("--pump-id", required=True)
    parser.add_argument("--status-interval", type=float, default=2.0)
    parser.add_argument("--speed", type=float, default=1.0, help="accelerazione del tempo")
    parser.add_argument("--occlusion-after", type=float, default=None, help="secondi")
    parser.add_argument(
        "--ack-timeout",
        type=float,
        default=5.0,
        help="secondi di attesa dell'ACK del gateway prima di passare al messaggio successivo",
    )
    parser.add_argument("--lifetime", type=float, default=None, help="secondi, poi esce")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
    asyncio.run(_main(args))


if __name__ == "__main__":
    main()
