"""Bedside verification: the checks before a drug is given (pure).

DOMAIN.md safety rule 11 and the Ministry of Health Recommendation n. 14 (2012): the nurse
scans the patient's wristband, their own badge and the label of the preparation; wrong
patient, wrong drug, wrong dose, expired or unreleased preparation and wrong sequence
block the administration.

:func:`bedside_check` returns *every* refusal of one verification, each with a stable
English ``code``, the :class:`Check` it belongs to, an Italian message, and whether it
may be overridden. :func:`bedside_decide` applies the nurse's overrides: only the
refusals listed in :data:`OVERRIDABLE` may be overridden, each with its own reason.
Wrong patient, wrong drug, wrong dose, expired or unreleased preparation, a suspended
order or item can never be overridden.

Route (ISMP; NHS England guidance on intrathecal chemotherapy and on vinca alkaloids): the
preparation's route must be the order line's (``wrong_route``); a vinca alkaloid is given
intravenously only (``vinca_route_not_iv``); an intrathecal drug is given only with a
physician identified by their own badge, as the person administering or as the co-signer
scanned at the bedside (``intrathecal_physician_required``). A lot past its expiry date
(``lot_expired``) and a transport temperature excursion the pharmacist has not released
(``transport_excursion``) block like an expired preparation. None of these is overridable.

Label payloads: ``PRP`` + zero-padded preparation id (printed by the UFA), ``WRD`` +
order item id (printed on the ward for ward-competence drugs, :func:`ward_label_payload`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from corsia.administration.domain.pump_program import PumpProgramRefused, rate_check
from corsia.core.domain.errors import ValidationFailed

# --- labels ---------------------------------------------------------------------------


class LabelKind(StrEnum):
    PREPARATION = "PRP"  # compounded by the pharmacy (UFA)
    WARD = "WRD"  # prepared on the ward (ancillary and supportive drugs)


@dataclass(frozen=True)
class LabelRef:
    kind: LabelKind
    number: int
    raw: str


_LABEL_RE = re.compile(r"^(?P<kind>PRP|WRD)(?P<number>\d{1,12})$")


def parse_label(raw: str) -> LabelRef | None:
    """The label a scanned payload names, or None when it is not one of our labels."""
    text = raw.strip().upper()
    match = _LABEL_RE.match(text)
    if match is None or int(match["number"]) == 0:
        return None
    return LabelRef(kind=LabelKind(match["kind"]), number=int(match["number"]), raw=text)


def ward_label_payload(order_item_id: int) -> str:
    if order_item_id <= 0:
        raise ValueError("order item ids are positive")
    return f"{LabelKind.WARD.value}{order_item_id}"


_VOLUME_RE = re.compile(r"(?P<ml>\d+(?:[.,]\d+)?)\s*mL\b", re.IGNORECASE)


def diluent_volume_ml(preparation_text: str) -> Decimal | None:
    """The bag volume a ward preparation names (``"sodio cloruro 0,9% 100 mL"`` -> 100).

    None when the text names no volume in mL or names more than one (ambiguous): then the
    nurse programs the pump by hand and the volume is not checked here.
    """
    found = _VOLUME_RE.findall(preparation_text or "")
    if len(found) != 1:
        return None
    value = Decimal(found[0].replace(",", "."))
    return value if value > 0 else None


# --- inputs ---------------------------------------------------------------------------


class Progress(StrEnum):
    """Where an order item stands at the bedside."""

    NOT_STARTED = "not_started"
    RUNNING = "running"
    INTERRUPTED = "interrupted"  # stopped before the end; may be restarted
    DONE = "done"  # completed, or ended with a documented partial volume


# Order states from which a drug may be given: the pharmacist (or a second physician)
# has validated the order. Earlier states lack the independent double check.
ADMINISTRABLE_ORDER_STATES = frozenset(
    {"validated", "taken_in_charge", "in_preparation", "prepared", "delivered"}
)


@dataclass(frozen=True)
class ItemView:
    """One drug of the order on its day, with what has happened to it at the bedside."""

    item_id: int
    order_id: int
    patient_id: int
    ingredient_code: str
    ingredient_name: str
    sequence: int
    day_of_cycle: int
    scheduled_date: date
    dose: Decimal
    dose_unit: str
    competence: str  # "pharmacy" | "ward"
    item_status: str  # "active" | "suspended" | "skipped"
    order_state: str
    route: str = ""  # the order line's route code ("iv", "it", …)
    vinca_alkaloid: bool = False  # ATC L01CA: intravenous only, fatal by any other route
    duration_minutes: int | None = None
    interval_after_minutes: int | None = None
    # True when this drug runs in Y with the previous one (e.g. FOLFOX-4: oxaliplatin and
    # folinic acid together): it may start once the previous one has started.
    runs_with_previous: bool = False
    planned_start: datetime | None = None
    progress: Progress = Progress.NOT_STARTED
    started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class PreparationView:
    """What the preparation's label stands for (from the compounding module)."""

    code: str
    order_item_id: int
    patient_id: int
    ingredient_code: str
    dose: Decimal
    volume_ml: Decimal
    expiry: datetime  # already capped by the lots' expiry (never later than a lot)
    released: bool
    dose_unit: str = "mg"
    route: str = ""  # the route printed on the preparation's label
    lot_expiry: date | None = None  # the earliest expiry date of the lots drawn
    lot: str = ""  # that lot's number, for the message
    transport: TransportView | None = None


