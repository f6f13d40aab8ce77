"""The pre-transfusion check at the bedside, as a pure decision.

Two operators at the patient: the wristband is read, then the bag's four ISBT 128
barcodes (DIN, product, blood group, expiry). The bag must be one the transfusion service
issued for *this* request, never given before, not expired, of the requested component
with every treatment the request asks for, and ABO/RhD compatible with the patient's
*confirmed* group — or, released in emergency before the group is confirmed, one that
``emergency.py`` allows; a red-cell unit needs a valid compatible crossmatch unless
released in emergency. Every refusal found is returned (the first is the one shown); nothing
here touches the database or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from corsia.transfusion.domain.compatibility import Compatibility, Verdict, compatibility
from corsia.transfusion.domain.crossmatch import CrossmatchFacts, crossmatch_refusal
from corsia.transfusion.domain.emergency import RhdPolicy, emergency_refusal
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
    emergency: bool = False  # released under the request's emergency declaration
    treatments: frozenset[Treatment] = frozenset()  # attested at issue beyond the product


EMERGENCY_WARNING = (
    "Unità rilasciata in emergenza senza prova di compatibilità: crossmatch e conferma del "
    "gruppo a seguire (regolarizzazione pendente)."
)


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
    emergency: RhdPolicy | None = None  # the request's emergency declaration, if any
    crossmatch: CrossmatchFacts | None = None  # the latest one recorded for this bag
    label_treatments: frozenset[Treatment] = frozenset()  # read from special testing (012)

    @property
    def released_in_emergency(self) -> bool:
        return self.emergency is not None and self.issued is not None and self.issued.emergency


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
    attested = product.treatments | facts.label_treatments
    if facts.issued is not None:
        attested |= facts.issued.treatments
    missing = facts.treatments_required - attested
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
    verdict, refusal = _group_verdict(facts)
    if refusal is not None:
        found.append(refusal)
    found += _crossmatch_refusals(facts)
    return BagDecision(tuple(found), verdict)


def _group_verdict(facts: BagFacts) -> tuple[Compatibility | None, Refusal | None]:
    record = facts.patient_group
    if facts.product is None:
        return None, None
    if record.status is GroupStatus.CONFIRMED and record.group is not None:
        verdict = compatibility(facts.product.component, record.group, facts.scanned_group)
        if not verdict.allowed:
            return verdict, Refusal("group_incompatible", verdict.reason)
        if facts.released_in_emergency:
            warnings = (*verdict.warnings, EMERGENCY_WARNING)
            return Compatibility(Verdict.ACCEPTABLE, "", warnings), None
        return verdict, None
    if facts.released_in_emergency and facts.emergency is not None:
        why = emergency_refusal(facts.product.component, facts.scanned_group, facts.emergency)
        if why is not None:
            return None, Refusal("emergency_group_not_allowed", why)
        return Compatibility(Verdict.ACCEPTABLE, "", (EMERGENCY_WARNING,)), None
    return None, Refusal(
        "group_not_confirmed",
        "Il gruppo del paziente non è confermato (servono due determinazioni concordi su "
        "prelievi diversi) e la sacca non è rilasciata in emergenza.",
    )


def _crossmatch_refusals(facts: BagFacts) -> list[Refusal]:
    if facts.product is None or facts.product.component is not Component.RED_CELLS:
        return []
    if facts.released_in_emergency:
        return []
    problem = crossmatch_refusal(facts.crossmatch, facts.now)
    return [] if problem is None else [Refusal(*problem)]
