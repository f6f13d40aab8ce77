"""The dispensing desk and the pharmacist's validation check the interactions with what
the patient takes elsewhere (H59): capecitabine handed over while warfarin is prescribed on
the ward."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ValidationFailed
from corsia.dispensing import services
from corsia.dispensing.models import Dispensing
from corsia.prescribing import services as prescribing
from corsia.prescribing.interactions_check import (
    order_interactions_acknowledge,
    patient_interactions_view,
)
from corsia.testing.accounts import MakeUser
from corsia.testing.dispensing import NOW, TODAY, OralOrderDesk, oral_order_ready
from corsia.testing.interactions import ward_prescribed

pytestmark = pytest.mark.django_db


def _input(desk: OralOrderDesk, **fields: object) -> services.DispensingInput:
    return services.DispensingInput(
        patient_code=desk.patient.codice_fiscale,
        kind="prescription",
        prescriber_id=desk.physician.pk,
        scans=[f"A{desk.pack.aic}"],
        location_code=desk.shelf.code,
        cost_center_code=desk.cost_center.code,
        product_code=desk.product.code,
        daily_units=Decimal(10),
        order_id=desk.order.pk,
        **fields,  # type: ignore[arg-type]
    )


@time_machine.travel(NOW, tick=False)
def test_the_desk_needs_an_acknowledgement_of_a_major_interaction(
    make_user: MakeUser, drugs_reference: None
) -> None:
    desk = oral_order_ready(make_user)
    ward_prescribed(desk.physician, desk.patient, "warfarin", acknowledged=True)
    # refused without the acknowledgement: nothing dispensed
    with pytest.raises(ValidationFailed) as refused:
        services.dispensing_record(
            actor=desk.pharmacist, workstation="banco-1", patient_id=desk.patient.pk,
            data=_input(desk), now=NOW,
        )  # fmt: skip
    assert refused.value.code == "interaction_unacknowledged"
    assert "Capecitabina" in refused.value.message and "Warfarin" in refused.value.message
    assert not Dispensing.objects.exists()
    # acknowledged: dispensed, the acknowledgement audited with the desk's workstation
    row = services.dispensing_record(
        actor=desk.pharmacist, workstation="banco-1", patient_id=desk.patient.pk,
        data=_input(desk, interaction_acknowledged=True), now=NOW,
    )  # fmt: skip
    assert row.units == 120
    event = AuditEvent.objects.get(event_type="dispensing.interaction_acknowledged")
    assert (event.actor_id, event.workstation) == (desk.pharmacist.pk, "banco-1")
    assert event.after is not None
    assert [(i["a"], i["b"]) for i in event.after["interactions"]] == [("capecitabine", "warfarin")]
    # the home therapy is now one of the patient's therapies of the period
    view = patient_interactions_view(
        user=desk.physician, patient_id=desk.patient.pk, workstation=None, first_day=TODAY
    )
    assert {(d.code, d.source) for d in view.drugs} == {
        ("capecitabine", "chemotherapy"),
        ("capecitabine", "home"),
        ("warfarin", "ward"),
    }


@time_machine.travel(NOW, tick=False)
def test_the_pharmacist_validates_after_acknowledging_a_new_interaction(
    make_user: MakeUser, drugs_reference: None
) -> None:
    # the order sent to the pharmacy; warfarin prescribed on the ward since
    desk = oral_order_ready(make_user, events=())
    ward_prescribed(desk.physician, desk.patient, "warfarin", acknowledged=True)
    with pytest.raises(ValidationFailed) as refused:
        prescribing.order_transition(
            actor=desk.pharmacist, workstation=None, order_id=desk.order.pk, event="validate"
        )
    assert refused.value.code == "interaction_unacknowledged"
    order_interactions_acknowledge(
        actor=desk.pharmacist, workstation="farmacia-1", order_id=desk.order.pk, acknowledged=True
    )
    order = prescribing.order_transition(
        actor=desk.pharmacist, workstation=None, order_id=desk.order.pk, event="validate"
    )
    assert order.state == "validated"