@dataclass(frozen=True)
class TransportView:
    """The patient bag's recorded transport temperature against the storage this
    preparation needs. ``released``: a pharmacist released the preparation after the
    excursion (reasoned, audited), the only way back."""

    storage: str  # "2-8 °C" | "25 °C"
    minimum_c: Decimal
    maximum_c: Decimal
    outside_range: bool
    released: bool = False


@dataclass(frozen=True)
class BedsidePolicy:
    """Settings of the ward: the time window around the planned start."""

    window_before_minutes: int = 60
    window_after_minutes: int = 60


@dataclass(frozen=True)
class BedsideScan:
    """Everything one verification looks at. The service resolves the codes to ids."""

    now: datetime
    today: date
    actor_id: int
    wristband_raw: str
    wristband_patient_id: int | None  # None: not a wristband, or no such patient
    wristband_readable: bool
    badge_raw: str
    badge_owner_id: int | None  # None: no user has this badge
    label: LabelRef | None
    label_raw: str
    item: ItemView | None  # the item the label belongs to
    preparation: PreparationView | None = None  # for PRP labels
    day_items: Sequence[ItemView] = ()  # the order's items of the same day
    expected_item_id: int | None = None  # the item the nurse chose on the screen
    bag_volume_ml: Decimal | None = None
    rate_ml_h: Decimal | None = None  # the rate set on the pump by hand, if any
    # Intrathecal drugs: is the signed-in actor a physician (may co-sign intrathecal
    # administration), and the physician's badge scanned as co-signer, if any.
    actor_is_physician: bool = False
    cosigner_raw: str = ""
    cosigner_id: int | None = None  # None: no user has this badge
    cosigner_is_physician: bool = False


# --- refusals --------------------------------------------------------------------------


class Check(StrEnum):
    PATIENT = "patient"
    NURSE = "nurse"
    LABEL = "label"
    DRUG = "drug"
    DOSE = "dose"
    ROUTE = "route"
    ORDER = "order"
    ITEM = "item"
    PREPARATION = "preparation"
    TIME = "time"
    SEQUENCE = "sequence"
    RATE = "rate"


CHECK_LABELS_IT: dict[Check, str] = {
    Check.PATIENT: "paziente giusto",
    Check.NURSE: "operatore",
    Check.LABEL: "etichetta",
    Check.DRUG: "farmaco giusto",
    Check.DOSE: "dose giusta",
    Check.ROUTE: "via giusta",
    Check.ORDER: "prescrizione",
    Check.ITEM: "riga della prescrizione",
    Check.PREPARATION: "preparazione",
    Check.TIME: "orario giusto",
    Check.SEQUENCE: "sequenza giusta",
    Check.RATE: "velocità di infusione",
}

# The only refusals a nurse may override, with a reason that is recorded and reported.
# The badge is overridable only when the nurse has none with them (they are signed in).
OVERRIDABLE: frozenset[str] = frozenset(
    {
        "badge_missing",
        "outside_time_window",
        "sequence_previous_not_finished",
        "sequence_interval_not_elapsed",
    }
)


@dataclass(frozen=True)
class Refusal:
    code: str
    check: Check
    message: str

    @property
    def overridable(self) -> bool:
        return self.code in OVERRIDABLE


