"""The regimen library, the staff and the centre's proportions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import psycopg

from bench.records import (
    Staff,
)
from corsia.prescribing.domain.body_size import BsaFormula
from corsia.prescribing.domain.checks import CumulativeBasis, CumulativeLimit
from corsia.prescribing.domain.policy import DosingPolicy, PaediatricRule

# Relative frequency of the common regimens in an Italian oncology day hospital
# (colorectal, breast, lung, lymphoma lead); every other adult regimen weighs 1.
REGIMEN_WEIGHTS: dict[str, int] = {
    "FOLFOX-4": 10,
    "mFOLFOX6": 14,
    "FOLFIRI": 10,
    "FOLFOX-4-BEV": 5,
    "FOLFIRI-CETUX": 4,
    "CAPOX": 5,
    "FOLFIRINOX": 3,
    "mFOLFIRINOX": 4,
    "GEM-NABPACLI": 5,
    "CARBO-PACLI": 10,
    "CARBO-PACLI-OV": 4,
    "PEMBRO-200": 10,
    "PEMBRO-CARBO-PEM": 7,
    "NIVO-3": 5,
    "CIS-PEM": 4,
    "DOCE-75": 4,
    "AC": 6,
    "AC-DD": 4,
    "PACLI-W": 10,
    "TC": 4,
    "TRASTU-Q3W": 8,
    "PHESGO-DOCE": 4,
    "ERIBULIN": 2,
    "R-CHOP-21": 8,
    "R-CHOP-14": 2,
    "ABVD": 3,
    "BR": 3,
    "R-MAINT": 4,
    "DARA-RD": 3,
    "VRD": 3,
    "AZA": 3,
    "DOCE-PRED": 3,
    "CIS-40-RT": 3,
    "GC-BLADDER": 3,
    "FLOT": 3,
}
ADULT_AGE = 18
# Share of past orders that did not reach administration.
PAST_CANCELLED = 0.025
PAST_SUSPENDED = 0.012
REDUCTION_SHARE = 0.08  # orders (cycle >= 2) with one drug reduced
HORIZON_DAYS = 7  # orders are prescribed up to a week ahead
WARM_UP_DAYS = 180  # courses start this long before the history so it is in steady state

ORDER_PATH = (
    ("confirm", "draft", "confirmed", "physician"),
    ("send", "confirmed", "sent_to_pharmacy", "physician"),
    ("validate", "sent_to_pharmacy", "validated", "pharmacist"),
    ("take_charge", "validated", "taken_in_charge", "pharmacist"),
    ("start_preparation", "taken_in_charge", "in_preparation", "technician"),
    ("complete_preparation", "in_preparation", "prepared", "technician"),
    ("deliver", "prepared", "delivered", "technician"),
    ("administer", "delivered", "administered", "nurse"),
)
PATH_STATES = ("draft", *(step[2] for step in ORDER_PATH))


@dataclass(frozen=True)
class Component:
    id: int
    ingredient_id: int
    ingredient_name: str
    sequence: int
    role: str
    days: tuple[int, ...]
    dose: Decimal
    dose_unit: str
    max_dose: Decimal | None
    route: str
    competence: str
    infusion_type: str
    duration_minutes: int | None
    interval_after_minutes: int | None
    preparation: str
    infusion_conditions: str
    cycle_from: int
    cycle_to: int | None
    archive_max: Decimal | None
    cumulative: CumulativeLimit | None
    # the line's own weight for an obese patient ("": the order's) and its adjusted factor
    obese_weight_basis: str = ""
    adjusted_weight_factor: Decimal | None = None


@dataclass(frozen=True)
class Version:
    id: int
    code: str
    therapy_type: str
    intent: str
    paediatric: bool
    cycle_length: int
    max_cycles: int | None
    decimals: int
    policy: DosingPolicy
    diagnosis: tuple[str, str]
    components: tuple[Component, ...]

    def cycle_components(self, cycle: int) -> list[Component]:
        return [
            c
            for c in self.components
            if c.cycle_from <= cycle and (c.cycle_to is None or cycle <= c.cycle_to)
        ]


@dataclass
class Patient:
    id: int
    sex: str
    born: date
    height: Decimal
    weight: Decimal
    creatinine: Decimal
    # when the height was last measured (None: never): measured again before it goes stale
    # for dosing (``height_due`` in bench.centre.orders), as a day hospital does
    height_measured_at: datetime | None = None
    courses: int = 0
    cumulative: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


@dataclass(frozen=True)
class Course:
    patient: int  # index into the patients
    version: Version
    start: date
    cycles: int
    line: int
    diagnosis_id: int


def _dec(value: float, places: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places))


def load_library(conn: psycopg.Connection[Any]) -> list[Version]:
    """The validated regimen versions of the library, with components and limits."""
    versions: dict[int, dict[str, Any]] = {}
    for row in conn.execute(
        """SELECT v.id, r.code, v.therapy_type, v.intent, v.paediatric, v.cycle_length_days,
                  v.max_cycles, v.dose_decimals, v.mg_kg_below_weight_kg, v.mg_kg_below_bsa_m2,
                  (SELECT d.code || '|' || d.label FROM regimens_regimendisease d
                    WHERE d.version_id = v.id AND d.system = 'icd9cm' ORDER BY d.position, d.id
                    LIMIT 1)
           FROM regimens_regimenversion v JOIN regimens_regimen r ON r.id = v.regimen_id
           WHERE v.status = 'validated' AND r.is_active
             -- a centre prescribes what its pharmacy can compound: a regimen with a
             -- pharmacy line whose drug has no product in the archive is left out
             AND NOT EXISTS (
               SELECT 1 FROM regimens_regimencomponent c
                WHERE c.version_id = v.id AND c.competence = 'pharmacy'
                  AND NOT EXISTS (SELECT 1 FROM drugs_medicinalproduct p
                                   WHERE p.ingredient_id = c.ingredient_id))
           ORDER BY r.code, v.number DESC"""
    ):
        vid, code = row[0], row[1]
        if any(v["code"] == code for v in versions.values()):
            continue  # the latest validated version of each regimen
        paediatric = None
        if row[4] and (row[8] or row[9]):
            paediatric = PaediatricRule(weight_below_kg=row[8], bsa_below_m2=row[9])
        code_label = (row[10] or "199.1|Tumore maligno, sede non specificata").split("|", 1)
        versions[vid] = {
            "code": code,
            "therapy_type": row[2],
            "intent": row[3],
            "paediatric": row[4],
            "cycle_length": row[5],
            "max_cycles": row[6],
            "decimals": row[7],
            "policy": DosingPolicy(bsa_formula=BsaFormula.MOSTELLER, paediatric=paediatric),
            "diagnosis": (code_label[0], code_label[1] or code_label[0]),
            "components": [],
        }
    for row in conn.execute(
        """SELECT c.version_id, c.id, c.ingredient_id, coalesce(nullif(i.name_it, ''), i.name_en),
                  c.sequence, c.role, c.days, c.dose, c.dose_unit, c.max_dose, c.route,
                  c.competence, c.infusion_type, c.duration_minutes, c.interval_after_minutes,
                  c.preparation, c.infusion_conditions, c.cycle_from, c.cycle_to,
                  i.max_single_dose, i.max_single_dose_unit, i.cumulative_limit,
                  i.cumulative_limit_unit, c.obese_weight_basis, c.adjusted_weight_factor
           FROM regimens_regimencomponent c JOIN drugs_activeingredient i ON i.id = c.ingredient_id
           ORDER BY c.version_id, c.sequence, c.id"""
    ):
        version = versions.get(row[0])
        if version is None:
            continue
        archive_max = row[19] if row[19] is not None and row[20] in ("mg", "") else None
        cumulative = None
        if row[21] is not None and row[22] == "mg/m2":
            cumulative = CumulativeLimit(limit=row[21], basis=CumulativeBasis.MG_M2)
        elif row[21] is not None and row[22] in ("mg", ""):
            cumulative = CumulativeLimit(limit=row[21], basis=CumulativeBasis.MG)
        version["components"].append(
            Component(
                id=row[1],
                ingredient_id=row[2],
                ingredient_name=row[3],
                sequence=row[4],
                role=row[5],
                days=tuple(row[6]),
                dose=row[7],
                dose_unit=row[8],
                max_dose=row[9],
                route=row[10],
                competence=row[11],
                infusion_type=row[12],
                duration_minutes=row[13],
                interval_after_minutes=row[14],
                preparation=row[15],
                infusion_conditions=row[16],
                cycle_from=row[17],
                cycle_to=row[18],
                archive_max=archive_max,
                cumulative=cumulative,
                obese_weight_basis=row[23] or "",
                adjusted_weight_factor=row[24],
            )
        )
    return [
        Version(id=vid, **{**v, "components": tuple(v["components"])})
        for vid, v in sorted(versions.items())
        if v["components"]
    ]


def load_staff(conn: psycopg.Connection[Any]) -> Staff:
    ids = dict(conn.execute("SELECT username, id FROM accounts_user").fetchall())

    def of(*names: str) -> tuple[int, ...]:
        found = tuple(ids[n] for n in names if n in ids)
        if not found:
            raise RuntimeError(f"demo users missing ({', '.join(names)}): run corsia_setup --demo")
        return found

    def bench(prefix: str) -> tuple[int, ...]:
        return tuple(ids[n] for n in sorted(ids) if n.startswith(prefix))

    return Staff(
        physicians=of("medico", "medico2"),
        pharmacists=of("farmacista", "farmacista2") + bench("bench.farm"),
        technicians=of("tecnico") + bench("bench.tec"),
        nurses=of("infermiere") + bench("bench.inf"),
        names={v: k for k, v in ids.items()},
    )
