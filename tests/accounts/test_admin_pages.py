"""The user and workstation administration pages (IT staff)."""

from __future__ import annotations

import pytest
from django.utils import translation

from corsia.accounts.domain.roles import ROLE_LABELS_IT, Role
from corsia.accounts.forms_admin import ROLE_LABELS
from corsia.accounts.models import RoleRequest, User, Workstation
from corsia.audit.models import AuditEvent
from corsia.testing.accounts import MakeUser, logged_in


def _new_user_form(**overrides: object) -> dict[str, object]:
    form: dict[str, object] = {
        "username": "m.verdi",
        "first_name": "Mario",
        "last_name": "Verdi",
        "email": "",
        "tax_code": "",
        "badge_code": "",
        "roles": ["nurse"],
        "reason": "nuova assunzione",
        "password": "Infermiere-2024-xy",
    }
    form.update(overrides)
    return form


def _writes() -> tuple[int, int, int]:
    return User.objects.count(), AuditEvent.objects.count(), Workstation.objects.count()


def test_every_role_has_a_translatable_label_equal_to_the_domain_one() -> None:
    assert set(ROLE_LABELS) == set(Role)
    with translation.override("it"):
        assert {role: str(label) for role, label in ROLE_LABELS.items()} == ROLE_LABELS_IT


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/accounts/users/"),
        ("get", "/accounts/users/new/"),
        ("post", "/accounts/users/new/"),
        ("post", "/accounts/workstations/new/"),
    ],
)
def test_a_nurse_is_refused_user_administration_and_nothing_is_written(
    make_user: MakeUser, method: str, url: str
) -> None:
    # given a nurse
    nurse = logged_in(make_user(Role.NURSE))
    before = _writes()
    # when she opens or posts to an administration page
    data = _new_user_form() if "users" in url else {"name": "DH-1", "ip_address": "10.0.0.9"}
    response = getattr(nurse, method)(url, data)
    # then she gets 403 with the Italian explanation, and nothing is written
    assert response.status_code == 403
    assert "Accesso non consentito" in response.content.decode()
    assert _writes() == before


