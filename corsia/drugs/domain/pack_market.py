"""A pack's market status when it is scanned (H62), pure.

The AIFA import (``services_archive_writer``) records the day a pack was withdrawn from the
market (``Pack.withdrawn_on``) and the shortages AIFA lists (``PackShortage``). When a
technician scans a pack — a vial at the compounding hood, a pack picked or received for a
ward, a pack handed over at the direct-distribution desk — a pack withdrawn on or before
today is refused (``pack_withdrawn``) unless a pharmacist goes on with a reason (audited by
the caller: ``drugs.pack_withdrawn_overridden``); a pack in shortage is a warning shown
with the scan (no block: the pack in hand is the one to use).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from corsia.core.domain.errors import PermissionRefused, ValidationFailed

WITHDRAWN = "pack_withdrawn"
PHARMACIST_ONLY = "pack_withdrawn_pharmacist_only"
SHORTAGE = "pack_in_shortage"


class PackWithdrawn(ValidationFailed):
    code = WITHDRAWN


class PackWithdrawnPharmacistOnly(PermissionRefused):
    code = PHARMACIST_ONLY


@dataclass(frozen=True)
class PackMarket:
    """What the archive knows of one pack's market at scan time."""

    pack_id: int
    label: str  # "Oxaliplatino Teva 100 mg (AIC 039487019)"
    withdrawn_on: date | None = None
    shortage_since: date | None = None
    shortage_expected_end: date | None = None
    shortage_suggestion: str = ""

    def withdrawn(self, today: date) -> bool:
        """Withdrawn on or before ``today`` (a withdrawal dated tomorrow is not yet)."""
        return self.withdrawn_on is not None and self.withdrawn_on <= today

    @property
    def in_shortage(self) -> bool:
        return self.shortage_since is not None

    def shortage_warning(self) -> str:
        """The Italian warning of an open shortage ("" when none)."""
        if self.shortage_since is None:
            return ""
        text = (
            f"Confezione in carenza (elenco AIFA dei medicinali carenti) dal "
            f"{self.shortage_since:%d/%m/%Y}"
        )
        if self.shortage_expected_end is not None:
            text += f", fine presunta {self.shortage_expected_end:%d/%m/%Y}"
        text += f": {self.label}. Usarla con parsimonia e avvisare il farmacista."
        if self.shortage_suggestion:
            text += f" Indicazione AIFA: {self.shortage_suggestion}"
        return text


@dataclass(frozen=True)
class PackVerdict:
    """The scan may go on: the override reason applied ("" when the pack is not
    withdrawn) and the shortage warning to show ("" when none)."""

    overridden_reason: str
    warning: str

    @property
    def overridden(self) -> bool:
        return bool(self.overridden_reason)


def pack_market_check(
    market: PackMarket, *, today: date, override_reason: str = "", is_pharmacist: bool = False
) -> PackVerdict:
    """Refuse a pack withdrawn on or before ``today`` (``pack_withdrawn``) unless a
    pharmacist gives a reason (``pack_withdrawn_pharmacist_only`` when another role tries);
    a shortage is only a warning."""
    reason = override_reason.strip()
    warning = market.shortage_warning()
    if not market.withdrawn(today):
        return PackVerdict(overridden_reason="", warning=warning)
    assert market.withdrawn_on is not None  # withdrawn(today)
    details = {"pack_id": market.pack_id, "withdrawn_on": market.withdrawn_on.isoformat()}
    if not reason:
        raise PackWithdrawn(
            f"CONFEZIONE RITIRATA DAL COMMERCIO il {market.withdrawn_on:%d/%m/%Y}: "
            f"{market.label}. Non usarla: prendere un'altra confezione. Solo il farmacista "
            "può autorizzarne l'uso indicando il motivo.",
            field="withdrawn_override_reason",
            details=details,
        )
    if not is_pharmacist:
        raise PackWithdrawnPharmacistOnly(
            f"Confezione ritirata dal commercio il {market.withdrawn_on:%d/%m/%Y}: solo il "
            "farmacista può autorizzarne l'uso.",
            field="withdrawn_override_reason",
            details=details,
        )
    return PackVerdict(overridden_reason=reason, warning=warning)
