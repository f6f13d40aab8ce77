"""Ward scoping of the requests: a nurse, coordinator or physician reads and acts on the
requests of the wards they are assigned to (``WardAssignment``) only; the pharmacy's roles
on every ward's. Out of scope: an id is answered as one that does not exist (API and
service), a request for another ward's cabinet is refused, nothing changes."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.core.domain.errors import NotFound, PermissionRefused
from corsia.inventory import services
from corsia.inventory.models import StorageLocation, WardRequest
from corsia.inventory.services import ward_requests as wr
from corsia.patients.models import Ward, WardAssignment
from corsia.testing.accounts import MakeUser, logged_in, post_json
from corsia.testing.inventory import NOW, WardScene

API = "/api/v1/requests"


@pytest.fixture
def other_ward(scene: WardScene) -> tuple[User, StorageLocation]:
    """Haematology's nurse and cabinet: a ward the day hospital's nurse is not assigned to."""
    ward = Ward.objects.create(code="EMA", name="Ematologia", kind="inpatient")
    cabinet = services.location_save(
        actor=scene.pharmacist, workstation="t", code="ARM-EMA", name="Armadio Ematologia",
        kind="ward_cabinet", ward=ward,
    )  # fmt: skip
    nurse = User.objects.create_user(username="inf_ema")
    nurse.groups.add(*scene.nurse.groups.all())
    WardAssignment.objects.create(user=nurse, ward=ward, assigned_by=nurse)
    return nurse, cabinet


def _request(actor: User, cabinet: StorageLocation, scene: WardScene) -> WardRequest:
    return wr.ward_request_create(
        actor=actor, workstation="t", cabinet=cabinet, kind="ward_stock", urgency="routine",
        lines=[wr.RequestLineInput(scene.oxaliplatin, 2)], now=NOW, submit=True,
    )  # fmt: skip


def test_a_nurse_sees_and_acts_on_her_wards_requests_only(
    scene: WardScene, other_ward: tuple[User, StorageLocation]
) -> None:
    ema_nurse, ema_cabinet = other_ward
    dh = _request(scene.nurse, scene.cabinet, scene)
    ema = _request(ema_nurse, ema_cabinet, scene)
    nurse = logged_in(scene.nurse)
    assert [r["id"] for r in nurse.get(f"{API}/").json()["items"]] == [dh.pk]
    assert [r["id"] for r in logged_in(ema_nurse).get(f"{API}/").json()["items"]] == [ema.pk]
    # the pharmacy sees both
    assert {r["id"] for r in logged_in(scene.pharmacist).get(f"{API}/").json()["items"]} == {
        dh.pk,
        ema.pk,
    }
    # another ward's request: as if it did not exist, read or act
    response = nurse.get(f"{API}/{ema.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "ward_request_not_found")
    status, body = post_json(nurse, f"{API}/{ema.pk}/cancel", {"reason": "errore"})
    assert (status, body["code"]) == (404, "ward_request_not_found")
    ema.refresh_from_db()
    assert ema.state == "submitted"
    with pytest.raises(NotFound):
        wr.ward_request_cancel(
            actor=scene.nurse, workstation="t", request_id=ema.pk, reason="x", now=NOW
        )
    # the restock proposal of another ward's cabinet: unknown to her
    response = nurse.get(f"{API}/restock-proposal?cabinet=ARM-EMA")
    assert (response.status_code, response.json()["code"]) == (422, "cabinet_unknown")


def test_a_request_for_another_ward_s_cabinet_is_refused(
    scene: WardScene, other_ward: tuple[User, StorageLocation]
) -> None:
    _, ema_cabinet = other_ward
    with pytest.raises(PermissionRefused) as refused:
        _request(scene.nurse, ema_cabinet, scene)
    assert refused.value.code == "ward_not_assigned"
    status, body = post_json(logged_in(scene.nurse), f"{API}/", {
        "cabinet": "ARM-EMA", "kind": "ward_stock", "urgency": "routine",
        "lines": [{"product": scene.oxaliplatin.code, "units": 1}],
    })  # fmt: skip
    assert (status, body["code"]) == (403, "ward_not_assigned")
    assert WardRequest.objects.count() == 0


def test_an_ended_assignment_ends_the_scope(scene: WardScene, make_user: MakeUser) -> None:
    dh = _request(scene.nurse, scene.cabinet, scene)
    coordinator = make_user(Role.COORDINATOR, username="coord_dh")
    # not assigned: nothing
    assert logged_in(coordinator).get(f"{API}/").json()["items"] == []
    assignment = WardAssignment.objects.create(
        user=coordinator, ward=Ward.objects.get(code="DHONC"), assigned_by=coordinator
    )
    assert [r["id"] for r in logged_in(coordinator).get(f"{API}/").json()["items"]] == [dh.pk]
    assignment.ended_at = NOW
    assignment.save()
    assert logged_in(coordinator).get(f"{API}/").json()["items"] == []
