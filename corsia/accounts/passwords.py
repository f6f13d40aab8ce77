"""Password policy: guessable passwords, history (no reuse of the last N) and expiry.

The history rows are written by ``User.save`` whenever a password is set, so the
policy holds whatever path sets it (password page, services, admin, shell).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from corsia.accounts.domain.guessable import Weakness, password_weakness, words_of
from corsia.accounts.domain.passwords import password_expired
from corsia.accounts.models import PasswordHistory

# Shipped lists only (see password_lists/NOTICE): no breach API, hospital servers are offline.
CONTEXT_WORDS_PATH = Path(__file__).resolve().parent / "password_lists" / "context-words.txt"


@functools.cache
def common_passwords() -> frozenset[str]:
    """Django's 20,000 common passwords (the file its CommonPasswordValidator reads)."""
    return frozenset(p for p in CommonPasswordValidator().passwords if p)


@functools.cache
def context_words() -> frozenset[str]:
    lines = CONTEXT_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().casefold() for line in lines if line.strip() and not line.startswith("#")
    )


class GuessablePasswordValidator:
    """Refuses common passwords and ones made only of guessable words (``corsia-demo``,
    ``Ospedale-Marzo-2025``, ``P@ssw0rd!``, the user's own name followed by digits).

    The rule is ``corsia.accounts.domain.guessable.password_weakness``; the words of the
    place are the shipped list plus ``CORSIA_HOSPITAL_NAME``.
    """

    def validate(self, password: str, user: Any = None) -> None:
        personal = words_of(
            *(
                str(getattr(user, field, "") or "")
                for field in ("username", "first_name", "last_name")
            )
        )
        weakness = password_weakness(
            password,
            common=common_passwords(),
            context_words=context_words() | words_of(settings.CORSIA_HOSPITAL_NAME),
            personal_words=personal,
        )
        if weakness is Weakness.COMMON:
            raise ValidationError(
                _("La password è tra quelle più usate: scegline una meno prevedibile."),
                code=weakness.value,
            )
        if weakness is Weakness.GUESSABLE:
            raise ValidationError(
                _(
                    "La password è fatta solo di parole facili da indovinare (il nome "
                    "dell'ospedale o di Corsia, mesi, stagioni, «password», il tuo nome, "
                    "sequenze della tastiera) e numeri: aggiungi qualcosa di tuo."
                ),
                code=weakness.value,
            )

    def get_help_text(self) -> str:
        return _(
            "La password non può essere comune né fatta solo del nome dell'ospedale, di mesi, "
            "stagioni, del tuo nome o di sequenze della tastiera."
        )


class PasswordHistoryValidator:
    def __init__(self, history: int = 5) -> None:
        self.history = history

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None or self.history <= 0:
            return
        recent = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")[
            : self.history
        ]
        if any(check_password(password, entry.password_hash) for entry in recent):
            raise ValidationError(
                _(
                    "La password è già stata usata di recente: scegline una diversa dalle ultime %(n)d."
                )
                % {"n": self.history},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("Non puoi riusare nessuna delle ultime %(n)d password.") % {"n": self.history}


def user_password_expired(user: Any) -> bool:
    """The expiry rule applied to a user with a local password (directory users: never)."""
    if not user.has_usable_password():
        return False
    return password_expired(
        changed_at=user.password_changed_at,
        now=timezone.now(),
        max_age_days=settings.CORSIA_PASSWORD_MAX_AGE_DAYS,
    )
