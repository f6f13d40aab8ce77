"""Forms of the user and workstation administration pages (input shape only: the
rules live in the services, whose errors are shown on the fields they name)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from corsia.accounts.domain.roles import Role

# The role names people read, translatable (the domain holds the Italian originals).
ROLE_LABELS: dict[Role, str | Promise] = {
    Role.PHYSICIAN: _("Medico"),
    Role.PHARMACIST: _("Farmacista"),
    Role.TECHNICIAN: _("Tecnico di laboratorio"),
    Role.NURSE: _("Infermiere"),
    Role.COORDINATOR: _("Coordinatore"),
    Role.IT_STAFF: _("Sistemi informativi"),
    Role.TRIAL_MONITOR: _("Monitor studi clinici"),
    Role.AUDITOR: _("Auditor"),
    Role.ADMINISTRATOR: _("Amministratore"),
}


def _roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Ruoli"),
        choices=[(role.value, ROLE_LABELS[role]) for role in Role],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Ruolo sconosciuto: %(value)s.")},
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Nome utente"), max_length=150)
    first_name = forms.CharField(label=_("Nome"), max_length=150)
    last_name = forms.CharField(label=_("Cognome"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    tax_code = forms.CharField(label=_("Codice fiscale"), max_length=16, required=False)
    badge_code = forms.CharField(label=_("Codice badge"), max_length=64, required=False)
    roles = _roles_field()
    reason = forms.CharField(
        label=_("Motivo dei ruoli"),
        max_length=500,
        required=False,
        help_text=_(
            "Obbligatorio se assegni ruoli: i ruoli valgono solo dopo l'approvazione di un "
            "secondo amministratore."
        ),
    )
    password = forms.CharField(
        label=_("Password iniziale"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Temporanea: l'utente dovrà cambiarla al primo accesso. Lascia vuoto per un "
            "utente che accede con le credenziali di dominio."
        ),
    )


class _OwnIdsForm(forms.Form):
    """Several forms share the user page: each gets its own HTML ids (labels stay bound)."""

    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class UserRolesForm(_OwnIdsForm):
    id_prefix = "roles"
    roles = _roles_field()
    reason = forms.CharField(
        label=_("Motivo della modifica"),
        max_length=500,
        required=False,
        help_text=_("Obbligatorio se aggiungi ruoli, che valgono dopo l'approvazione di un altro."),
    )


class ReasonForm(_OwnIdsForm):
    id_prefix = "status"
    reason = forms.CharField(label=_("Motivo"), max_length=500)


class RoleRejectForm(_OwnIdsForm):
    id_prefix = "reject"
    reason = forms.CharField(label=_("Motivo del rifiuto"), max_length=500)


class PasswordResetForm(_OwnIdsForm):
    id_prefix = "password"
    password = forms.CharField(
        label=_("Nuova password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Temporanea: l'utente dovrà cambiarla al prossimo accesso."),
    )


class WorkstationForm(forms.Form):
    name = forms.CharField(label=_("Nome"), max_length=100)
    ip_address = forms.CharField(label=_("Indirizzo IP"), max_length=45, required=False)
    location = forms.CharField(label=_("Ubicazione"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Attiva"), required=False, initial=True)