def test_it_staff_sees_the_user_list_with_roles_state_and_last_login(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    make_user(Role.PHARMACIST, username="c.esposito")
    response = logged_in(it).get("/accounts/users/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "c.esposito" in page
    assert "Farmacista" in page
    assert "Attivo" in page
    assert "mai" in page  # never logged in


def test_it_staff_creates_a_user_with_a_role(make_user: MakeUser) -> None:
    # given IT staff
    it = make_user(Role.IT_STAFF)
    # when they create a nurse
    response = logged_in(it).post("/accounts/users/new/", _new_user_form())
    # then the user exists with exactly that role, and the creation is audited
    created = User.objects.get(username="m.verdi")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/users/{created.pk}/"
    assert created.check_password("Infermiere-2024-xy")
    event = AuditEvent.objects.get(event_type="accounts.user_created")
    assert event.actor_id == it.pk
    assert event.after == {"username": "m.verdi", "roles": []}
    # and the role is in force once a second user manager approves it on the page
    pending = RoleRequest.objects.get(user=created)
    approved = logged_in(make_user(Role.ADMINISTRATOR)).post(
        f"/accounts/role-requests/{pending.pk}/approve/"
    )
    assert approved.status_code == 302
    assert sorted(created.groups.values_list("name", flat=True)) == ["nurse"]


def test_an_unknown_role_is_refused_with_a_clear_error(make_user: MakeUser) -> None:
    # given IT staff
    client = logged_in(make_user(Role.IT_STAFF))
    before = _writes()
    # when they post a role that does not exist
    response = client.post("/accounts/users/new/", _new_user_form(roles=["surgeon"]))
    # then the form says which role is unknown, and nothing is written
    assert response.status_code == 200
    assert "Ruolo sconosciuto: surgeon." in response.content.decode()
    assert _writes() == before


def test_a_taken_username_is_shown_on_its_field(make_user: MakeUser) -> None:
    client = logged_in(make_user(Role.IT_STAFF))
    make_user(Role.NURSE, username="m.verdi")
    before = _writes()
    response = client.post("/accounts/users/new/", _new_user_form(username="M.Verdi"))
    assert response.status_code == 200
    assert "Esiste già un utente «M.Verdi»." in response.content.decode()
    assert _writes() == before


def test_it_staff_changes_roles_with_audit(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    subject = make_user(Role.NURSE)
    response = logged_in(it).post(
        f"/accounts/users/{subject.pk}/roles/",
        {"roles": ["nurse", "coordinator"], "reason": "nuovo incarico"},
    )
    assert response.status_code == 302
    pending = RoleRequest.objects.get(user=subject)
    logged_in(make_user(Role.ADMINISTRATOR)).post(f"/accounts/role-requests/{pending.pk}/approve/")
    assert sorted(subject.groups.values_list("name", flat=True)) == ["coordinator", "nurse"]
    event = AuditEvent.objects.get(event_type="accounts.user_roles_changed")
    assert event.before == {"roles": ["nurse"]}
    assert event.after == {"roles": ["coordinator", "nurse"]}
    assert event.reason == "nuovo incarico"


def test_nobody_changes_their_own_roles_from_the_page(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    client = logged_in(it)
    before = _writes()
    response = client.post(f"/accounts/users/{it.pk}/roles/", {"roles": ["administrator"]})
    assert response.status_code == 200
    assert "Non puoi modificare i tuoi ruoli" in response.content.decode()
    assert sorted(it.groups.values_list("name", flat=True)) == ["it_staff"]
    assert _writes() == before


def test_deactivation_needs_a_reason_and_reactivation_restores_access(
    make_user: MakeUser,
) -> None:
    # given IT staff and an active nurse
    it = make_user(Role.IT_STAFF)
    subject = make_user(Role.NURSE)
    client = logged_in(it)
    before = _writes()
    # when they try to deactivate without a reason: refused, nothing written
    response = client.post(f"/accounts/users/{subject.pk}/deactivate/", {"reason": " "})
    assert response.status_code == 200
    assert _writes() == before
    assert User.objects.get(pk=subject.pk).is_active is True
    # when they deactivate with a reason
    response = client.post(f"/accounts/users/{subject.pk}/deactivate/", {"reason": "trasferita"})
    assert response.status_code == 302
    assert User.objects.get(pk=subject.pk).is_active is False
    # and reactivate with a reason
    response = client.post(f"/accounts/users/{subject.pk}/reactivate/", {"reason": "rientro"})
    assert response.status_code == 302
    assert User.objects.get(pk=subject.pk).is_active is True
    # then both are in the audit trail with their reasons, and the user still exists
    events = list(
        AuditEvent.objects.filter(target_id=str(subject.pk))
        .exclude(event_type="accounts.user_created")
        .order_by("id")
        .values_list("event_type", "reason")
    )
    assert events == [
        ("accounts.user_deactivated", "trasferita"),
        ("accounts.user_reactivated", "rientro"),
    ]


def test_reactivating_an_active_user_is_refused(make_user: MakeUser) -> None:
    client = logged_in(make_user(Role.IT_STAFF))
    subject = make_user(Role.NURSE)
    before = _writes()
    response = client.post(f"/accounts/users/{subject.pk}/reactivate/", {"reason": "x"})
    assert response.status_code == 200
    assert "L&#x27;utente è già attivo." in response.content.decode()
    assert _writes() == before


def test_it_staff_resets_a_password_checked_against_the_policy(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    subject = make_user(Role.NURSE)
    client = logged_in(it)
    before = _writes()
    weak = client.post(f"/accounts/users/{subject.pk}/password/", {"password": "12345"})
    assert weak.status_code == 200
    assert _writes() == before
    good = client.post(f"/accounts/users/{subject.pk}/password/", {"password": "Nuova-pass-2025"})
    subject.refresh_from_db()
    assert good.status_code == 302
    assert subject.check_password("Nuova-pass-2025")
    assert AuditEvent.objects.filter(event_type="accounts.password_changed").count() == 1


def test_workstations_are_created_and_renamed_with_audit(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    client = logged_in(it)
    response = client.post(
        "/accounts/workstations/new/",
        {"name": "UFA-cappa-1", "ip_address": "10.0.0.5", "location": "UFA", "is_active": "on"},
    )
    assert response.status_code == 302
    ws = Workstation.objects.get(name="UFA-cappa-1")
    assert (ws.ip_address, ws.location, ws.is_active) == ("10.0.0.5", "UFA", True)
    response = client.post(
        f"/accounts/workstations/{ws.pk}/",
        {"name": "UFA-cappa-2", "ip_address": "10.0.0.5", "location": "UFA"},
    )
    ws.refresh_from_db()
    assert response.status_code == 302
    assert (ws.name, ws.is_active) == ("UFA-cappa-2", False)
    changed = AuditEvent.objects.get(event_type="accounts.workstation_changed")
    assert changed.before is not None and changed.after is not None
    assert (changed.before["name"], changed.after["name"]) == ("UFA-cappa-1", "UFA-cappa-2")
    assert AuditEvent.objects.filter(event_type="accounts.workstation_created").count() == 1


def test_a_bad_or_taken_ip_address_is_refused(make_user: MakeUser) -> None:
    it = make_user(Role.IT_STAFF)
    client = logged_in(it)
    client.post("/accounts/workstations/new/", {"name": "DH-1", "ip_address": "10.0.0.7"})
    before = _writes()
    bad = client.post("/accounts/workstations/new/", {"name": "DH-2", "ip_address": "10.0.0"})
    taken = client.post("/accounts/workstations/new/", {"name": "DH-3", "ip_address": "10.0.0.7"})
    assert "Indirizzo IP non valido" in bad.content.decode()
    assert "già assegnato a un&#x27;altra postazione" in taken.content.decode()
    assert _writes() == before
