"""What one bedside verification looks at: the scanned codes resolved to ids, the order's
items of the day as the rules see them, the preparation behind a UFA label, the ward's time
window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from corsia.administration.domain.bedside.labels import LabelRef


class Progress(StrEnum):
    """Where an order item stands at the bedside."""

    NOT_STARTED = "not_started"
    RUNNING = "running"
    INTERRUPTED = "interrupted"  # stopped before the end; may be restarted
    DONE = "done"  # completed, or ended with a documented partial volume


# The order line's status (prescribing's ``ItemStatus``) of a drug that is to be given.
ITEM_ACTIVE = "active"

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
    # An oral line taken several times a day (prescribing's ``administrations_per_day``:
    # its dose is PER administration): it is done after that many administrations, each
    # recorded at the bedside; ``last_dose_at`` is when the latest finished one started.
    administrations_per_day: int = 1
    doses_done: int = 0
    last_dose_at: datetime | None = None


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
class AllergyAlert:
    """One of the patient's active allergies matching the drug scanned, re-checked at the
    bedside (an allergy may have been recorded after the prescription). ``hard_stop``:
    severe, life-threatening or confirmed; ``cleared_by``: the physician's override (or
    acknowledgement) kept on the order that covers this match, "" when none does."""

    message: str
    hard_stop: bool
    cleared_by: str = ""
    cleared_reason: str = ""


@dataclass(frozen=True)
class PgxAlert:
    """A pharmacogenomic finding on the scanned drug that no override or acknowledgement on
    the order covers: a result (DPYD, TPMT, NUDT15, UGT1A1) recorded after the pharmacist's
    validation, or after compounding. ``hard_stop``: a contraindication (prescribing's
    ``pgx_contraindicated``)."""

    message: str
    genes: str
    hard_stop: bool = False


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
    # The patient's active allergies that match the scanned drug (see AllergyAlert).
    allergies: Sequence[AllergyAlert] = ()
    # The pharmacogenomic findings on the scanned drug still pending (see PgxAlert).
    pgx: Sequence[PgxAlert] = ()
