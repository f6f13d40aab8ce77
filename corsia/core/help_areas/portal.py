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
    "portal:appointments": PageHelp(
        _("Appuntamenti"),
        _("Gli appuntamenti del paziente in agenda da oggi in poi, con l'ora di arrivo."),
    ),
    "portal:messages": PageHelp(
        _("Messaggi"),
        _(
            "Le conversazioni con l'équipe e un nuovo messaggio, con un allegato PDF, JPEG o "
            "PNG fino a 5 MB. Fuori orario il messaggio è conservato e il paziente è "
            "avvisato di chiamare il numero per le urgenze."
        ),
    ),
    "portal:thread": PageHelp(
        _("Conversazione"), _("I messaggi di una conversazione, con le conferme di lettura.")
    ),
    "portal:documents": PageHelp(
        _("Documenti"), _("I documenti che l'ospedale ha reso visibili al paziente.")
    ),
    "portal:team_worklist": PageHelp(
        _("Portale: da vedere"),
        _(
            "Per ogni paziente i messaggi non letti e gli elementi degli altri servizi del "
            "portale (allarmi, questionari), i più urgenti e i più vecchi per primi."
        ),
    ),
    "portal:team_thread": PageHelp(
        _("Conversazione con il paziente"),
        _(
            "Aprirla segna come letti i messaggi del paziente e resta nel registro degli "
            "accessi; la risposta arriva al paziente nel portale."
        ),
    ),
}

# The redirect to the provider, its callback, the sign-out and the downloads: no page.
NOT_PAGES: frozenset[str] = frozenset(
    {
        "portal:oidc_start",
        "portal:oidc_callback",
        "portal:sign_out",
        "portal:token_grant",  # POST only: a JSON token for the patient's API
        "portal:attachment",
        "portal:document",
        "portal:team_attachment",
    }
)
