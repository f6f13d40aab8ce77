"""A pack withdrawn from the market at the hood (H62): the technician's scan is refused
(``pack_withdrawn``, nothing recorded) and a pharmacist goes on only with a reason, audited
(``drugs.pack_withdrawn_overridden``); a pack in shortage is accepted with the warning in
the API's answer. FOLFOX-4 on 2.00 m²: oxaliplatin 85 mg/m² = 170 mg, one 200 mg vial."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.compounding import services
from corsia.compounding.models import Preparation, PreparationVial
from corsia.drugs.domain.pack_market import PackWithdrawn, PackWithdrawnPharmacistOnly
from corsia.drugs.models import Pack
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.compounding import Folfox
from corsia.testing.drugs import pack_in_shortage, pack_withdrawn

pytestmark = pytest.mark.django_db
OXALI_200 = "oxaliplatin_200mg_40ml_oxaliplatino"


def _oxaliplatin(folfox: Folfox, pharmacist: User) -> Preparation:
    services.order_item_validate(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    preps = services.order_take_charge(actor=pharmacist, workstation=None, order_id=folfox.order.pk)
    return next(p for p in preps if p.order_item.ingredient.code == "oxaliplatin")


def _scan(folfox: Folfox, actor: User, prep: Preparation, **kw: str) -> PreparationVial:
    return services.preparation_scan(
        actor=actor,
        workstation="CAPPA-1",
        preparation_id=prep.pk,
        barcode=folfox.aic[OXALI_200],
        lot="OX1",
        expiry=timezone.localdate() + timedelta(days=200),
        **kw,  # type: ignore[arg-type]  # withdrawn_override_reason
    )


def test_a_withdrawn_vial_is_refused_and_only_a_pharmacists_reason_lets_it_in(
    folfox: Folfox, pharmacist: User, make_user: MakeUser
) -> None:
    technician = make_user(Role.TECHNICIAN)
    prep = _oxaliplatin(folfox, pharmacist)
    pack = Pack.objects.get(aic=folfox.aic[OXALI_200])
    withdrawn_on = timezone.localdate() - timedelta(days=3)
    pack_withdrawn(pack, withdrawn_on)
    with pytest.raises(PackWithdrawn) as refused:
        _scan(folfox, technician, prep)
    assert refused.value.message.startswith(
        f"CONFEZIONE RITIRATA DAL COMMERCIO il {withdrawn_on:%d/%m/%Y}:"
    )
    with pytest.raises(PackWithdrawnPharmacistOnly):
        _scan(folfox, technician, prep, withdrawn_override_reason="unico flacone")
    assert not PreparationVial.objects.filter(preparation=prep).exists()
    why = "Ritiro commerciale senza richiamo del lotto: nessuna alternativa in farmacia"
    vial = _scan(folfox, pharmacist, prep, withdrawn_override_reason=why)
    assert vial.mg_drawn == 170  # 85 mg/m² × 2.00 m²
    (event,) = AuditEvent.objects.filter(event_type="drugs.pack_withdrawn_overridden")
    assert (event.reason, event.actor_id, event.patient_id) == (
        why,
        pharmacist.pk,
        folfox.patient.pk,
    )
    assert event.after is not None
    assert event.after["where"] == f"allestimento {prep.label_code}"


def test_a_vial_in_shortage_is_accepted_with_the_warning(
    folfox: Folfox, pharmacist: User, make_user: MakeUser
) -> None:
    technician = make_user(Role.TECHNICIAN)
    prep = _oxaliplatin(folfox, pharmacist)
    pack = Pack.objects.get(aic=folfox.aic[OXALI_200])
    pack_in_shortage(pack, date(2026, 11, 1), suggestion="Usare il flaconcino da 50 mg.")
    answer = api_client(technician).post(
        f"/api/v1/compounding/preparations/{prep.pk}/scan",
        {
            "barcode": folfox.aic[OXALI_200],
            "lot": "OX1",
            "expiry": (timezone.localdate() + timedelta(days=200)).isoformat(),
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    warning = answer.json()["market_warning"]
    assert warning.startswith(
        "Confezione in carenza (elenco AIFA dei medicinali carenti) dal 01/11/2026:"
    )
    assert warning.endswith("Indicazione AIFA: Usare il flaconcino da 50 mg.")
