"""A scanned pack against its market status (``domain/pack_market.py``, H62): the one
entry point the scan paths call (compounding's hood, inventory's ward picking and receipt,
dispensing's desk). A withdrawn pack is refused unless a pharmacist gives a reason, which
is audited here (``drugs.pack_withdrawn_overridden``) inside the caller's transaction; a
shortage comes back as a warning to show."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.selectors import user_roles
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation
from corsia.drugs.audit_events import DRUGS_PACK_WITHDRAWN_OVERRIDDEN
from corsia.drugs.domain.pack_market import PackMarket, PackVerdict, pack_market_check
from corsia.drugs.models import Pack
from corsia.drugs.models_archive_import import PackShortage


def pack_market(pack: Pack) -> PackMarket:
    """The pack's withdrawal date and open shortage, as the archive has them."""
    shortage = PackShortage.objects.filter(pack_id=pack.pk, ended_on__isnull=True).first()
    product = pack.product
    label = str(product)
    if pack.aic:
        label += f" (AIC {pack.aic})"
    elif pack.gtin:
        label += f" (GTIN {pack.gtin})"
    return PackMarket(
        pack_id=pack.pk,
        label=label,
        withdrawn_on=pack.withdrawn_on,
        shortage_since=shortage.started_on if shortage else None,
        shortage_expected_end=shortage.expected_end_on if shortage else None,
        shortage_suggestion=shortage.aifa_suggestion if shortage else "",
    )


def pack_scan_check(
    *,
    actor: User,
    workstation: Workstation,
    pack: Pack,
    where: str,
    override_reason: str = "",
    patient_id: int | None = None,
    today: date | None = None,
) -> PackVerdict:
    """Refuse a withdrawn pack (``pack_withdrawn``; ``pack_withdrawn_pharmacist_only`` when
    someone other than a pharmacist gives the reason); a pharmacist's reason is audited with
    ``where`` ("allestimento PRP00000012", "prelievo richiesta R-2026-0003"…). The shortage
    warning ("" when none) for the caller to show."""
    market = pack_market(pack)
    day = today or timezone.localdate()
    verdict = pack_market_check(
        market,
        today=day,
        override_reason=override_reason,
        # the role matters only for a withdrawn pack: not read for the others
        is_pharmacist=market.withdrawn(day) and Role.PHARMACIST in user_roles(actor),
    )
    if verdict.overridden:
        audit_record(
            event=DRUGS_PACK_WITHDRAWN_OVERRIDDEN,
            actor=actor,
            workstation=workstation,
            target=pack,
            patient_id=patient_id,
            after={
                "where": where,
                "withdrawn_on": pack.withdrawn_on.isoformat() if pack.withdrawn_on else None,
                "aic": pack.aic,
                "gtin": pack.gtin,
            },
            reason=verdict.overridden_reason,
        )
    return verdict
