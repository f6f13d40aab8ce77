"""Password policy: history (no reuse of the last N) and expiry.

The history rows are written by ``User.save`` whenever a password is set, so the
policy holds whatever path sets it (password page, services, admin, shell).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from corsia.accounts.domain.passwords import password_expired
from corsia.accounts.models import PasswordHistory


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