def _r(code: str, check: Check, message: str) -> Refusal:
    return Refusal(code=code, check=check, message=message)


def _identity(scan: BedsideScan) -> list[Refusal]:
    found: list[Refusal] = []
    if not scan.wristband_raw.strip():
        found.append(
            _r("wristband_missing", Check.PATIENT, "Scansionare il braccialetto del paziente.")
        )
    elif not scan.wristband_readable:
        found.append(
            _r(
                "wristband_unreadable",
                Check.PATIENT,
                "Il codice letto non è un braccialetto paziente: riscansionare il braccialetto.",
            )
        )
    elif scan.wristband_patient_id is None:
        found.append(
            _r(
                "patient_unknown",
                Check.PATIENT,
                "Braccialetto di un paziente non registrato: non somministrare, verificare "
                "l'identità del paziente.",
            )
        )
    if not scan.badge_raw.strip():
        found.append(
            _r(
                "badge_missing",
                Check.NURSE,
                "Scansionare il proprio badge (senza badge indicare il motivo).",
            )
        )
    elif scan.badge_owner_id is None:
        found.append(_r("badge_unknown", Check.NURSE, "Badge non riconosciuto."))
    elif scan.badge_owner_id != scan.actor_id:
        found.append(
            _r(
                "badge_other_user",
                Check.NURSE,
                "Il badge scansionato è di un altro operatore: ognuno somministra con il "
                "proprio badge e il proprio accesso.",
            )
        )
    return found


def _label(scan: BedsideScan) -> list[Refusal]:
    if not scan.label_raw.strip():
        return [_r("label_missing", Check.LABEL, "Scansionare l'etichetta del farmaco.")]
    if scan.label is None:
        return [
            _r(
                "label_unreadable",
                Check.LABEL,
                "Il codice letto non è un'etichetta di farmaco (UFA o reparto).",
            )
        ]
    if scan.item is None or (scan.label.kind is LabelKind.PREPARATION and scan.preparation is None):
        return [
            _r(
                "label_unknown",
                Check.LABEL,
                f"Etichetta {scan.label.raw} sconosciuta: nessuna preparazione o riga di "
                "prescrizione corrisponde.",
            )
        ]
    return []


def _patient_and_drug(scan: BedsideScan, item: ItemView) -> list[Refusal]:
    found: list[Refusal] = []
    prep = scan.preparation
    patient = scan.wristband_patient_id
    if patient is not None and (
        item.patient_id != patient or (prep is not None and prep.patient_id != patient)
    ):
        found.append(
            _r(
                "wrong_patient",
                Check.PATIENT,
                "PAZIENTE SBAGLIATO: il farmaco è per un altro paziente. Non somministrare.",
            )
        )
    if prep is not None and prep.ingredient_code != item.ingredient_code:
        found.append(
            _r(
                "wrong_drug",
                Check.DRUG,
                f"FARMACO SBAGLIATO: l'etichetta non corrisponde a {item.ingredient_name} "
                "prescritto. Non somministrare.",
            )
        )
    if scan.expected_item_id is not None and scan.expected_item_id != item.item_id:
        found.append(
            _r(
                "wrong_drug",
                Check.DRUG,
                f"FARMACO SBAGLIATO: l'etichetta è di {item.ingredient_name}, non del farmaco "
                "scelto sullo schermo. Non somministrare.",
            )
        )
    if scan.label is not None and scan.label.kind is LabelKind.WARD and item.competence != "ward":
        found.append(
            _r(
                "ward_label_for_pharmacy_drug",
                Check.LABEL,
                f"{item.ingredient_name} è allestito dalla farmacia (UFA): usare l'etichetta "
                "della preparazione, non un'etichetta di reparto.",
            )
        )
    if prep is not None and prep.dose_unit != item.dose_unit:
        found.append(
            _r(
                "wrong_dose_unit",
                Check.DOSE,
                f"UNITÀ DI DOSE DIVERSA: la preparazione è in {prep.dose_unit}, la prescrizione "
                f"in {item.dose_unit}. Non somministrare: chiamare la farmacia e il medico.",
            )
        )
    elif prep is not None and prep.dose != item.dose:
        found.append(
            _r(
                "wrong_dose",
                Check.DOSE,
                f"DOSE DIVERSA: la preparazione contiene {prep.dose} {item.dose_unit}, la "
                f"prescrizione ne indica {item.dose} {item.dose_unit}. Non somministrare: "
                "chiamare la farmacia e il medico.",
            )
        )
    return found


