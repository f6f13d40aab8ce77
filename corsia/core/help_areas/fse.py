"""Help of the Fascicolo Sanitario Elettronico pages: documents sent to the gateway."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "fse": PageHelp(
        _("Fascicolo Sanitario Elettronico"),
        _(
            "I documenti che Corsia invia al gateway FSE 2.0: validati, firmati e pubblicati; "
            "qui i sistemi informativi seguono gli errori e ritentano."
        ),
    ),
}

PAGES: dict[str, PageHelp] = {
    "fse:documents": PageHelp(
        _("Documenti FSE"),
        _(
            "I documenti inviati al Fascicolo Sanitario Elettronico con stato, tentativi ed "
            "errore. Filtra per «in errore» e apri il documento per leggere la risposta del "
            "gateway. In cima, le lettere firmate che non sono partite, con il motivo: "
            "corretta la causa, inviale di nuovo."
        ),
    ),
    "fse:document": PageHelp(
        _("Documento FSE"),
        _(
            "Lo stato, le impronte del CDA validato e del PDF firmato, la risposta del gateway e "
            "la storia di ogni passo. Un documento in errore si ritenta, con il motivo, dopo "
            "aver corretto la causa."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "fse:retry",
        "fse:letter_resend",
    }
)
