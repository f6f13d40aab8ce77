"""Help of the reports' pages (issue 23)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "reports": PageHelp(
        _("Report e statistiche"),
        _(
            "Le estrazioni di farmacia e le statistiche cliniche: ogni report ha i suoi "
            "filtri (periodo, reparto, schema, principio attivo, operatore), una tabella, "
            "spesso un grafico, e si esporta in CSV, XLSX e PDF; gli stessi dati dall'API."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "reports:index": PageHelp(
        _("Elenco dei report"),
        _(
            "I report che i tuoi ruoli possono eseguire, per area. Quelli segnati «dati dei "
            "pazienti» registrano ogni esecuzione nel registro degli accessi."
        ),
    ),
    "reports:report": PageHelp(
        _("Report"),
        _(
            "Scegli i filtri ed esegui: il periodo è di norma l'anno in corso. Un report "
            "senza dati dei pazienti si esegue all'apertura. Un periodo lungo prepara il "
            "report in background: una barra mostra l'avanzamento e il risultato resta "
            "scaricabile fra le esecuzioni conservate. L'estrazione pseudonimizzata (chi ne "
            "ha il permesso) sostituisce i pazienti con un codice cifrato e riduce le date "
            "al mese."
        ),
    ),
    "reports:run": PageHelp(
        _("Esecuzione del report"),
        _(
            "Un report preparato in background: la barra di avanzamento si aggiorna da "
            "sola; pronto, si consulta e si scarica in CSV, XLSX o PDF."
        ),
    ),
}

# Downloads and the progress poll of the pages above.
NOT_PAGES: frozenset[str] = frozenset(
    {"reports:export", "reports:run_status", "reports:run_download"}
)
