"""Issue 26: guessable passwords accepted (``corsia-demo``, no breached list) and password
spraying not throttled (lockout per username only). docs/security.md, section 9."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessFailureLog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from corsia.accounts import services
from corsia.accounts.domain.guessable import Weakness, normalise, password_weakness, words_of
from corsia.accounts.domain.passwords import PUBLISHED_DEMO_PASSWORD
from corsia.accounts.domain.roles import Role
from corsia.accounts.models import ApiToken, User
from corsia.accounts.passwords import common_passwords, context_words
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ValidationFailed
from corsia.testing.accounts import MakeUser

PASSWORD = "Giusta-pass-2024"
CONTEXT = context_words() | words_of("Ospedale dimostrativo Corsia")


def _weakness(password: str, *personal: str) -> Weakness | None:
    return password_weakness(
        password,
        common=common_passwords(),
        context_words=CONTEXT,
        personal_words=words_of(*personal),
    )


# --- the rule (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "corsia-demo",
        "Corsia2024!",
        "C0rs1a-D3m0",
        "corsiademo2025",
        "Ospedale-Marzo-2025",
        "dimostrativo.gennaio.25",
        "Estate2024!!",
        "inverno-2026-ottobre",
        "P@ssw0rd2024!",
        "passw0rd-corsia",
        "Password-1234",
        "qwerty-asdf-2024",
        "Qwertyuiop123",
        "1234567890-corsia",
        "!!!!----!!!!",
    ],
)
def test_guessable_password_is_refused_by_the_rule(password: str) -> None:
    assert _weakness(password) is not None


def test_the_users_own_names_are_guessable_words() -> None:
    assert _weakness("Rossi-Mario-1980", "inf.rossi", "Mario", "Rossi") is Weakness.GUESSABLE
    assert _weakness("Rossi-Mario-1980") is None  # for somebody else, two words of its own


def test_normalisation_reads_case_leetspeak_and_trailing_digits() -> None:
    assert normalise("P@55W0RD2024!?") == "password"
    assert normalise("C0rs1a") == "corsia"
    assert _weakness("P@55w0rd!") is Weakness.COMMON


@pytest.mark.parametrize(
    "password",
    [
        "Giusta-pass-2024",
        "Nuova-pass-2025-xy",
        "Infermiere-2024-xy",
        "corsia-Kx9#mP2v",
        "tz8-Vulcano-rame",
    ],
)
def test_a_password_with_a_piece_of_its_own_passes_the_rule(password: str) -> None:
    assert _weakness(password) is None


@given(st.sampled_from(sorted(CONTEXT)), st.sampled_from(sorted(CONTEXT)), st.integers(0, 9999))
def test_any_two_context_words_and_a_year_are_guessable(first: str, second: str, year: int) -> None:
    assert _weakness(f"{first.title()}-{second}-{year}") is not None


# --- the validator, the services and the demo password ---------------------------------------


def _ensure_demo_physician() -> bool:
    return services.demo_user_ensure(
        username="medico",
        first_name="Giulia",
        last_name="Ferraro",
        badge_code="BADGE0001",
        role=Role.PHYSICIAN,
        password=PUBLISHED_DEMO_PASSWORD,
    )


def test_password_policy_refuses_corsia_demo_for_any_account(make_user: MakeUser) -> None:
    user = make_user(Role.NURSE, password="Primo-segreto-1")
    with pytest.raises(ValidationError) as refused:
        validate_password(PUBLISHED_DEMO_PASSWORD, user=user)
    assert "password_guessable" in [e.code for e in refused.value.error_list]
    with pytest.raises(ValidationFailed):
        services.user_set_password(actor=user, user=user, password="corsia-demo", workstation=None)
    assert User.objects.get(pk=user.pk).check_password("Primo-segreto-1")


def test_password_policy_refuses_the_hospital_name_and_the_users_name(
    make_user: MakeUser, settings: Settings
) -> None:
    settings.CORSIA_HOSPITAL_NAME = "Azienda Ospedaliera Sant'Orsola Malpighi"
    user = User.objects.create_user(username="m.bianchi", first_name="Marta", last_name="Bianchi")
    for password in ("Malpighi-2025!", "Orsola.Malpighi.24", "Bianchi-Marta-77", "M4rt4-B1anch1"):
        with pytest.raises(ValidationError):
            validate_password(password, user=user)
    validate_password("Vulcano-rame-2025", user=user)


def test_password_change_page_refuses_a_guessable_password_in_italian(make_user: MakeUser) -> None:
    user = make_user(Role.NURSE, username="inf", password="Vecchia-pass-1")
    client = Client()
    client.force_login(user)
    response = client.post(
        "/password/",
        {
            "old_password": "Vecchia-pass-1",
            "new_password1": "Corsia-Estate-2025",
            "new_password2": "Corsia-Estate-2025",
        },
    )
    assert response.status_code == 200, response.get("Location")
    assert "facili da indovinare" in response.content.decode()
    assert User.objects.get(pk=user.pk).check_password("Vecchia-pass-1")


@override_settings(DEMO_MODE=False, CORSIA_TESTING=False)
def test_corsia_demo_opens_no_account_outside_demo_mode(make_user: MakeUser) -> None:
    # given a database seeded in demo mode, now run for real: a user still has the demo password
    make_user(Role.PHYSICIAN, username="medico", password=PUBLISHED_DEMO_PASSWORD)
    # then neither the page nor the token endpoint lets it in, and the failure is audited
    page = Client().post("/login/", {"username": "medico", "password": PUBLISHED_DEMO_PASSWORD})
    assert page.status_code == 200
    assert "_auth_user_id" not in Client().session
    api = Client().post(
        "/api/v1/auth/token",
        {"username": "medico", "password": PUBLISHED_DEMO_PASSWORD},
        content_type="application/json",
    )
    assert (api.status_code, api.json()["code"]) == (401, "invalid_credentials")
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(event_type="accounts.login_failed").count() == 2
    # and the demo seeder refuses to run at all
    with pytest.raises(RuntimeError):
        _ensure_demo_physician()


@override_settings(DEMO_MODE=True, CORSIA_TESTING=False)
def test_demo_users_keep_the_demo_password_in_demo_mode(make_user: MakeUser) -> None:
    _ensure_demo_physician()
    page = Client().post("/login/", {"username": "medico", "password": PUBLISHED_DEMO_PASSWORD})
    assert page.status_code == 302


# --- password spraying -------------------------------------------------------------------------


def _sign_in(
    username: str, password: str = PASSWORD, *, address: str = "10.1.1.1", api: bool = False
) -> Any:
    client = Client(REMOTE_ADDR=address)
    if api:
        return client.post(
            "/api/v1/auth/token",
            {"username": username, "password": password},
            content_type="application/json",
        )
    return client.post("/login/", {"username": username, "password": password})


def _spray(usernames: list[str], *, address: str = "10.1.1.1", api: bool = False) -> list[int]:
    return [
        _sign_in(name, "Estate2025!", address=address, api=api).status_code for name in usernames
    ]


def _users(make_user: MakeUser, count: int) -> list[str]:
    return [
        make_user(Role.NURSE, username=f"inf.{n}", password=PASSWORD).username for n in range(count)
    ]


def test_password_spraying_on_the_login_page_locks_the_address(
    make_user: MakeUser, settings: Settings
) -> None:
    # given an account limit of 3 and an address limit of 4
    settings.AXES_FAILURE_LIMIT = 3
    settings.CORSIA_LOCKOUT_ADDRESS_FAILURES = 4
    usernames = _users(make_user, 6)
    # when one address tries one password against many accounts
    codes = _spray(usernames[:4])
    # then the fourth failure locks the address, though no account reached its limit
    assert codes == [200, 200, 200, 429]
    locked = _sign_in(usernames[5])
    assert locked.status_code == 429
    assert locked["Retry-After"] == "1800"
    assert "Accesso bloccato da questa postazione" in locked.content.decode()
    # while the right password still works from another address
    other = _sign_in(usernames[5], address="10.2.2.2")
    assert other.status_code == 302


def test_password_spraying_on_the_token_endpoint_is_429_address_locked(
    make_user: MakeUser, settings: Settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.CORSIA_LOCKOUT_ADDRESS_FAILURES = 3
    usernames = _users(make_user, 4)
    assert _spray(usernames[:3], api=True) == [401, 401, 429]
    right = _sign_in(usernames[3], api=True)
    assert right.status_code == 429
    assert right["Content-Type"] == "application/problem+json"
    assert right["Retry-After"] == "1800"
    assert (right.json()["code"], right.json()["retry_after_minutes"]) == ("address_locked", 30)
    assert not ApiToken.objects.exists()


def test_page_and_api_failures_add_up_per_address(make_user: MakeUser, settings: Settings) -> None:
    settings.CORSIA_LOCKOUT_ADDRESS_FAILURES = 3
    usernames = _users(make_user, 3)
    assert _spray(usernames[:1]) == [200]
    assert _spray(usernames[1:2], api=True) == [401]
    assert _spray(usernames[2:3]) == [429]


def test_a_successful_sign_in_does_not_reset_the_spraying_count(
    make_user: MakeUser, settings: Settings
) -> None:
    # given an attacker who holds one account of their own
    settings.AXES_FAILURE_LIMIT = 3
    settings.CORSIA_LOCKOUT_ADDRESS_FAILURES = 4
    usernames = _users(make_user, 5)
    assert _spray(usernames[:3]) == [200, 200, 200]
    # when they sign in to their own account in between
    own = _sign_in(usernames[4])
    assert own.status_code == 302
    # then the count goes on: the next failure locks the address
    assert _spray(usernames[3:4]) == [429]


def test_a_success_does_not_reset_another_users_account_count(
    make_user: MakeUser, settings: Settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    make_user(Role.NURSE, username="inf.rossi", password=PASSWORD)
    make_user(Role.NURSE, username="inf.verdi", password=PASSWORD)
    # two failures for inf.rossi on a ward PC, then inf.verdi signs in there
    for _ in range(2):
        _sign_in("inf.rossi", "sbagliata", address="10.3.3.3")
    assert _sign_in("inf.verdi", address="10.3.3.3").status_code == 302
    third = _sign_in("inf.rossi", "sbagliata", address="10.3.3.3")
    assert third.status_code == 429
    assert third["Retry-After"] == "1800"


def test_spraying_cannot_rotate_its_address_with_x_forwarded_for(
    make_user: MakeUser, settings: Settings
) -> None:
    # given no trusted proxy: the header is the client's own writing, and is ignored
    settings.CORSIA_LOCKOUT_ADDRESS_FAILURES = 3
    usernames = _users(make_user, 3)
    client = Client(REMOTE_ADDR="10.1.1.1")
    codes = [
        client.post(
            "/login/",
            {"username": name, "password": "Estate2025!"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n, name in enumerate(usernames)
    ]
    assert codes == [200, 200, 429]
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {"10.1.1.1"}


def test_behind_a_trusted_proxy_each_client_address_counts_apart(
    make_user: MakeUser, settings: Settings
) -> None:
    settings.CORSIA_TRUSTED_PROXIES = ["10.0.0.1"]
    settings.CORSIA_LOCKOUT_ADDRESS_FAILURES = 2
    usernames = _users(make_user, 3)
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    first = proxy.post(
        "/login/", {"username": usernames[0], "password": "x"}, HTTP_X_FORWARDED_FOR="10.5.5.5"
    )
    second = proxy.post(
        "/login/", {"username": usernames[1], "password": "x"}, HTTP_X_FORWARDED_FOR="10.6.6.6"
    )
    assert (first.status_code, second.status_code) == (200, 200)
    # the same client again reaches the limit; the proxy itself is never counted
    third = proxy.post(
        "/login/", {"username": usernames[2], "password": "x"}, HTTP_X_FORWARDED_FOR="10.5.5.5"
    )
    assert third.status_code == 429
    assert "10.0.0.1" not in set(AccessFailureLog.objects.values_list("ip_address", flat=True))


def test_address_lock_can_be_turned_off(make_user: MakeUser, settings: Settings) -> None:
    settings.CORSIA_LOCKOUT_ADDRESS_FAILURES = 0
    assert set(_spray(_users(make_user, 6))) == {200}
