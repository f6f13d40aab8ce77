"""Help of the venous access register's pages (issues 16 and 17)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "vascular": PageHelp(
        _("Accessi vascolari"),
        _(
            "Il registro degli accessi venosi periferici e centrali: impianto, gestione "
            "quotidiana, complicanze, rimozione e statistiche."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "vascular:list": PageHelp(
        _("Accessi vascolari in sede"),
        _(
            "Gli accessi in sede dei pazienti che puoi consultare (o di un reparto): giorni "
            "in sede, medicazione in scadenza o scaduta (pellicola trasparente 7 giorni, "
            "garza 2), ultimo VIP segnalato da 2 in su; sotto, gli impianti richiesti."
        ),
    ),
    "vascular:patient": PageHelp(
        _("Accessi vascolari del paziente"),
        _(
            "Gli accessi del paziente, in sede e rimossi. Da qui si registra un inserimento "
            "(tipo, calibro in G o Fr, vena e lato, tecnica, verifica della punta, tentativi, "
            "operatore, incidenti) o si richiede un impianto."
        ),
    ),
    "vascular:device": PageHelp(
        _("Accesso vascolare"),
        _(
            "I dati dell'impianto, la gestione (valutazione con VIP per i periferici, "
            "medicazione, lavaggio, chiusura, connettore), le complicanze con la data e la "
            "rimozione. Nulla si cancella: una correzione è una nuova riga con il motivo."
        ),
    ),
    "vascular:statistics": PageHelp(
        _("Statistiche degli accessi vascolari"),
        _(
            "Complicanze e CRBSI per 1.000 giorni-catetere per tipo di accesso, operatore e "
            "materiale, con la permanenza mediana, nel periodo scelto; scaricabili in CSV."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "vascular:statistics_csv",
        "vascular:insert",
        "vascular:request",
        "vascular:insert_planned",
        "vascular:cancel",
        "vascular:care",
        "vascular:complication",
        "vascular:removal",
        "vascular:correct",
    }
)
