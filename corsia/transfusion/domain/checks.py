"""The pre-transfusion check at the bedside, as a pure decision.

Two operators at the patient: the wristband is read, then the bag's four ISBT 128
barcodes (DIN, product, blood group, expiry). The bag must be one the transfusion service
issued for *this* request, never given before, not expired, of the requested component
with every treatment the request asks for, and ABO/RhD compatible with the patient's
*confirmed* group. Every refusal found is returned (the first is the one shown); nothing
here touches the database or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from corsia.transfusion.domain.compatibility import Compatibility, compatibility
from corsia.transfusion.domain.groups import GroupOnRecord, GroupStatus
from corsia.transfusion.domain.isbt128 import BloodGroup
from corsia.transfusion.domain.products import Component, ProductEntry, Treatment


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


@dataclass(frozen=True)
class IssuedBag:
    """A bag as the transfusion service issued it (what its label said then)."""

    request_id: int
    group: BloodGroup
    expires_at: datetime
    transfused: bool  # a transfusion of this bag already began


@dataclass(frozen=True)
class BagFacts:
    request_id: int
    component: Component
    treatments_required: frozenset[Treatment]
    patient_group: GroupOnRecord
    wristband_matches: bool
    issued: IssuedBag | None  # None: no bag with this DIN and product code was issued
    scanned_group: BloodGroup
    scanned_expiry: datetime
    product: ProductEntry | None  # None: a code the hospital's table does not know
    now: datetime


@dataclass(frozen=True)
class BagDecision:
    refusals: tuple[Refusal, ...]
    compatibility: Compatibility | None

    @property
    def accepted(self) -> bool:
        return not self.refusals

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.compatibility.warnings if self.compatibility else ()


def _issue_refusals(facts: BagFacts) -> list[Refusal]:
    issued = facts.issued
    if issued is None:
        return [
            Refusal(
                "bag_not_issued",
                "Questa sacca non risulta assegnata dal servizio trasfusionale: non trasfondere.",
            )
        ]
    found: list[Refusal] = []
    if issued.request_id != facts.request_id:
        found.append(
            Refusal(
                "bag_other_request",
                "Questa sacca è assegnata a un'altra richiesta (forse a un altro paziente): "
                "non trasfondere.",
            )
        )
    if issued.transfused:
        found.append(
            Refusal("bag_already_transfused", "Questa sacca risulta già trasfusa: non usarla.")
        )
    if issued.group != facts.scanned_group or issued.expires_at != facts.scanned_expiry:
        found.append(
            Refusal(
                "label_mismatch",
                "Gruppo o scadenza letti sulla sacca non corrispondono a quelli "
                "dell'assegnazione: chiamare il servizio trasfusionale.",
            )
        )
    return found


def _product_refusals(facts: BagFacts) -> list[Refusal]:
    product = facts.product
    if product is None:
        return [
            Refusal(
                "product_unknown",
                "Codice prodotto non presente nella tabella dell'ospedale: verificare con "
                "il servizio trasfusionale.",
            )
        ]
    found: list[Refusal] = []
    if product.component is not facts.component:
        found.append(
            Refusal(
                "wrong_component",
                f"La sacca contiene {product.component.label_it.lower()}, la richiesta è di "
                f"{facts.component.label_it.lower()}.",
            )
        )
    missing = facts.treatments_required - product.treatments
    if missing:
        names = ", ".join(t.label_it.lower() for t in Treatment if t in missing)
        found.append(
            Refusal(
                "treatment_missing",
                f"La richiesta chiede un emocomponente {names}: questa sacca non lo è.",
            )
        )
    return found


def bag_check(facts: BagFacts) -> BagDecision:
    found: list[Refusal] = []
    if not facts.wristband_matches:
        found.append(
            Refusal(
                "wrong_patient",
                "Il braccialetto letto non è quello del paziente della richiesta: fermarsi.",
            )
        )
    found += _issue_refusals(facts)
    if facts.scanned_expiry <= facts.now:
        found.append(Refusal("bag_expired", "La sacca è scaduta: non trasfondere."))
    found += _product_refusals(facts)
    verdict: Compatibility | None = None
    record = facts.patient_group
    if record.status is not GroupStatus.CONFIRMED or record.group is None:
        found.append(
            Refusal(
                "group_not_confirmed",
                "Il gruppo del paziente non è confermato (servono due determinazioni "
                "concordi su prelievi diversi).",
            )
        )
    elif facts.product is not None:
        verdict = compatibility(facts.product.component, record.group, facts.scanned_group)
        if not verdict.allowed:
            found.append(Refusal("group_incompatible", verdict.reason))
    return BagDecision(tuple(found), verdict)
