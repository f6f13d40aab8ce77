"""The ward's drug round against the archive's market status (H66): a dose given with a
pack withdrawn from the market (AIFA) is refused with ``pack_withdrawn`` like the other scan
paths (nothing recorded, nothing unloaded); the nurse's reason is not enough
(``pack_withdrawn_pharmacist_only``); a withdrawal dated tomorrow does not stop today."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from corsia.audit.models import AuditEvent
from corsia.drugs.domain.pack_market import PackWithdrawn, PackWithdrawnPharmacistOnly
from corsia.testing.accounts import api_client
from corsia.testing.drugs import pack_withdrawn
from corsia.testing.therapy import Ward12, paracetamol, prescribed
from corsia.therapy import services
from corsia.therapy.models import DoseRecord

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
MORNING = datetime(2026, 3, 10, 7, 0, tzinfo=ROME)
EIGHT = datetime(2026, 3, 10, 8, 0, tzinfo=ROME)


def test_a_withdrawn_pack_is_not_given_and_the_nurse_cannot_go_past_it(ward: Ward12) -> None:
    drug = paracetamol()
    with time_machine.travel(MORNING, tick=False):
        p = prescribed(ward.physician, ward.patient, drug)
    pack_withdrawn(drug.pack, date(2026, 3, 10))  # withdrawn today
    with time_machine.travel(datetime(2026, 3, 10, 8, 5, tzinfo=ROME), tick=False):
        with pytest.raises(PackWithdrawn) as refused:
            services.dose_record(
                actor=ward.nurse, workstation="MED2-PC", prescription_id=p.pk,
                data=services.DoseInput(outcome="given", due_at=EIGHT, barcode=drug.scan),
            )  # fmt: skip
        assert refused.value.code == "pack_withdrawn"
        assert "CONFEZIONE RITIRATA DAL COMMERCIO il 10/03/2026" in refused.value.message
        with pytest.raises(PackWithdrawnPharmacistOnly):
            services.dose_record(
                actor=ward.nurse, workstation="MED2-PC", prescription_id=p.pk,
                data=services.DoseInput(
                    outcome="given", due_at=EIGHT, barcode=drug.scan,
                    withdrawn_override_reason="unica confezione in reparto",
                ),
            )  # fmt: skip
        assert not DoseRecord.objects.exists()
        assert not AuditEvent.objects.filter(event_type="drugs.pack_withdrawn_overridden")
        # the API answers problem+json with the same code, nothing recorded
        answer = api_client(ward.nurse).post(
            f"/api/v1/therapy/prescriptions/{p.pk}/doses",
            {"outcome": "given", "due_at": EIGHT.isoformat(), "barcode": drug.scan},
            content_type="application/json",
        )
        assert answer.status_code == 422, answer.content
        assert answer["Content-Type"].startswith("application/problem+json")
        assert answer.json()["code"] == "pack_withdrawn"
        assert not DoseRecord.objects.exists()


def test_a_withdrawal_dated_tomorrow_does_not_stop_the_dose(ward: Ward12) -> None:
    drug = paracetamol()
    with time_machine.travel(MORNING, tick=False):
        p = prescribed(ward.physician, ward.patient, drug)
    pack_withdrawn(drug.pack, date(2026, 3, 11))
    with time_machine.travel(datetime(2026, 3, 10, 8, 5, tzinfo=ROME), tick=False):
        record = services.dose_record(
            actor=ward.nurse, workstation="MED2-PC", prescription_id=p.pk,
            data=services.DoseInput(outcome="given", due_at=EIGHT, barcode=drug.scan),
        )  # fmt: skip
    assert (record.outcome, record.pack_aic) == ("given", drug.pack.aic)
