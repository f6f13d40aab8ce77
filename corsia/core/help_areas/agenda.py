"""Help of the agenda's pages: day hospital and outpatient agendas, the day planner, call-ins."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "agenda": PageHelp(
        _("Agenda"),
        _(
            "Le agende del day hospital e degli ambulatori: la giornata per poltrona e letto, "
            "la settimana, le convocazioni. Ogni spostamento chiede il motivo."
        ),
    ),
}

PAGES: dict[str, PageHelp] = {
    "agenda:index": PageHelp(
        _("Agende"),
        _("Le agende dei reparti: scegli quella del tuo day hospital o ambulatorio."),
    ),
    "agenda:day": PageHelp(
        _("Giornata dell'agenda"),
        _(
            "Ogni riga è una poltrona o un letto, ogni blocco un accesso (CUP: prenotato dal "
            "CUP regionale). Con Tab raggiungi un accesso; le frecce lo spostano di uno slot o "
            "di un posto e chiedono il motivo; Invio apre le azioni (conferma, arrivo, inizio, "
            "fine, annulla, blocca). Due pazienti sullo stesso posto alla stessa ora non sono "
            "mai accettati. Per prenotare cerca il paziente per nome, nosologico o codice "
            "fiscale e sceglilo tra i trovati."
        ),
    ),
    "agenda:setup": PageHelp(
        _("Tipi di accesso, posti e CUP"),
        _(
            "I tipi di accesso (durata, esami prima, osservazione), i letti e le poltrone del "
            "reparto che l'agenda prenota e le prestazioni del CUP che arrivano qui. Nulla si "
            "cancella: si disattiva. Un posto con prenotazioni future non si toglie."
        ),
    ),
    "agenda:plan": PageHelp(
        _("Ottimizza la giornata"),
        _(
            "L'ottimizzatore propone posto, convocazione e inizio di ogni accesso che si può "
            "spostare, per chiudere la giornata prima e far attendere meno i pazienti; gli "
            "accessi iniziati o bloccati restano dove sono. «Calcola il piano» lo fa calcolare "
            "in background; qui trovi i piani richiesti per il giorno. Nulla cambia finché non "
            "premi «Applica» con il motivo: tutte le prenotazioni si spostano insieme o "
            "nessuna."
        ),
    ),
    "agenda:plan_status": PageHelp(
        _("Piano della giornata"),
        _(
            "Il piano richiesto: «in calcolo» finché il servizio in background lo calcola (la "
            "pagina si aggiorna da sola), poi posto, convocazione e inizio proposti per ogni "
            "accesso. Turni e pause degli infermieri, la chiusura a pranzo e le preparazioni "
            "della farmacia sono rispettati; gli accessi iniziati o bloccati non si spostano. "
            "«Applica» con il motivo sposta tutto o nulla; se una prenotazione è cambiata dopo "
            "il calcolo il piano non si applica: ricalcolarlo."
        ),
    ),
    "agenda:week": PageHelp(
        _("Settimana dell'agenda"),
        _("Gli accessi di ogni giorno della settimana, la capienza e gli infermieri in servizio."),
    ),
    "agenda:call_in": PageHelp(
        _("Convocazioni"),
        _(
            "L'elenco dei pazienti da convocare con l'ora di arrivo (prelievo compreso): si "
            "stampa o si esporta in CSV."
        ),
    ),
    "agenda:organisation": PageHelp(
        _("Organizzazione dell'agenda"),
        _(
            "Orari e turni per giorno della settimana, giorni di chiusura (con motivo) e "
            "infermieri in servizio con l'orario del turno e le pause: durante una pausa il "
            "piano non assegna avvii di terapia a quell'infermiere. Un giorno con "
            "prenotazioni non si chiude: spostale prima."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "agenda:call_in_csv",
        "agenda:call_in_pdf",
        "agenda:reminders",
        "agenda:book",
        "agenda:move",
        "agenda:transition",
        "agenda:lock",
        "agenda:plan_apply",
        "agenda:plan_request",
    }
)
