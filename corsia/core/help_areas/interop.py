"""Help of the HL7 interface's pages: messages received and sent, subscribers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "interop": PageHelp(
        _("Interfaccia HL7"),
        _(
            "Corsia riceve da ADT e laboratorio pazienti, ricoveri ed esami: qui i sistemi "
            "informativi controllano i messaggi e rielaborano quelli in errore."
        ),
    ),
}

PAGES: dict[str, PageHelp] = {
    "interop:messages": PageHelp(
        _("Messaggi HL7"),
        _(
            "I messaggi ricevuti da ADT e laboratorio, dal più recente. Filtra per stato: "
            "«in errore» e «in attesa» sono quelli da guardare; aprine uno per leggerlo."
        ),
    ),
    "interop:message": PageHelp(
        _("Messaggio HL7"),
        _(
            "Il testo ricevuto, l'ACK inviato e l'esito. Un messaggio in errore o in attesa "
            "si rielabora, con il motivo, dopo aver corretto la causa (per esempio il reparto "
            "mancante)."
        ),
    ),
    "interop:outbound": PageHelp(
        _("Messaggio HL7 inviato"),
        _(
            "Il testo inviato, l'ACK del destinatario e i tentativi. Un messaggio fallito o "
            "scaduto si reinvia, con il motivo, dopo che il destinatario ha corretto la causa."
        ),
    ),
    "interop:subscribers": PageHelp(
        _("Destinatari dei messaggi HL7"),
        _(
            "I sistemi che ricevono le somministrazioni (RAS^O17) e le consegne dell'UFA "
            "(RDS^O13): indirizzo, porta, tipi di messaggio, attivo o no."
        ),
    ),
    "interop:subscriber": PageHelp(
        _("Destinatario HL7"),
        _(
            "Modifica indirizzo, porta e tipi di messaggio del destinatario, o disattivalo: "
            "i suoi messaggi restano in coda finché torna attivo."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "interop:replay",
        "interop:resend",
    }
)
