"""What other modules read of a preparation (bedside verification, the nurse's worklist):
the current completed one of a label or of each order line, as a frozen data class."""

from __future__ import annotations

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.compounding import selectors
from corsia.testing.accounts import MakeUser
from corsia.testing.compounding import folfox_sent_to_pharmacy, make_preparations

pytestmark = pytest.mark.django_db


def test_a_completed_preparation_by_label_and_by_order_line(make_user: MakeUser) -> None:
    # given FOLFOX-4's day-1 preparations made (lot L1) and released, none checked out
    physician: User = make_user(Role.PHYSICIAN)
    folfox = folfox_sent_to_pharmacy(
        physician=physician,
        approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)),
        registrar=make_user(Role.COORDINATOR),
        start=timezone.localdate(),
    )
    preps = make_preparations(
        folfox,
        pharmacist=make_user(Role.PHARMACIST),
        technician=make_user(Role.TECHNICIAN),
        day=timezone.localdate(),
    )
    prep = preps[0]
    # when read by its label
    info = selectors.preparation_for_label(prep.label_code or "")
    # then it names its line, patient, drug, dose and first lot, released, not in transport
    assert info is not None
    assert info.code == prep.label_code
    assert info.order_item_id == prep.order_item_id
    assert info.patient_id == folfox.patient.pk
    assert info.ingredient_code == prep.order_item.ingredient.code
    assert info.dose == prep.dose_mg
    assert info.released and info.state == "released" and info.state_label
    assert info.lot == "L1" and info.lot_expiry is not None
    assert prep.expiry_at is not None and info.expiry <= prep.expiry_at
    assert info.expiry <= selectors.lot_expiry_end(info.lot_expiry)
    assert info.transport is None
    # and by order line, every day-1 preparation once
    by_line = selectors.preparations_for_items(p.order_item_id for p in preps)
    assert set(by_line) == {p.order_item_id for p in preps}
    assert by_line[prep.order_item_id] == info
    # a label that names no preparation is none
    assert selectors.preparation_for_label("PRP999999999") is None
    assert selectors.preparation_for_label("not a label") is None
