"""Test factories and scenarios of bedside administration and the infusion pumps.

- FOLFOX-4 at the bedside: the ``Folfox`` scenario the ``make_folfox``/``folfox`` fixtures
  build (``tests/administration/conftest.py``): cycle 1 starting today for a
  180 cm / 80 kg man (BSA 2.00 m², see :mod:`corsia.testing.compounding`), its day-1
  preparations made at the UFA through the compounding services (validated, taken in
  charge, vials scanned, weighed, released): the order is "prepared" and the bags are
  real compounding preparations. ``verify`` and ``give`` scan and administer through the
  bedside services.
- The pure bedside rules' reference day (``item``, ``prep``, ``scan``, ``codes``): FOLFOX-4
  day 1 for a 2.00 m² patient (de Gramont 2000): 1 ondansetron, 2 dexamethasone (ward),
  3 oxaliplatin 170 mg in 250 mL over 120 min, 4 folinic acid 400 mg in Y with
  oxaliplatin, 5 fluorouracil bolus 800 mg, 6 fluorouracil 1200 mg in 22 h.
- Pumps end to end on loopback: the gateway listener in a thread of this process, the
  pump simulator in a subprocess; sample PCD-01 and PCD-04 messages.
- ``oxaliplatin_packet``: the pump programme the pump tests send (oxaliplatin 153 mg in
  250 mL over 2 h: 250 mL / 2 h = 125.0 mL/h), with ``fields`` in place of the ones given.
- ``wedge``: a keyboard-wedge barcode scanner in a Playwright page; ``session_scan``: a
  scan of the bedside session through the service.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.administration.bedside.infusion import administration_end
from corsia.administration.bedside.services import bedside_verify
from corsia.administration.bedside.session import ScanAnswer, bedside_scan
from corsia.administration.domain.bedside import (
    BedsidePolicy,
    BedsideScan,
    ItemView,
    LabelKind,
    LabelRef,
    PreparationView,
    Progress,
    bedside_check,
)
from corsia.administration.domain.pump_program import PumpProgramPacket, pump_program_compute
from corsia.administration.models import Administration
from corsia.administration.pumps.gateway import gateway_run
from corsia.compounding.models import Preparation
from corsia.patients.models import Patient
from corsia.prescribing.models import OrderItem, TherapyOrder
from corsia.testing import compounding as flow
from corsia.testing.prescribing import measured_patient

ROOT = Path(__file__).resolve().parents[2]

# --- FOLFOX-4 at the bedside -------------------------------------------------------------


@dataclass
class Folfox:
    order: TherapyOrder
    patient: Patient
    other_patient: Patient
    nurse: User
    physician: User
    pharmacist: User
    technician: User
    ufa: flow.Folfox
    items: dict[str, OrderItem]  # day 1, by ingredient code (fluorouracil: bolus)
    fu_infusion: OrderItem
    labels: dict[int, str] = field(default_factory=dict)  # order item id -> label payload

    def label(self, code: str) -> str:
        return self.labels[self.items[code].pk]

    @property
    def wristband(self) -> str:
        return f"PZ{self.patient.mrn}"

    def prepare(self, day: date, *, release: bool = True) -> list[Preparation]:
        """The UFA makes the preparations of ``day``; their labels join ``labels``."""
        preps = flow.make_preparations(
            self.ufa,
            pharmacist=self.pharmacist,
            technician=self.technician,
            day=day,
            release=release,
        )
        self.labels.update({p.order_item_id: p.label_code or "" for p in preps})
        return preps


MakeFolfox = Callable[..., Folfox]


def verify(f: Folfox, code: str, **kw: Any) -> Any:
    values: dict[str, Any] = {
        "actor": f.nurse,
        "workstation": "tablet-DH-3",
        "wristband": f.wristband,
        "badge": "BADGE-0042",
        "label": f.labels[f.items[code].pk] if code in f.items else code,
    }
    values.update(kw)
    return bedside_verify(**values)


def give(f: Folfox, item: OrderItem, **kw: Any) -> Administration:
    result = verify(f, "", label=f.labels[item.pk], **kw)
    assert result.allowed, [r.code for r in result.refusals]
    return administration_end(
        actor=f.nurse, workstation="t", administration_id=result.administration.pk
    )


# --- the pure bedside rules' reference day ------------------------------------------------

ROME = ZoneInfo("Europe/Rome")
TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ROME)
PATIENT, OTHER_PATIENT, NURSE, OTHER_NURSE = 10, 11, 100, 101


def item(seq: int, code: str, **kw: object) -> ItemView:
    values: dict[str, object] = {
        "item_id": seq,
        "order_id": 1,
        "patient_id": PATIENT,
        "ingredient_code": code,
        "ingredient_name": code.capitalize(),
        "sequence": seq,
        "day_of_cycle": 1,
        "scheduled_date": TODAY,
        "dose": Decimal("170"),
        "dose_unit": "mg",
        "competence": "pharmacy",
        "item_status": "active",
        "order_state": "delivered",
        "duration_minutes": 120,
    }
    values.update(kw)
    return ItemView(**values)  # type: ignore[arg-type]  # test factory


ONDANSETRON = item(1, "ondansetron", competence="ward", dose=Decimal(8), duration_minutes=15)
DEXA = item(2, "dexamethasone", competence="ward", dose=Decimal(8), duration_minutes=15)
OXALI = item(3, "oxaliplatin")
FOLINATE = item(4, "calcium_folinate", dose=Decimal(400), runs_with_previous=True)
FU_BOLUS = item(5, "fluorouracil", dose=Decimal(800), duration_minutes=None)
FU_INFUSION = item(6, "fluorouracil", dose=Decimal(1200), duration_minutes=1320)
DONE = {"progress": Progress.DONE, "started_at": NOW - timedelta(hours=3)}


def done(view: ItemView, ended_minutes_ago: int = 60) -> ItemView:
    return replace(
        view, progress=Progress.DONE, ended_at=NOW - timedelta(minutes=ended_minutes_ago)
    )


def prep(view: ItemView, **kw: object) -> PreparationView:
    values: dict[str, object] = {
        "code": f"PRP{view.item_id:08d}",
        "order_item_id": view.item_id,
        "patient_id": view.patient_id,
        "ingredient_code": view.ingredient_code,
        "dose": view.dose,
        "volume_ml": Decimal("250"),
        "expiry": NOW + timedelta(hours=6),
        "released": True,
    }
    values.update(kw)
    return PreparationView(**values)  # type: ignore[arg-type]  # test factory


def scan(target: ItemView, **kw: object) -> BedsideScan:
    """A verification that passes: right wristband, own badge, the target's label."""
    label = (
        LabelRef(LabelKind.WARD, target.item_id, f"WRD{target.item_id}")
        if target.competence == "ward"
        else LabelRef(LabelKind.PREPARATION, target.item_id, f"PRP{target.item_id:08d}")
    )
    day = (done(ONDANSETRON), done(DEXA), OXALI, FOLINATE, FU_BOLUS, FU_INFUSION)
    values: dict[str, object] = {
        "now": NOW,
        "today": TODAY,
        "actor_id": NURSE,
        "wristband_raw": "PZ0000123",
        "wristband_patient_id": PATIENT,
        "wristband_readable": True,
        "badge_raw": "B-100",
        "badge_owner_id": NURSE,
        "label": label,
        "label_raw": label.raw,
        "item": target,
        "preparation": prep(target) if target.competence == "pharmacy" else None,
        "day_items": (*(v for v in day if v.item_id != target.item_id), target),
    }
    values.update(kw)
    return BedsideScan(**values)  # type: ignore[arg-type]  # test factory


