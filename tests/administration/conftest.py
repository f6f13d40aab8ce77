from __future__ import annotations

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.administration.models import Pump
from corsia.administration.pumps import services
from corsia.prescribing.models import OrderItem
from corsia.testing import compounding as flow
from corsia.testing.administration import Folfox, MakeFolfox
from corsia.testing.prescribing import measured_patient


@pytest.fixture
def pump(make_user) -> Pump:  # type: ignore[no-untyped-def]  # factory fixture
    return services.pump_register(
        serial="PMP-0001",
        ward_code="DH-ONCO",
        location_label="Poltrona 7",
        host="127.0.0.1",
        port=1,
        actor=make_user(Role.COORDINATOR),
        workstation="test",
    )


# FOLFOX-4 at the bedside: see corsia.testing.administration.


@pytest.fixture
def make_folfox(make_user) -> MakeFolfox:  # type: ignore[no-untyped-def]  # factory fixture
    def build(*, release: bool = True) -> Folfox:
        physician = make_user(Role.PHYSICIAN)
        registrar = make_user(Role.COORDINATOR)
        ufa = flow.folfox_sent_to_pharmacy(
            physician=physician,
            approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN)),
            registrar=registrar,
            start=timezone.localdate(),
        )
        other = measured_patient(
            registrar=registrar,
            physician=physician,
            surname="Verdi",
            given_names="Anna",
            sex="F",
        )
        nurse = make_user(Role.NURSE, username="inf_bianca")
        User.objects.filter(pk=nurse.pk).update(badge_code="BADGE-0042")
        nurse.refresh_from_db()
        day1 = list(ufa.order.items.filter(day_of_cycle=1).select_related("ingredient"))
        items: dict[str, OrderItem] = {}
        for item in day1:
            items.setdefault(item.ingredient.code, item)  # first fluorouracil = the bolus
        f = Folfox(
            order=ufa.order,
            patient=ufa.patient,
            other_patient=other,
            nurse=nurse,
            physician=physician,
            pharmacist=make_user(Role.PHARMACIST),
            technician=make_user(Role.TECHNICIAN),
            ufa=ufa,
            items=items,
            fu_infusion=next(
                i
                for i in day1
                if i.ingredient.code == "fluorouracil" and i.infusion_type == "continuous"
            ),
            labels={i.pk: f"WRD{i.pk}" for i in day1 if i.competence == "ward"},
        )
        f.prepare(timezone.localdate(), release=release)
        f.order.refresh_from_db()
        return f

    return build


@pytest.fixture
def folfox(make_folfox: MakeFolfox) -> Folfox:
    return make_folfox()
