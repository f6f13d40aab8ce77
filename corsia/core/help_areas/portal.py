"""Help of the patient portal's pages (issue 25)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "portal": PageHelp(
        _("Portale del paziente"),
        _(
            "Il portale con cui il paziente segue da casa appuntamenti, messaggi con "
            "l'équipe e documenti. Il paziente entra con SPID/CIE o con un codice monouso; "
            "non è un utente del personale e non vede le pagine dell'ospedale."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "portal:home": PageHelp(
        _("Inizio del portale"), _("I servizi del portale attivi per il paziente.")
    ),
    "portal:sign_in": PageHelp(
        _("Accesso al portale"),
        _(
            "Il paziente entra con SPID o CIE, oppure scrive il codice fiscale e riceve un "
            "codice monouso (valido 10 minuti, al massimo 3 codici ogni 15 minuti)."
        ),
    ),
    "portal:sign_in_code": PageHelp(
        _("Codice di accesso"),
        _("Il codice di 6 cifre ricevuto: vale una volta sola e per 5 tentativi."),
    ),
}

# The redirect to the provider, its callback and the sign-out: no page of their own.
NOT_PAGES: frozenset[str] = frozenset(
    {"portal:oidc_start", "portal:oidc_callback", "portal:sign_out"}
)