def codes(s: BedsideScan, policy: BedsidePolicy | None = None) -> list[str]:
    return [r.code for r in bedside_check(s, policy)]


# --- pumps end to end on loopback --------------------------------------------------------


@contextmanager
def running_listener(run: Callable[..., Awaitable[None]]) -> Iterator[int]:
    """An MLLP listener (``run(host, port, stop=, on_ready=)``: the pump gateway, the HL7
    listener) on a loopback port of its own, in a thread of this process; yields the port."""
    ready = threading.Event()
    state: dict[str, object] = {}

    def serve() -> None:
        async def main() -> None:
            stop = asyncio.Event()
            state["loop"], state["stop"] = asyncio.get_running_loop(), stop

            def on_ready(port: int) -> None:
                state["port"] = port
                ready.set()

            await run("127.0.0.1", 0, stop=stop, on_ready=on_ready)

        asyncio.run(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(5), "listener did not start"
    try:
        yield int(state["port"])  # type: ignore[call-overload]  # set by on_ready
    finally:
        loop: asyncio.AbstractEventLoop = state["loop"]  # type: ignore[assignment]  # set in serve
        stop: asyncio.Event = state["stop"]  # type: ignore[assignment]  # set in serve
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)


@contextmanager
def running_gateway() -> Iterator[int]:
    with running_listener(gateway_run) as port:
        yield port


