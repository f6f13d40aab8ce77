"""Password policy: history (no reuse of the last N) and expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


class PasswordHistoryValidator:
    def __init__(self, history: int = 5) -> None:
        self.history = history

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None or self.history <= 0:
            return
        from corsia.accounts.models import PasswordHistory

        recent = PasswordHistory.objects.filter(user=user).order_by("-created_at")[: self.history]
        if any(check_password(password, entry.password_hash) for entry in recent):
            raise ValidationError(
                _(
                    "La password è già stata usata di recente: scegline una diversa dalle ultime %(n)d."
                )
                % {"n": self.history},
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from corsia.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password_hash=user.password)
        type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now())

    def get_help_text(self) -> str:
        return _("Non puoi riusare nessuna delle ultime %(n)d password.") % {"n": self.history}


def password_expired(*, changed_at: Any, now: Any) -> bool:
    max_age = settings.CORSIA_PASSWORD_MAX_AGE_DAYS
    if max_age <= 0 or changed_at is None:
        return False
    return bool(now - changed_at > timedelta(days=max_age))
