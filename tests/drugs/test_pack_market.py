"""A pack's market status at scan time (H62), pure: withdrawn on or before today refused
(``pack_withdrawn``) unless a pharmacist's reason; a shortage only a warning."""

from __future__ import annotations

from datetime import date

import pytest

from corsia.drugs.domain.pack_market import (
    PackMarket,
    PackWithdrawn,
    PackWithdrawnPharmacistOnly,
    pack_market_check,
)

TODAY = date(2026, 12, 5)
OXALI = "Oxaliplatino Test 100 mg (AIC 039487019)"


def test_withdrawn_today_or_before_is_refused_tomorrow_is_not_yet() -> None:
    for day in (date(2026, 12, 5), date(2026, 6, 30)):
        with pytest.raises(PackWithdrawn) as refused:
            pack_market_check(PackMarket(1, OXALI, withdrawn_on=day), today=TODAY)
        assert refused.value.code == "pack_withdrawn"
        assert refused.value.message.startswith(
            f"CONFEZIONE RITIRATA DAL COMMERCIO il {day:%d/%m/%Y}: {OXALI}."
        )
        assert refused.value.details == {"pack_id": 1, "withdrawn_on": day.isoformat()}
    verdict = pack_market_check(PackMarket(1, OXALI, withdrawn_on=date(2026, 12, 6)), today=TODAY)
    assert (verdict.overridden, verdict.warning) == (False, "")


def test_only_a_pharmacists_reason_lets_a_withdrawn_pack_through() -> None:
    market = PackMarket(1, OXALI, withdrawn_on=date(2026, 11, 30))
    with pytest.raises(PackWithdrawnPharmacistOnly) as refused:
        pack_market_check(market, today=TODAY, override_reason="nessun'altra confezione")
    assert (refused.value.code, refused.value.status) == ("pack_withdrawn_pharmacist_only", 403)
    with pytest.raises(PackWithdrawn):  # a blank reason is no reason
        pack_market_check(market, today=TODAY, override_reason="   ", is_pharmacist=True)
    verdict = pack_market_check(
        market, today=TODAY, override_reason=" lotto non richiamato ", is_pharmacist=True
    )
    assert verdict.overridden_reason == "lotto non richiamato"


def test_a_shortage_is_a_warning_with_its_dates_never_a_block() -> None:
    market = PackMarket(
        1,
        OXALI,
        shortage_since=date(2026, 11, 1),
        shortage_expected_end=date(2027, 1, 31),
        shortage_suggestion="Usare l'equivalente.",
    )
    verdict = pack_market_check(market, today=TODAY)
    assert not verdict.overridden
    assert verdict.warning == (
        "Confezione in carenza (elenco AIFA dei medicinali carenti) dal 01/11/2026, fine "
        f"presunta 31/01/2027: {OXALI}. Usarla con parsimonia e avvisare il farmacista. "
        "Indicazione AIFA: Usare l'equivalente."
    )