@contextmanager
def running_simulator(gateway_port: int, *args: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    process = subprocess.Popen(
        [
            sys.executable, "-m", "corsia.administration.pumps.simulator",
            "--listen", "127.0.0.1:0", "--gateway", f"127.0.0.1:{gateway_port}",
            "--pump-id", "PMP-E2E", "--lifetime", "30",
            # a loaded CI machine may take seconds to answer: a pump that gave up waiting
            # would send its next status while the previous one is still being applied,
            # and the gateway would rightly refuse the older one as out of order
            "--ack-timeout", "30", *args,
        ],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "LISTENING 127.0.0.1:PORT"
        assert line.startswith("LISTENING"), (line, process.stderr.read() if process.stderr else "")
        yield process, int(line.rsplit(":", 1)[1])
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def wait_for(condition: Callable[[], object], timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


PCD01_RUNNING = (
    "MSH|^~\\&|PUMP^PMP-0001^L||CORSIA^corsia^L||20250314104500+0100||ORU^R01^ORU_R01|S-7|P|2.6\r"
    "OBR|1||S-7^PUMP|69985^MDC_DEV_PUMP_INFUS_MDS^MDC|||20250314104500+0100\r"
    "OBX|1||69985^MDC_DEV_PUMP_INFUS_MDS^MDC|1.0.0.0|||||||X\r"
    "OBX|2|CWE|184508^MDC_PUMP_STAT^MDC|1.1.1.1|^pump-status-infusing||||||R\r"
    "OBX|3|NM|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.2|125.0|265266^MDC_DIM_MILLI_L_PER_HR^MDC||||||R\r"
    "OBX|4|NM|157864^MDC_VOL_FLUID_DELIV^MDC|1.1.1.3|31.3|263762^MDC_DIM_MILLI_L^MDC||||||R\r"
    "OBX|5|NM|166504^MDC_VOL_FLUID_TBI^MDC|1.1.1.4|250|263762^MDC_DIM_MILLI_L^MDC||||||R\r"
    "OBX|6|NM|157872^MDC_VOL_FLUID_TBI_REMAIN^MDC|1.1.1.5|218.7|263762^MDC_DIM_MILLI_L^MDC||||||R"
)

PCD04_OCCLUSION = (
    "MSH|^~\\&|PUMP^PMP-0001^L||CORSIA^corsia^L||20250314105000+0100||ORU^R40^ORU_R40|A-9|P|2.6\r"
    "OBR|1||E0001_27^PUMP|196616^MDC_EVT_ALARM^MDC|||20250314104958+0100\r"
    "OBX|1|CWE|196616^MDC_EVT_ALARM^MDC|1.1.1.1.1"
    "|196940^MDC_EVT_FLUID_LINE_OCCL^MDC^^^^^^Occlusione a valle|||PH~ST|||F\r"
    "OBX|2|CWE|68480^MDC_ATTR_ALERT_SOURCE^MDC|1.1.1.1.2|69986^MDC_DEV_PUMP_INFUS_VMD^MDC||||||F\r"
    "OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.1.1.1.3|start||||||F\r"
    "OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.1.1.1.4|active||||||F"
)


# --- a keyboard-wedge scanner in a browser ------------------------------------------------


_ANSWERED = "() => Number(document.body.dataset.scansAnswered || 0)"
_ANSWER_IN = (
    "n => Number(document.body.dataset.scansAnswered || 0) > n"
    " && document.body.dataset.scanState === 'idle'"
)


def _answered_after(page: Page, act: Callable[[], None]) -> None:
    """Do ``act``; return once the bedside page shows the server's answer to it
    (``body[data-scans-answered]`` counted one more, nothing left in its queue)."""
    answered = page.evaluate(_ANSWERED)
    act()
    page.wait_for_function(_ANSWER_IN, arg=answered)


def wedge(page: Page, code: str) -> None:
    """What a barcode scanner in keyboard mode does: type the code and Enter into whatever
    has the focus (no focusing first: a tap elsewhere must not lose the scan)."""

    def read() -> None:
        page.keyboard.type(code)
        page.keyboard.press("Enter")

    _answered_after(page, read)


def confirm(page: Page, button: Locator) -> None:
    """Tap a button of the bedside page (end a bag, close the patient): the page posts it
    in the scans' queue and swaps the answer in."""
    _answered_after(page, button.click)


# --- the bedside session through the services ----------------------------------------


def session_scan(
    f: Folfox, code: str, *, nurse: User | None = None, workstation: str = "tablet-DH-3", **kw: Any
) -> ScanAnswer:
    """One scan of the bedside session: a label by ingredient code (``"oxaliplatin"``),
    ``"wristband"`` for the patient's, else the code as read (a badge, another wristband)."""
    if code == "wristband":
        text = f.wristband
    elif code in f.items:
        text = f.label(code)
    else:
        text = code
    return bedside_scan(actor=nurse or f.nurse, workstation=workstation, code=text, **kw)


# --- the fixtures (imported by the conftest.py files that use them) ---


@pytest.fixture
def make_folfox(make_user) -> MakeFolfox:  # type: ignore[no-untyped-def]  # factory fixture
    def build(*, release: bool = True) -> Folfox:
        physician = make_user(Role.PHYSICIAN)
        registrar = make_user(Role.COORDINATOR)
        ufa = flow.folfox_sent_to_pharmacy(
            physician=physician,
            approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)),
            registrar=registrar,
            start=timezone.localdate(),
        )
        other = measured_patient(
            registrar=registrar,
            physician=physician,
            surname="Verdi",
            given_names="Anna",
            sex="F",
        )
        nurse = make_user(Role.NURSE, username="inf_bianca")
        User.objects.filter(pk=nurse.pk).update(badge_code="BADGE-0042")
        nurse.refresh_from_db()
        day1 = list(ufa.order.items.filter(day_of_cycle=1).select_related("ingredient"))
        items: dict[str, OrderItem] = {}
        for item in day1:
            items.setdefault(item.ingredient.code, item)  # first fluorouracil = the bolus
        f = Folfox(
            order=ufa.order,
            patient=ufa.patient,
            other_patient=other,
            nurse=nurse,
            physician=physician,
            pharmacist=make_user(Role.PHARMACIST),
            technician=make_user(Role.TECHNICIAN),
            ufa=ufa,
            items=items,
            fu_infusion=next(
                i
                for i in day1
                if i.ingredient.code == "fluorouracil" and i.infusion_type == "continuous"
            ),
            labels={i.pk: f"WRD{i.pk}" for i in day1 if i.competence == "ward"},
        )
        f.prepare(timezone.localdate(), release=release)
        f.order.refresh_from_db()
        return f

    return build


@pytest.fixture
def folfox(make_folfox: MakeFolfox) -> Folfox:
    return make_folfox()


def doxorubicin_partly_given(order: TherapyOrder, nurse: User) -> Administration:
    """The order's day-1 doxorubicin given in part, written as the bedside would: the
    preparation (its final dose in 250 mL) stopped after 150 mL, an hour long, ended now
    (for ABVD at 25 mg/m² on 2.00 m²: 50 mg prepared, 30 mg = 15 mg/m² given)."""
    item = order.items.get(ingredient__code="doxorubicin", day_of_cycle=1)
    now = timezone.now()
    return Administration.objects.create(
        order_item=item,
        order=order,
        patient_id=order.patient_id,
        label_kind="PRP",
        preparation_ref="PRP00000002",
        ingredient_code="doxorubicin",
        ingredient_name="Doxorubicina",
        dose=item.final_dose,
        dose_unit="mg",
        volume_ml=Decimal(250),
        volume_given_ml=Decimal(150),
        state="partial",
        nurse=nurse,
        started_at=now - timedelta(hours=1),
        ended_at=now,
        updated_by=nurse,
    )


def oxaliplatin_packet(**fields: Any) -> PumpProgramPacket:
    """Oxaliplatin 85 mg/m² x 1.80 m² = 153 mg in 250 mL glucose 5 % over 2 h (125.0 mL/h),
    through ``pump_program_compute``, with ``fields`` in place of the ones given."""
    given: dict[str, Any] = {
        "drug_code": "oxaliplatin",
        "drug_name": "Oxaliplatino",
        "dose_unit": "mg",
        "dose_mg": Decimal("153"),
        "volume_ml": Decimal("250"),
        "duration_min": 120,
        **fields,
    }
    return pump_program_compute(**given)
