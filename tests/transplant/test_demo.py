"""The demo transplant: an allogeneic case at day +16 for the haematology ward's first
inpatient, made once, through the services."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.testing.accounts import MakeUser
from corsia.testing.prescribing import library_version
from corsia.testing.therapy import inpatient_in_bed
from corsia.transplant import selectors
from corsia.transplant.demo import ensure_demo_transplant
from corsia.transplant.models import Transplant

pytestmark = pytest.mark.django_db


def test_the_demo_makes_one_allogeneic_case_in_progress(
    make_user: MakeUser, physician: User, nurse: User
) -> None:
    inpatient_in_bed(make_user, ward_code="EMA")
    approvers = (make_user(Role.PHYSICIAN), make_user(Role.PHARMACIST))
    library_version("MEL200", approvers=approvers)
    library_version("FLU-BU4", approvers=approvers)
    assert ensure_demo_transplant(physician=physician, nurse=nurse).startswith("an allogeneic")
    assert ensure_demo_transplant(physician=physician, nurse=nurse) == "already there"
    case = Transplant.objects.get()
    assert (case.state, case.transplant_type) == ("engrafted", "allogeneic")
    engraftment = selectors.engraftment_of(case)
    # ANC 0.3 on day 0, 0.05 on +1..+12, then 0.6, 0.9, 1.2, 1.6: the run starts on +13
    assert (engraftment.neutrophil_day, engraftment.platelet_day) == (13, None)
    assert [d.state for d in case.donors.order_by("pk")] == ["chosen", "candidate"]
    # the allogeneic conditioning, not the autologous MEL200 that sorts first
    assert case.conditioning_regimen.startswith("FLU-BU4"), case.conditioning_regimen
