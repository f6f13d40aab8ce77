"""Help of the administrators' pages: users, roles and workstations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "accounts": PageHelp(
        _("Utenti e postazioni"),
        _(
            "Qui si gestiscono utenti, ruoli e postazioni. Un nuovo ruolo vale solo dopo "
            "l'approvazione di un secondo amministratore."
        ),
    ),
}

PAGES: dict[str, PageHelp] = {
    "accounts:login": PageHelp(
        _("Accesso"),
        _(
            "Entra con il nome utente e la password aziendali. Dopo alcuni tentativi errati "
            "l'accesso da questa postazione si blocca per qualche minuto."
        ),
    ),
    "accounts:password_change": PageHelp(
        _("Cambio password"),
        _(
            "Scrivi la password attuale e due volte la nuova; se la nuova è troppo corta o "
            "troppo semplice, la pagina spiega perché."
        ),
    ),
    "accounts:password_change_done": PageHelp(
        _("Password cambiata"),
        _("La password è cambiata: usa la nuova dal prossimo accesso."),
    ),
    "accounts:users": PageHelp(
        _("Utenti"),
        _(
            "Cerca un utente o crea un nuovo utente con «Nuovo utente». I ruoli chiesti "
            "attendono l'approvazione di un secondo amministratore."
        ),
    ),
    "accounts:user_create": PageHelp(
        _("Nuovo utente"),
        _(
            "Nome utente, nome, cognome, ruoli con il loro motivo e una password iniziale, "
            "che l'utente cambierà al primo accesso."
        ),
    ),
    "accounts:user_detail": PageHelp(
        _("Scheda utente"),
        _(
            "Ruoli attivi e in attesa di approvazione, disattivazione e nuova password. "
            "Chi ha chiesto un ruolo non può approvarlo."
        ),
    ),
    "accounts:workstations": PageHelp(
        _("Postazioni"),
        _(
            "Ogni postazione (PC, carrello, cappa) ha un nome e un indirizzo: il nome compare "
            "in ogni registrazione fatta da lì."
        ),
    ),
    "accounts:workstation_create": PageHelp(
        _("Nuova postazione"),
        _(
            "Nome, indirizzo di rete e tipo della postazione (PC, carrello, cappa): il nome "
            "compare in ogni registrazione fatta da lì."
        ),
    ),
    "accounts:workstation_edit": PageHelp(
        _("Postazione"),
        _("Cambia nome, indirizzo o tipo della postazione; le registrazioni passate restano."),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "accounts:landing",
        "accounts:logout",
        "accounts:user_roles",
        "accounts:user_deactivate",
        "accounts:user_reactivate",
        "accounts:user_password",
        "accounts:role_request_approve",
        "accounts:role_request_reject",
    }
)