_ORDER_STATE_REFUSALS: dict[str, tuple[str, str]] = {
    "suspended": ("order_suspended", "La prescrizione è SOSPESA dal medico: non somministrare."),
    "cancelled": ("order_cancelled", "La prescrizione è ANNULLATA: non somministrare."),
    "administered": (
        "order_administered",
        "La prescrizione risulta già interamente somministrata.",
    ),
}


def _order_and_item(item: ItemView) -> list[Refusal]:
    found: list[Refusal] = []
    if item.order_state in _ORDER_STATE_REFUSALS:
        code, message = _ORDER_STATE_REFUSALS[item.order_state]
        found.append(_r(code, Check.ORDER, message))
    elif item.order_state not in ADMINISTRABLE_ORDER_STATES:
        found.append(
            _r(
                "order_not_validated",
                Check.ORDER,
                "La prescrizione non è ancora validata (doppio controllo): non somministrare.",
            )
        )
    if item.item_status == "suspended":
        found.append(
            _r(
                "item_suspended",
                Check.ITEM,
                f"{item.ingredient_name} è SOSPESO dal medico: non somministrare.",
            )
        )
    elif item.item_status == "skipped":
        found.append(
            _r(
                "item_skipped",
                Check.ITEM,
                f"Il giorno {item.day_of_cycle} del ciclo è stato saltato dal medico.",
            )
        )
    if item.progress is Progress.DONE:
        found.append(
            _r(
                "already_administered",
                Check.ITEM,
                f"{item.ingredient_name} risulta già somministrato: non somministrare di nuovo.",
            )
        )
    elif item.progress is Progress.RUNNING:
        found.append(
            _r(
                "already_running",
                Check.ITEM,
                f"{item.ingredient_name} è già in infusione: terminarla o interromperla prima.",
            )
        )
    return found


INTRATHECAL = "it"
INTRAVENOUS = "iv"
ROUTE_LABELS_IT = {
    "iv": "endovenosa",
    "it": "intratecale",
    "po": "orale",
    "sc": "sottocutanea",
    "im": "intramuscolare",
    "intravesical": "endovescicale",
}


def _route_name(code: str) -> str:
    return ROUTE_LABELS_IT.get(code, code or "non indicata")


def _route(scan: BedsideScan, item: ItemView) -> list[Refusal]:
    """Right route: the preparation's is the order line's; vinca alkaloids IV only;
    intrathecal only with a physician identified by badge."""
    prep = scan.preparation
    found: list[Refusal] = []
    if prep is not None and prep.route != item.route:
        found.append(
            _r(
                "wrong_route",
                Check.ROUTE,
                f"VIA SBAGLIATA: la preparazione è per via {_route_name(prep.route)}, la "
                f"prescrizione indica via {_route_name(item.route)}. Non somministrare: "
                "chiamare la farmacia e il medico.",
            )
        )
    routes = {item.route} | ({prep.route} if prep is not None else set())
    if item.vinca_alkaloid and routes != {INTRAVENOUS}:
        found.append(
            _r(
                "vinca_route_not_iv",
                Check.ROUTE,
                f"{item.ingredient_name.upper()}: SOLO PER USO ENDOVENOSO, FATALE SE "
                "SOMMINISTRATO PER ALTRE VIE. Non somministrare.",
            )
        )
    if INTRATHECAL in routes:
        found += _intrathecal_physician(scan)
    return found


def _intrathecal_physician(scan: BedsideScan) -> list[Refusal]:
    """An intrathecal drug needs a physician: the signed-in actor with their own badge,
    or another user's badge scanned as co-signer that belongs to a physician."""
    actor_identified = scan.badge_owner_id is not None and scan.badge_owner_id == scan.actor_id
    if scan.actor_is_physician and actor_identified:
        return []
    if not scan.cosigner_raw.strip():
        detail = "scansionare il badge del medico che somministra o controfirma."
    elif scan.cosigner_id is None:
        detail = "il badge del medico non è riconosciuto."
    elif scan.cosigner_id == scan.actor_id:
        detail = "il controfirmatario deve essere un medico diverso dall'operatore."
    elif not scan.cosigner_is_physician:
        detail = "il badge scansionato non è di un medico."
    else:
        return []
    return [
        _r(
            "intrathecal_physician_required",
            Check.ROUTE,
            f"SOLO PER USO INTRATECALE: la somministrazione richiede un medico; {detail}",
        )
    ]


