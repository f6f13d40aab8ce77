"""Help of the nursing record's pages (issue 16, §20)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "nursing": PageHelp(
        _("Cartella infermieristica"),
        _(
            "Valutazioni con le scale, il loro andamento e i parametri vitali del paziente. "
            "Si apre dalla cartella clinica."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "nursing:patient": PageHelp(
        _("Cartella infermieristica"),
        _(
            "Scegli una scala per valutare il paziente; sotto trovi l'andamento di ogni scala "
            "nel tempo e i parametri vitali della cartella clinica."
        ),
    ),
    "nursing:assess": PageHelp(
        _("Valutazione con scala"),
        _(
            "Rispondi a ogni voce: il punteggio e la fascia sono calcolati con le regole "
            "pubblicate della scala. Una voce senza risposta viene segnalata."
        ),
    ),
    "nursing:assessment": PageHelp(
        _("Valutazione"),
        _(
            "Risposte e punti di ogni voce. Per correggere indica il motivo: la valutazione "
            "originale resta nella storia."
        ),
    ),
    "nursing:anamnesis": PageHelp(
        _("Anamnesi infermieristica"),
        _(
            "Motivo dell'ingresso e una nota per ciascun modello funzionale di Gordon. Ogni "
            "aggiornamento è una nuova versione con il motivo; le precedenti restano."
        ),
    ),
    "nursing:plan": PageHelp(
        _("Piano assistenziale"),
        _(
            "I problemi del paziente con obiettivi misurabili e interventi pianificati. Applica "
            "un modello del reparto e adattalo; registra ogni intervento (eseguito o no, con il "
            "motivo); valuta gli obiettivi per continuare, rivedere o chiudere il problema."
        ),
    ),
    "nursing:discharge": PageHelp(
        _("Dimissione infermieristica"),
        _(
            "La sintesi per il setting successivo: problemi aperti, dispositivi e ultimi valori "
            "delle scale. Registrandola, i problemi aperti si chiudono su questo piano."
        ),
    ),
    "nursing:care_templates": PageHelp(
        _("Modelli di piano assistenziale"),
        _(
            "I modelli del reparto (problema, obiettivi, interventi). Una nuova formulazione è "
            "una nuova versione: i piani che usano la precedente non cambiano. Un modello si "
            "ritira o si rimette in uso con il motivo."
        ),
    ),
    "nursing:scales": PageHelp(
        _("Scale di valutazione"),
        _(
            "Le scale fornite e quelle del reparto. Una nuova scala, o una nuova versione con "
            "altre soglie, si definisce in JSON e viene controllata prima dell'uso."
        ),
    ),
    "nursing:scale": PageHelp(
        _("Scala di valutazione"),
        _("Voci, punti, fasce e fonte della scala; da qui si ritira o si rimette in uso."),
    ),
}

NOT_PAGES: frozenset[str] = frozenset(
    {
        "nursing:scale_activation",
        "nursing:care_template_activation",
        "nursing:note_write",
        "nursing:monitoring",
        "nursing:plan_action",
        "nursing:correct_written",
    }
)
