from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from corsia.accounts.ldap import REFUSAL_ATTR


class CorsiaAuthenticationForm(AuthenticationForm):
    """The login form; a directory refusal (no Corsia role) is explained, not hidden."""

    error_messages = {
        "invalid_login": _("Nome utente o password non validi."),
        "inactive": _("Questo account è disattivato: rivolgiti ai sistemi informativi."),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            refusal = getattr(self.request, REFUSAL_ATTR, None)
            if refusal:
                raise ValidationError(str(refusal), code="directory_refused") from None
            raise