def _preparation(scan: BedsideScan) -> list[Refusal]:
    prep = scan.preparation
    if prep is None:
        return []
    found: list[Refusal] = []
    if not prep.released:
        found.append(
            _r(
                "preparation_not_released",
                Check.PREPARATION,
                "Preparazione NON RILASCIATA dal farmacista: non somministrare.",
            )
        )
    if prep.lot_expiry is not None and prep.lot_expiry < scan.today:
        found.append(
            _r(
                "lot_expired",
                Check.PREPARATION,
                f"Lotto {prep.lot} SCADUTO il {prep.lot_expiry:%d/%m/%Y}: la preparazione non "
                "va somministrata.",
            )
        )
    elif prep.expiry <= scan.now:
        found.append(
            _r(
                "preparation_expired",
                Check.PREPARATION,
                f"Preparazione SCADUTA il {prep.expiry:%d/%m/%Y alle %H:%M}: non somministrare.",
            )
        )
    transport = prep.transport
    if transport is not None and transport.outside_range and not transport.released:
        found.append(
            _r(
                "transport_excursion",
                Check.PREPARATION,
                f"TEMPERATURA DI TRASPORTO FUORI INTERVALLO (min {transport.minimum_c} °C, "
                f"max {transport.maximum_c} °C; conservazione {transport.storage}): non "
                "somministrare senza il rilascio del farmacista.",
            )
        )
    return found


