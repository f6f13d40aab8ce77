"""Help of the transfusion pages: requests, the bedside check of the bag, the transfusion."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "transfusion": PageHelp(
        _("Trasfusioni"),
        _(
            "Richieste di emocomponenti, gruppo del paziente, controllo al letto con due "
            "operatori e lettura dei codici ISBT 128 della sacca, parametri vitali e reazioni."
        ),
    ),
}

PAGES: dict[str, PageHelp] = {
    "transfusion:worklist": PageHelp(
        _("Trasfusioni programmate"),
        _(
            "Le richieste aperte di emocomponenti da ieri a domani: apri una richiesta per il "
            "controllo al letto."
        ),
    ),
    "transfusion:patient": PageHelp(
        _("Terapia trasfusionale del paziente"),
        _(
            "Il gruppo è confermato da due determinazioni concordi su prelievi diversi. "
            "Richiedi emocomponenti con i trattamenti (irradiato, lavato, leucodepleto, CMV "
            "negativo) e la premedicazione."
        ),
    ),
    "transfusion:request": PageHelp(
        _("Richiesta e controllo al letto"),
        _(
            "Due operatori: leggi il braccialetto e i quattro codici della sacca (DIN, "
            "prodotto, gruppo, scadenza); il secondo operatore inserisce le proprie "
            "credenziali. Una sacca sbagliata è rifiutata e non cambia nulla."
        ),
    ),
    "transfusion:transfusion": PageHelp(
        _("Trasfusione"),
        _(
            "Parametri vitali prima, a 15 minuti e dopo; inizio, fine e volume; le reazioni "
            "con categoria di emovigilanza, gravità e imputabilità."
        ),
    ),
    "transfusion:haemovigilance": PageHelp(
        _("Notifica di emovigilanza"),
        _(
            "I dati della reazione per la scheda nazionale di notifica: categoria, gravità, "
            "imputabilità, unità coinvolte, dati minimi del ricevente. Il servizio "
            "trasfusionale li inserisce in SISTRA (stampa o CSV)."
        ),
    ),
}

# form posts: each answers with the page it came from
NOT_PAGES: frozenset[str] = frozenset(
    {
        "transfusion:determination",
        "transfusion:request_create",
        "transfusion:issue",
        "transfusion:check",
        "transfusion:cancel",
        "transfusion:start",
        "transfusion:end",
        "transfusion:stop",
        "transfusion:vitals",
        "transfusion:reaction",
        "transfusion:emergency",
        "transfusion:crossmatch",
        "transfusion:haemovigilance_csv",  # a download
        # the archived prints: PDF downloads (the old print address redirects to its PDF)
        "transfusion:request_print",
        "transfusion:request_pdf",
        "transfusion:haemovigilance_pdf",
    }
)
