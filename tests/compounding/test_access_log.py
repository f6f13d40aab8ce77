"""Regression tests (issue 26): the UFA's pages that show patients — the work plan (page,
its rows, the vial plan, the API), the check-out and its bag label — are reads of patient
data, one access-log row per patient shown."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.accounts.services import token_issue
from corsia.audit.models import AccessLogEntry
from corsia.compounding.models import CheckOut
from corsia.testing.accounts import MakeUser, logged_in
from corsia.testing.compounding import (
    Folfox,
    check_out,
    make_preparations,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pharmacist(make_user: MakeUser) -> User:
    return make_user(Role.PHARMACIST, username="farm_registro")


def _logged(user: User) -> list[tuple[int, str, str]]:
    return list(
        AccessLogEntry.objects.filter(username=user.username)
        .order_by("id")
        .values_list("patient_id", "channel", "what")
    )


def test_ufa_work_plan_page_is_in_the_access_log(folfox: Folfox, pharmacist: User) -> None:
    # given an order of the day in the work plan (seven drugs, one patient)
    client = logged_in(pharmacist)
    today = f"{timezone.localdate():%d/%m/%Y}"
    # when the pharmacist opens the plan, then its rows refresh
    page = client.get("/compounding/")
    assert folfox.patient.surname.upper() in page.content.decode()
    assert client.get("/compounding/rows/").status_code == 200
    # then each shows the patient once: one row per patient shown, not per drug
    assert _logged(pharmacist) == [
        (folfox.patient.pk, "web", f"piano di lavoro UFA del {today}"),
        (folfox.patient.pk, "web", f"piano di lavoro UFA del {today}"),
    ]


def test_ufa_work_plan_api_is_in_the_access_log(folfox: Folfox, pharmacist: User) -> None:
    key, _ = token_issue(user=pharmacist)
    client = Client(headers={"Authorization": f"Bearer {key}"})
    rows = client.get("/api/v1/compounding/workplan").json()
    assert {row["patient_mrn"] for row in rows} == {folfox.patient.mrn}
    assert _logged(pharmacist) == [
        (folfox.patient.pk, "api", f"piano di lavoro UFA del {timezone.localdate():%d/%m/%Y}")
    ]


def test_an_empty_ufa_work_plan_logs_nothing(pharmacist: User) -> None:
    assert logged_in(pharmacist).get("/compounding/").status_code == 200
    assert _logged(pharmacist) == []


def test_checkout_page_and_bag_label_are_in_the_access_log(
    folfox: Folfox, pharmacist: User, make_user: MakeUser
) -> None:
    # given the day's preparations checked out into the patient bag
    technician = make_user(Role.TECHNICIAN)
    day = timezone.localdate()
    make_preparations(folfox, pharmacist=pharmacist, technician=technician, day=day)
    check_out(folfox, technician=technician, day=day)
    checkout = CheckOut.objects.get(order=folfox.order)
    client = logged_in(pharmacist)
    before = len(_logged(pharmacist))
    # when the pharmacist opens the check-out page of the order, the check-out done
    # and its bag label
    assert client.get(f"/compounding/orders/{folfox.order.pk}/checkout/?day={day}").status_code
    assert client.get(f"/compounding/checkouts/{checkout.pk}/").status_code == 200
    label = client.get(f"/compounding/checkouts/{checkout.pk}/label.pdf")
    assert label["Content-Type"] == "application/pdf"
    # then each is a read of the patient's data
    assert _logged(pharmacist)[before:] == [
        (folfox.patient.pk, "web", f"prescrizione {folfox.order.pk} (UFA)"),
        (folfox.patient.pk, "web", f"check-out {checkout.pk}"),
        (folfox.patient.pk, "web", f"etichetta del sacchetto del check-out {checkout.pk}"),
    ]


def test_an_orders_preparations_read_through_the_api_is_logged_on_the_api_channel(
    folfox: Folfox, pharmacist: User
) -> None:
    key, _ = token_issue(user=pharmacist)
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert (
        client.get(f"/api/v1/compounding/orders/{folfox.order.pk}/preparations").status_code == 200
    )
    assert _logged(pharmacist) == [
        (folfox.patient.pk, "api", f"prescrizione {folfox.order.pk} (UFA)")
    ]