def _minutes_up(delta: timedelta) -> int:
    """Whole minutes, rounded up (a nurse told "10 min" must not start after 9)."""
    return -int(-delta.total_seconds() // 60)


def _time(scan: BedsideScan, item: ItemView, policy: BedsidePolicy) -> list[Refusal]:
    if item.scheduled_date != scan.today:
        return [
            _r(
                "wrong_day",
                Check.TIME,
                f"{item.ingredient_name} è previsto il {item.scheduled_date:%d/%m/%Y}, non "
                "oggi: il medico deve spostare il giorno nella prescrizione.",
            )
        ]
    if item.planned_start is None:
        return []
    earliest = item.planned_start - timedelta(minutes=policy.window_before_minutes)
    latest = item.planned_start + timedelta(minutes=policy.window_after_minutes)
    if earliest <= scan.now <= latest:
        return []
    return [
        _r(
            "outside_time_window",
            Check.TIME,
            f"Fuori orario: previsto alle {item.planned_start:%H:%M} (finestra da "
            f"{policy.window_before_minutes} min prima a {policy.window_after_minutes} min dopo).",
        )
    ]


def _sequence(scan: BedsideScan, item: ItemView) -> list[Refusal]:
    earlier = sorted(
        (
            other
            for other in scan.day_items
            if other.order_id == item.order_id
            and other.day_of_cycle == item.day_of_cycle
            and other.sequence < item.sequence
            and other.item_status == "active"
        ),
        key=lambda other: other.sequence,
    )
    found: list[Refusal] = []
    for position, previous in enumerate(earlier):
        immediately_before = position == len(earlier) - 1
        if previous.progress is Progress.DONE:
            wait = previous.interval_after_minutes or 0
            if wait and previous.ended_at is not None:
                ready_at = previous.ended_at + timedelta(minutes=wait)
                if scan.now < ready_at:
                    found.append(
                        _r(
                            "sequence_interval_not_elapsed",
                            Check.SEQUENCE,
                            f"Dopo {previous.ingredient_name} attendere {wait} min: "
                            f"{item.ingredient_name} dalle {ready_at:%H:%M} "
                            f"(mancano {_minutes_up(ready_at - scan.now)} min).",
                        )
                    )
            continue
        if (
            immediately_before
            and item.runs_with_previous
            and previous.progress in (Progress.RUNNING, Progress.DONE)
        ):
            continue
        found.append(
            _r(
                "sequence_previous_not_finished",
                Check.SEQUENCE,
                f"SEQUENZA: prima di {item.ingredient_name} va completato "
                f"{previous.ingredient_name} (n. {previous.sequence} dello schema).",
            )
        )
    return found


def _rate(scan: BedsideScan, item: ItemView) -> list[Refusal]:
    if scan.rate_ml_h is None:
        return []
    if scan.bag_volume_ml is None or not item.duration_minutes:
        return [
            _r(
                "rate_not_checkable",
                Check.RATE,
                "Volume o durata non noti: la velocità non può essere verificata.",
            )
        ]
    try:
        rate_check(
            rate_ml_h=scan.rate_ml_h,
            volume_ml=scan.bag_volume_ml,
            duration_min=item.duration_minutes,
        )
    except PumpProgramRefused as wrong:
        return [_r("rate_mismatch", Check.RATE, f"VELOCITÀ ERRATA: {wrong.message}")]
    return []


def bedside_check(scan: BedsideScan, policy: BedsidePolicy | None = None) -> list[Refusal]:
    """Every refusal of this verification (empty: the drug may be given)."""
    policy = policy or BedsidePolicy()
    found = _identity(scan) + _label(scan)
    item = scan.item
    if item is None or any(r.check is Check.LABEL for r in found):
        return found
    found += _patient_and_drug(scan, item)
    found += _route(scan, item)
    found += _order_and_item(item)
    found += _preparation(scan)
    found += _time(scan, item, policy)
    found += _sequence(scan, item)
    found += _rate(scan, item)
    return found


# --- decision with overrides ---------------------------------------------------------


class OverrideRefused(ValidationFailed):
    code = "override_refused"


@dataclass(frozen=True)
class Decision:
    refusals: tuple[Refusal, ...]
    overridden: tuple[Refusal, ...] = ()
    override_reasons: Mapping[str, str] = field(default_factory=dict)

    @property
    def blocking(self) -> tuple[Refusal, ...]:
        done = {r.code for r in self.overridden}
        return tuple(r for r in self.refusals if r.code not in done)

    @property
    def allowed(self) -> bool:
        return not self.blocking


def bedside_decide(
    refusals: Sequence[Refusal], overrides: Mapping[str, str] | None = None
) -> Decision:
    """Apply the nurse's overrides (refusal code -> reason) to the refusals.

    Raises :class:`OverrideRefused` for an override of a refusal that may not be
    overridden, or without a reason; an override of a refusal that did not occur is
    ignored (the situation changed between two screens)."""
    overrides = overrides or {}
    present = {r.code: r for r in refusals}
    overridden: list[Refusal] = []
    reasons: dict[str, str] = {}
    for code, reason in overrides.items():
        if code not in OVERRIDABLE:
            raise OverrideRefused(
                "Questo controllo non può essere forzato: il farmaco non va somministrato.",
                code="override_not_allowed",
                field="override",
                details={"check": code},
            )
        if code not in present:
            continue
        if not reason.strip():
            raise OverrideRefused(
                f"Per forzare il controllo «{CHECK_LABELS_IT[present[code].check]}» indicare "
                "il motivo (e per la sequenza il medico che lo ha disposto).",
                code="override_reason_required",
                field="override_reason",
                details={"check": code},
            )
        overridden.extend(r for r in refusals if r.code == code)
        reasons[code] = reason.strip()
    return Decision(
        refusals=tuple(refusals), overridden=tuple(overridden), override_reasons=reasons
    )


# --- end of an administration -----------------------------------------------------------


class VolumeRefused(ValidationFailed):
    code = "volume_invalid"


def volume_given_check(*, volume_given_ml: Decimal, bag_volume_ml: Decimal | None) -> None:
    """A volume given is positive or zero and never more than the bag held."""
    if not volume_given_ml.is_finite() or volume_given_ml < 0:
        raise VolumeRefused(
            "Il volume somministrato deve essere zero o positivo.",
            code="volume_negative",
            field="volume_given_ml",
        )
    if bag_volume_ml is not None and volume_given_ml > bag_volume_ml:
        raise VolumeRefused(
            f"Il volume somministrato ({volume_given_ml} mL) supera il volume della sacca "
            f"({bag_volume_ml} mL).",
            code="volume_above_bag",
            field="volume_given_ml",
        )


def item_complete(progresses: Sequence[Progress]) -> bool:
    """All the order's active items are done (completed or a documented partial)."""
    return bool(progresses) and all(p is Progress.DONE for p in progresses)
