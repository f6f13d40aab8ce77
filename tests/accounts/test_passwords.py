"""Password policy: minimum length, history, expiry (and the page that enforces it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from corsia.accounts import services
from corsia.accounts.domain.passwords import password_expired
from corsia.accounts.domain.roles import Role
from corsia.accounts.models import PasswordHistory, User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ValidationFailed
from corsia.testing.accounts import MakeUser, logged_in

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


# --- expiry rule (pure) -------------------------------------------------------------


def test_password_is_valid_up_to_exactly_max_age_days() -> None:
    assert not password_expired(changed_at=T0, now=T0 + timedelta(days=90), max_age_days=90)
    assert password_expired(changed_at=T0, now=T0 + timedelta(days=90, seconds=1), max_age_days=90)


def test_zero_or_negative_max_age_disables_expiry() -> None:
    far = T0 + timedelta(days=10_000)
    assert not password_expired(changed_at=T0, now=far, max_age_days=0)
    assert not password_expired(changed_at=T0, now=far, max_age_days=-1)


def test_unknown_change_date_is_not_expired() -> None:
    assert not password_expired(changed_at=None, now=T0, max_age_days=1)


@given(
    age=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3000)),
    max_age=st.integers(min_value=1, max_value=1000),
)
def test_expired_exactly_when_older_than_max_age(age: timedelta, max_age: int) -> None:
    assert password_expired(changed_at=T0, now=T0 + age, max_age_days=max_age) == (
        age > timedelta(days=max_age)
    )


# --- minimum length ----------------------------------------------------------------------


def test_minimum_length_comes_from_settings(make_user: MakeUser) -> None:
    user = make_user(Role.NURSE)
    with pytest.raises(ValidationError) as short:
        validate_password("Qz7-kpw!r", user=user)  # 9 characters, default minimum 10
    assert [e.code for e in short.value.error_list] == ["password_too_short"]
    validate_password("Qz7-kpw!rT", user=user)  # 10: accepted


def test_service_refuses_a_short_password_and_changes_nothing(make_user: MakeUser) -> None:
    user = make_user(Role.NURSE, password="Primo-segreto-1")
    before = (user.password, PasswordHistory.objects.filter(user=user).count())
    with pytest.raises(ValidationFailed) as refused:
        services.user_set_password(actor=user, user=user, password="Corta-1", workstation=None)
    assert refused.value.field == "password"
    user.refresh_from_db()
    assert (user.password, PasswordHistory.objects.filter(user=user).count()) == before
    assert not AuditEvent.objects.filter(event_type="accounts.password_changed").exists()


# --- history -------------------------------------------------------------------------------


def test_every_way_of_setting_a_password_writes_history(make_user: MakeUser) -> None:
    # create_user
    user = make_user(Role.NURSE, password="Primo-segreto-1")
    assert PasswordHistory.objects.filter(user=user).count() == 1
    assert user.password_changed_at is not None
    # set_password + save(update_fields=...) as any code might do
    user.set_password("Secondo-segreto-2")
    user.save(update_fields=["password"])
    assert PasswordHistory.objects.filter(user=user).count() == 2
    # the service
    services.user_set_password(actor=user, user=user, password="Terzo-segreto-3", workstation=None)
    assert PasswordHistory.objects.filter(user=user).count() == 3
    # an unusable password (directory user) is not a password: no history
    user.set_unusable_password()
    user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 3


def test_the_last_n_passwords_cannot_be_reused(make_user: MakeUser, settings: Settings) -> None:
    # given history 3 and a user who set four passwords in turn
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "corsia.accounts.passwords.PasswordHistoryValidator",
            "OPTIONS": {"history": 3},
        }
    ]
    user = make_user(Role.NURSE, password="Password-uno-1")
    for password in ("Password-due-2", "Password-tre-3", "Password-quattro-4"):
        services.user_set_password(actor=user, user=user, password=password, workstation=None)
    # then the current one and the two before it are refused
    for reused in ("Password-quattro-4", "Password-tre-3", "Password-due-2"):
        with pytest.raises(ValidationFailed) as refused:
            services.user_set_password(actor=user, user=user, password=reused, workstation=None)
        assert "ultime 3" in refused.value.message
    # and the fourth-last is allowed again
    services.user_set_password(actor=user, user=user, password="Password-uno-1", workstation=None)
    assert User.objects.get(pk=user.pk).check_password("Password-uno-1")


def test_password_change_page_applies_history_and_audits(make_user: MakeUser) -> None:
    user = make_user(Role.NURSE, username="inf", password="Vecchia-pass-1")
    client = logged_in(user)
    reused = client.post(
        "/password/",
        {
            "old_password": "Vecchia-pass-1",
            "new_password1": "Vecchia-pass-1",
            "new_password2": "Vecchia-pass-1",
        },
    )
    assert reused.status_code == 200
    assert "già stata usata di recente" in reused.content.decode()
    ok = client.post(
        "/password/",
        {
            "old_password": "Vecchia-pass-1",
            "new_password1": "Nuova-pass-2024",
            "new_password2": "Nuova-pass-2024",
        },
    )
    assert ok.status_code == 302
    assert ok["Location"] == "/password/done/"
    assert User.objects.get(pk=user.pk).check_password("Nuova-pass-2024")
    assert PasswordHistory.objects.filter(user=user).count() == 2
    event = AuditEvent.objects.get(event_type="accounts.password_changed")
    assert (event.actor_id, event.after) == (user.pk, {"by_self": True})
    # the session survives the change
    assert client.get("/password/done/").status_code == 200


# --- expiry (middleware) -----------------------------------------------------------------------


def _expired_client(make_user: MakeUser, settings: Settings) -> tuple[Client, User]:
    settings.CORSIA_PASSWORD_MAX_AGE_DAYS = 30
    user = make_user(Role.PHYSICIAN, username="dr.scaduto", password="Vecchia-pass-1")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=31))
    client = logged_in(user)
    return client, user


def test_expired_password_forces_the_change_page_with_an_italian_message(
    make_user: MakeUser, settings: Settings
) -> None:
    client, _ = _expired_client(make_user, settings)
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/password/", 302)]
    assert "La tua password è scaduta" in response.content.decode()
    # the API with the session is refused too
    api = client.get("/api/v1/auth/me")
    assert api.status_code == 403
    assert api.json()["code"] == "password_expired"


def test_expired_password_lets_through_change_logout_and_static(
    make_user: MakeUser, settings: Settings
) -> None:
    client, user = _expired_client(make_user, settings)
    assert client.get("/password/").status_code == 200
    assert client.get("/static/corsia/corsia.css").status_code != 302
    # after changing it the user works normally
    changed = client.post(
        "/password/",
        {
            "old_password": "Vecchia-pass-1",
            "new_password1": "Nuova-pass-2024",
            "new_password2": "Nuova-pass-2024",
        },
    )
    assert changed["Location"] == "/password/done/"
    assert client.get("/api/v1/auth/me").status_code == 200
    # and logout is allowed while expired
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=31))
    assert client.post("/logout/")["Location"] == "/login/"


def test_expired_password_gets_no_api_token(make_user: MakeUser, settings: Settings) -> None:
    _expired_client(make_user, settings)
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "dr.scaduto", "password": "Vecchia-pass-1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "password_expired"


def test_directory_users_never_expire(make_user: MakeUser, settings: Settings) -> None:
    settings.CORSIA_PASSWORD_MAX_AGE_DAYS = 1
    user = make_user(Role.NURSE)
    user.set_unusable_password()
    user.save()
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=99))
    client = logged_in(user)
    assert client.get("/api/v1/auth/me").status_code == 200
